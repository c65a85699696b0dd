"""The change lead's resistance and trend alerts as Slack messages.

Every text a person wrote goes through `mrkdwn.quote` (escaped: it can never ping, mention or
disguise a link), group names through `escape`. A batch too big for one message is split into
parts that each stay well inside Slack's limits (50 blocks, and a character budget so a message
is never refused as too long); past `MAX_PARTS`, the rest is counted by theme instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from bot import messages
from bot.blocks import Block, context, header, message, section
from bot.mrkdwn import escape, quote

if TYPE_CHECKING:
    from bot.alerts import FlaggedText, PopulationTrend, ResistanceAlert, TrendAlert, TrendChange

ITEMS_PER_MESSAGE = 20  # two blocks each, plus header, intro and footer: 43 of 50
CHARS_PER_MESSAGE = 12_000  # quoted text per message; Slack refuses very long messages
MAX_PARTS = 5
MAX_POPULATIONS = 45  # one section each, plus header, intro and footer

SOURCES = {"feedback": "anonymous feedback (`/feedback`)", "comment": "a check-in comment"}


def resistance_alert_messages(alert: ResistanceAlert) -> list[dict[str, Any]]:
    """One message, or a few parts for a big batch; each with fallback text and ≤ 50 blocks."""
    parts = _parts(alert.items)
    overflow = alert.items[sum(len(p) for p in parts) :]
    summary = _summary(alert.items)
    payloads = []
    for index, part in enumerate(parts, start=1):
        title = (
            "Resistance alert" if len(parts) == 1 else f"Resistance alert ({index}/{len(parts)})"
        )
        blocks: list[Block] = [header(title)]
        if index == 1:
            blocks.append(section(_intro(alert)))
        for item in part:
            blocks.append(section(quote(item.text)))
            blocks.append(context(_item_details(item)))
        if index == len(parts):
            blocks.append(context(_footer(alert, overflow)))
        payloads.append(message(summary, blocks))
    return payloads


def trend_alert_message(alert: TrendAlert) -> dict[str, Any]:
    shown = alert.populations[:MAX_POPULATIONS]
    blocks: list[Block] = [
        header(f"Trend alert: week of {_day(alert.week)}"),
        section(
            f"Compared with the week of {_day(alert.previous_week)}, this changed for "
            f"*{escape(alert.system_name)}* beyond your alert thresholds:"
        ),
    ]
    blocks.extend(section(_population(p, alert)) for p in shown)
    notes = []
    if len(alert.populations) > len(shown):
        notes.append(
            f"{len(alert.populations) - len(shown)} more groups changed too; see `/pulse report`."
        )
    notes.append(
        f"Groups are compared only when they had at least {alert.min_group_size} people in both "
        "weeks. Thresholds and muted themes: `/pulse settings`."
    )
    blocks.append(context("\n".join(notes)))
    changes = alert.changes
    text = (
        f"Trend alert for the week of {_day(alert.week)}: {changes} "
        f"change{'s' if changes != 1 else ''} to look at"
    )
    return message(text, blocks)


# -- resistance --------------------------------------------------------------------------------


def _parts(items: Sequence[FlaggedText]) -> list[list[FlaggedText]]:
    parts: list[list[FlaggedText]] = [[]]
    used = 0
    for item in items:
        size = len(quote(item.text))
        if parts[-1] and (len(parts[-1]) == ITEMS_PER_MESSAGE or used + size > CHARS_PER_MESSAGE):
            if len(parts) == MAX_PARTS:
                break
            parts.append([])
            used = 0
        parts[-1].append(item)
        used += size
    return parts


def _intro(alert: ResistanceAlert) -> str:
    count = len(alert.items)
    noun = "comment was" if count == 1 else "comments were"
    return (
        f"*{count}* {noun} flagged as possible resistance since the last batch, most negative "
        "first, each with a suggested tactic."
    )


def _item_details(item: FlaggedText) -> str:
    lines = [f"*{escape(t.title)}* → {escape(t.tactic)}" for t in item.themes]
    if not lines:
        lines.append(f"*No known theme* → {messages.ALERT_NO_THEME_TACTIC}")
    origin = [f"From {SOURCES.get(item.source, 'anonymous feedback')}"]
    if item.group is not None:
        origin.append(f"group *{escape(item.group)}*")
    if item.strongly_negative:
        origin.append("strongly negative")
    lines.append(" · ".join(origin))
    return "\n".join(lines)


def _footer(alert: ResistanceAlert, overflow: Sequence[FlaggedText]) -> str:
    notes = []
    if overflow:
        notes.append(
            f"…and {len(overflow)} more flagged this time ({_theme_counts(overflow)}); "
            "`/pulse report` and `/pulse export` have them all."
        )
    if alert.muted:
        notes.append(
            f"{alert.muted} more about muted themes not shown (`/pulse settings` to unmute)."
        )
    notes.append(
        messages.ALERT_WHY_BATCHED.format(
            minutes=alert.batch_minutes, min_size=alert.min_group_size
        )
    )
    return "\n".join(notes)


def _summary(items: Sequence[FlaggedText]) -> str:
    count = len(items)
    text = f"{count} comment{'s' if count != 1 else ''} flagged as possible resistance"
    return f"{text}: {_theme_counts(items)}"


def _theme_counts(items: Sequence[FlaggedText]) -> str:
    counts = Counter(t.title for item in items for t in item.themes)
    untagged = sum(1 for item in items if not item.themes)
    parts = [f"{title} ×{n}" for title, n in counts.most_common()]
    if untagged:
        parts.append(f"no known theme ×{untagged}")
    return ", ".join(parts)


# -- trends ------------------------------------------------------------------------------------


def _population(population: PopulationTrend, alert: TrendAlert) -> str:
    name = "Whole audience" if population.group is None else f"Group {escape(population.group)}"
    lines = [f"*{name}*"]
    for change in population.changes:
        lines.append(f"• {_what_changed(change, alert)}")
        advice = f"   _What to do:_ {escape(change.tactic)}"
        if change.kind == "mood" and change.theme is not None:
            advice = (
                f"   _What to do_ (top theme this week: {escape(change.theme.title)}): "
                f"{escape(change.tactic)}"
            )
        lines.append(advice)
    return "\n".join(lines)


def _what_changed(change: TrendChange, alert: TrendAlert) -> str:
    """One line; the change is worked out from the rounded figures, so the line adds up."""
    if change.kind == "mood":
        before, after = round(change.before, 1), round(change.after, 1)
        return (
            f"Mood fell from {before:.1f} to {after:.1f} (−{before - after:.1f} on the 1–5 scale)."
        )
    if change.kind in ("participation", "old_way"):
        before, after = round(change.before * 100), round(change.after * 100)
        if change.kind == "participation":
            return f"Participation fell from {before}% to {after}% (−{before - after} points)."
        return (
            f"“No, I used the old way” rose from {before}% to {after}% (+{after - before} points)."
        )
    title = escape(change.theme.title) if change.theme else "A theme"
    return (
        f"New theme: *{title}* in {change.after:.0f} texts this week; never "
        f"{alert.new_theme_texts} or more in a week before."
    )


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
