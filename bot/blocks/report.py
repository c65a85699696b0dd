"""`/pulse report` and the change lead's App Home dashboard as Block Kit.

Like the digest builders, these show only what the domain handed over: hidden figures arrive
as `None`, and every text someone typed is escaped.
"""

from __future__ import annotations

from typing import Any

from bot.blocks import Block, context, divider, header, message, section
from bot.blocks.digest import (
    ANONYMITY_FOOTNOTE,
    adoption_text,
    fit_message,
    group_table,
    mood_change,
    mood_text,
    participation_text,
    sparkline,
    themes_text,
    week_label,
    yes_change,
)
from bot.mrkdwn import escape
from bot.reports.digest import CycleFigures, InProgress, Report, TrendPoint

NO_CLOSED_CYCLE = (
    "No check-in has closed yet, so there is nothing to report. Figures for a week appear "
    "once its check-in closes, so that nobody's answer can be read off a number that moves."
)


def report_message(report: Report) -> dict[str, Any]:
    """The full report: latest closed week against the one before, groups, themes, alerts."""
    blocks: list[Block] = [header("Change Pulse report")]
    current = report.current
    if current is None:
        blocks.append(section(NO_CLOSED_CYCLE))
        blocks += _in_progress_blocks(report.in_progress)
        return message(NO_CLOSED_CYCLE, blocks)
    previous_point = _previous_point(report)
    compared = (
        f" compared with the week of {week_label(report.previous.week)}"
        if report.previous is not None
        else ""
    )
    blocks += [
        context(f"*{escape(current.system_name)}* · week of {week_label(current.week)}{compared}"),
        section(
            f"*Participation:* {participation_text(current.participation)}"
            f"{_previous_participation(report.previous)}\n"
            f"*Mood:* {mood_text(current.mood)}{mood_change(current.mood, previous_point)}\n"
            f"*Adoption:* {adoption_text(current.adoption)}"
            f"{yes_change(current.adoption, previous_point)}"
        ),
        section(_trend_text(report.trend)),
        divider(),
    ]
    if report.texts is not None:
        blocks.append(section(themes_text(report.texts, with_tactics=True)))
        blocks.append(section(_alerts(report)))
    blocks += _in_progress_blocks(report.in_progress)
    # The group table goes last: with very many groups it is what gets shortened.
    blocks.append(divider())
    blocks += group_table(current, title="*By stakeholder group*", previous=report.previous)
    blocks.append(context(ANONYMITY_FOOTNOTE.format(minimum=report.min_group_size)))
    fallback = (
        f"Change Pulse report for the week of {week_label(current.week)}: participation "
        f"{participation_text(current.participation, plain=True)}, "
        f"mood {mood_text(current.mood, plain=True)}."
    )
    return message(fallback, fit_message(blocks))


def lead_home_summary(report: Report) -> list[Block]:
    """The dashboard part of the change lead's App Home: a dozen blocks at most, leaving the
    rest of the 100-block view for the buttons and updates the home adds around it."""
    blocks: list[Block] = [header("Dashboard")]
    current = report.current
    if current is None:
        blocks.append(section(NO_CLOSED_CYCLE))
        blocks += _in_progress_blocks(report.in_progress)
        return blocks
    previous_point = _previous_point(report)
    blocks.append(
        section(
            f"*Week of {week_label(current.week)}*\n"
            f"*Participation:* {participation_text(current.participation)}\n"
            f"*Mood:* {mood_text(current.mood)}{mood_change(current.mood, previous_point)}\n"
            f"*Adoption:* {adoption_text(current.adoption)}"
        )
    )
    blocks.append(section(_trend_text(report.trend)))
    if report.texts is not None:
        blocks.append(section(themes_text(report.texts)))
        blocks.append(section(_alerts(report)))
    blocks += _in_progress_blocks(report.in_progress)
    return blocks


def _previous_point(report: Report) -> TrendPoint | None:
    previous = report.previous
    if previous is None:
        return None
    return TrendPoint(
        week=previous.week,
        participation=previous.participation.rate if previous.participation else None,
        mood=previous.mood.average if previous.mood else None,
        yes_share=previous.adoption.share("yes") if previous.adoption else None,
    )


def _previous_participation(previous: CycleFigures | None) -> str:
    if previous is None or previous.participation is None:
        return ""
    return f" (previous check-in: {previous.participation.rate:.0%})"


def _trend_text(trend: tuple[TrendPoint, ...]) -> str:
    if len(trend) < 2:
        return "*Trend:* _appears from the second closed week on._"
    first, last = trend[0].week, trend[-1].week
    return (
        f"*Trend, {week_label(first)} to {week_label(last)}* (· = not enough responses)\n"
        f"Participation `{sparkline([p.participation for p in trend], low=0, high=1)}`\n"
        f"Mood `{sparkline([p.mood for p in trend], low=1, high=5)}`\n"
        f'"Yes" `{sparkline([p.yes_share for p in trend], low=0, high=1)}`'
    )


def _alerts(report: Report) -> str:
    flagged = report.texts.flagged if report.texts is not None else 0
    return f"*Resistance alerts:* {flagged} in that week, each sent to you in an alert batch."


def _in_progress_blocks(in_progress: InProgress | None) -> list[Block]:
    if in_progress is None:
        return []
    return [
        section(
            f"*This week (from {week_label(in_progress.week)}), in progress:* "
            f"{participation_text(in_progress.participation)} so far. Mood and adoption appear "
            "when the check-in closes."
        )
    ]
