"""App Home views, by role."""

from __future__ import annotations

from typing import Any

from bot import messages
from bot.blocks import VIEW_BLOCK_LIMIT, Block, button, context, divider, header, section
from bot.mrkdwn import escape

OPEN_FEEDBACK_ACTION = "home_open_feedback"


def participant_home(*, system_name: str) -> dict[str, Any]:
    blocks: list[Block] = [
        header("Change Pulse"),
        section(
            f"Change Pulse helps the team behind *{escape(system_name)}* hear how the switch "
            "is really going, so they can fix what gets in your way. Once a week you get a "
            "ten-second "
            "check-in; any time, you can tell us anything anonymously."
        ),
        {
            "type": "actions",
            "elements": [
                button("Give anonymous feedback", action_id=OPEN_FEEDBACK_ACTION, style="primary")
            ],
        },
        divider(),
        section("*What \u201canonymous\u201d means here*"),
        context(messages.ANONYMOUS_PROMISE + " " + messages.ANONYMOUS_NOT_STORED),
    ]
    return {"type": "home", "blocks": blocks[:VIEW_BLOCK_LIMIT]}
