"""The App Home button that opens the anonymous feedback modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import feedback
from bot.blocks.feedback import feedback_modal
from bot.blocks.home import OPEN_FEEDBACK_ACTION
from handlers.context import after_ack


def open_feedback(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    view = feedback_modal(topics=feedback.TOPICS)
    after_ack(
        context,
        "opening the feedback modal",
        client.views_open,
        trigger_id=body["trigger_id"],
        view=view,
    )


def register(app: App) -> None:
    app.action(OPEN_FEEDBACK_ACTION)(open_feedback)
