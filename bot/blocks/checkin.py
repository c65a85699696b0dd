"""The weekly check-in DM, its reminder, the closed notice and the comment modal.

Button values carry the cycle id and the answer, never who clicked: Slack tells us that with
each click, and a stale button from an old message can only ever point at its own cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot import messages
from bot.blocks import Block, button, context, message, plain, section
from bot.mrkdwn import escape

MOOD_ACTION = "checkin_mood_"  # + "1".."5"
ADOPTION_ACTION = "checkin_adoption_"  # + "yes" | "partly" | "no_old_way"
COMMENT_ACTION = "checkin_comment"
COMMENT_MODAL = "checkin_comment_modal"
COMMENT_BLOCK = "checkin_comment_text"
COMMENT_INPUT = "text"

MOODS: dict[str, str] = {"1": "1", "2": "2", "3": "3", "4": "4", "5": "5"}
ADOPTION: dict[str, str] = {
    "yes": "Yes",
    "partly": "Partly",
    "no_old_way": "No, I used the old way",
}
QUESTIONS: dict[str, dict[str, str]] = {"mood": MOODS, "adoption": ADOPTION}
ACTION_PREFIX = {"mood": MOOD_ACTION, "adoption": ADOPTION_ACTION}


def button_value(cycle_id: int, answer: str) -> str:
    return f"{cycle_id}:{answer}"


def mood_question(system: str) -> str:
    return f"How is the switch to *{escape(system)}* going for you this week?"


def adoption_question(system: str, key_task: str) -> str:
    return f"This week, did you do *{escape(key_task)}* in *{escape(system)}*?"


def checkin_message(
    *,
    cycle_id: int,
    system: str,
    key_task: str,
    closes_on: date,
    answers: Mapping[str, str] | None = None,
    reminder: bool = False,
    note: str = "",
) -> dict[str, Any]:
    """The check-in with what this person has recorded so far (shown only to them)."""
    answers = answers or {}
    intro = (
        ":wave: A gentle reminder: this week's check-in is still open. It takes ten seconds."
        if reminder
        else ":wave: Your weekly check-in. It takes ten seconds."
    )
    blocks: list[Block] = [
        section(intro),
        section(mood_question(system)),
        _choices("mood", cycle_id, MOODS, chosen=answers.get("mood")),
        context("1 = it's going badly · 5 = it's going great"),
        section(adoption_question(system, key_task)),
        _choices("adoption", cycle_id, ADOPTION, chosen=answers.get("adoption")),
        {
            "type": "actions",
            "block_id": "checkin_comment",
            "elements": [
                button(
                    "Add a comment (anonymous)",
                    action_id=COMMENT_ACTION,
                    value=button_value(cycle_id, "comment"),
                )
            ],
        },
    ]
    recorded = _recorded_line(answers)
    if recorded or note:
        lines = [f":white_check_mark: {recorded}" if recorded else "", note]
        blocks.append(section("\n".join(line for line in lines if line)))
        blocks.append(
            context(
                f"You can change your answers until the check-in closes on "
                f"{closes_on:%A} {closes_on.day} {closes_on:%B}. {messages.CHECKIN_ANONYMOUS}"
            )
        )
    else:
        blocks.append(context(messages.CHECKIN_ANONYMOUS))
    text = (
        f"How is the switch to {escape(system)} going for you this week? "
        "Answer with one click; it is anonymous."
    )
    if reminder:
        text = "Reminder: " + text
    return message(text, blocks)


def checkin_closed_message() -> dict[str, Any]:
    return message(messages.CHECKIN_CLOSED, [section(":lock: " + messages.CHECKIN_CLOSED)])


def comment_modal(*, private_metadata: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": COMMENT_MODAL,
        "private_metadata": private_metadata,
        "title": plain("Anonymous comment"),
        "submit": plain("Send anonymously"),
        "close": plain("Cancel"),
        "blocks": [
            section(
                "Anything about this week: what helped, what got in the way. "
                + messages.ANONYMOUS_PROMISE
            ),
            {
                "type": "input",
                "block_id": COMMENT_BLOCK,
                "label": plain("Your comment"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": COMMENT_INPUT,
                    "multiline": True,
                    "max_length": messages.FEEDBACK_LIMIT,
                },
            },
        ],
    }


def _choices(
    question: str, cycle_id: int, options: Mapping[str, str], *, chosen: str | None
) -> Block:
    return {
        "type": "actions",
        "block_id": f"checkin_{question}",
        "elements": [
            button(
                label,
                action_id=ACTION_PREFIX[question] + value,
                value=button_value(cycle_id, value),
                style="primary" if value == chosen else None,
            )
            for value, label in options.items()
        ],
    }


def _recorded_line(answers: Mapping[str, str]) -> str:
    parts = []
    if "mood" in answers:
        parts.append(f"how it's going *{answers['mood']}/5*")
    if "adoption" in answers:
        parts.append(f"key task *{ADOPTION.get(answers['adoption'], answers['adoption'])}*")
    return ("Recorded anonymously: " + ", ".join(parts) + ".") if parts else ""
