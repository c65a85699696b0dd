"""What the change lead may change in `/pulse settings`, with the limits that keep it safe.

`min_group_size` never goes below 3: with two, each person could subtract their own answer
and read the other's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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


FIELDS: dict[str, TextField | NumberField] = {
    "system_name": TextField("The new system's name", 80),
    "key_task": TextField("The key task people should do in it", 120),
    "reminder_delay_hours": NumberField("Reminder after (hours)", 1, 144, "hours"),
    "min_group_size": NumberField("Smallest group shown", 3, 50, "people"),
    "alert_batch_minutes": NumberField("Batch resistance alerts (minutes)", 5, 1440, "minutes"),
    "cycle_days": NumberField("A check-in stays open (days)", 1, 7, "days"),
}


def current(services: Services) -> dict[str, str]:
    """Today's values, as the modal shows them."""
    with services.db.session() as session:
        settings = get_team_settings(session, team_id=services.team_id)
        return {name: str(getattr(settings, name)) for name in FIELDS}


def validate(raw: Mapping[str, str | None]) -> tuple[dict[str, object], dict[str, str]]:
    """Form values → (changes to save, errors by field). Nothing is saved if any error."""
    changes: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, spec in FIELDS.items():
        value = (raw.get(name) or "").strip()
        if isinstance(spec, TextField):
            if not value:
                errors[name] = "Please fill this in."
            elif len(value) > spec.max_length:
                errors[name] = f"At most {spec.max_length} characters, please."
            else:
                changes[name] = " ".join(value.split())
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


def save(services: Services, *, changes: Mapping[str, object]) -> None:
    with services.db.session() as session:
        update_team_settings(
            session, team_id=services.team_id, changes=changes, now=services.clock()
        )
