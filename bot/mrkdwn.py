"""Escaping for Slack mrkdwn: user-written text shown back must never ping, link or format."""

from __future__ import annotations


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control in mrkdwn.

    With `&`, `<` and `>` escaped, `<!channel>`, `<@U123>` and `<https://x|label>` render as
    inert text, which is the whole defence against feedback that pings or disguises a link.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: str, *, limit: int = 2900) -> str:
    """An escaped block quote, cut to fit a section (3,000 characters) with room to spare."""
    escaped = escape(text)
    if len(escaped) > limit:
        escaped = escaped[: limit - 1].rstrip() + "…"
    return "\n".join("> " + line if line else ">" for line in escaped.splitlines() or [""])
