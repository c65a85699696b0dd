"""The `/pulse settings` modal: one input per team setting, prefilled with today's values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import messages
from bot.blocks import Block, context, plain, section
from bot.team_settings import FIELDS, NumberField

SETTINGS_MODAL = "pulse_settings"
INPUT = "value"


def settings_modal(*, values: Mapping[str, str]) -> dict[str, Any]:
    blocks: list[Block] = []
    for name, spec in FIELDS.items():
        if isinstance(spec, NumberField):
            element: dict[str, Any] = {
                "type": "number_input",
                "action_id": INPUT,
                "is_decimal_allowed": False,
                "min_value": str(spec.low),
                "max_value": str(spec.high),
            }
        else:
            element = {
                "type": "plain_text_input",
                "action_id": INPUT,
                "max_length": spec.max_length,
            }
        if values.get(name):
            element["initial_value"] = values[name]
        blocks.append(
            {"type": "input", "block_id": name, "label": plain(spec.label), "element": element}
        )
    blocks.append(
        context(
            "Changes apply from the next check-in; one that is already open keeps its questions."
        )
    )
    return {
        "type": "modal",
        "callback_id": SETTINGS_MODAL,
        "title": plain("Change Pulse settings"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def form_values(state: Mapping[str, Any]) -> dict[str, str | None]:
    """The submitted view's state → field name → typed text."""
    return {name: ((state.get(name) or {}).get(INPUT) or {}).get("value") for name in FIELDS}


def settings_saved_view() -> dict[str, Any]:
    """Replaces the form after a save, so the lead sees it worked before closing."""
    return {
        "type": "modal",
        "title": plain("Change Pulse settings"),
        "close": plain("Done"),
        "blocks": [section(":white_check_mark: " + messages.SETTINGS_SAVED)],
    }
