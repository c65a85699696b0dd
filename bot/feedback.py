"""Anonymous feedback: the rules for what is accepted and how it is stored.

The author's user id is used for one thing only, looking up a stakeholder group large enough
to hide in, and is never stored or logged.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from sqlmodel import Session

from bot import messages
from bot.clock import Clock
from storage import feedback as feedback_store
from storage import people
from storage.db import Database
from storage.team import get_team_settings

RECEIPT_TTL = timedelta(hours=2)

TOPICS: dict[str, str] = {
    "general": "General",
    "training": "Training and how-to",
    "speed": "Speed and effort",
    "workflow": "How our team works",
    "technical": "Bugs, errors, access",
    "why": "Why we are changing",
}

# Zero-width and bidi control characters can hide or reorder text when shown back.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP_TOKEN = re.compile(r"(?:[@#]|https?://|www\.)\S*")
_WORD = re.compile("[^\\W_]|[\u2600-\u27bf\U0001f300-\U0001faff]")


class Refusal(Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    ONLY_MARKUP = "only_markup"


@dataclass(frozen=True)
class FeedbackRefused(Exception):
    refusal: Refusal
    message: str


@dataclass(frozen=True)
class FeedbackResult:
    text: str
    duplicate: bool


def clean_text(text: str) -> str:
    """Normalise what a person typed: NFC, no invisible or control characters, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def validate(text: str) -> str:
    """Return the cleaned text or raise FeedbackRefused with the message to show."""
    cleaned = clean_text(text)
    if not cleaned:
        raise FeedbackRefused(Refusal.EMPTY, messages.FEEDBACK_EMPTY)
    if len(cleaned) > messages.FEEDBACK_LIMIT:
        raise FeedbackRefused(
            Refusal.TOO_LONG,
            messages.FEEDBACK_TOO_LONG.format(length=len(cleaned), limit=messages.FEEDBACK_LIMIT),
        )
    if not _WORD.search(_MARKUP_TOKEN.sub(" ", cleaned)):
        raise FeedbackRefused(Refusal.ONLY_MARKUP, messages.FEEDBACK_ONLY_MARKUP)
    return cleaned


def receipt_key(*, secret: str, raw_body: str) -> str:
    """A keyed hash of the request: the same for Slack's retries, meaningless without the key."""
    return hmac.new(secret.encode(), raw_body.encode(), hashlib.sha256).hexdigest()


def submit(
    *,
    db: Database,
    clock: Clock,
    team_id: str,
    author_id: str,
    text: str,
    topic: str | None,
    receipt: str | None,
    source: str = "feedback",
    day: date | None = None,
) -> FeedbackResult:
    """Validate and store one anonymous text, once, before the caller acknowledges it.

    `day` is the bucket stored instead of a time: today by default; a check-in comment passes
    its cycle's week, so not even the day it was written is kept.
    """
    cleaned = validate(text)
    if topic not in TOPICS:
        topic = None
    now = clock()
    with db.session() as session:
        group = visible_group(session, team_id=team_id, user_id=author_id)
        stored = feedback_store.add_feedback_once(
            session,
            feedback_id=uuid.uuid4().hex,
            source=source,
            text=cleaned,
            topic=topic,
            day=day or now.date(),
            stakeholder_group=group,
            receipt_key=receipt,
            receipt_expires_at=_hour_bucket(now + RECEIPT_TTL),
        )
    return FeedbackResult(text=cleaned, duplicate=not stored)


def visible_group(session: Session, *, team_id: str, user_id: str) -> str | None:
    """The author's group, only when it has enough members that it cannot point at them."""
    group = people.group_of(session, user_id=user_id)
    if group is None:
        return None
    min_size = get_team_settings(session, team_id=team_id).min_group_size
    if people.group_size(session, group=group) < min_size:
        return None
    return group


def _hour_bucket(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)
