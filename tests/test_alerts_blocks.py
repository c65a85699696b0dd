"""Alert builders and the alert half of the settings form, without Slack or a database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.alerts import (
    FlaggedText,
    PopulationTrend,
    ResistanceAlert,
    ThemeAdvice,
    TrendAlert,
    TrendChange,
    alert_key,
    last_boundary,
    next_boundary,
)
from bot.analysis import THEME_IDS, THEMES
from bot.blocks import MESSAGE_BLOCK_LIMIT, SECTION_LIMIT, VIEW_BLOCK_LIMIT
from bot.blocks.alerts import CHARS_PER_MESSAGE, resistance_alert_messages, trend_alert_message
from bot.blocks.settings import settings_modal
from bot.team_settings import validate
from handlers.parsing import settings_form_values as form_values

DOUBLE = ThemeAdvice(id="double_work", title="Double work", tactic="Retire the old report.")


def item(
    text: str, *, group: str | None = None, themes: tuple[ThemeAdvice, ...] = (DOUBLE,)
) -> FlaggedText:
    return FlaggedText(
        text=text, source="feedback", group=group, themes=themes, strongly_negative=False
    )


def alert(*items: FlaggedText, muted: int = 0) -> ResistanceAlert:
    return ResistanceAlert(items=items, muted=muted, batch_minutes=60, min_group_size=5)


def blocks_text(payload: dict[str, Any]) -> str:
    return json.dumps(payload["blocks"], ensure_ascii=False)


def assert_within_limits(payload: dict[str, Any]) -> None:
    assert payload["text"]
    assert len(payload["blocks"]) <= MESSAGE_BLOCK_LIMIT
    for block in payload["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_LIMIT


def test_user_text_and_group_names_are_escaped_and_never_ping() -> None:
    hostile = "<!channel> ask <@U0BOSS> or <https://evil.example|the wiki> & cry"
    [payload] = resistance_alert_messages(alert(item(hostile, group="ops<&>")))
    shown = blocks_text(payload)
    for raw in ("<!channel>", "<@U0BOSS>", "<https://", "ops<&>"):
        assert raw not in shown
    assert "&lt;!channel&gt;" in shown and "&amp; cry" in shown and "ops&lt;&amp;&gt;" in shown
    assert "<" not in payload["text"]
    assert_within_limits(payload)


def test_each_item_has_theme_tactic_and_source_and_the_footer_explains_batching() -> None:
    untagged = FlaggedText(
        text="Awful.", source="comment", group=None, themes=(), strongly_negative=True
    )
    [payload] = resistance_alert_messages(
        alert(item("Twice!", group="managers"), untagged, muted=2)
    )
    shown = blocks_text(payload)
    assert "*Double work* → Retire the old report." in shown
    assert "From anonymous feedback (`/feedback`) · group *managers*" in shown
    assert "*No known theme* → Read it" in shown
    assert "From a check-in comment · strongly negative" in shown
    assert "2 more about muted themes" in shown and "every 60 minutes" in shown
    assert payload["text"] == (
        "2 comments flagged as possible resistance: Double work ×1, no known theme ×1"
    )


def test_a_big_batch_is_split_within_slack_limits_and_the_rest_counted() -> None:
    many = [item(f"Entering it twice, {n}.") for n in range(45)]
    payloads = resistance_alert_messages(alert(*many))
    assert [blocks_text(p).count("Entering it twice") for p in payloads] == [20, 20, 5]
    assert "(1/3)" in blocks_text(payloads[0]) and "(3/3)" in blocks_text(payloads[2])
    for payload in payloads:
        assert_within_limits(payload)

    flood = [item(f"Entering it twice, {n}.") for n in range(130)]
    payloads = resistance_alert_messages(alert(*flood))
    assert len(payloads) == 5
    assert "…and 30 more flagged this time (Double work ×30)" in blocks_text(payloads[-1])

    long_texts = [item("x" * 2900) for _ in range(10)]
    payloads = resistance_alert_messages(alert(*long_texts))
    assert len(payloads) > 1
    for payload in payloads:
        sections = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
        quoted = sum(len(text) for text in sections if text.startswith(">"))
        assert quoted <= CHARS_PER_MESSAGE
        assert_within_limits(payload)


def test_batch_boundaries_and_keys() -> None:
    moment = datetime(2025, 3, 10, 13, 20, 5, tzinfo=UTC)
    assert last_boundary(moment, minutes=60) == datetime(2025, 3, 10, 13, 0, tzinfo=UTC)
    assert next_boundary(moment, minutes=60) == datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
    assert next_boundary(moment, minutes=1440) == datetime(2025, 3, 11, 0, 0, tzinfo=UTC)
    on_the_hour = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)
    assert last_boundary(on_the_hour, minutes=60) == on_the_hour
    assert next_boundary(on_the_hour, minutes=60) == datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
    assert alert_key(on_the_hour, lead="U1", part=1) == "alert:20250310T1400Z:U1"
    assert alert_key(on_the_hour, lead="U1", part=2) == "alert:20250310T1400Z:U1:2"


def trend(populations: int) -> TrendAlert:
    change = TrendChange(kind="mood", before=3.84, after=3.16, tactic="Ask <!here>.")
    return TrendAlert(
        week=date(2025, 3, 10),
        previous_week=date(2025, 3, 3),
        system_name="Atlas <CRM>",
        populations=tuple(
            PopulationTrend(group=None if n == 0 else f"group{n:02d}", changes=(change,))
            for n in range(populations)
        ),
        min_group_size=5,
    )


def test_trend_message_is_escaped_capped_and_adds_up() -> None:
    payload = trend_alert_message(trend(2))
    shown = blocks_text(payload)
    assert "Mood fell from 3.8 to 3.2 (−0.6 on the 1–5 scale)." in shown
    assert "*Atlas &lt;CRM&gt;*" in shown and "Ask &lt;!here&gt;." in shown
    assert "*Whole audience*" in shown and "*Group group01*" in shown
    assert payload["text"] == "Trend alert for the week of 10 Mar 2025: 2 changes to look at"
    big = trend_alert_message(trend(60))
    assert_within_limits(big)
    assert "15 more groups changed too" in blocks_text(big)


def test_settings_modal_offers_alert_settings_within_limits() -> None:
    modal = settings_modal(values={"muted_themes": "double_work,nope", "alert_mood_drop": "0.5"})
    assert len(modal["blocks"]) <= VIEW_BLOCK_LIMIT
    inputs = {b["block_id"]: b for b in modal["blocks"] if b["type"] == "input"}
    mute = inputs["muted_themes"]
    assert mute["optional"] is True
    assert [o["value"] for o in mute["element"]["options"]] == list(THEMES)
    assert [o["value"] for o in mute["element"]["initial_options"]] == ["double_work"]
    mood = inputs["alert_mood_drop"]["element"]
    assert mood["is_decimal_allowed"] is True and mood["initial_value"] == "0.5"
    assert inputs["alert_participation_drop"]["element"]["is_decimal_allowed"] is False
    state = {
        "muted_themes": {
            "value": {
                "type": "multi_static_select",
                "selected_options": [{"value": "technical_problem"}, {"value": "double_work"}],
            }
        },
        "alert_mood_drop": {"value": {"value": "0.75"}},
    }
    values = form_values(state)
    assert values["muted_themes"] == "technical_problem,double_work"
    assert values["alert_mood_drop"] == "0.75"


GOOD = {"system_name": "Atlas", "key_task": "log a call", "cycle_days": "7"}


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("alert_mood_drop", "0", "from 0.1 to 4"),
        ("alert_mood_drop", "nan", "Please enter a number"),
        ("alert_mood_drop", "half", "Please enter a number"),
        ("alert_participation_drop", "0", "from 1 to 100"),
        ("alert_old_way_rise", "15.5", "whole number"),
        ("muted_themes", "double_work,gossip", "Unknown theme: gossip"),
    ],
)
def test_alert_settings_refuse_unsafe_values(field: str, value: str, error: str) -> None:
    changes, errors = validate({**GOOD, field: value})
    assert changes == {} and error in errors[field]


def test_alert_settings_are_normalised_and_missing_ones_kept() -> None:
    changes, errors = validate(
        {**GOOD, "alert_mood_drop": " 0.75 ", "muted_themes": "technical_problem,double_work"}
    )
    assert errors == {}
    assert changes["alert_mood_drop"] == 0.75
    assert changes["muted_themes"] == ",".join(
        t for t in THEME_IDS if t in ("double_work", "technical_problem")
    )
    assert "alert_participation_drop" not in changes  # not in the form: left as it is
    assert validate({**GOOD, "muted_themes": ""})[0]["muted_themes"] == ""  # unmute all
