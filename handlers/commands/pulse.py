"""`/pulse <subcommand>`: set-up and status. Acks with the answer; slow ones answer lazily."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from itertools import takewhile
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot import audience, checkins, messages, reporting, roles, team_settings
from bot.blocks.pulse import (
    audience_message,
    audience_usage_message,
    champions_changed_message,
    champions_message,
    change_leads_message,
    digest_now_message,
    export_answer,
    group_name_refused_message,
    group_set_message,
    groups_message,
    help_message,
    inert,
    mention_usage_message,
    schedule_message,
    send_now_answer,
    status_message,
    text_message,
    unreadable_channels_message,
    unresolved_users_message,
)
from bot.blocks.report import report_message
from bot.blocks.settings import settings_modal
from bot.roles import Caller
from bot.schedule import WEEKDAYS, parse_clock_time, parse_weekday
from bot.services import Services
from handlers.context import answers_when_database_down, services, set_outcome
from handlers.parsing import command_words, parse_targets

logger = logging.getLogger(__name__)

Answer = dict[str, Any]


@dataclass(frozen=True)
class Subcommand:
    run: Callable[[Services, Caller, list[str]], Answer]
    manage: bool = True
    slow: bool = False  # calls Slack; answered after the ack via response_url
    opens_modal: bool = False  # `run` builds a view, opened after the ack with the trigger id
    working: str = "On it…"  # what a slow one acks with


def _help(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    return help_message(can_manage=caller.can_manage)


def _status(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    roles_held = [
        name
        for name, held in (
            ("change lead", caller.is_change_lead),
            ("champion", caller.is_champion),
            ("admin", caller.is_admin),
        )
        if held
    ]
    personal, counts = checkins.status(pulse, user_id=caller.user_id, with_counts=caller.can_manage)
    return status_message(
        roles=", ".join(roles_held) if roles_held else "participant",
        personal=personal,
        counts=counts,
    )


def _schedule(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    weekday = parse_weekday(args[0]) if len(args) == 2 else None
    at = parse_clock_time(args[1]) if len(args) == 2 else None
    if weekday is None or at is None:
        return text_message(messages.SCHEDULE_USAGE)
    upcoming = checkins.set_schedule(pulse, weekday=weekday, at=at, user_id=caller.user_id)
    return schedule_message(weekday=WEEKDAYS[weekday], at=at, next_checkin=upcoming)


def _send_now(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    return send_now_answer(checkins.send_now(pulse), rate=pulse.settings.changepulse_send_rate)


def _digest_now(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    return digest_now_message(reporting.send_digests(pulse))


def _report(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    return report_message(reporting.report(pulse))


def _export(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    return export_answer(reporting.send_export(pulse, user_id=caller.user_id))


def _settings_modal(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    return settings_modal(values=team_settings.current(pulse))


def _users_or_error(args: list[str], usage: str) -> tuple[list[str], Answer | None]:
    targets = parse_targets(args)
    if targets.unresolved:
        return [], unresolved_users_message(targets.unresolved, usage=usage)
    if not targets.users or targets.channels:
        return [], mention_usage_message(usage)
    return targets.users, None


def _lead(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    users, error = _users_or_error(args, "lead @user…")
    if error:
        return error
    roles.name_change_leads(pulse, user_ids=users)
    return change_leads_message(users)


def _champion(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    if not args or args[0] not in ("add", "remove"):
        return text_message(messages.CHAMPION_USAGE)
    users, error = _users_or_error(args[1:], f"champion {args[0]} @user…")
    if error:
        return error
    roles.set_champions(pulse, user_ids=users, champion=args[0] == "add")
    return champions_changed_message(users, added=args[0] == "add")


def _champions(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    return champions_message(roles.champions(pulse))


def _audience(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    if args and args[0] in ("add", "remove"):
        targets = parse_targets(args[1:])
        if targets.unresolved or not (targets.users or targets.channels):
            return audience_usage_message(unresolved=targets.unresolved)
        change = (audience.add if args[0] == "add" else audience.remove)(
            pulse, channels=targets.channels, users=targets.users
        )
        if change.unreadable_channels:
            return unreadable_channels_message(
                change.unreadable_channels, rest_saved=bool(change.channels or change.users)
            )
    elif args:
        return text_message(messages.AUDIENCE_USAGE)
    current = audience.resolve(pulse)
    return audience_message(
        channels=current.channels,
        users=current.users,
        members=len(current.members),
        excluded=current.excluded,
        unreadable=current.unreadable_channels,
    )


def _group(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    if len(args) < 3 or args[0] != "set":
        return text_message(messages.GROUP_USAGE)
    # "group set End User @a @b": the name is every word before the first mention.
    name_words = list(takewhile(lambda word: not word.startswith(("<", "@")), args[1:]))
    args = args[:1] + [" ".join(name_words)] + args[1 + len(name_words) :]
    group = roles.normalise_group(args[1])
    if group is None:
        return group_name_refused_message(roles.DEFAULT_GROUPS)
    users, error = _users_or_error(args[2:], "group set <group> @user…")
    if error:
        return error
    roles.set_group(pulse, group=group, user_ids=users)
    return group_set_message(users, group=group)


def _groups(pulse: Services, caller: Caller, args: list[str]) -> Answer:
    return groups_message(roles.groups(pulse))


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": Subcommand(_help, manage=False),
    "status": Subcommand(_status, manage=False),
    "lead": Subcommand(_lead),
    "champion": Subcommand(_champion),
    "champions": Subcommand(_champions),
    "audience": Subcommand(_audience, slow=True),
    "group": Subcommand(_group),
    "groups": Subcommand(_groups),
    "schedule": Subcommand(_schedule),
    "send-now": Subcommand(_send_now, slow=True),
    "digest-now": Subcommand(_digest_now, slow=True),
    "report": Subcommand(_report, slow=True),
    "export": Subcommand(_export, slow=True, working=messages.EXPORT_STARTED),
    "settings": Subcommand(_settings_modal, opens_modal=True),
}


def _split(command: dict[str, Any]) -> tuple[str, list[str]]:
    words = command_words(command.get("text") or "")
    return (words[0].lower(), words[1:]) if words else ("help", [])


def _route(pulse: Services, command: dict[str, Any]) -> tuple[str, Subcommand | None, Caller]:
    name, _ = _split(command)
    caller = roles.identify(pulse, user_id=command["user_id"])
    return name, SUBCOMMANDS.get(name), caller


@answers_when_database_down(lambda ack: ack(**text_message(messages.DATABASE_DOWN)))
def ack_pulse(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    pulse = services(context)
    name, sub, caller = _route(pulse, command)
    if sub is None:
        set_outcome(context, "unknown_subcommand")
        prefix = messages.UNKNOWN_SUBCOMMAND.format(subcommand=inert(name[:30]))
        ack(**help_message(can_manage=caller.can_manage, prefix=prefix))
        return
    if sub.manage and not caller.can_manage:
        set_outcome(context, f"refused:{name}")
        ack(**text_message(messages.NOT_ALLOWED.format(subcommand=name)))
        return
    set_outcome(context, name)
    if sub.opens_modal:
        pulse.background.submit(_open_modal, pulse, sub, caller, command["trigger_id"])
        ack()
        return
    if sub.slow:
        ack(text=sub.working)
        return
    ack(**sub.run(pulse, caller, _split(command)[1]))


def answer_slow(command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    pulse = services(context)
    name, sub, caller = _route(pulse, command)
    if sub is None or not sub.slow or (sub.manage and not caller.can_manage):
        return
    try:
        answer = sub.run(pulse, caller, _split(command)[1])
    except Exception:
        logger.exception("/pulse %s failed", name)
        answer = text_message(messages.ERROR_GENERIC)
    respond(replace_original=True, **answer)


def _open_modal(pulse: Services, sub: Subcommand, caller: Caller, trigger_id: str) -> None:
    try:
        pulse.client.views_open(trigger_id=trigger_id, view=sub.run(pulse, caller, []))
    except Exception:
        logger.exception("could not open a /pulse modal")


def register(app: App) -> None:
    app.command("/pulse")(ack=ack_pulse, lazy=[answer_slow])
