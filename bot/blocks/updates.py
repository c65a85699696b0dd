""" "You said, we did" as Block Kit: the lead's modal, the DM to the audience, the App Home list.

The lead's text is shown to everyone, so it is escaped like any user-written text: an update
can neither ping `@channel` nor disguise a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.blocks import Block, context, message, plain, section
from bot.mrkdwn import escape, quote

if TYPE_CHECKING:
    from bot.updates import Update

UPDATE_MODAL = "you_said_we_did"
THEME_BLOCK = "theme"
TEXT_BLOCK = "text"
INPUT = "value"
TITLE = "You said, we did"


def update_modal(*, themes: Sequence[tuple[str, str]], limit: int) -> dict[str, Any]:
    """The lead picks what the feedback was about and says what was done."""
    return {
        "type": "modal",
        "callback_id": UPDATE_MODAL,
        "title": plain(TITLE),
        "submit": plain("Post to everyone"),
        "close": plain("Cancel"),
        "blocks": [
            section(
                "Tell everyone in the audience what changed because of their feedback. It "
                "arrives as a DM once and stays on everyone's App Home."
            ),
            {
                "type": "input",
                "block_id": THEME_BLOCK,
                "label": plain("What people said was about"),
                "element": {
                    "type": "static_select",
                    "action_id": INPUT,
                    "placeholder": plain("Pick a theme"),
                    "options": [
                        {"text": plain(title[:75]), "value": theme_id} for theme_id, title in themes
                    ],
                },
            },
            {
                "type": "input",
                "block_id": TEXT_BLOCK,
                "label": plain("What we did"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": INPUT,
                    "multiline": True,
                    "max_length": limit,
                    "placeholder": plain("e.g. The export now takes one click; here is how…"),
                },
            },
        ],
    }


def update_posted_view() -> dict[str, Any]:
    """Replaces the form once stored, so the lead sees it worked before closing."""
    return {
        "type": "modal",
        "title": plain(TITLE),
        "close": plain("Done"),
        "blocks": [
            section(
                ":white_check_mark: Posted. It is on its way to everyone in the audience as a "
                "DM (once each) and now shows on everyone's App Home."
            )
        ],
    }


def update_message(*, update: Update, system_name: str) -> dict[str, Any]:
    """The DM everyone in the audience gets once."""
    headline = f"You said, we did: {escape(update.theme_title)}"
    blocks: list[Block] = [
        section(f":loudspeaker: *{headline}*\n{quote(update.text)}"),
        context(
            f"An update from the change lead of *{escape(system_name)}*, because of what people "
            "said in check-ins and anonymous feedback. Keep it coming with `/feedback`."
        ),
    ]
    return message(f"{headline}: {escape(update.text)}", blocks)


def updates_blocks(updates: Sequence[Update]) -> list[Block]:
    """The App Home list, newest first; a line saying none yet rather than nothing."""
    blocks: list[Block] = [section("*You said, we did*")]
    if not updates:
        blocks.append(
            context("Nothing posted yet. When the change lead acts on feedback, it shows up here.")
        )
        return blocks
    for update in updates:
        blocks.append(
            section(
                f"*{escape(update.theme_title)}* · {update.posted_on.day} "
                f"{update.posted_on:%b %Y}\n{quote(update.text, limit=2800)}"
            )
        )
    return blocks
