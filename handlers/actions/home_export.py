"""The lead's App Home "Export CSV" button: `/pulse export`, answered on the home."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import home, reporting
from bot.blocks.home import EXPORT_ACTION
from bot.blocks.pulse import export_answer
from bot.roles import Caller
from handlers.context import services


def export(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    pulse = services(context)

    def run(caller: Caller) -> str:
        return str(export_answer(reporting.send_export(pulse, user_id=caller.user_id))["text"])

    pulse.background.submit(home.lead_button, pulse, user_id=body["user"]["id"], action=run)


def register(app: App) -> None:
    app.action(EXPORT_ACTION)(export)
