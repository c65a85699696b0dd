"""The check-in comment modal was submitted: store it as anonymous feedback."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest
from sqlalchemy.exc import OperationalError

from bot import checkins, feedback, messages
from bot.blocks.checkin import COMMENT_BLOCK, COMMENT_INPUT, COMMENT_MODAL
from handlers.actions.checkin_answer import redraw
from handlers.context import request_receipt, services, set_outcome
from handlers.parsing import input_value

logger = logging.getLogger(__name__)


def submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, request: BoltRequest
) -> None:
    pulse = services(context)
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
        cycle_id = int(metadata["cycle"])
    except (ValueError, KeyError, TypeError):
        set_outcome(context, "invalid")
        ack()
        return
    values = view["state"]["values"]
    text = input_value(values, block=COMMENT_BLOCK, action=COMMENT_INPUT)
    user_id = body["user"]["id"]
    try:
        result = checkins.record_comment(
            pulse,
            cycle_id=cycle_id,
            user_id=user_id,
            text=text,
            receipt=request_receipt(context, request),
        )
    except feedback.FeedbackRefused as refused:
        set_outcome(context, f"refused:{refused.refusal.value}")
        ack(response_action="errors", errors={COMMENT_BLOCK: refused.message})
        return
    except checkins.CycleClosed:
        set_outcome(context, "closed")
        ack(response_action="errors", errors={COMMENT_BLOCK: messages.CHECKIN_CLOSED})
        return
    except OperationalError:
        logger.exception("check-in comment not stored: database unavailable")
        set_outcome(context, "db_unavailable")
        ack(response_action="errors", errors={COMMENT_BLOCK: messages.DATABASE_DOWN})
        return
    set_outcome(context, "duplicate" if result.duplicate else "stored")
    ack()
    where = metadata.get("where")
    if isinstance(where, list) and len(where) == 2:
        pulse.background.submit(
            redraw,
            pulse,
            cycle_id=cycle_id,
            user_id=user_id,
            where=(str(where[0]), str(where[1])),
            note=messages.CHECKIN_COMMENT_THANKS,
        )


def register(app: App) -> None:
    app.view(COMMENT_MODAL)(submitted)
