"""What the change lead may change in `/pulse settings`, with the limits that keep it safe.

`min_group_size` never goes below 3: with two, each person could subtract their own answer
and read the other's. Alert thresholds have a floor above zero, so "alert on any change" cannot
be set by accident and bury the lead in noise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from bot.analysis import THEME_IDS, THEMES
from bot.services import Services
from storage.team import get_team_settings, update_team_settings


@dataclass(frozen=True)
class TextField:
    label: str
    max_length: int


@dataclass(frozen=True)
class NumberField:
    label: str
    low: int
    high: int
    unit: str


@dataclass(frozen=True)
class DecimalField:
    label: str
    low: float
    high: float
    unit: str


@dataclass(frozen=True)
class ThemesField:
    """A choice of resistance themes, stored as a comma list of theme ids; may be empty."""

    label: str
    hint: str


FormField = TextField | NumberField | DecimalField | ThemesField

FIELDS: dict[str, FormField] = {
    "system_name": TextField("The new system's name", 80),
    "key_task": TextField("The key task people should do in it", 120),
    "reminder_delay_hours": NumberField("Reminder after (hours)", 1, 144, "hours"),
    "cycle_days": NumberField("A check-in stays open (days)", 1, 7, "days"),
    "min_group_size": NumberField("Smallest group shown", 3, 50, "people"),
    "alert_batch_minutes": NumberField("Batch resistance alerts (minutes)", 5, 1440, "minutes"),
    "muted_themes": ThemesField(
        "Mute resistance alerts about",
        "A comment only about muted themes is left out of alerts, unless it is strongly "
        'negative. Muted themes never raise a "new theme" trend alert.',
    ),
    "alert_mood_drop": DecimalField("Trend alert when mood drops by", 0.1, 4.0, "points"),
    "alert_participation_drop": NumberField(
        "Trend alert when participation drops by (points)", 1, 100, "percentage points"
    ),
    "alert_old_way_rise": NumberField(
        'Trend alert when "old way" answers rise by (points)', 1, 100, "percentage points"
    ),
}


def current(services: Services) -> dict[str, str]:
    """Today's values, as the modal shows them."""
    with services.db.session() as session:
        settings = get_team_settings(session, team_id=services.team_id)
        return {name: _shown(getattr(settings, name)) for name in FIELDS}


def validate(raw: Mapping[str, str | None]) -> tuple[dict[str, object], dict[str, str]]:
    """Form values → (changes to save, errors by field). Nothing is saved if any error.

    A number or theme field missing from the form (None) keeps its value, so a modal opened
    before an upgrade added fields can still be saved.
    """
    changes: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, spec in FIELDS.items():
        if raw.get(name) is None and not isinstance(spec, TextField):
            continue
        value = (raw.get(name) or "").strip()
        if isinstance(spec, TextField):
            if not value:
                errors[name] = "Please fill this in."
            elif len(value) > spec.max_length:
                errors[name] = f"At most {spec.max_length} characters, please."
            else:
                changes[name] = " ".join(value.split())
            continue
        if isinstance(spec, ThemesField):
            chosen = {t.strip() for t in value.split(",") if t.strip()}
            if unknown := sorted(chosen - set(THEMES)):
                errors[name] = f"Unknown theme: {', '.join(unknown)}."
            else:
                changes[name] = ",".join(t for t in THEME_IDS if t in chosen)
            continue
        if isinstance(spec, DecimalField):
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                errors[name] = f"Please enter a number, like {spec.low}."
            elif not spec.low <= number <= spec.high:
                errors[name] = f"Use a number from {spec.low:g} to {spec.high:g} {spec.unit}."
            else:
                changes[name] = round(number, 2)
            continue
        if not value.lstrip("-").isdigit():
            errors[name] = "Please enter a whole number."
        elif not spec.low <= int(value) <= spec.high:
            errors[name] = f"Use a number from {spec.low} to {spec.high} {spec.unit}."
        else:
            changes[name] = int(value)
    delay, days = changes.get("reminder_delay_hours"), changes.get("cycle_days")
    if isinstance(delay, int) and isinstance(days, int) and delay >= days * 24:
        errors["reminder_delay_hours"] = (
            f"The reminder must come before the check-in closes ({days * 24} hours)."
        )
    return (changes if not errors else {}), errors


def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def save(services: Services, *, changes: Mapping[str, object]) -> None:
    with services.db.session() as session:
        update_team_settings(
            session, team_id=services.team_id, changes=changes, now=services.clock()
        )
