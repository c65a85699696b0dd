"""Compiling rule lists into fast matchers.

The scorer must handle >= 5,000 comments a second, and a few hundred hand-written regexes
scanned over every comment cost several times more than TextBlob and VADER together:

* Every rule whose matches must start a word with known letters ("crash", "keep" for
  "\\bkeeps?\\s+crashing") is indexed by those letters and only tried, with `match`, where a word
  of the comment starts that way (`RuleIndex`). The keys are derived from the patterns, so
  rule files stay plain regexes.
* Rules are matched against lower-cased text without re.IGNORECASE, and alternatives that
  start with a word boundary are gathered behind one `(?<!\\w)` look-behind; both let the
  engine skip positions quickly when a rule list has to be searched in full.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# The regex parser is private API; if a Python release moves it, rules lose their index keys
# (slower, same results) instead of failing.
_sre_parser: Any
_sre_constants: Any
try:
    _sre_parser = importlib.import_module("re._parser")
    _sre_constants = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover
    _sre_parser = _sre_constants = None

_UPPER_OUTSIDE_ESCAPE = re.compile(r"(?<!\\)[A-Z]")


class RuleError(ValueError):
    """A rule file holds a pattern that cannot work."""


def check_lowercase(pattern: str, where: str) -> None:
    # Escapes such as \b, \d, \w are lowercase anyway; \B \D \S \W would be refused here too,
    # which is fine: none is needed on lower-cased text.
    if _UPPER_OUTSIDE_ESCAPE.search(pattern):
        raise RuleError(f"{where}: write patterns in lower case (text is lower-cased): {pattern!r}")


_ANCHOR = re.compile(r"(?<![\\\[])[$^]")
_WORD = re.compile(r"\w+")
_KEY_LEN = 4


def _first_words(items: Sequence[Any], bounded: bool) -> set[str] | None:
    """Keys one of which starts a word where every match starts; None when unknown."""
    if _sre_constants is None:
        return None
    c = _sre_constants
    i = 0
    while i < len(items) and items[i][0] in (c.AT, c.ASSERT_NOT):
        op, arg = items[i]
        if op is c.AT and arg is c.AT_BOUNDARY:
            bounded = True
        elif op is c.ASSERT_NOT and arg[0] == -1:  # a look-behind such as (?<!\w)
            bounded = True
        i += 1
    if i >= len(items):
        return None
    op, arg = items[i]
    if op is c.LITERAL:
        if not bounded:
            return None
        word: list[str] = []
        while i < len(items) and items[i][0] is c.LITERAL and chr(items[i][1]).isalnum():
            word.append(chr(items[i][1]))
            i += 1
        return {"".join(word)[:_KEY_LEN]} if word else None
    if op is c.IN and bounded and list(arg) == [(c.CATEGORY, c.CATEGORY_DIGIT)]:
        return set("0123456789")
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
        return _first_words(list(arg[2]), bounded)
    if op is c.SUBPATTERN:
        return _first_words(list(arg[3]), bounded)
    if op is c.BRANCH:
        found: set[str] = set()
        for branch in arg[1]:
            sub = _first_words(list(branch), bounded)
            if not sub:
                return None
            found |= sub
        return found
    return None


def _first_chars(pattern: str) -> frozenset[str] | None:
    """Characters one of which every match starts with (emoji, quotes); None when unknown."""
    if _sre_parser is None or _sre_constants is None:
        return None
    c = _sre_constants
    try:
        items = list(_sre_parser.parse(pattern))
    except Exception:  # noqa: BLE001 - any surprise just means "no gate"
        return None
    branches = [list(b) for b in items[0][1][1]] if items and items[0][0] is c.BRANCH else [items]
    if items and items[0][0] is c.BRANCH and len(items) > 1:
        return None
    chars: set[str] = set()
    for branch in branches:
        if not branch or branch[0][0] is not c.LITERAL:
            return None
        chars.add(chr(branch[0][1]))
    return frozenset(chars)


def _gate(pattern: str) -> frozenset[str] | None:
    if _sre_parser is None:
        return None
    try:
        keys = _first_words(list(_sre_parser.parse(pattern)), bounded=False)
    except Exception:  # noqa: BLE001 - any surprise just means "no gate"
        return None
    return frozenset(keys) if keys else None


def _join(patterns: list[str]) -> re.Pattern[str]:
    bounded = [p[2:] for p in patterns if p.startswith(r"\b") and not p.startswith(r"\b|")]
    other = [p for p in patterns if not (p.startswith(r"\b") and not p.startswith(r"\b|"))]
    parts: list[str] = []
    if bounded:
        parts.append(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in bounded) + ")")
    parts.extend(f"(?:{p})" for p in other)
    return re.compile("|".join(parts), re.MULTILINE)


@dataclass(frozen=True)
class Matcher:
    """Matches where any of its patterns matches (used on sentences, after the index hit)."""

    full: re.Pattern[str] | None
    anchored: bool = False  # has ^ or $ rules, which only make sense per sentence

    def search(self, text: str) -> bool:
        return self.full is not None and self.full.search(text) is not None


NEVER = Matcher(full=None)


class RuleIndex:
    """Many rule lists, indexed by the first letters of the word their matches start with.

    `owners_matching(text)` walks the words of the text once and tries only the rules that can
    start at each word, with `match` at that position; that is what makes hundreds of rules
    affordable per comment. Rules with no such word (an emoji, `\\w+`) are searched as usual.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        self._ungated: list[tuple[int, frozenset[str] | None, re.Pattern[str]]] = []
        self._owners = 0
        # Words repeat across comments; remember which rules each word can start.
        self._candidates = lru_cache(maxsize=1 << 16)(self._candidates_for)

    def _candidates_for(self, word: str) -> tuple[tuple[int, re.Pattern[str]], ...]:
        found: list[tuple[int, re.Pattern[str]]] = []
        for n in range(1, min(len(word), _KEY_LEN) + 1):
            found.extend(self._by_key.get(word[:n], ()))
        return tuple(found)

    def add(self, patterns: list[str], where: str) -> tuple[int, Matcher]:
        """Register a rule list; returns its owner id and a matcher for per-sentence checks."""
        self._candidates.cache_clear()
        owner = self._owners
        self._owners += 1
        ungated: list[str] = []
        anchored = False
        for pattern in patterns:
            check_lowercase(pattern, where)
            try:
                compiled = re.compile(pattern, re.MULTILINE)
            except re.error as exc:
                raise RuleError(f"{where}: bad pattern {pattern!r}: {exc}") from exc
            if _ANCHOR.search(pattern):
                anchored = True
                ungated.append(pattern)
                continue
            gate = _gate(pattern)
            if gate is None:
                ungated.append(pattern)
                continue
            for key in gate:
                self._by_key.setdefault(key, []).append((owner, compiled))
        for pattern in ungated:
            self._ungated.append((owner, _first_chars(pattern), _join([pattern])))
        full = _join(patterns) if patterns else None
        return owner, Matcher(full=full, anchored=anchored)

    def owners_matching(self, text: str) -> dict[int, int]:
        """Owner id -> where its first match starts, for every owner with a match."""
        found: dict[int, int] = {}
        for owner, chars, regex in self._ungated:
            if owner in found or (chars is not None and not any(ch in text for ch in chars)):
                continue
            m = regex.search(text)
            if m is not None:
                found[owner] = m.start()
        candidates_for = self._candidates
        for word in _WORD.finditer(text):
            candidates = candidates_for(word.group())
            if candidates:
                pos = word.start()
                for owner, regex in candidates:
                    if owner not in found and regex.match(text, pos):
                        found[owner] = pos
        return found


def compile_any(patterns: list[str], where: str) -> Matcher | None:
    """A plain matcher for a rule list (exclusions, checked only on candidate sentences)."""
    if not patterns:
        return None
    for pattern in patterns:
        check_lowercase(pattern, where)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise RuleError(f"{where}: bad pattern {pattern!r}: {exc}") from exc
    return Matcher(full=_join(patterns), anchored=any(_ANCHOR.search(p) for p in patterns))


# Themes and lexicon register here, so one walk over a comment's words serves both.
SHARED_INDEX = RuleIndex()
