"""Resistance-theme tagging from the rules in themes.toml.

Rules are data so a change lead can add the phrasing of their own organisation without a
release. Matching is per sentence, so "it crashed on Monday, got fixed the same day" is
excused by its own sentence but cannot excuse a complaint in the next one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.analysis._regex import SHARED_INDEX, Matcher, RuleError, RuleIndex, compile_any

THEME_IDS: tuple[str, ...] = (
    "old_way_faster",
    "double_work",
    "fear_incompetence",
    "purpose_unclear",
    "workflow_broken",
    "back_to_old_tools",
    "technical_problem",
)

_RULES_PATH = Path(__file__).with_name("themes.toml")


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    tactic: str
    pattern: Matcher
    exclude: Matcher | None
    owner: int
    complaint: bool = True  # a complaint by nature, not something often just reported
    keywords: Matcher | None = None  # the theme's vocabulary: a hint, not a complaint
    keyword_owner: int = -1
    exclude_owner: int = -1


@dataclass(frozen=True)
class ThemeRules:
    themes: Mapping[str, Theme]
    index: RuleIndex
    splitter: re.Pattern[str]
    resolved: Matcher | None
    unresolved: Matcher | None
    not_a_report: Matcher | None = None
    off_topic: Matcher | None = None
    on_topic: Matcher | None = None
    compared: tuple[str, ...] = ()
    resolved_owner: int = -1
    disclaims_owner: int = -1

    def sentences(self, lowered: str) -> list[tuple[int, str]]:
        """(start offset, sentence) pairs."""
        spans: list[tuple[int, str]] = []
        start = 0
        for sep in self.splitter.finditer(lowered):
            if sep.start() > start:
                spans.append((start, lowered[start : sep.start()]))
            start = sep.end()
        if start < len(lowered):
            spans.append((start, lowered[start:]))
        return [(offset, text) for offset, text in spans if text.strip()]

    def reports(self, lowered: str) -> list[tuple[int, str]]:
        """The sentences that can carry a theme now: not a conditional or an instruction ("if
        anyone asks you to email it as well, tell me"), not about life outside work ("my son's
        console keeps crashing") unless they also name the software, not an issue described
        as over ("got fixed the same day")."""
        return [
            span
            for span in self.sentences(lowered)
            if self._reportable(span[1]) and not self._over(span[1], self.resolved)
        ]

    def _over(self, sentence: str, resolved: Matcher | None) -> bool:
        """Is the issue in this sentence described as over (`resolved`, not `unresolved`)?"""
        return bool(
            resolved is not None
            and resolved.search(sentence)
            and not (self.unresolved is not None and self.unresolved.search(sentence))
        )

    def disclaimed(self, hits: Mapping[int, int]) -> bool:
        """Does the comment say its gripe is not about the rollout (`disclaims`)?
        `hits` is `self.index.owners_matching(lowered)`."""
        return self.disclaims_owner in hits

    def can_report(self, lowered: str) -> bool:
        """Has the comment at least one sentence that could carry a theme (see `reports`)?"""
        return any(self._reportable(sentence) for _offset, sentence in self.sentences(lowered))

    def off_topic_text(self, text: str) -> bool:
        """Is this text (a comment or one sentence) about life outside work: something
        off-topic is named and nothing about the software or the work is?"""
        return bool(
            self.off_topic is not None
            and self.off_topic.search(text)
            and not (self.on_topic is not None and self.on_topic.search(text))
        )

    def _reportable(self, sentence: str) -> bool:
        if self.not_a_report is not None and self.not_a_report.search(sentence):
            return False
        return not self.off_topic_text(sentence)

    def tag(self, lowered: str, hits: Mapping[int, int] | None = None) -> tuple[str, ...]:
        """Theme ids in canonical order; `lowered` is normalised lower-case text.

        `hits` is `self.index.owners_matching(lowered)` when the caller already has it.
        """
        return self.tag_with_keywords(lowered, hits)[0]

    def tag_with_keywords(
        self, lowered: str, hits: Mapping[int, int] | None = None
    ) -> tuple[tuple[str, ...], frozenset[str]]:
        """(theme ids, the ids of those found only by a `keywords` rule)."""
        if hits is None:
            hits = self.index.owners_matching(lowered)
        if self.disclaimed(hits):
            return (), frozenset()
        sentences: list[tuple[int, str]] | None = None
        found: list[str] = []
        weak: set[str] = set()
        reportable: dict[int, bool] = {}
        resolved = _live(self.resolved, self.resolved_owner, hits)
        for theme in self.themes.values():
            first = hits.get(theme.owner)
            first_keyword = hits.get(theme.keyword_owner) if theme.keywords else None
            if (
                first is None
                and first_keyword is None
                and not theme.pattern.anchored
                and not (theme.keywords is not None and theme.keywords.anchored)
            ):
                continue  # the usual case, decided without splitting the text
            if sentences is None:
                sentences = self.sentences(lowered)
            at = first if first is not None else first_keyword
            if at is not None:
                # Try the sentence holding the first match before the others.
                sentences.sort(key=_elsewhere(at))
            strength = 0  # 2: a complaint phrase, 1: only the theme's vocabulary
            # a rule list the index saw nowhere in the text cannot match one of its sentences
            pattern = theme.pattern if first is not None or theme.pattern.anchored else None
            keywords = theme.keywords
            if keywords is not None and first_keyword is None and not keywords.anchored:
                keywords = None
            exclude = _live(theme.exclude, theme.exclude_owner, hits)
            for offset, sentence in sentences:
                if pattern is not None and (
                    # the index saw this list match from `first`: try there before searching
                    (
                        first is not None
                        and 0 <= first - offset < len(sentence)
                        and pattern.matches_at(sentence, first - offset)
                    )
                    or pattern.search(sentence)
                ):
                    level = 2
                elif strength == 0 and keywords is not None and keywords.search(sentence):
                    level = 1
                else:
                    continue
                if exclude is not None and exclude.search(sentence):
                    continue
                if offset not in reportable:  # checked only where a rule matched
                    reportable[offset] = self._reportable(sentence)
                if not reportable[offset]:
                    continue
                if self._over(sentence, resolved):
                    continue
                strength = level
                if strength == 2:
                    break
            if strength:
                found.append(theme.id)
                if strength == 1:
                    weak.add(theme.id)
        return tuple(found), frozenset(weak)


def _live(matcher: Matcher | None, owner: int, hits: Mapping[int, int]) -> Matcher | None:
    """The matcher, or None when the index saw its rules nowhere in the text and none of them
    is bound to a sentence (^, $, a trailing look-ahead): then it cannot match a sentence."""
    if matcher is None or not (owner in hits or matcher.sentence_bound):
        return None
    return matcher


def _elsewhere(at: int) -> Callable[[tuple[int, str]], bool]:
    def key(span: tuple[int, str]) -> bool:
        return span[0] > at or span[0] + len(span[1]) < at

    return key


def _indexed(index: RuleIndex, patterns: list[str], where: str) -> tuple[int, Matcher | None]:
    if not patterns:
        return -1, None
    return index.add(patterns, where)


def load_rules(path: Path = _RULES_PATH, index: RuleIndex | None = None) -> ThemeRules:
    """Load and compile the rules; unknown or missing theme ids are a configuration error."""
    with path.open("rb") as fh:
        raw: dict[str, Any] = tomllib.load(fh)
    defined = raw.get("themes", {})
    unknown = set(defined) - set(THEME_IDS)
    missing = set(THEME_IDS) - set(defined)
    if unknown or missing:
        raise RuleError(f"{path.name}: unknown themes {sorted(unknown)}, missing {sorted(missing)}")
    themes: dict[str, Theme] = {}
    index = index if index is not None else RuleIndex()
    for theme_id in THEME_IDS:
        spec = defined[theme_id]
        where = f"{path.name} [themes.{theme_id}]"
        patterns = list(spec["patterns"])
        if not patterns:
            raise RuleError(f"{where}: no patterns")
        owner, pattern = index.add(patterns, where)
        exclude_owner, exclude = _indexed(index, list(spec.get("exclude", [])), f"{where} exclude")
        keyword_patterns = list(spec.get("keywords", []))
        keyword_owner, keywords = (
            index.add(keyword_patterns, f"{where} keywords") if keyword_patterns else (-1, None)
        )
        themes[theme_id] = Theme(
            id=theme_id,
            title=str(spec["title"]),
            tactic=str(spec["tactic"]),
            pattern=pattern,
            exclude=exclude,
            exclude_owner=exclude_owner,
            owner=owner,
            complaint=bool(spec.get("complaint", True)),
            keywords=keywords,
            keyword_owner=keyword_owner,
        )
    glob = raw.get("global", {})
    disclaims_owner, _ = _indexed(index, list(glob.get("disclaims", [])), f"{path.name} [global]")
    resolved_owner, resolved = _indexed(
        index, list(glob.get("resolved", [])), f"{path.name} [global]"
    )
    return ThemeRules(
        themes=MappingProxyType(themes),
        index=index,
        splitter=re.compile(glob.get("sentence_split", r"(?<=[.!?;])\s+|\n+")),
        resolved=resolved,
        resolved_owner=resolved_owner,
        disclaims_owner=disclaims_owner,
        unresolved=compile_any(list(glob.get("unresolved", [])), f"{path.name} [global]"),
        not_a_report=compile_any(list(glob.get("not_a_report", [])), f"{path.name} [global]"),
        off_topic=compile_any(list(glob.get("off_topic", [])), f"{path.name} [global]"),
        on_topic=compile_any(list(glob.get("on_topic", [])), f"{path.name} [global]"),
        compared=tuple(t for t in THEME_IDS if defined[t].get("comparison", False)),
    )


RULES = load_rules(index=SHARED_INDEX)
