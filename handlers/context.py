"""How listeners reach the app's services: a global middleware puts them in Bolt's context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext

from bot.services import Services

KEY = "changepulse"


def install(app: App, services: Services) -> None:
    def inject(context: BoltContext, next: Callable[[], Any]) -> None:  # noqa: A002
        context[KEY] = services
        next()

    app.use(inject)


def services(context: BoltContext) -> Services:
    return context[KEY]


def set_outcome(context: BoltContext, outcome: str) -> None:
    """A short word for the request log line; never user text or ids."""
    context["outcome"] = outcome
