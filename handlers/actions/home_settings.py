"""The lead's App Home "Settings" button: the `/pulse settings` modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import team_settings
from bot.blocks.home import SETTINGS_ACTION
from bot.blocks.settings import settings_modal
from handlers.context import open_modal_for_managers


def open_settings(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    open_modal_for_managers(
        context,
        body,
        client,
        what="settings modal",
        build=lambda pulse: settings_modal(values=team_settings.current(pulse)),
    )


def register(app: App) -> None:
    app.action(SETTINGS_ACTION)(open_settings)
