"""The lead's App Home "Post you said, we did" button: opens the update modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import home, roles, updates
from bot.blocks.home import POST_UPDATE_ACTION
from bot.blocks.updates import update_modal
from handlers.context import after_ack, services


def open_update_modal(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    pulse = services(context)
    user_id = body["user"]["id"]
    if not roles.identify(pulse, user_id=user_id).can_manage:
        pulse.background.submit(home.refuse, pulse, user_id=user_id)
        return
    view = update_modal(themes=updates.theme_choices(), limit=updates.TEXT_LIMIT)
    after_ack(
        context,
        "opening the update modal",
        client.views_open,
        trigger_id=body["trigger_id"],
        view=view,
    )


def register(app: App) -> None:
    app.action(POST_UPDATE_ACTION)(open_update_modal)
