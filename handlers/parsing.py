"""Slack's wire formats: escaped mentions, channels, links and entities in command text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

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
