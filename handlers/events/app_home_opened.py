"""Publish the App Home that fits the person who opened it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import home
from handlers.context import services


def app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") not in (None, "home"):
        return
    view = home.view_for(services(context), user_id=event["user"])
    client.views_publish(user_id=event["user"], view=view)


def register(app: App) -> None:
    app.event("app_home_opened")(app_home_opened)
