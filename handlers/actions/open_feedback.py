"""The App Home button that opens the anonymous feedback modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import feedback
from bot.blocks.feedback import feedback_modal
from bot.blocks.home import OPEN_FEEDBACK_ACTION


def open_feedback(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=feedback_modal(topics=feedback.TOPICS))


def register(app: App) -> None:
    app.action(OPEN_FEEDBACK_ACTION)(open_feedback)
