"""App Home, "you said, we did" and /pulse answer builders, without any Slack."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.blocks import SECTION_LIMIT, VIEW_BLOCK_LIMIT
from bot.blocks.home import (
    DIGEST_NOW_ACTION,
    EXPORT_ACTION,
    POST_UPDATE_ACTION,
    SEND_NOW_ACTION,
    SETTINGS_ACTION,
    champion_home,
    checkin_status_text,
    lead_home,
    participant_home,
)
from bot.blocks.pulse import digest_now_message, export_answer, help_message
from bot.blocks.updates import update_message, update_modal, updates_blocks
from bot.checkins import PersonalStatus
from bot.reporting import DigestRun, ExportResult
from bot.updates import TEXT_LIMIT, Update, theme_choices, validate
from tests.test_reports_builders import HOSTILE, digest, report

NEXT = datetime(2025, 3, 11, 10, 0, tzinfo=UTC)
LEAD_ACTIONS = {SETTINGS_ACTION, SEND_NOW_ACTION, DIGEST_NOW_ACTION, EXPORT_ACTION}


def status(
    *, week: date | None = date(2025, 3, 10), received: bool, answered: bool
) -> PersonalStatus:
    return PersonalStatus(week=week, received=received, answered=answered, next_checkin=NEXT)


def update(n: int, *, text: str = HOSTILE) -> Update:
    return Update(
        id=n, theme_id="other", theme_title="Something else", text=text, posted_on=date(2025, 3, n)
    )


def actions(view: dict[str, object]) -> set[str]:
    rendered = json.dumps(view)
    return {a for a in (*LEAD_ACTIONS, POST_UPDATE_ACTION) if f'"{a}"' in rendered}


def assert_view_ok(view: dict[str, object]) -> None:
    blocks = view["blocks"]
    assert isinstance(blocks, list) and 0 < len(blocks) <= VIEW_BLOCK_LIMIT
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= SECTION_LIMIT
    rendered = json.dumps(view)
    assert "<!channel>" not in rendered and "<@U123>" not in rendered
    assert "<https://evil" not in rendered


def test_each_role_sees_its_part_and_every_view_fits_and_is_inert() -> None:
    long_updates = [update(n, text=HOSTILE + " x" * 600) for n in (3, 2, 1)]
    checkin = status(received=True, answered=False)
    participant = participant_home(
        system_name=HOSTILE, checkin=checkin, updates=long_updates, notice="Done."
    )
    champion = champion_home(
        system_name=HOSTILE, checkin=checkin, updates=long_updates, digest=digest()
    )
    lead = lead_home(system_name=HOSTILE, checkin=checkin, updates=long_updates, report=report())
    for view in (participant, champion, lead):
        assert_view_ok(view)
        assert "&lt;!channel&gt;" in json.dumps(view)
    assert actions(participant) == set() and actions(champion) == set()
    assert actions(lead) == LEAD_ACTIONS | {POST_UPDATE_ACTION}
    assert "This week's pulse" in json.dumps(champion) and "Dashboard" not in json.dumps(champion)
    assert "Dashboard" in json.dumps(lead)
    assert json.dumps(participant).index("Done.") < json.dumps(participant).index("check-in")


def test_check_in_status_says_what_to_do_next() -> None:
    assert "No check-in is open" in checkin_status_text(
        status(week=None, received=False, answered=False)
    )
    assert "Tuesday 11 March at 10:00" in checkin_status_text(
        status(week=None, received=False, answered=False)
    )
    assert "You've answered" in checkin_status_text(status(received=True, answered=True))
    assert "waiting in your DMs" in checkin_status_text(status(received=True, answered=False))
    assert "not in its audience" in checkin_status_text(status(received=False, answered=False))


def test_updates_are_escaped_everywhere_they_are_shown() -> None:
    message = update_message(update=update(1), system_name="Atlas <!here>")
    shown = json.dumps(message)
    assert message["text"].startswith("You said, we did: Something else")
    assert "&lt;!channel&gt; &amp;" in message["text"] and "<!channel>" not in shown
    assert "<!here>" not in shown and "<https://evil" not in shown
    assert "Nothing posted yet" in json.dumps(updates_blocks([]))
    listed = json.dumps(updates_blocks([update(2), update(1)]))
    assert listed.index("2 Mar 2025") < listed.index("1 Mar 2025")


def test_update_modal_and_validation() -> None:
    modal = update_modal(themes=theme_choices(), limit=TEXT_LIMIT)
    assert len(modal["title"]["text"]) <= 24
    text_input = next(b for b in modal["blocks"] if b.get("block_id") == "text")["element"]
    assert text_input["max_length"] == 1000 and text_input["multiline"] is True
    assert theme_choices()[-1] == ("other", "Something else")
    assert validate(theme="double_work", text="  Retired the old report.  ") == (
        ("double_work", "Retired the old report."),
        {},
    )
    assert set(validate(theme="made_up", text="")[1]) == {"theme", "text"}
    assert validate(theme="other", text="x" * 1000)[0] is not None
    assert "1,001" in validate(theme="other", text="x" * 1001)[1]["text"]


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        (DigestRun(week=None, recipients=0, queued=0), "nobody to send a digest to"),
        (DigestRun(week=None, recipients=2, queued=0), "No check-in has closed yet"),
        (DigestRun(week=date(2025, 3, 3), recipients=2, queued=0), "already sent to all 2"),
        (DigestRun(week=date(2025, 3, 3), recipients=3, queued=3), "to 3 people now"),
        (DigestRun(week=date(2025, 3, 3), recipients=3, queued=1), "1 person now"),
    ],
)
def test_digest_now_says_what_it_did(run: DigestRun, expected: str) -> None:
    answer = digest_now_message(run)
    assert expected in answer["text"]
    if run.queued and run.already_sent:
        assert "2 already had it" in answer["text"]


def test_export_answers_and_help_lists_the_lead_commands() -> None:
    assert "couldn't deliver" in export_answer(ExportResult(delivered=False, filenames=()))["text"]
    sent = export_answer(ExportResult(delivered=True, filenames=("a.csv", "b.csv")))["text"]
    assert "a.csv, b.csv" in sent
    lead, participant = help_message(can_manage=True), help_message(can_manage=False)
    for usage in ("/pulse digest-now", "/pulse report", "/pulse export"):
        assert usage in lead["text"] and usage not in participant["text"]
