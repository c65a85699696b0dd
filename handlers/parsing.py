"""Slack's wire formats: escaped mentions, channels, links and entities in command text."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.blocks import settings as settings_blocks
from bot.blocks import updates as updates_blocks

USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
_MARKUP = re.compile(r"<([^<>]*)>")


def plain_from_command(text: str) -> str:
    """Turn slash-command text into what the person typed, minus Slack's machine markup.

    Mentions become `@name` (or `@someone`), channels `#name`, links their label and URL, and
    `&amp; &lt; &gt;` what they stand for. Ids of mentioned people are never kept.
    """
    return html.unescape(plain_from_markup(text)) if "&" in text else plain_from_markup(text)


def plain_from_markup(text: str) -> str:
    return _MARKUP.sub(_replace, text)


def _replace(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or "someone")
    if target.startswith("#"):
        return "#" + (label or "channel")
    if target.startswith("!"):
        name = label or target[1:].split("^")[0]
        return "@" + name.removeprefix("@")
    if label:
        return f"{label} ({target})"
    return target


@dataclass
class Targets:
    users: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


_TOKEN = re.compile(r"<[^<>]*>|\S+")


def command_words(text: str) -> list[str]:
    """Slash-command text as words, with each `<@U…|label>` / `<#C…|label>` kept whole even
    when its label has spaces ("<@U1|Ana Lima>")."""
    return _TOKEN.findall(text)


def parse_targets(tokens: list[str]) -> Targets:
    """Split `<@U…>` / `<#C…>` tokens; anything else (plain `@name`) is unresolved."""
    targets = Targets()
    for token in tokens:
        if user := USER.match(token):
            if user.group(1) not in targets.users:
                targets.users.append(user.group(1))
        elif channel := CHANNEL.match(token):
            if channel.group(1) not in targets.channels:
                targets.channels.append(channel.group(1))
        else:
            targets.unresolved.append(html.unescape(token))  # escaped again when shown
    return targets


def input_value(values: dict[str, Any], *, block: str, action: str) -> str:
    """A plain-text input's value from `view.state.values`; empty when missing."""
    return str((values.get(block, {}).get(action, {}) or {}).get("value") or "")


def checkin_button_value(raw: str) -> tuple[int, str] | None:
    """A check-in button's value, `"12:partly"` → (12, "partly"); None for anything we did
    not send (see `bot.blocks.checkin.button_value`)."""
    cycle, _, answer = raw.partition(":")
    return (int(cycle), answer) if cycle.isdigit() else None


def settings_form_values(state: Mapping[str, Any]) -> dict[str, str | None]:
    """The settings modal's submitted state → field name → typed text (a theme choice as a
    comma list)."""
    values: dict[str, str | None] = {}
    for name in settings_blocks.FIELDS:
        entry = (state.get(name) or {}).get(settings_blocks.INPUT) or {}
        if "selected_options" in entry:
            values[name] = ",".join(o["value"] for o in entry["selected_options"] or [])
        else:
            values[name] = entry.get("value")
    return values


def update_form_values(state: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The "you said, we did" modal's submitted state → (theme id, text)."""
    block = (state.get(updates_blocks.THEME_BLOCK) or {}).get(updates_blocks.INPUT) or {}
    theme = block.get("selected_option") or {}
    text = ((state.get(updates_blocks.TEXT_BLOCK) or {}).get(updates_blocks.INPUT) or {}).get(
        "value"
    )
    return theme.get("value"), text
