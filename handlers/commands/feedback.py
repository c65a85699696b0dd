"""`/feedback [text]`: store anonymously before the ack, or open the modal when empty."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest
from slack_sdk import WebClient
from sqlalchemy.exc import OperationalError

from bot import feedback
from bot.blocks.feedback import feedback_modal, feedback_not_stored, feedback_recorded, refusal
from handlers.context import services, set_outcome
from handlers.parsing import plain_from_command

logger = logging.getLogger(__name__)


def ack_feedback(ack: Ack, command: dict[str, Any], context: BoltContext, request: BoltRequest):
    text = plain_from_command(command.get("text") or "")
    pulse = services(context)
    if not text.strip():
        set_outcome(context, "modal")
        pulse.background.submit(open_modal, pulse.client, command["trigger_id"])
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
            receipt=feedback.receipt_key(
                secret=pulse.settings.slack_signing_secret, raw_body=request.raw_body
            ),
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


def open_modal(client: WebClient, trigger_id: str) -> None:
    try:
        client.views_open(trigger_id=trigger_id, view=feedback_modal(topics=feedback.TOPICS))
    except Exception:
        logger.exception("could not open the feedback modal")


def register(app: App) -> None:
    app.command("/feedback")(ack_feedback)
