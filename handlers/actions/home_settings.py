"""The lead's App Home "Settings" button: the `/pulse settings` modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import home, roles, team_settings
from bot.blocks.home import SETTINGS_ACTION
from bot.blocks.settings import settings_modal
from handlers.context import after_ack, services


def open_settings(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    pulse = services(context)
    user_id = body["user"]["id"]
    if not roles.identify(pulse, user_id=user_id).can_manage:
        pulse.background.submit(home.refuse, pulse, user_id=user_id)
        return
    view = settings_modal(values=team_settings.current(pulse))
    after_ack(
        context,
        "opening the settings modal",
        client.views_open,
        trigger_id=body["trigger_id"],
        view=view,
    )


def register(app: App) -> None:
    app.action(SETTINGS_ACTION)(open_settings)
