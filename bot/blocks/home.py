"""App Home views, by role: everyone's part, the champion's digest summary, the lead's
dashboard and buttons. Pure builders; `bot.home` gathers what they show.

Layout: a notice (the result of the last button pressed) on top, then the role's own part,
then what every participant sees: their check-in status, the feedback button, "you said, we
did" updates and what "anonymous" means. Always within the 100-block limit of a view.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot import messages
from bot.blocks import VIEW_BLOCK_LIMIT, Block, button, context, divider, header, plain, section
from bot.blocks.digest import champion_home_summary
from bot.blocks.report import lead_home_summary
from bot.blocks.updates import updates_blocks
from bot.mrkdwn import escape

if TYPE_CHECKING:
    from bot.checkins import PersonalStatus
    from bot.reports.digest import Digest, Report
    from bot.updates import Update

OPEN_FEEDBACK_ACTION = "home_open_feedback"
SETTINGS_ACTION = "home_settings"
SEND_NOW_ACTION = "home_send_now"
DIGEST_NOW_ACTION = "home_digest_now"
EXPORT_ACTION = "home_export"
POST_UPDATE_ACTION = "home_post_update"


def participant_home(
    *,
    system_name: str,
    checkin: PersonalStatus | None = None,
    updates: Sequence[Update] = (),
    notice: str | None = None,
) -> dict[str, Any]:
    """What everyone sees; champions and leads see it below their own part."""
    return _home(_top(notice) + _participant_blocks(system_name, checkin, updates))


def champion_home(
    *,
    system_name: str,
    checkin: PersonalStatus | None,
    updates: Sequence[Update],
    digest: Digest | None,
    notice: str | None = None,
) -> dict[str, Any]:
    role = [*champion_home_summary(digest), divider()]
    return _home(_top(notice) + role + _participant_blocks(system_name, checkin, updates))


def lead_home(
    *,
    system_name: str,
    checkin: PersonalStatus | None,
    updates: Sequence[Update],
    report: Report,
    notice: str | None = None,
) -> dict[str, Any]:
    """The dashboard and the lead's buttons, which do what the matching `/pulse` commands do."""
    role = [*lead_home_summary(report), lead_actions(), divider()]
    return _home(_top(notice) + role + _participant_blocks(system_name, checkin, updates))


def lead_actions() -> Block:
    send_now = button("Send check-in now", action_id=SEND_NOW_ACTION)
    send_now["confirm"] = {
        "title": plain("Send the check-in now?"),
        "text": plain("Everyone in the audience who hasn't had this week's check-in gets it now."),
        "confirm": plain("Send"),
        "deny": plain("Cancel"),
    }
    return {
        "type": "actions",
        "block_id": "lead_actions",
        "elements": [
            button('Post "you said, we did"', action_id=POST_UPDATE_ACTION, style="primary"),
            send_now,
            button("Send digest now", action_id=DIGEST_NOW_ACTION),
            button("Export CSV", action_id=EXPORT_ACTION),
            button("Settings", action_id=SETTINGS_ACTION),
        ],
    }


def checkin_status_text(checkin: PersonalStatus) -> str:
    if checkin.week is None:
        return (
            ":calendar: No check-in is open right now. Your next one arrives "
            f"{_when(checkin.next_checkin)}, your time."
        )
    if checkin.answered:
        return (
            ":white_check_mark: You've answered this week's check-in. Thank you! You can change "
            "your answers from the message until it closes."
        )
    if checkin.received:
        return (
            ":wave: This week's check-in is waiting in your DMs from Change Pulse. It takes ten "
            "seconds."
        )
    return "This week's check-in is open, but you are not in its audience."


def _top(notice: str | None) -> list[Block]:
    blocks: list[Block] = [header("Change Pulse")]
    if notice:
        blocks.append(section(notice))
    return blocks


def _participant_blocks(
    system_name: str, checkin: PersonalStatus | None, updates: Sequence[Update]
) -> list[Block]:
    blocks: list[Block] = [
        section(
            f"Change Pulse helps the team behind *{escape(system_name)}* hear how the switch "
            "is really going, so they can fix what gets in your way. Once a week you get a "
            "ten-second check-in; any time, you can tell us anything anonymously."
        ),
    ]
    if checkin is not None:
        blocks.append(section(checkin_status_text(checkin)))
    blocks += [
        {
            "type": "actions",
            "elements": [
                button("Give anonymous feedback", action_id=OPEN_FEEDBACK_ACTION, style="primary")
            ],
        },
        divider(),
        *updates_blocks(updates),
        divider(),
        section("*What \u201canonymous\u201d means here*"),
        context(messages.ANONYMOUS_PROMISE + " " + messages.ANONYMOUS_NOT_STORED),
    ]
    return blocks


def _home(blocks: list[Block]) -> dict[str, Any]:
    if len(blocks) > VIEW_BLOCK_LIMIT:
        blocks = [*blocks[: VIEW_BLOCK_LIMIT - 1], context("(shortened)")]
    return {"type": "home", "blocks": blocks}


def _when(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B} at {moment:%H:%M}"
