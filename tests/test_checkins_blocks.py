"""Check-in builders and settings validation: pure functions, no Slack, no database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from bot.blocks import MESSAGE_BLOCK_LIMIT, MODAL_TITLE_LIMIT
from bot.blocks.checkin import (
    checkin_closed_message,
    checkin_message,
    comment_modal,
)
from bot.blocks.pulse import help_message, schedule_message, send_now_message, status_message
from bot.blocks.settings import settings_modal
from bot.checkins import CycleCounts, PersonalStatus
from bot.team_settings import validate
from handlers.parsing import checkin_button_value as parse_button_value
from handlers.parsing import settings_form_values as form_values

HOSTILE = "<!channel> & <@U0VICTIM> <https://evil.example|CRM>"


def elements(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e for block in payload["blocks"] for e in block.get("elements", []) if e["type"] == "button"
    ]


def card(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "cycle_id": 7,
        "system": "Atlas CRM",
        "key_task": "log a call",
        "closes_on": date(2025, 3, 17),
    }
    return checkin_message(**{**arguments, **overrides})


def test_checkin_has_the_three_parts_and_fallback_text() -> None:
    payload = card()
    text = str(payload["blocks"])
    assert "How is the switch to *Atlas CRM* going for you this week?" in text
    assert "This week, did you do *log a call* in *Atlas CRM*?" in text
    labels = [e["text"]["text"] for e in elements(payload)]
    assert labels == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "Yes",
        "Partly",
        "No, I used the old way",
        "Add a comment (anonymous)",
    ]
    assert payload["text"] and len(payload["blocks"]) <= MESSAGE_BLOCK_LIMIT
    assert "Anonymous" in text


def test_buttons_carry_the_cycle_and_the_answer_never_a_person() -> None:
    values = [e["value"] for e in elements(card())]
    assert all(value.startswith("7:") for value in values)
    assert parse_button_value("7:partly") == (7, "partly")
    for junk in ("", "U123:4", "x:1", ":4"):
        assert parse_button_value(junk) is None


def test_lead_written_names_are_escaped_everywhere() -> None:
    payload = card(system=HOSTILE, key_task=HOSTILE)
    rendered = str(payload)
    for live in ("<!channel>", "<@U0VICTIM>", "<https://evil.example"):
        assert live not in rendered
    assert "&lt;!channel&gt; &amp;" in rendered


def test_recorded_answers_are_shown_and_highlighted() -> None:
    payload = card(answers={"mood": "4", "adoption": "no_old_way"}, note="Thanks!")
    styled = {e["action_id"] for e in elements(payload) if e.get("style") == "primary"}
    assert styled == {"checkin_mood_4", "checkin_adoption_no_old_way"}
    text = str(payload["blocks"])
    assert "Recorded anonymously" in text and "4/5" in text and "No, I used the old way" in text
    assert "Monday 17 March" in text and "Thanks!" in text


def test_reminder_and_closed_notice() -> None:
    assert card(reminder=True)["text"].startswith("Reminder:")
    closed = checkin_closed_message()
    assert "has closed" in closed["text"] and not elements(closed)


def test_comment_modal_fits_slack_limits() -> None:
    modal = comment_modal(private_metadata='{"cycle": 7}')
    assert len(modal["title"]["text"]) <= MODAL_TITLE_LIMIT
    assert modal["blocks"][1]["element"]["max_length"] == 3000


def test_settings_modal_is_prefilled_and_fits() -> None:
    modal = settings_modal(values={"system_name": "Atlas", "min_group_size": "5"})
    assert len(modal["title"]["text"]) <= MODAL_TITLE_LIMIT
    inputs = {b["block_id"]: b["element"] for b in modal["blocks"] if b["type"] == "input"}
    assert inputs["system_name"]["initial_value"] == "Atlas"
    assert inputs["min_group_size"]["min_value"] == "3"
    state = {name: {"value": {"value": "x"}} for name in inputs}
    assert set(form_values(state)) == set(inputs)


GOOD = {
    "system_name": "Atlas CRM",
    "key_task": "log a call",
    "reminder_delay_hours": "24",
    "min_group_size": "5",
    "alert_batch_minutes": "60",
    "cycle_days": "7",
}


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("min_group_size", "2", "from 3 to 50"),
        ("system_name", "   ", "fill this in"),
        ("key_task", "x" * 121, "At most 120"),
        ("cycle_days", "8", "from 1 to 7"),
        ("alert_batch_minutes", "ten", "whole number"),
        ("reminder_delay_hours", "48", "before the check-in closes"),
    ],
)
def test_settings_refuse_unsafe_values_and_save_nothing(field: str, value: str, error: str) -> None:
    raw = {**GOOD, field: value}
    if field == "reminder_delay_hours":
        raw["cycle_days"] = "2"
    changes, errors = validate(raw)
    assert changes == {} and error in errors[field]


def test_good_settings_are_normalised() -> None:
    changes, errors = validate({**GOOD, "system_name": "  Atlas   CRM "})
    assert errors == {}
    assert changes["system_name"] == "Atlas CRM" and changes["min_group_size"] == 5


def test_status_for_participants_and_for_the_lead() -> None:
    upcoming = datetime(2025, 3, 18, 10, 0, tzinfo=UTC)
    nothing_open = PersonalStatus(week=None, received=False, answered=False, next_checkin=upcoming)
    assert (
        "Tuesday 18 March at 10:00"
        in status_message(roles="participant", personal=nothing_open, counts=None)["text"]
    )
    waiting = PersonalStatus(
        week=date(2025, 3, 10), received=True, answered=False, next_checkin=upcoming
    )
    counts = CycleCounts(
        week=date(2025, 3, 10),
        closes_at=datetime(2025, 3, 17, 14, 0, tzinfo=UTC),
        people=8,
        answered=3,
        sent=7,
        waiting=0,
        undeliverable=1,
        reminders_sent=4,
    )
    lead = str(status_message(roles="change lead", personal=waiting, counts=counts))
    assert "sent to *7* of 8" in lead and "answered: *3* (38%)" in lead
    assert "could not be delivered: 1" in lead and "haven't answered" in lead
    small = str(
        status_message(
            roles="change lead",
            personal=waiting,
            counts=dataclasses.replace(counts, people=3, sent=3, answered=1, answered_hidden=True),
        )
    )
    assert "answered: not shown" in small and "answered: *1*" not in small


def test_schedule_send_now_and_help_texts() -> None:
    text = schedule_message(
        weekday="tuesday", at=time(9, 5), next_checkin=datetime(2025, 3, 11, 9, 5, tzinfo=UTC)
    )["text"]
    assert "*Tuesday at 09:05*" in text and "own timezone" in text
    assert (
        "about 2 minute(s)"
        in send_now_message(recipients=120, queued=120, created=True, rate=1)["text"]
    )
    assert "already open" in send_now_message(recipients=5, queued=1, created=False, rate=1)["text"]
    lead_help = help_message(can_manage=True)["text"]
    assert all(f"/pulse {s}" in lead_help for s in ("schedule", "send-now", "settings"))
