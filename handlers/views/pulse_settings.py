"""`/pulse settings` was submitted: validate every field, save all or nothing."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import messages, roles, team_settings
from bot.blocks.settings import SETTINGS_MODAL, settings_saved_view
from handlers.context import answers_when_database_down, services, set_outcome
from handlers.parsing import settings_form_values

logger = logging.getLogger(__name__)


@answers_when_database_down(
    lambda ack: ack(
        response_action="errors", errors={next(iter(team_settings.FIELDS)): messages.DATABASE_DOWN}
    )
)
def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    pulse = services(context)
    caller = roles.identify(pulse, user_id=body["user"]["id"])
    if not caller.can_manage:
        set_outcome(context, "refused:settings")
        first = next(iter(team_settings.FIELDS))
        ack(
            response_action="errors",
            errors={first: messages.NOT_ALLOWED.format(subcommand="settings")},
        )
        return
    changes, errors = team_settings.validate(settings_form_values(view["state"]["values"]))
    if errors:
        set_outcome(context, "invalid")
        ack(response_action="errors", errors=errors)
        return
    team_settings.save(pulse, changes=changes)
    set_outcome(context, "saved")
    ack(response_action="update", view=settings_saved_view())


def register(app: App) -> None:
    app.view(SETTINGS_MODAL)(submitted)
