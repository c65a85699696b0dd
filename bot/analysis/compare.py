"""Which way a before/after comparison of effort points: "used to take 20 minutes, now it's
right there" is praise, "went from 20 mins to over an hour" is the old way being faster.

Keyword rules cannot tell these apart (both say "used to take", both name minutes), so the
quantities are read and compared: durations in seconds, counts of clicks, screens and steps
as counts. Only a comparison of *effort* (the comment says something takes, costs or needs
this much: "takes", "spend", "wait", clicks, screens) whose two sides are both understood
gives an answer; a bare number borrows the other side's unit ("3 clicks instead of the 11"),
for time only within a factor of ten, since "2 hours, now 30" could be minutes or hours. A
session timeout or opening hours that grow are not effort; percentages and money are never
amounts.
"""

from __future__ import annotations

import re

BETTER = -1  # less time or effort now
WORSE = 1  # more time or effort now
UNKNOWN = 0

_HOUR = 3600.0
_DAY = 8 * _HOUR  # a working day
_TIME_UNITS = {
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "hr": _HOUR,
    "hrs": _HOUR,
    "hour": _HOUR,
    "hours": _HOUR,
    "day": _DAY,
    "days": _DAY,
    "week": 5 * _DAY,
    "weeks": 5 * _DAY,
}
_COUNT_UNITS = ("click", "clicks", "screen", "screens", "step", "steps", "tap", "taps")
_NUMBERS = {
    "a": 1.0,
    "an": 1.0,
    "one": 1.0,
    "a single": 1.0,
    "a couple of": 2.0,
    "two": 2.0,
    "three": 3.0,
    "a few": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "eleven": 11.0,
    "twelve": 12.0,
    "fifteen": 15.0,
    "twenty": 20.0,
    "thirty": 30.0,
    "forty": 40.0,
    "forty-five": 45.0,
    "sixty": 60.0,
    "half an": 0.5,
    "half a": 0.5,
}
# Spans of the working day with no number: "half my morning", "the whole afternoon".
_SPANS = {"morning": 4 * _HOUR, "afternoon": 4 * _HOUR, "arvo": 4 * _HOUR, "shift": _DAY}
_AT_ONCE = r"right there|instantly|instant|straight away|immediately|in seconds"

_NUMBER = r"\d+(?:\.\d+)?|" + "|".join(
    re.escape(w) for w in sorted(_NUMBERS, key=len, reverse=True)
)
_UNIT = "|".join(sorted([*_TIME_UNITS, *_COUNT_UNITS], key=len, reverse=True))
_QUANTITY = re.compile(
    rf"\b(?:(?:under|less than|about|around|over|nearly|almost|just|only)\s+)?"
    rf"(?P<n>{_NUMBER})[ -]?(?P<u>{_UNIT})\b"
    rf"|\b(?P<half>half|all|the whole|my whole|an|a)\s+(?:of\s+)?(?:my\s+|the\s+)?"
    rf"(?P<span>morning|afternoon|arvo|shift|day)\b"
    rf"|(?P<once>{_AT_ONCE})\b"
)
_WORD_NUMBERS = "|".join(w for w in _NUMBERS if " " not in w and len(w) > 2)
# not money (£5), not a percentage (20%), not part of a version or a time (v2, 9:30)
_BARE = re.compile(rf"(?<![\w.£$€:])(?P<n>\d+(?:\.\d+)?|{_WORD_NUMBERS})\b(?!\s*%|[:.]\d)")
_FROM_TO = re.compile(r"\bfrom\b(?P<a>[^;?!]{1,30}?)\bto\b(?P<b>[^;?!]{1,30})")
# "<new> instead of <old>"
_INSTEAD = re.compile(
    r"\b(?:instead of|rather than|vs\.?|versus|compared to|compared with|down from|up from"
    r"|where it used to be|when it used to be)(?!\w)"
)
# "<old> ... now <new>", with something that marks the old side before it
_NOW = re.compile(
    r"\b(?:now|these days|today|this week|this time|went through in|done in|done by)\b"
)
_OLD = re.compile(
    r"\b(?:used to|before|previously|old|last year|was taking|were taking|it took|took me"
    r"|took us)\b"
)
_NEW = re.compile(r"\b(?:new|now|these days|today)\b")
_WINDOW = 90
# What makes a quantity effort: the comment says a task takes, costs or needs it.
_EFFORT = re.compile(
    r"\b(?:takes?|took|taking|spend|spends|spent|spending|wait|waits|waiting|waited|ate|eats"
    r"|eating|clicks?|screens?|steps?|taps?|done in|went through in"
    r"|(?:handle|handling|wrap|turnaround|processing|response|lead|cycle|admin) time"
    r"|to (?:do|book|raise|find"
    r"|log|enter|close|approve|process|submit|finish|complete|get|fill|load|print|check)"
    r"|(?:booking|raising|logging|entering|closing|approving|processing|submitting|finding"
    r"|filling|printing|checking|scanning|picking|ordering|updating|creating|adding|searching"
    r"|loading|running|doing|finishing|completing|reconciling|invoicing|signing|setting up)"
    r"\s+(?:a|an|the|my|our|one|each|every|up|it|them))\b"
)

# (dimension, size, size of one unit); dimension "" for a bare number, whose unit is unknown
Amount = tuple[str, float, float]


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the last one is wanted
        pass
    return found


def _amount(text: str, *, last: bool = False) -> Amount | None:
    """The first (or last) quantity in `text`; a bare number ("the 11 we had") has no unit."""
    match = _last(_QUANTITY, text) if last else _QUANTITY.search(text)
    if match is None:
        bare = _last(_BARE, text) if last else _BARE.search(text)
        if bare is None:
            return None
        number = bare.group("n")
        return ("", float(number) if number[0].isdigit() else _NUMBERS[number], 0.0)
    if match.group("once"):
        return ("time", 1.0, 1.0)
    if match.group("span"):
        size = _SPANS.get(match.group("span"), _DAY)
        return ("time", size / 2 if match.group("half") == "half" else size, size)
    number = match.group("n")
    value = float(number) if number[0].isdigit() else _NUMBERS[number]
    unit = match.group("u")
    if unit in _TIME_UNITS:
        return ("time", value * _TIME_UNITS[unit], _TIME_UNITS[unit])
    return ("count", value, 1.0)


def _borrow(bare: Amount, other: Amount) -> Amount | None:
    """A bare number in the other side's unit: "3 clicks now instead of the 11", "took 20 min
    on the old screens, done in 8". For time the two must be within a factor of ten, since
    "2 hours, now 30" could be minutes or hours."""
    dimension, size, unit = other
    value = bare[1]
    if dimension == "time" and not 0.1 < value * unit / size < 10:
        return None
    return (dimension, value * unit, unit)


def _verdict(old: str, new: str, *, old_last: bool = False, new_last: bool = False) -> int:
    after = _amount(new, last=new_last)  # usually the shorter side: read it first
    if after is None:
        return UNKNOWN
    before = _amount(old, last=old_last)
    if before is None:
        return UNKNOWN
    if not before[0] and not after[0]:
        return UNKNOWN  # two bare numbers: could be anything
    if not before[0]:
        before = _borrow(before, after)
    elif not after[0]:
        after = _borrow(after, before)
    if before is None or after is None or before[0] != after[0] or before[1] == after[1]:
        return UNKNOWN
    return BETTER if after[1] < before[1] else WORSE


# Cheap tests before reading quantities: an amount (a digit or a unit word) and a comparison
# word, as plain substrings (over-matching is fine, `direction` decides).
_MARKER_HINT = re.compile(
    r"now|these days|from|instead|rather|vs|versus|compared|used to|today|this week|this time"
    r"|done|went through"
)
_AMOUNT_HINT = re.compile(
    r"\d|sec|min|hour|hr|day|week|click|screen|step|tap|morning|afternoon|arvo|shift|instant"
    r"|right there|straight away|immediately|\b(?:one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve|fifteen|twenty|thirty|forty|sixty|half|few|couple|single)\b"
)


def might_compare(text: str) -> bool:
    """A cheap test that `direction` could find anything: an amount, a comparison word and
    a word of effort."""
    return (
        _MARKER_HINT.search(text) is not None
        and _EFFORT.search(text) is not None
        and _AMOUNT_HINT.search(text) is not None
    )


def direction(text: str) -> int:
    """BETTER, WORSE or UNKNOWN for a lower-cased comment (a comparison may span sentences:
    "used to take an hour. now it's 5 min")."""
    if not _EFFORT.search(text):
        return UNKNOWN  # not effort: a timeout or opening hours that grow
    match = _FROM_TO.search(text)
    if match is not None:
        verdict = _verdict(match.group("a"), match.group("b"))
        if verdict != UNKNOWN:
            return verdict
    match = _INSTEAD.search(text)
    if match is not None:
        left = text[max(0, match.start() - 40) : match.start()]
        right = text[match.end() : match.end() + 40]
        # "<new> instead of <old>", unless the left side is the one called old:
        # "3 clicks in the old system vs 9 in the new one"
        if (
            _OLD.search(left)
            and not _OLD.search(right)
            or _NEW.search(right)
            and not _NEW.search(left)
        ):
            verdict = _verdict(left, right, old_last=True)
        else:
            verdict = _verdict(right, left, new_last=True)
        if verdict != UNKNOWN:
            return verdict
    for match in _NOW.finditer(text):
        before = text[max(0, match.start() - _WINDOW) : match.start()]
        if _OLD.search(before):
            verdict = _verdict(before, text[match.end() : match.end() + 40], old_last=True)
            if verdict != UNKNOWN:
                return verdict
    return UNKNOWN
