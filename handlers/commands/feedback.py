"""`/feedback [text]`: store anonymously before the ack, or open the modal when empty."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest
from sqlalchemy.exc import OperationalError

from bot import feedback
from bot.blocks.feedback import feedback_modal, feedback_not_stored, feedback_recorded, refusal
from handlers.context import after_ack, request_receipt, services, set_outcome
from handlers.parsing import plain_from_command

logger = logging.getLogger(__name__)


def ack_feedback(ack: Ack, command: dict[str, Any], context: BoltContext, request: BoltRequest):
    text = plain_from_command(command.get("text") or "")
    pulse = services(context)
    if not text.strip():
        set_outcome(context, "modal")
        view = feedback_modal(topics=feedback.TOPICS)
        after_ack(
            context,
            "opening the feedback modal",
            pulse.client.views_open,
            trigger_id=command["trigger_id"],
            view=view,
        )
        ack()
        return
    try:
        result = feedback.submit(
            db=pulse.db,
            clock=pulse.clock,
            team_id=pulse.team_id,
            author_id=command["user_id"],
            text=text,
            topic=None,
            receipt=request_receipt(context, request),
        )
    except feedback.FeedbackRefused as refused:
        set_outcome(context, f"refused:{refused.refusal.value}")
        ack(**refusal(text=refused.message))
        return
    except OperationalError:
        logger.exception("feedback not stored: database unavailable")
        set_outcome(context, "db_unavailable")
        ack(**feedback_not_stored(text=feedback.clean_text(text)))
        return
    set_outcome(context, "duplicate" if result.duplicate else "stored")
    if not result.duplicate:
        pulse.scoring.submit_pending()
    ack(**feedback_recorded(text=result.text))


def register(app: App) -> None:
    app.command("/feedback")(ack_feedback)
