"""The lead's App Home "Post you said, we did" button: opens the update modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import updates
from bot.blocks.home import POST_UPDATE_ACTION
from bot.blocks.updates import update_modal
from handlers.context import open_modal_for_managers


def open_update_modal(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    open_modal_for_managers(
        context,
        body,
        client,
        what="update modal",
        build=lambda _pulse: update_modal(themes=updates.theme_choices(), limit=updates.TEXT_LIMIT),
    )


def register(app: App) -> None:
    app.action(POST_UPDATE_ACTION)(open_update_modal)
