"""How listeners reach the app's services: a global middleware puts them in Bolt's context."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot import home, roles
from bot.services import Services

logger = logging.getLogger(__name__)

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


def after_ack(
    context: BoltContext, what: str, call: Callable[..., Any], *args: Any, **kw: Any
) -> None:
    """Run a Slack call once the ack is on its way: the answer to Slack never waits for Slack,
    and a failure (an expired trigger, a network error) is logged instead of becoming a 500."""

    def run() -> None:
        try:
            call(*args, **kw)
        except Exception:
            logger.exception("%s failed", what)

    services(context).background.submit(run)


def answers_when_database_down(
    answer: Callable[[Ack], object],
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Wrap a listener (that takes `ack` and `context`) so a database outage before its ack
    gets a clear answer instead of an HTTP 500; nothing was changed in that case."""

    def decorate(listener: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(listener)  # Bolt reads the wrapped signature to pass arguments
        def guarded(**kwargs: Any) -> None:
            try:
                listener(**kwargs)
            except SQLAlchemyError:
                logger.exception("listener stopped: database unavailable")
                set_outcome(kwargs["context"], "db_unavailable")
                answer(kwargs["ack"])

        return guarded

    return decorate


def request_receipt(context: BoltContext, request: BoltRequest) -> str:
    """The keyed hash that lets a Slack retry of this very request be recognised."""
    from bot.feedback import receipt_key

    return receipt_key(
        secret=services(context).settings.slack_signing_secret, raw_body=request.raw_body
    )


def open_modal_for_managers(
    context: BoltContext,
    body: dict[str, Any],
    client: WebClient,
    *,
    what: str,
    build: Callable[[Services], dict[str, Any]],
) -> None:
    """An App Home button only the change lead and admins may use: open `build(...)` as a modal
    after the ack, or DM a refusal to anyone else."""
    pulse = services(context)
    user_id = body["user"]["id"]
    if not roles.identify(pulse, user_id=user_id).can_manage:
        pulse.background.submit(home.refuse, pulse, user_id=user_id)
        return
    view = build(pulse)
    after_ack(
        context, f"opening the {what}", client.views_open, trigger_id=body["trigger_id"], view=view
    )
