"""The lead's App Home "Send check-in now" button: `/pulse send-now`, answered on the home."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import checkins, home
from bot.blocks.home import SEND_NOW_ACTION
from bot.blocks.pulse import send_now_answer
from bot.roles import Caller
from handlers.context import services


def send_now(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    pulse = services(context)

    def run(caller: Caller) -> str:
        result = checkins.send_now(pulse)
        return str(send_now_answer(result, rate=pulse.settings.changepulse_send_rate)["text"])

    pulse.background.submit(home.lead_button, pulse, user_id=body["user"]["id"], action=run)


def register(app: App) -> None:
    app.action(SEND_NOW_ACTION)(send_now)
