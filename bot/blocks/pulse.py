"""Answers to `/pulse` subcommands: help by role, lists of people, confirmations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from bot import messages
from bot.blocks import Block, context, message, section, sections
from bot.mrkdwn import escape

if TYPE_CHECKING:
    from bot.checkins import CycleCounts, PersonalStatus, SendNow
    from bot.reporting import DigestRun, ExportResult


@dataclass(frozen=True)
class Usage:
    usage: str
    what: str
    manage: bool


USAGES: tuple[Usage, ...] = (
    Usage("help", "what you can do", manage=False),
    Usage("status", "whether you have answered this week's check-in", manage=False),
    Usage("lead @user…", "name the change lead(s)", manage=True),
    Usage("champion add|remove @user…", "add or remove champions", manage=True),
    Usage("champions", "list champions", manage=True),
    Usage("audience add|remove #channel|@user…", "choose who gets check-ins", manage=True),
    Usage("audience", "who is in the audience", manage=True),
    Usage("group set <group> @user…", "put people in a stakeholder group", manage=True),
    Usage("groups", "list stakeholder groups and their members", manage=True),
    Usage(
        "schedule <weekday> <HH:MM>",
        "when check-ins go out, in each person's own timezone",
        manage=True,
    ),
    Usage("send-now", "send this week's check-in to the audience now", manage=True),
    Usage(
        "digest-now",
        "send the latest closed week's digest to champions and the change lead",
        manage=True,
    ),
    Usage("report", "the latest closed week against the one before, by group", manage=True),
    Usage("export", "weekly figures and anonymised comments as CSV files, by DM", manage=True),
    Usage("settings", "system name, key task, reminder delay, group size", manage=True),
)


def help_message(*, can_manage: bool, prefix: str = "") -> dict[str, Any]:
    lines = [f"• `/pulse {u.usage}`: {u.what}" for u in USAGES if can_manage or not u.manage]
    lines.append("• `/feedback <text>`: tell us anything, anonymously (or `/feedback` for a form)")
    blocks: list[Block] = []
    if prefix:
        blocks.append(section(prefix))
    blocks.append(section("*What you can do with Change Pulse*\n" + "\n".join(lines)))
    if not can_manage:
        blocks.append(context("Setting up check-ins is for the change lead and admins."))
    return message((prefix + "\n" if prefix else "") + "\n".join(lines), blocks)


def mention_list(user_ids: list[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in user_ids) if user_ids else "nobody yet"


def text_message(text: str) -> dict[str, Any]:
    return message(text, sections(text))


def inert(word: str) -> str:
    """What someone typed, safe inside `code`: escaped for mrkdwn, no backtick to break out."""
    return escape(word.replace("`", "'"))


def _quoted(words: list[str]) -> str:
    return ", ".join(f"`{inert(word)}`" for word in words)


def unresolved_users_message(words: list[str], *, usage: str) -> dict[str, Any]:
    return text_message(
        f"I couldn't find {_quoted(words)} as Slack "
        f"users. Pick people from the @-mention list so Slack links them. Usage: `{usage}`"
    )


def mention_usage_message(usage: str) -> dict[str, Any]:
    return text_message(f"Usage: `/pulse {usage}` (mention people with @).")


def change_leads_message(users: list[str]) -> dict[str, Any]:
    return text_message(f"Change lead: {mention_list(users)}. They get alerts and reports.")


def champions_changed_message(users: list[str], *, added: bool) -> dict[str, Any]:
    verb = "are now champions" if added else "are no longer champions"
    return text_message(f"{mention_list(users)} {verb}.")


def champions_message(users: list[str]) -> dict[str, Any]:
    return text_message(f"*Champions:* {mention_list(users)}")


def audience_usage_message(*, unresolved: list[str]) -> dict[str, Any]:
    return text_message(
        "Usage: `/pulse audience add #channel @user…` (pick channels and people from "
        "Slack's suggestions so they are linked)."
        + (f" I couldn't resolve {_quoted(unresolved)}." if unresolved else "")
    )


def unreadable_channels_message(channels: list[str], *, rest_saved: bool) -> dict[str, Any]:
    return text_message(
        "I can't read the members of "
        + ", ".join(f"<#{c}>" for c in channels)
        + ": invite me there with `/invite @Change Pulse`, then try again."
        + (" The rest was saved." if rest_saved else "")
    )


def group_name_refused_message(examples: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return text_message(
        "Group names are short words (letters, digits, `_` or `-`, up to 40), e.g. "
        + ", ".join(f"`{g}`" for g in examples)
        + "."
    )


def group_set_message(users: list[str], *, group: str) -> dict[str, Any]:
    return text_message(f"{mention_list(users)} now in group *{group}*.")


def groups_message(groups: dict[str, list[str]]) -> dict[str, Any]:
    if not groups:
        return text_message(
            "No stakeholder groups yet. Try `/pulse group set manager @alice @bob`."
        )
    lines = [
        f"• *{escape(name)}* ({len(members)}): {mention_list(members)}"
        for name, members in sorted(groups.items())
    ]
    return text_message("*Stakeholder groups*\n" + "\n".join(lines))


def audience_message(
    *, channels: list[str], users: list[str], members: int, excluded: int, unreadable: list[str]
) -> dict[str, Any]:
    if not channels and not users:
        return text_message(
            "Nobody is in the audience yet. Add a channel with `/pulse audience add #channel` "
            "or people with `/pulse audience add @user`."
        )
    sources = [f"<#{c}>" for c in channels] + [f"<@{u}>" for u in users]
    text = (
        f"*Audience:* {members} people will get check-ins, from {', '.join(sources)}."
        f"\n{excluded} bots or deactivated accounts are left out."
    )
    if unreadable:
        text += (
            "\n:warning: I can't read the members of "
            + ", ".join(f"<#{c}>" for c in unreadable)
            + ". Invite me there with `/invite @Change Pulse`."
        )
    return text_message(text)


def _when(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B} at {moment:%H:%M}"


def status_message(
    *, roles: str, personal: PersonalStatus, counts: CycleCounts | None
) -> dict[str, Any]:
    """Everyone learns whether they answered; the lead also gets the open cycle's counts."""
    if personal.week is None:
        mine = (
            "No check-in is open right now. Your next one arrives "
            f"{_when(personal.next_checkin)}, your time."
        )
    elif personal.answered:
        mine = (
            ":white_check_mark: You have answered this week's check-in. Thank you! You can "
            "still change your answers from the message until it closes."
        )
    elif personal.received:
        mine = (
            "You haven't answered this week's check-in yet. It's in your DMs from Change "
            "Pulse and takes ten seconds."
        )
    else:
        mine = "This week's check-in is open, but you are not in its audience."
    blocks = [section(f"You are: *{roles}*.\n{mine}")]
    if counts is not None:
        share = round(100 * counts.answered / counts.people) if counts.people else 0
        lines = [
            f"*This week's check-in* (week of {counts.week.day} {counts.week:%B}, closes "
            f"{_when(counts.closes_at)} your time)",
            f"• sent to *{counts.sent}* of {counts.people} people"
            + (f", {counts.waiting} still on their way" if counts.waiting else ""),
            (
                "• answered: not shown for an audience this small"
                if counts.answered_hidden
                else f"• answered: *{counts.answered}* ({share}%)"
            ),
            f"• reminders sent: {counts.reminders_sent}",
        ]
        if counts.undeliverable:
            lines.append(
                f"• could not be delivered: {counts.undeliverable} (deactivated accounts, "
                "or Change Pulse was down past the grace window)"
            )
        blocks.append(section("\n".join(lines)))
    return message(f"You are: {roles}. {mine}", blocks)


def schedule_message(*, weekday: str, at: time, next_checkin: datetime) -> dict[str, Any]:
    return text_message(
        f"Check-ins now go out every *{weekday.capitalize()} at {at:%H:%M}*, in each person's "
        f"own timezone. Yours is next on {_when(next_checkin)}. A check-in that is already "
        "open is not affected."
    )


def send_now_message(*, recipients: int, queued: int, created: bool, rate: float) -> dict[str, Any]:
    minutes = queued / rate / 60
    pace = (
        f" At {rate:g} a second that takes about {max(1, round(minutes))} minute(s)."
        if minutes >= 1
        else ""
    )
    if created:
        return text_message(
            f":rocket: Sending this week's check-in to *{recipients}* people now.{pace} "
            "`/pulse status` shows progress."
        )
    return text_message(
        f"This week's check-in is already open for {recipients} people; the "
        f"{queued} who had not got it yet are being sent it now.{pace} `/pulse status` shows "
        "progress."
    )


def send_now_answer(result: SendNow, *, rate: float) -> dict[str, Any]:
    """`/pulse send-now` and the home's button: what happened, or why nothing did."""
    if result.fanout is None:
        closed = result.problem == "closed"
        return text_message(messages.SEND_NOW_CLOSED if closed else messages.SEND_NOW_NO_AUDIENCE)
    return send_now_message(
        recipients=result.fanout.recipients,
        queued=result.fanout.queued,
        created=result.fanout.created,
        rate=rate,
    )


def digest_now_message(run: DigestRun) -> dict[str, Any]:
    """`/pulse digest-now`: each person gets a week's digest once, so a second run says so."""
    if run.recipients == 0:
        return text_message(messages.DIGEST_NO_RECIPIENTS)
    if run.week is None:
        return text_message(messages.DIGEST_NO_CLOSED_CYCLE)
    week = f"{run.week.day} {run.week:%B}"
    if run.queued == 0:
        return text_message(
            f"The digest for the week of {week} was already sent to all {run.recipients} "
            "champions and change leads, and each gets a week's digest once. The next one goes "
            "out when the open check-in closes."
        )
    already = (
        f" ({run.already_sent} already had it, so they don't get it twice)"
        if run.already_sent
        else ""
    )
    people = "person" if run.queued == 1 else "people"
    return text_message(
        f":mailbox_with_mail: Sending the digest for the week of {week}, with its trend chart, "
        f"to {run.queued} {people} now (champions and change leads){already}."
    )


def export_answer(result: ExportResult) -> dict[str, Any]:
    if not result.delivered:
        return text_message(messages.EXPORT_FAILED)
    return text_message(messages.EXPORT_SENT.format(files=", ".join(result.filenames)))
