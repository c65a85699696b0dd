"""The check-in's "Add a comment (anonymous)" button: open the comment modal."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import checkins
from bot.blocks.checkin import COMMENT_ACTION, comment_modal
from bot.services import Services
from handlers.actions.checkin_answer import message_location, redraw
from handlers.context import services, set_outcome
from handlers.parsing import checkin_button_value

logger = logging.getLogger(__name__)


def open_comment(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    ack()
    pulse = services(context)
    parsed = checkin_button_value(action.get("value") or "")
    if parsed is None:
        set_outcome(context, "invalid")
        return
    cycle_id = parsed[0]
    user_id = body["user"]["id"]
    where = message_location(body)
    card = checkins.card(pulse, cycle_id=cycle_id, user_id=user_id)
    if card is None or not card.is_open:
        set_outcome(context, "closed")
        if where is not None:
            pulse.background.submit(redraw, pulse, cycle_id=cycle_id, user_id=user_id, where=where)
        return
    # The modal remembers where the check-in is, so submitting can update it in place.
    metadata = json.dumps({"cycle": cycle_id, "where": list(where) if where else None})
    set_outcome(context, "modal")
    pulse.background.submit(_open, pulse, body["trigger_id"], metadata)


def _open(pulse: Services, trigger_id: str, metadata: str) -> None:
    try:
        pulse.client.views_open(
            trigger_id=trigger_id, view=comment_modal(private_metadata=metadata)
        )
    except Exception:
        logger.exception("could not open the check-in comment modal")


def register(app: App) -> None:
    app.action(COMMENT_ACTION)(open_comment)
