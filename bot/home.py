"""Which App Home a person sees, and publishing it.

Roles decide the view: a change lead or admin gets the dashboard and the lead's buttons, a
champion the latest digest summary, everyone their check-in status and the "you said, we
did" updates. Every figure shown comes from closed cycles only (see bot/reports/anonymity.py),
so opening the home twice never shows a number moving answer by answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot import checkins, messages, reporting, roles, updates
from bot.blocks.home import champion_home, lead_home, participant_home
from bot.roles import Caller
from bot.services import Services
from storage.team import get_team_settings

logger = logging.getLogger(__name__)


def view_for(services: Services, *, user_id: str, notice: str | None = None) -> dict[str, Any]:
    """The home for `user_id`; `notice` is the outcome of a button they just pressed."""
    caller = roles.identify(services, user_id=user_id)
    with services.db.session() as session:
        settings = get_team_settings(session, team_id=services.team_id)
    checkin, _ = checkins.status(services, user_id=user_id, with_counts=False)
    shown = updates.recent(services)
    if caller.can_manage:
        return lead_home(
            system_name=settings.system_name,
            checkin=checkin,
            updates=shown,
            report=reporting.report(services),
            notice=notice,
        )
    if caller.is_champion:
        return champion_home(
            system_name=settings.system_name,
            checkin=checkin,
            updates=shown,
            digest=reporting.latest_digest(services),
            notice=notice,
        )
    return participant_home(
        system_name=settings.system_name, checkin=checkin, updates=shown, notice=notice
    )


def publish(services: Services, *, user_id: str, notice: str | None = None) -> None:
    """Build and publish the home: after app_home_opened, and after a home button's work."""
    services.client.views_publish(
        user_id=user_id, view=view_for(services, user_id=user_id, notice=notice)
    )


def lead_button(services: Services, *, user_id: str, action: Callable[[Caller], str]) -> None:
    """Run a lead's App Home button after the ack, then show its outcome on top of the home.

    Block actions from a home tab have no response_url, so the refreshed home is the answer.
    Anyone may send the action id, so the role is checked here, not trusted from the view.
    """
    try:
        caller = roles.identify(services, user_id=user_id)
        if caller.can_manage:
            notice = action(caller)
        else:
            notice = messages.HOME_NOT_ALLOWED
    except Exception:
        logger.exception("a home button's work failed")
        notice = messages.ERROR_GENERIC
    try:
        publish(services, user_id=user_id, notice=notice)
    except Exception:
        logger.exception("could not publish the home after a button")


def refuse(services: Services, *, user_id: str) -> None:
    """A lead-only button pressed by someone else (a stale home after losing the role)."""
    try:
        publish(services, user_id=user_id, notice=messages.HOME_NOT_ALLOWED)
    except Exception:
        logger.exception("could not publish the home after a refused button")
