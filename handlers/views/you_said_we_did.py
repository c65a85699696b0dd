""" "You said, we did" was submitted: validate, store, confirm; the fan-out runs after the ack."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import home, messages, roles, updates
from bot.blocks.updates import TEXT_BLOCK, UPDATE_MODAL, update_posted_view
from bot.services import Services
from handlers.context import answers_when_database_down, services, set_outcome
from handlers.parsing import update_form_values

logger = logging.getLogger(__name__)


@answers_when_database_down(
    lambda ack: ack(response_action="errors", errors={TEXT_BLOCK: messages.DATABASE_DOWN})
)
def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    pulse = services(context)
    user_id = body["user"]["id"]
    if not roles.identify(pulse, user_id=user_id).can_manage:
        set_outcome(context, "refused:update")
        ack(response_action="errors", errors={TEXT_BLOCK: messages.UPDATE_NOT_ALLOWED})
        return
    theme, text = update_form_values(view["state"]["values"])
    update, errors = updates.validate(theme=theme, text=text)
    if update is None:
        set_outcome(context, "invalid")
        ack(response_action="errors", errors=errors)
        return
    update_id = updates.post(pulse, user_id=user_id, theme=update[0], text=update[1])
    set_outcome(context, "posted")
    ack(response_action="update", view=update_posted_view())
    pulse.background.submit(_send, pulse, update_id=update_id, user_id=user_id)


def _send(pulse: Services, *, update_id: int, user_id: str) -> None:
    try:
        updates.fan_out(pulse, update_id=update_id)
    except Exception:
        logger.exception("update fan-out failed; the next tick tries again")
    try:
        home.publish(pulse, user_id=user_id)
    except Exception:
        logger.exception("could not refresh the home after an update")


def register(app: App) -> None:
    app.view(UPDATE_MODAL)(submitted)
