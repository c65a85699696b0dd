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
from collections.abc import Iterator, Sequence
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


def _structure(pattern: str) -> Iterator[tuple[int, str]]:
    """(index, char) of the characters that give a pattern its structure: everything outside
    escapes and character classes."""
    in_class = escaped = False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]" or pattern[i - 1] == "["
        elif ch == "[":
            in_class = True
        else:
            yield i, ch


def _trailing_lookahead(pattern: str) -> bool:
    """Does a look-ahead end the rule ("afraid i(?! ...break)")? In the whole comment it sees
    past the end of the sentence, so the rule can match a sentence but not the same place in
    the whole comment."""
    opened: list[bool] = []  # per open group: is it a look-ahead?
    for i, ch in _structure(pattern):
        if ch == "(":
            opened.append(pattern[i + 1 : i + 3] in ("?=", "?!"))
        elif ch == ")" and opened and opened.pop() and not pattern[i + 1 :].strip(")"):
            return True
    return False


_WORD = re.compile(r"\w+")
_KEY_LEN = 4
_NOWHERE = 1 << 62


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
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        first = _first_words(list(arg[2]), bounded)
        if arg[0] >= 1 or first is None:
            return first
        # Optional, as in "(and\s+)?then": a match starts with it or with what follows.
        rest = _first_words(items[i + 1 :], bounded)
        return first | rest if rest else None
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
        if not branch:
            return None
        op, arg = branch[0]
        if op is c.LITERAL:
            chars.add(chr(arg))
        elif op is c.IN and arg and all(item_op is c.LITERAL for item_op, _ in arg):
            chars.update(chr(code) for _, code in arg)  # "[.!?]", or emoji joined into a set
        else:
            return None
    return frozenset(chars)


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern ("a|b(c|d)" -> ["a", "b(c|d)"]).

    Each alternative of a long rule is indexed on its own, so one anchored or look-behind
    alternative does not leave the whole rule to be searched in full. Patterns whose parts
    depend on each other (global flags, back-references) are kept whole.
    """
    if _GLOBAL_FLAGS.match(pattern) or _BACKREFERENCE.search(pattern):
        return [pattern]
    parts: list[str] = []
    depth = start = 0
    for i, ch in _structure(pattern):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    if len(parts) == 1 or not all(parts):
        return [pattern]
    try:
        for part in parts:
            re.compile(part)
    except re.error:
        return [pattern]
    return parts


def _gate(pattern: str) -> frozenset[str] | None:
    if _sre_parser is None:
        return None
    try:
        keys = _first_words(list(_sre_parser.parse(pattern)), bounded=False)
    except Exception:  # noqa: BLE001 - any surprise just means "no gate"
        return None
    return frozenset(keys) if keys else None


def _join(patterns: list[str]) -> re.Pattern[str]:
    singles = [part for pattern in patterns for part in alternatives(pattern)]
    bounded = [p[2:] for p in singles if p.startswith(r"\b") and not p.startswith(r"\b|")]
    other = [p for p in singles if not (p.startswith(r"\b") and not p.startswith(r"\b|"))]
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
    # ...or a rule ending in a look-ahead: either way the index's view of the whole comment
    # does not tell whether the list matches a sentence
    sentence_bound: bool = False

    def search(self, text: str) -> bool:
        return self.full is not None and self.full.search(text) is not None

    def matches_at(self, text: str, pos: int) -> bool:
        """A match starting exactly at `pos` (where the index saw one start): cheaper than a
        search, and when it succeeds a search would too."""
        return self.full is not None and self.full.match(text, pos) is not None


NEVER = Matcher(full=None)


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


@dataclass(frozen=True)
class _KeyRules:
    any: re.Pattern[str]
    rules: tuple[tuple[int, re.Pattern[str]], ...]


class RuleIndex:
    """Many rule lists, indexed by the first letters of the word their matches start with.

    `owners_matching(text)` walks the words of the text once and tries only the rules that can
    start at each word, with `match` at that position; that is what makes hundreds of rules
    affordable per comment. Rules with no such word (an emoji, `\\w+`) are searched as usual.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, _KeyRules] = {}
        self._sources: dict[tuple[str, int], list[str]] = {}
        self._ungated: list[tuple[int, frozenset[str] | None, re.Pattern[str]]] = []
        self._owners = 0
        # Words repeat across comments; remember which rules each word can start.
        self._candidates = lru_cache(maxsize=1 << 16)(self._candidates_for)

    def _candidates_for(self, word: str) -> tuple[_KeyRules, ...]:
        return tuple(
            self._by_key[word[:n]]
            for n in range(1, min(len(word), _KEY_LEN) + 1)
            if word[:n] in self._by_key
        )

    def add(self, patterns: list[str], where: str) -> tuple[int, Matcher]:
        """Register a rule list; returns its owner id and a matcher for per-sentence checks."""
        self._candidates.cache_clear()
        owner = self._owners
        self._owners += 1
        anchored = False
        for whole in patterns:
            check_lowercase(whole, where)
            try:
                re.compile(whole, re.MULTILINE)
            except re.error as exc:
                raise RuleError(f"{where}: bad pattern {whole!r}: {exc}") from exc
            anchored = bool(_ANCHOR.search(whole)) or anchored
            ungated: list[str] = []
            for pattern in alternatives(whole):
                gate = None if _ANCHOR.search(pattern) else _gate(pattern)
                if gate is None:
                    ungated.append(pattern)
                    continue
                for key in gate:
                    self._sources.setdefault((key, owner), []).append(pattern)
            if ungated:
                gate_chars: frozenset[str] | None = frozenset()
                for pattern in ungated:
                    chars = _first_chars(pattern)
                    gate_chars = None if chars is None or gate_chars is None else gate_chars | chars
                self._ungated.append((owner, gate_chars, _join(ungated)))
        # Per word key: one regex per owner, and one for "does any rule match here?", so a
        # word that starts no rule costs one `match` however many rules share its key.
        for key in {key for key, key_owner in self._sources if key_owner == owner}:
            owners = [o for k, o in self._sources if k == key]
            sources = [p for o in owners for p in self._sources[(key, o)]]
            self._by_key[key] = _KeyRules(
                any=re.compile(_alternation(sources), re.MULTILINE),
                rules=tuple(
                    (o, re.compile(_alternation(self._sources[(key, o)]), re.MULTILINE))
                    for o in owners
                ),
            )
        full = _join(patterns) if patterns else None
        bound = anchored or any(_trailing_lookahead(p) for p in patterns)
        return owner, Matcher(full=full, anchored=anchored, sentence_bound=bound)

    def owners_matching(self, text: str) -> dict[int, int]:
        """Owner id -> where its first match starts, for every owner with a match."""
        found: dict[int, int] = {}
        present = set(text)
        for owner, chars, regex in self._ungated:
            if chars is not None and chars.isdisjoint(present):
                continue
            m = regex.search(text)
            if m is not None and found.get(owner, _NOWHERE) > m.start():
                found[owner] = m.start()
        candidates_for = self._candidates
        for word in _WORD.finditer(text):
            for key_rules in candidates_for(word.group()):
                pos = word.start()
                if key_rules.any.match(text, pos):
                    for owner, regex in key_rules.rules:
                        if found.get(owner, _NOWHERE) > pos and regex.match(text, pos):
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
    return Matcher(
        full=_join(patterns),
        anchored=any(_ANCHOR.search(p) for p in patterns),
        sentence_bound=any(_ANCHOR.search(p) or _trailing_lookahead(p) for p in patterns),
    )


# Themes and lexicon register here, so one walk over a comment's words serves both.
SHARED_INDEX = RuleIndex()
