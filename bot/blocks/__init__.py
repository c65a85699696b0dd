"""Pure Block Kit builders: data in, blocks out, no Slack calls, tested on their own."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]

SECTION_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
MODAL_TITLE_LIMIT = 24
TOO_LONG = "_…and more: the rest is too long for one Slack message._"


def section(text: str) -> Block:
    if len(text) > SECTION_LIMIT:
        text = text[: SECTION_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def sections(text: str, *, most: int = MESSAGE_BLOCK_LIMIT) -> list[Block]:
    """Long mrkdwn as as many sections as it needs (at most `most`), split between lines, or
    after the ", " of a long list, so a mention or link is never cut in half (one section takes
    3,000 characters). What does not fit in `most` sections is cut, and the last one says so."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        while len(line) > SECTION_LIMIT:
            cut = line.rfind(", ", 0, SECTION_LIMIT - 1)
            cut = cut + 2 if cut > 0 else SECTION_LIMIT
            pieces.append(line[:cut])
            line = line[cut:]
        pieces.append(line)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > SECTION_LIMIT:
            chunks.append(current)
            current = ""
        current += piece
    chunks.append(current)
    chunks = [chunk.rstrip("\n") for chunk in chunks if chunk.strip()] or [text.strip() or "…"]
    if len(chunks) > most:
        chunks = [*chunks[: most - 1], TOO_LONG]
    return [section(chunk) for chunk in chunks]


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_LIMIT]}]}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150], "emoji": True}}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, *, action_id: str, value: str = "", style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text[:75], "emoji": True},
        "action_id": action_id,
    }
    if value:
        element["value"] = value
    if style:
        element["style"] = style
    return element


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def message(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A message payload that always carries fallback text.

    More than 50 blocks is a builder bug (Slack would refuse the message), and cutting them
    here would silently drop content, so it raises: builders split or summarise themselves.
    """
    if len(blocks) > MESSAGE_BLOCK_LIMIT:
        raise ValueError(f"{len(blocks)} blocks; a message takes {MESSAGE_BLOCK_LIMIT}")
    return {"text": text[:SECTION_LIMIT], "blocks": blocks}
