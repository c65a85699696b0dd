"""A click on a check-in button: record it anonymously, then redraw the message in place."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import checkins, messages
from bot.blocks.checkin import checkin_closed_message, checkin_message
from bot.services import Services
from handlers.context import services, set_outcome
from handlers.parsing import checkin_button_value

logger = logging.getLogger(__name__)

ANSWER_ACTION = re.compile(r"^checkin_(mood|adoption)_")


def answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    ack()
    pulse = services(context)
    match = ANSWER_ACTION.match(action.get("action_id", ""))
    parsed = checkin_button_value(action.get("value") or "")
    if match is None or parsed is None:
        set_outcome(context, "invalid")
        return
    cycle_id, value = parsed
    user_id = body["user"]["id"]
    note = ""
    try:
        outcome = checkins.record_answer(
            pulse, cycle_id=cycle_id, user_id=user_id, question=match.group(1), value=value
        )
        set_outcome(context, outcome.value)
    except Exception:
        logger.exception("check-in answer not recorded")
        set_outcome(context, "error")
        note = messages.ERROR_GENERIC
    where = message_location(body)
    if where is not None:
        pulse.background.submit(
            redraw, pulse, cycle_id=cycle_id, user_id=user_id, where=where, note=note
        )


def message_location(body: dict[str, Any]) -> tuple[str, str] | None:
    """(channel, ts) of the message the button was on: what chat.update needs."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return (channel, ts) if channel and ts else None


def redraw(
    pulse: Services, *, cycle_id: int, user_id: str, where: tuple[str, str], note: str = ""
) -> None:
    """Show the person what is recorded now, or that the cycle has closed."""
    try:
        card = checkins.card(pulse, cycle_id=cycle_id, user_id=user_id)
        if card is None or not card.is_open:
            payload = checkin_closed_message()
        else:
            payload = checkin_message(
                cycle_id=card.cycle_id,
                system=card.system,
                key_task=card.key_task,
                closes_on=card.closes_on,
                answers=card.answers,
                note=note,
            )
        pulse.client.chat_update(channel=where[0], ts=where[1], **payload)
    except Exception:
        logger.exception("check-in recorded but the message could not be updated")


def register(app: App) -> None:
    app.action(ANSWER_ACTION)(answer)
