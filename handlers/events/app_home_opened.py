"""Publish the App Home that fits the person who opened it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import home
from bot.services import Services
from handlers.context import after_ack, services


def app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") not in (None, "home"):
        return
    pulse, user_id = services(context), event["user"]
    # Built and published after the ack: Slack re-sends an event it did not see acked in time.
    after_ack(context, "publishing the App Home", publish, pulse, client, user_id)


def publish(pulse: Services, client: WebClient, user_id: str) -> None:
    client.views_publish(user_id=user_id, view=home.view_for(pulse, user_id=user_id))


def register(app: App) -> None:
    app.event("app_home_opened")(app_home_opened)
