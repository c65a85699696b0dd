"""Digest, report, App Home and export builders, and the chart: pure, no Slack, no database."""

from __future__ import annotations

import json
import struct
import zlib
from datetime import date, timedelta
from typing import Any

import pytest

from bot.blocks import MESSAGE_BLOCK_LIMIT, SECTION_LIMIT, VIEW_BLOCK_LIMIT
from bot.blocks.digest import (
    champion_digest_message,
    champion_home_summary,
    lead_digest_message,
    pack_lines,
    sparkline,
)
from bot.blocks.report import lead_home_summary, report_message
from bot.reports.chart import chart_alt_text, trend_chart_png
from bot.reports.digest import (
    Adoption,
    CycleFigures,
    Digest,
    GroupFigures,
    HelpNeeded,
    InProgress,
    Mood,
    Participation,
    Quote,
    Report,
    Texts,
    ThemeCount,
    TrendPoint,
)
from bot.reports.export import aggregates_csv, comments_csv, spreadsheet_safe
from storage.reports import ExportedText

WEEK = date(2025, 3, 3)
HOSTILE = "<!channel> & <@U123> <https://evil.example|payroll>"
THEME = ThemeCount(
    theme_id="old_way_faster",
    title="Old way was faster",
    tactic="Show the shortcut; measure the task; fix the slow path.",
    count=6,
)


def group(name: str | None, *, shown: bool = True) -> GroupFigures:
    if not shown:
        return GroupFigures(group=name, participation=None, mood=None, adoption=None)
    return GroupFigures(
        group=name,
        participation=Participation(sent=10, answered=8),
        mood=Mood(respondents=8, average=3.25),
        adoption=Adoption(yes=4, partly=2, no=2),
    )


def cycle(groups: list[GroupFigures], *, week: date = WEEK) -> CycleFigures:
    return CycleFigures(
        cycle_id=1,
        week=week,
        system_name=f"Workday {HOSTILE}",
        key_task="log hours",
        participation=Participation(sent=60, answered=41),
        mood=Mood(respondents=41, average=3.4),
        adoption=Adoption(yes=20, partly=11, no=10),
        groups=tuple(groups),
    )


def trend(n: int) -> tuple[TrendPoint, ...]:
    return tuple(
        TrendPoint(
            week=WEEK - timedelta(weeks=n - 1 - i),
            participation=0.7,
            mood=None if i == 2 else 3 + i / 10,
            yes_share=0.4 + i / 50,
        )
        for i in range(n)
    )


def digest(groups: list[GroupFigures] | None = None) -> Digest:
    return Digest(
        cycle=cycle(groups if groups is not None else [group("ops"), group("execs", shown=False)]),
        trend=trend(8),
        texts=Texts(count=20, themes=(THEME,), flagged=3),
        quotes=(
            Quote(
                text=f"It is slower {HOSTILE}",
                theme_id="old_way_faster",
                theme_title="Old way was faster",
                source="comment",
                group=f"ops {HOSTILE}",
            ),
        ),
        help_needed=(
            HelpNeeded(
                group=f"ops {HOSTILE}",
                mood=2.8,
                yes_share=0.3,
                theme=THEME,
                theme_from_group=True,
            ),
        ),
        min_group_size=5,
    )


def report(*, current: bool = True) -> Report:
    return Report(
        current=cycle([group("ops"), group(None, shown=False)]) if current else None,
        previous=cycle([group("ops")], week=WEEK - timedelta(weeks=1)) if current else None,
        trend=trend(8) if current else (),
        texts=Texts(count=20, themes=(THEME,), flagged=2) if current else None,
        in_progress=InProgress(week=WEEK + timedelta(weeks=1), participation=Participation(30, 12)),
        min_group_size=5,
    )


def texts_of(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            if "text" in element and isinstance(element["text"], str):
                found.append(element["text"])
    return found


def assert_within_limits(payload: dict[str, Any], *, blocks: int = MESSAGE_BLOCK_LIMIT) -> None:
    assert payload["text"].strip(), "fallback text is required"
    assert len(payload["blocks"]) <= blocks
    for text in texts_of(payload["blocks"]):
        assert len(text) <= SECTION_LIMIT


def assert_inert(payload: dict[str, Any]) -> None:
    dumped = json.dumps(payload)
    for raw in ("<!channel>", "<@U123>", "<https://"):
        assert raw not in dumped


def test_champion_digest_has_the_essentials_and_nothing_for_the_lead_only() -> None:
    payload = champion_digest_message(digest())
    assert_within_limits(payload)
    assert_inert(payload)
    body = "\n".join(texts_of(payload["blocks"]))
    for expected in ("41 of 60 answered", "3.4 / 5", "Yes 49%", "Old way was faster", "Try:"):
        assert expected in body
    assert "&lt;!channel&gt;" in body
    assert "By stakeholder group" not in body and "Resistance alerts" not in body
    assert "41 of 60" in payload["text"]


def test_lead_digest_is_a_superset_with_groups_and_alerts() -> None:
    champion = "\n".join(texts_of(champion_digest_message(digest())["blocks"]))
    payload = lead_digest_message(digest())
    assert_within_limits(payload)
    assert_inert(payload)
    body = "\n".join(texts_of(payload["blocks"]))
    assert "By stakeholder group" in body
    assert "*execs*: _not enough responses to show_" in body
    assert "3 comments were flagged" in body
    for line in champion.splitlines():
        if "digest for" not in line:
            assert line in body


def test_hidden_total_figures_render_as_not_enough_responses() -> None:
    empty = Digest(
        cycle=CycleFigures(
            cycle_id=1,
            week=WEEK,
            system_name="Workday",
            key_task="log hours",
            participation=None,
            mood=None,
            adoption=None,
            groups=(),
        ),
        trend=(TrendPoint(week=WEEK, participation=None, mood=None, yes_share=None),),
        texts=Texts(count=2, themes=None, flagged=0),
        quotes=(),
        help_needed=(),
        min_group_size=5,
    )
    payload = lead_digest_message(empty)
    assert_within_limits(payload)
    body = "\n".join(texts_of(payload["blocks"]))
    assert body.count("not enough responses to show") >= 3
    assert "not enough comments" in body
    assert "not enough responses to show" in payload["text"]


@pytest.mark.parametrize("count", [120, 2000])
def test_many_long_group_names_still_fit_slack_limits(count: int) -> None:
    groups = [group(f"{'very long group name ' * 6}{i}") for i in range(count)]
    payload = lead_digest_message(digest(groups))
    assert_within_limits(payload)
    assert "3 comments were flagged" in json.dumps(payload), "alerts survive a long table"
    payload = report_message(
        Report(
            current=cycle(groups),
            previous=cycle(groups),
            trend=trend(8),
            texts=Texts(count=20, themes=(THEME,), flagged=2),
            in_progress=None,
            min_group_size=5,
        )
    )
    assert_within_limits(payload)
    assert "Show the shortcut" in json.dumps(payload), "tactics survive a long table"


def test_report_compares_weeks_and_lists_tactics() -> None:
    payload = report_message(report())
    assert_within_limits(payload)
    assert_inert(payload)
    body = "\n".join(texts_of(payload["blocks"]))
    assert "previous check-in: 68%" in body
    assert "(was 3.2)" in body
    assert "_Try:_ Show the shortcut" in body
    assert "2 in that week" in body
    # No live count for the open week: it would time a flagged text (alerts are batched).
    assert "so far this week" not in body
    assert "12 of 30 answered" in body
    assert "*Other or small groups*: _not enough responses to show_" in body


def test_report_before_any_closed_cycle_explains_why() -> None:
    payload = report_message(report(current=False))
    assert_within_limits(payload)
    assert "No check-in has closed yet" in payload["text"]


def test_home_summaries_leave_room_in_a_home_view() -> None:
    for blocks in (
        champion_home_summary(digest()),
        champion_home_summary(None),
        lead_home_summary(report()),
        lead_home_summary(report(current=False)),
    ):
        assert 1 <= len(blocks) <= 12 < VIEW_BLOCK_LIMIT
        assert_inert({"blocks": blocks})
        for text in texts_of(blocks):
            assert len(text) <= SECTION_LIMIT
    body = "\n".join(texts_of(lead_home_summary(report())))
    assert "Participation `" in body and "Resistance alerts" in body


def test_sparkline_scales_and_marks_gaps() -> None:
    assert sparkline([1, None, 5, 3], low=1, high=5) == "▁·█▅"
    assert sparkline([-1, 2], low=0, high=1) == "▁█"


def test_pack_lines_never_exceeds_a_section_or_splits_a_line() -> None:
    lines = [f"line {i} " + "x" * 200 for i in range(40)]
    packed = pack_lines(lines)
    assert all(len(p) <= SECTION_LIMIT for p in packed)
    assert "\n".join(packed).splitlines() == lines


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


@pytest.mark.parametrize("length", [0, 1, 8, 52])
def test_chart_is_a_small_valid_png_that_describes_its_series(length: int) -> None:
    points = trend(length)
    data = trend_chart_png(points)
    chunks = _png_chunks(data)
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert (width, height) == (600, 260)
    assert len(data) < 80_000
    texts = dict(body.split(b"\x00", 1) for kind, body in chunks if kind == b"tEXt")
    assert texts[b"Description"].decode() == chart_alt_text(points)
    if length:
        assert f"over {length} cycles" in texts[b"Description"].decode()


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("fine", "fine"),
        (-0.5, -0.5),
        (3, 3),
    ],
)
def test_spreadsheet_formulas_are_defused_but_numbers_stay_numbers(
    value: str | float, safe: str | float
) -> None:
    assert spreadsheet_safe(value) == safe


def test_export_csvs_mark_suppression_and_name_groups_only_when_large_enough() -> None:
    weekly = aggregates_csv([cycle([group("=evil"), group("execs", shown=False)])]).decode(
        "utf-8-sig"
    )
    assert "'=evil" in weekly
    assert weekly.splitlines()[3].count("suppressed") == 10
    comment = ExportedText(
        day=WEEK + timedelta(days=2),
        source="feedback",
        group="ops",
        polarity=-0.75,
        label="neg",
        themes=("double_work",),
        flagged=True,
        text="@here +1",
    )
    quiet = comments_csv([comment], texts_per_group_week={(WEEK, "ops"): 4}, threshold=5)
    loud = comments_csv([comment], texts_per_group_week={(WEEK, "ops"): 5}, threshold=5)
    assert quiet.decode("utf-8-sig").splitlines()[1] == (
        "2025-03-03,feedback,,-0.75,neg,double_work,yes,'@here +1"
    )
    assert ",ops," in loud.decode("utf-8-sig")
