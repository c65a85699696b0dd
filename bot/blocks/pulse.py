"""Answers to `/pulse` subcommands: help by role, lists of people, confirmations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.blocks import Block, context, message, section
from bot.mrkdwn import escape


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
    return message(text, [section(text)])


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
