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


@dataclass(frozen=True)
class ThemeRules:
    themes: Mapping[str, Theme]
    index: RuleIndex
    splitter: re.Pattern[str]
    resolved: Matcher | None
    unresolved: Matcher | None

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

    def tag(self, lowered: str, hits: Mapping[int, int] | None = None) -> tuple[str, ...]:
        """Theme ids in canonical order; `lowered` is normalised lower-case text.

        `hits` is `self.index.owners_matching(lowered)` when the caller already has it.
        """
        if hits is None:
            hits = self.index.owners_matching(lowered)
        sentences: list[tuple[int, str]] | None = None
        found: list[str] = []
        for theme in self.themes.values():
            first = hits.get(theme.owner)
            if first is None and not theme.pattern.anchored:
                continue  # the usual case, decided without splitting the text
            if sentences is None:
                sentences = self.sentences(lowered)
            if first is not None:
                # Try the sentence holding the first match before the others.
                sentences.sort(key=_elsewhere(first))
            for _offset, sentence in sentences:
                if not theme.pattern.search(sentence):
                    continue
                if theme.exclude is not None and theme.exclude.search(sentence):
                    continue
                if (
                    self.resolved is not None
                    and self.resolved.search(sentence)
                    and not (self.unresolved is not None and self.unresolved.search(sentence))
                ):
                    continue
                found.append(theme.id)
                break
        return tuple(found)


def _elsewhere(at: int) -> Callable[[tuple[int, str]], bool]:
    def key(span: tuple[int, str]) -> bool:
        return span[0] > at or span[0] + len(span[1]) < at

    return key


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
        themes[theme_id] = Theme(
            id=theme_id,
            title=str(spec["title"]),
            tactic=str(spec["tactic"]),
            pattern=pattern,
            exclude=compile_any(list(spec.get("exclude", [])), where),
            owner=owner,
            complaint=bool(spec.get("complaint", True)),
        )
    glob = raw.get("global", {})
    return ThemeRules(
        themes=MappingProxyType(themes),
        index=index,
        splitter=re.compile(glob.get("sentence_split", r"(?<=[.!?;])\s+|\n+")),
        resolved=compile_any(list(glob.get("resolved", [])), f"{path.name} [global]"),
        unresolved=compile_any(list(glob.get("unresolved", [])), f"{path.name} [global]"),
    )


RULES = load_rules(index=SHARED_INDEX)
