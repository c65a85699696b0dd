"""Which App Home a person sees."""

from __future__ import annotations

from typing import Any

from bot.blocks.home import participant_home
from bot.services import Services
from storage.team import get_team_settings


def view_for(services: Services, *, user_id: str) -> dict[str, Any]:
    with services.db.session() as session:
        settings = get_team_settings(session, team_id=services.team_id)
    return participant_home(system_name=settings.system_name)
