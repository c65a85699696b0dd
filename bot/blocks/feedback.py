"""The anonymous feedback modal and the confirmation a person sees after sending."""

from __future__ import annotations

from typing import Any

from bot import messages
from bot.blocks import Block, context, message, plain, section
from bot.mrkdwn import quote

FEEDBACK_MODAL = "feedback_modal"
TEXT_BLOCK = "feedback_text"
TEXT_ACTION = "text"
TOPIC_BLOCK = "feedback_topic"
TOPIC_ACTION = "topic"


def feedback_modal(*, topics: dict[str, str], private_metadata: str = "") -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": FEEDBACK_MODAL,
        "private_metadata": private_metadata,
        "title": plain("Anonymous feedback"),
        "submit": plain("Send anonymously"),
        "close": plain("Cancel"),
        "blocks": [
            section("What's working, what isn't, what would help? " + messages.ANONYMOUS_PROMISE),
            {
                "type": "input",
                "block_id": TEXT_BLOCK,
                "label": plain("Your feedback"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": TEXT_ACTION,
                    "multiline": True,
                    "max_length": messages.FEEDBACK_LIMIT,
                    "placeholder": plain("Say it the way you'd say it to a colleague"),
                },
            },
            {
                "type": "input",
                "block_id": TOPIC_BLOCK,
                "optional": True,
                "label": plain("Topic"),
                "element": {
                    "type": "static_select",
                    "action_id": TOPIC_ACTION,
                    "placeholder": plain("Pick one if it fits"),
                    "options": [
                        {"text": plain(label), "value": value} for value, label in topics.items()
                    ],
                },
            },
        ],
    }


def feedback_recorded(*, text: str) -> dict[str, Any]:
    blocks: list[Block] = [
        section(f":white_check_mark: *{messages.FEEDBACK_THANKS}*\n{quote(text)}"),
        context(messages.FEEDBACK_WHAT_NEXT),
    ]
    return message(messages.FEEDBACK_THANKS, blocks)


def feedback_not_stored(*, text: str) -> dict[str, Any]:
    return message(
        messages.FEEDBACK_STORE_FAILED,
        [section(messages.FEEDBACK_STORE_FAILED + "\n" + quote(text))],
    )


def refusal(*, text: str) -> dict[str, Any]:
    return message(text, [section(text)])
