"""The lead's App Home "Send digest now" button: `/pulse digest-now`, answered on the home."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import home, reporting
from bot.blocks.home import DIGEST_NOW_ACTION
from bot.blocks.pulse import digest_now_message
from bot.roles import Caller
from handlers.context import services


def digest_now(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    pulse = services(context)

    def run(caller: Caller) -> str:
        return str(digest_now_message(reporting.send_digests(pulse))["text"])

    pulse.background.submit(home.lead_button, pulse, user_id=body["user"]["id"], action=run)


def register(app: App) -> None:
    app.action(DIGEST_NOW_ACTION)(digest_now)
