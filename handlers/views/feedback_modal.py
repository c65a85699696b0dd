"""The anonymous feedback modal was submitted."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest
from slack_sdk import WebClient
from sqlalchemy.exc import OperationalError

from bot import feedback, messages
from bot.blocks.feedback import (
    FEEDBACK_MODAL,
    TEXT_ACTION,
    TEXT_BLOCK,
    TOPIC_ACTION,
    TOPIC_BLOCK,
    feedback_recorded,
)
from handlers.context import request_receipt, services, set_outcome
from handlers.parsing import input_value

logger = logging.getLogger(__name__)


def submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    request: BoltRequest,
) -> None:
    values = view["state"]["values"]
    text = input_value(values, block=TEXT_BLOCK, action=TEXT_ACTION)
    selected = (values.get(TOPIC_BLOCK, {}).get(TOPIC_ACTION, {}) or {}).get("selected_option")
    topic = selected.get("value") if selected else None
    pulse = services(context)
    user_id = body["user"]["id"]
    try:
        result = feedback.submit(
            db=pulse.db,
            clock=pulse.clock,
            team_id=pulse.team_id,
            author_id=user_id,
            text=text,
            topic=topic,
            receipt=request_receipt(context, request),
        )
    except feedback.FeedbackRefused as refused:
        set_outcome(context, f"refused:{refused.refusal.value}")
        ack(response_action="errors", errors={TEXT_BLOCK: refused.message})
        return
    except OperationalError:
        logger.exception("feedback not stored: database unavailable")
        set_outcome(context, "db_unavailable")
        ack(response_action="errors", errors={TEXT_BLOCK: messages.DATABASE_DOWN})
        return
    set_outcome(context, "duplicate" if result.duplicate else "stored")
    ack()
    if result.duplicate:
        return
    pulse.scoring.submit_pending()
    # A DM to the author is the only place we can confirm a modal; it holds their own words.
    pulse.background.submit(confirm_by_dm, client, user_id, result.text)


def confirm_by_dm(client: WebClient, user_id: str, text: str) -> None:
    try:
        client.chat_postMessage(channel=user_id, **feedback_recorded(text=text))
    except Exception:
        logger.exception("feedback stored but the confirmation DM failed")


def register(app: App) -> None:
    app.view(FEEDBACK_MODAL)(submitted)
