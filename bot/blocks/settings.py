"""The `/pulse settings` modal: one input per team setting, prefilled with today's values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import messages
from bot.analysis import THEMES
from bot.blocks import Block, context, plain, section
from bot.team_settings import FIELDS, DecimalField, NumberField, ThemesField

SETTINGS_MODAL = "pulse_settings"
INPUT = "value"


def settings_modal(*, values: Mapping[str, str]) -> dict[str, Any]:
    blocks: list[Block] = []
    for name, spec in FIELDS.items():
        block: Block = {"type": "input", "block_id": name, "label": plain(spec.label)}
        if isinstance(spec, ThemesField):
            block["element"] = _themes_select(values.get(name) or "")
            block["optional"] = True
            block["hint"] = plain(spec.hint)
            blocks.append(block)
            continue
        if isinstance(spec, NumberField | DecimalField):
            element: dict[str, Any] = {
                "type": "number_input",
                "action_id": INPUT,
                "is_decimal_allowed": isinstance(spec, DecimalField),
                "min_value": f"{spec.low:g}",
                "max_value": f"{spec.high:g}",
            }
        else:
            element = {
                "type": "plain_text_input",
                "action_id": INPUT,
                "max_length": spec.max_length,
            }
        if values.get(name):
            element["initial_value"] = values[name]
        block["element"] = element
        blocks.append(block)
    blocks.append(
        context(
            "Changes apply from the next check-in (one that is already open keeps its questions) "
            "and the next alert."
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


def _themes_select(stored: str) -> dict[str, Any]:
    options = {
        theme_id: {"text": plain(theme.title), "value": theme_id}
        for theme_id, theme in THEMES.items()
    }
    element: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": INPUT,
        "placeholder": plain("No theme muted"),
        "options": list(options.values()),
    }
    chosen = [options[t] for t in stored.split(",") if t in options]
    if chosen:
        element["initial_options"] = chosen
    return element


def settings_saved_view() -> dict[str, Any]:
    """Replaces the form after a save, so the lead sees it worked before closing."""
    return {
        "type": "modal",
        "title": plain("Change Pulse settings"),
        "close": plain("Done"),
        "blocks": [section(":white_check_mark: " + messages.SETTINGS_SAVED)],
    }
