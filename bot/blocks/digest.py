"""The weekly digest as Block Kit: champions' version, the change lead's superset, and the
champion's App Home summary.

Builders receive figures that already passed the anonymity rules; a `None` figure renders as
"not enough responses to show" and nothing else. Every text a person wrote (quotes, group
names, theme titles from the editable rules file, the system name) goes through
`bot.mrkdwn`, so nothing in a digest can ping, link or format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from bot.blocks import (
    MESSAGE_BLOCK_LIMIT,
    SECTION_LIMIT,
    Block,
    context,
    divider,
    header,
    message,
    section,
)
from bot.mrkdwn import escape, quote
from bot.reports.anonymity import NOT_ENOUGH_RESPONSES
from bot.reports.digest import (
    Adoption,
    CycleFigures,
    Digest,
    GroupFigures,
    HelpNeeded,
    Mood,
    Participation,
    Quote,
    Texts,
    TrendPoint,
)

NOT_ENOUGH = f"_{NOT_ENOUGH_RESPONSES}_"
OTHER_GROUPS = "Other or small groups"
SOURCES = {"comment": "check-in comment", "feedback": "anonymous feedback"}
ANONYMITY_FOOTNOTE = (
    "Figures and quotes only appear for groups of at least {minimum} people; quotes are "
    "never linked to a name. Figures for a week appear once its check-in has closed."
)
_SPARKS = "▁▂▃▄▅▆▇█"
_QUOTE_LIMIT = 600


def champion_digest_message(digest: Digest) -> dict[str, Any]:
    """The weekly DM to a champion: where things stand and where to help."""
    blocks = _digest_blocks(digest, for_lead=False)
    return message(_fallback(digest), blocks)


def lead_digest_message(digest: Digest) -> dict[str, Any]:
    """The champion digest plus the per-group breakdown and the alert summary."""
    blocks = _digest_blocks(digest, for_lead=True)
    return message(_fallback(digest), blocks)


def champion_home_summary(digest: Digest | None) -> list[Block]:
    """A few blocks for the champion's App Home; the lead's home adds its own buttons."""
    blocks: list[Block] = [header("This week's pulse")]
    if digest is None:
        blocks.append(
            section("No check-in has closed yet. Your first digest arrives after the first one.")
        )
        return blocks
    cycle = digest.cycle
    previous = digest.trend[-2] if len(digest.trend) > 1 else None
    lines = [
        f"*Week of {week_label(cycle.week)}*",
        f"*Participation:* {participation_text(cycle.participation)}",
        f"*Mood:* {mood_text(cycle.mood)}{mood_change(cycle.mood, previous)}",
        f"*Adoption:* {adoption_text(cycle.adoption)}",
    ]
    if digest.texts.themes:
        top = ", ".join(f"{escape(t.title)} ({t.count})" for t in digest.texts.themes[:3])
        lines.append(f"*Top themes:* {top}")
    if digest.help_needed:
        groups = ", ".join(escape(h.group) for h in digest.help_needed)
        lines.append(f"*Where help is needed:* {groups}")
    blocks.append(section("\n".join(lines)))
    blocks.append(context("The full digest, with quotes and tactics, comes by DM each week."))
    return blocks


def _digest_blocks(digest: Digest, *, for_lead: bool) -> list[Block]:
    cycle = digest.cycle
    previous = digest.trend[-2] if len(digest.trend) > 1 else None
    audience = "change lead" if for_lead else "champions"
    blocks: list[Block] = [
        header(f"Weekly pulse: week of {week_label(cycle.week)}"),
        context(f"*{escape(cycle.system_name)}* · digest for {audience}"),
        section(
            f"*Participation:* {participation_text(cycle.participation)}\n"
            f"*Mood:* {mood_text(cycle.mood)}{mood_change(cycle.mood, previous)}\n"
            f"{trend_line(digest.trend)}"
        ),
        section(
            f"*Did people {escape(cycle.key_task)} in {escape(cycle.system_name)}?*\n"
            f"{adoption_text(cycle.adoption)}{yes_change(cycle.adoption, previous)}"
        ),
        divider(),
        section(themes_text(digest.texts)),
    ]
    if digest.quotes:
        blocks.append(section("*What people said*"))
        blocks += [_quote_block(q) for q in digest.quotes]
    blocks.append(divider())
    blocks.append(section(help_text(digest.help_needed)))
    if for_lead:
        # The group table goes last: with very many groups it is what gets shortened.
        blocks.append(section(alerts_text(digest.texts.flagged)))
        blocks.append(divider())
        blocks += group_table(cycle, title="*By stakeholder group*")
    blocks.append(context(ANONYMITY_FOOTNOTE.format(minimum=digest.min_group_size)))
    return fit_message(blocks)


def _quote_block(q: Quote) -> Block:
    where = [escape(q.theme_title), SOURCES.get(q.source, "comment")]
    if q.group is not None:
        where.append(escape(q.group))
    text = quote(q.text, limit=_QUOTE_LIMIT) + "\n_" + " · ".join(where) + "_"
    return section(text)


def _fallback(digest: Digest) -> str:
    cycle = digest.cycle
    return (
        f"Weekly pulse for {escape(cycle.system_name)}, week of {week_label(cycle.week)}: "
        f"participation {participation_text(cycle.participation, plain=True)}, "
        f"mood {mood_text(cycle.mood, plain=True)}."
    )


def week_label(week: date) -> str:
    return f"{week.day} {week:%b %Y}"


def participation_text(p: Participation | None, *, plain: bool = False) -> str:
    if p is None:
        return NOT_ENOUGH_RESPONSES if plain else NOT_ENOUGH
    return f"{p.answered} of {p.sent} answered ({p.rate:.0%})"


def mood_text(mood: Mood | None, *, plain: bool = False) -> str:
    if mood is None:
        return NOT_ENOUGH_RESPONSES if plain else NOT_ENOUGH
    return f"{mood.average:.1f} / 5 ({mood.respondents} answers)"


def adoption_text(adoption: Adoption | None) -> str:
    if adoption is None:
        return NOT_ENOUGH
    return (
        f"Yes {adoption.share('yes'):.0%} · Partly {adoption.share('partly'):.0%} · "
        f"No, the old way {adoption.share('no'):.0%} ({adoption.respondents} answers)"
    )


def mood_change(mood: Mood | None, previous: TrendPoint | None) -> str:
    if mood is None or previous is None or previous.mood is None:
        return ""
    return f" · {_arrow(mood.average - previous.mood, unit='', digits=1)} vs the previous check-in"


def yes_change(adoption: Adoption | None, previous: TrendPoint | None) -> str:
    if adoption is None or previous is None or previous.yes_share is None:
        return ""
    delta = (adoption.share("yes") - previous.yes_share) * 100
    return f'\n"Yes" {_arrow(delta, unit=" points", digits=0)} vs the previous check-in'


def _arrow(delta: float, *, unit: str, digits: int) -> str:
    rounded = round(delta, digits)
    if rounded == 0:
        return "unchanged"
    sign = "▲" if rounded > 0 else "▼"
    return f"{sign} {abs(rounded):.{digits}f}{unit}"


def sparkline(values: Sequence[float | None], *, low: float, high: float) -> str:
    """A tiny text chart: one bar per cycle, a dot where a cycle had too few answers."""
    bars = []
    for value in values:
        if value is None:
            bars.append("·")
            continue
        position = (min(max(value, low), high) - low) / (high - low)
        bars.append(_SPARKS[round(position * (len(_SPARKS) - 1))])
    return "".join(bars)


def trend_line(trend: Sequence[TrendPoint]) -> str:
    if len(trend) < 2:
        return "_The trend appears from the second week on._"
    mood = sparkline([p.mood for p in trend], low=1, high=5)
    yes = sparkline([p.yes_share for p in trend], low=0, high=1)
    return f'Last {len(trend)} weeks: mood `{mood}` · "yes" `{yes}`'


def themes_text(texts: Texts, *, with_tactics: bool = False) -> str:
    if texts.themes is None:
        return f"*Top themes*\n_not enough comments to show ({texts.count} this week)_"
    if not texts.themes:
        return f"*Top themes*\nNo resistance themes in the {texts.count} comments this week."
    lines = ["*Top themes*"]
    for theme in texts.themes:
        lines.append(f"• *{escape(theme.title)}*: {theme.count} of {texts.count} comments")
        if with_tactics:
            lines.append(f"    _Try:_ {escape(theme.tactic)}")
    return "\n".join(lines)


def help_text(help_needed: Sequence[HelpNeeded]) -> str:
    if not help_needed:
        return "*Where help is needed*\nNo group large enough to show is behind the rest this week."
    lines = ["*Where help is needed*"]
    for h in help_needed:
        figures = []
        if h.mood is not None:
            figures.append(f"mood {h.mood:.1f}")
        if h.yes_share is not None:
            figures.append(f"{h.yes_share:.0%} yes")
        lines.append(f"• *{escape(h.group)}*: {', '.join(figures)}")
        if h.theme is not None:
            where = "their top theme" if h.theme_from_group else "top theme overall"
            lines.append(f"    {where}: {escape(h.theme.title)}. _Try:_ {escape(h.theme.tactic)}")
    return "\n".join(lines)


def alerts_text(flagged: int) -> str:
    if flagged == 0:
        return "*Resistance alerts:* none this week."
    noun = "comment was" if flagged == 1 else "comments were"
    return f"*Resistance alerts:* {flagged} {noun} flagged this week and sent to you as alerts."


def group_name(group: str | None) -> str:
    return OTHER_GROUPS if group is None else escape(group)


def group_line(row: GroupFigures, *, previous: GroupFigures | None = None) -> str:
    """One group's figures on one line; the previous cycle's in brackets when given."""
    if row.participation is None and row.mood is None and row.adoption is None:
        return f"• *{group_name(row.group)}*: {NOT_ENOUGH}"
    parts = []
    parts.append(
        "answered " + ("–" if row.participation is None else f"{row.participation.rate:.0%}")
    )
    mood = "–" if row.mood is None else f"{row.mood.average:.1f}"
    yes = "–" if row.adoption is None else f"{row.adoption.share('yes'):.0%}"
    if previous is not None:
        if previous.mood is not None:
            mood += f" (was {previous.mood.average:.1f})"
        if previous.adoption is not None:
            yes += f" (was {previous.adoption.share('yes'):.0%})"
    parts += [f"mood {mood}", f"yes {yes}"]
    return f"• *{group_name(row.group)}*: " + " · ".join(parts)


def group_table(
    cycle: CycleFigures, *, title: str, previous: CycleFigures | None = None
) -> list[Block]:
    """The per-group breakdown, split into sections that each fit Slack's limit.

    "–" marks a single figure hidden to protect a small group (or to keep it from being
    worked out from the others).
    """
    before = {g.group: g for g in previous.groups} if previous is not None else {}
    lines = [group_line(g, previous=before.get(g.group)) for g in cycle.groups]
    if not lines:
        lines = ["_No stakeholder groups yet: `/pulse group set <group> @user…` adds them._"]
    lines.append("_– means not enough responses to show that figure._")
    return [section(text) for text in pack_lines([title, *lines])]


def pack_lines(lines: Iterable[str], *, limit: int = SECTION_LIMIT) -> list[str]:
    """Join lines into as few texts as fit `limit`, never splitting a line."""
    texts: list[str] = []
    current = ""
    for line in lines:
        line = line[:limit]
        if current and len(current) + 1 + len(line) > limit:
            texts.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        texts.append(current)
    return texts


def fit_message(blocks: list[Block]) -> list[Block]:
    """Keep the last block (the footnote) when a message would exceed the block limit."""
    if len(blocks) <= MESSAGE_BLOCK_LIMIT:
        return blocks
    return [*blocks[: MESSAGE_BLOCK_LIMIT - 2], context("(shortened)"), blocks[-1]]
