"""The scorer's speed-ups must not change what it computes.

Each shortcut (the rule index, VADER's ASCII path) is checked against the plain way of getting
the same answer, over the project's own training and hold-out texts plus awkward cases.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.analysis._regex import Matcher, RuleIndex, alternatives
from bot.analysis.sentiment import _VADER
from bot.analysis.sentiment import _load as load_lexicon
from bot.analysis.themes import load_rules

ANALYSIS = Path(__file__).resolve().parents[1] / "bot" / "analysis"

AWKWARD = [
    "",
    "   ",
    "WHY do I have to enter it twice??",
    "It is kind of ok but the sync is NOT GOOD!!!",
    "not bad at all :) but kind of slow :(",
    "and then again in payroll, then again in the rota",
    "good tool. really like it, miles better than before",
    "no no no",
    "I don't hate it, I guess",
    "\tleading and trailing space   ",
    "can't log in 👎 since tuesday 😡",
    "love that for us 🙃",
    "café crashes again, très lent",
    "works fine /s",
    'they call it "progress". brilliant.',
]


def corpus() -> list[str]:
    texts = list(AWKWARD)
    for path in sorted((ANALYSIS / "training").glob("*.jsonl")) + [
        ANALYSIS / "evaluation" / "holdout.jsonl"
    ]:
        with path.open(encoding="utf-8") as lines:
            texts.extend(json.loads(line)["text"] for line in lines if line.strip())
    return texts


class RecordingIndex(RuleIndex):
    """A RuleIndex that remembers each owner's patterns, for the plain re-based answer."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: dict[int, list[str]] = {}

    def add(self, patterns: list[str], where: str) -> tuple[int, Matcher]:
        owner, matcher = super().add(patterns, where)
        self.sources[owner] = patterns
        return owner, matcher


def plain_owners_matching(index: RecordingIndex, text: str) -> dict[int, int]:
    found: dict[int, int] = {}
    for owner, patterns in index.sources.items():
        starts = [m.start() for p in patterns if (m := re.search(p, text, re.MULTILINE))]
        if starts:
            found[owner] = min(starts)
    return found


def test_rule_index_finds_the_leftmost_match_of_every_shipped_rule() -> None:
    index = RecordingIndex()
    load_lexicon(index=index)
    load_rules(index=index)
    assert len(index.sources) > 40
    texts = [t.lower() for t in corpus()]
    mismatches = [
        text for text in texts if index.owners_matching(text) != plain_owners_matching(index, text)
    ]
    assert mismatches == []
    # The comparison is not vacuous: most texts hit several rules.
    assert sum(len(index.owners_matching(t)) >= 2 for t in texts) > len(texts) // 2


def test_theme_tagging_shortcuts_change_no_tag() -> None:
    """Rule lists the index saw nowhere in a text are not searched sentence by sentence;
    searching every list in every sentence must give the same themes and keyword flags."""
    from bot.analysis._regex import SHARED_INDEX
    from bot.analysis.themes import RULES

    owners = {
        owner
        for theme in RULES.themes.values()
        for owner in (theme.owner, theme.keyword_owner, theme.exclude_owner)
    } | {RULES.resolved_owner}
    everything = dict.fromkeys(owners, 0)  # "every list matched somewhere"
    # exclusions ending in a look-ahead see past the sentence in the whole comment
    edges = [
        "i'm afraid i can't come in! wrong shift booked for me.",
        "no more typing the hours twice - still waiting on payroll",
        "still have to send the report too\nthen again in the rota",
    ]
    texts = [t.lower() for t in corpus()] + edges

    def full(text: str, hits: dict[int, int]) -> dict[int, int]:
        # the disclaimer is a decision about the whole comment, not a shortcut: keep it
        return everything | {o: 0 for o in (RULES.disclaims_owner,) if o in hits}

    differ = [
        text
        for text in texts
        if RULES.tag_with_keywords(text, hits := SHARED_INDEX.owners_matching(text))
        != RULES.tag_with_keywords(text, full(text, hits))
    ]
    assert differ == []
    assert sum(bool(RULES.tag(t)) for t in texts) > len(texts) // 4  # not vacuous


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bafraid\s+i\b(?![^.]{0,30}\bbreak)", True),
        (r"(a|b(?=c))", True),  # inside a group that ends the rule
        (r"\bnot\s+(?!be\b)(\w+\s+)?working\b", False),  # more follows the look-ahead
        (r"[(?!]x", False),  # a character class, not a group
        (r"\(\?!x\)", False),  # escaped
        (r"(?<!not\s)great", False),  # a look-behind
    ],
)
def test_trailing_lookahead(pattern: str, expected: bool) -> None:
    from bot.analysis._regex import _trailing_lookahead

    assert _trailing_lookahead(pattern) is expected


def test_comparison_precheck_never_hides_a_comparison() -> None:
    """`might_compare` is a cheap gate in front of `direction`: whatever `direction` reads
    must pass it."""
    from bot.analysis.compare import UNKNOWN, direction, might_compare

    texts = [t.lower() for t in corpus()] + [
        "used to take 2 hours, these days 5 minutes",
        "takes 5 minutes where it used to be an hour",
        "used to take half my morning, now it's instant",
        "booking a van went from two minutes to forty minutes",
    ]
    read = [t for t in texts if direction(t) != UNKNOWN]
    assert len(read) > 20  # not vacuous
    assert [t for t in read if not might_compare(t)] == []


@pytest.mark.parametrize(
    ("patterns", "text", "expected"),
    [
        ([r"\bslow\b|\?\s*\?"], "is it slow??", 6),  # leftmost of the alternatives
        ([r"\bslow\b|\?\s*\?"], "why??", 3),  # the un-bounded alternative needs no \b
        ([r"(and\s+)?then\s+again\b"], "x and then again", 2),  # optional first word
        ([r"(and\s+)?then\s+again\b"], "then again", 0),
        ([r"^\s*fyi\b|\bheads up\b"], "note: heads up", 6),  # anchored alternative
        ([r"(?<!not\s)\bgreat\b"], "not great", None),  # look-behind kept
        ([r"👎|😡"], "meh 😡", 4),  # emoji by first character
        ([r"(a)b\1"], "xaba", 1),  # back-reference: kept whole
        ([r"[.!?]\s+(great|lovely)\.?$"], "it broke. lovely.", 8),
    ],
)
def test_rule_index_cases(patterns: list[str], text: str, expected: int | None) -> None:
    index = RecordingIndex()
    owner, _ = index.add(patterns, "test")
    assert index.owners_matching(text).get(owner) == expected
    assert plain_owners_matching(index, text).get(owner) == expected


def test_alternatives_split_only_at_the_top_level() -> None:
    assert alternatives(r"a|b(c|d)|[|x]|\|") == ["a", "b(c|d)", "[|x]", r"\|"]
    assert alternatives(r"(?i)a|b") == [r"(?i)a|b"]
    assert alternatives(r"(a)|\1") == [r"(a)|\1"]
    assert alternatives("plain") == ["plain"]


def test_vader_shortcuts_score_exactly_like_vader() -> None:
    texts = corpus()
    assert sum(t.isascii() for t in texts) > 1000  # the shortcut is what is being tested
    vader = SentimentIntensityAnalyzer()
    vader.lexicon = _VADER.lexicon  # ours drops a few words that are only descriptive here
    plain = [vader.polarity_scores(t) for t in texts]
    assert [_VADER.polarity_scores(t) for t in texts] == plain
    assert any(p["compound"] != 0 for p in plain)


TOKENIZER_CASES = [
    "Mr. Smith said the U.S. office is ok... (!) :) : ) wow!!",
    "don't can't I'd we're 'quoted' \"double\" \u201ccurly\u201d \u2018single\u2019",
    "line\n\nbreak\r\n\r\nagain. And e.g. etc. a. b",
    "...",
    "(!",
    "''",
    "x  \t y",
    "\u0130stanbul \u03a3\u0391\u03a3",
    "It's GREAT!!! Isn't it?! :-( x D",
]


def test_textblob_words_are_textblobs_own() -> None:
    from textblob import TextBlob
    from textblob.en import parser

    from bot.analysis.sentiment import _TEXTBLOB, _textblob_sentiment
    from bot.analysis.textblob_words import words

    texts = corpus() + TOKENIZER_CASES
    expected = [[w.lower() for w in " ".join(parser.find_tokens(t)).split()] for t in texts]
    assert [words(t) for t in texts] == expected

    def scored(arg: str | list[str], lexicon: Any) -> tuple[tuple[float, ...], list[object]]:
        score = lexicon(arg)
        return tuple(score), score.assessments

    # our word list scored by the plain-dict copy of the lexicon = TextBlob's own on the text
    assert [scored(words(t), _TEXTBLOB) for t in texts] == [
        scored(t, _textblob_sentiment) for t in texts
    ]
    # ...and that is what TextBlob(text).sentiment reports.
    for text in TOKENIZER_CASES + texts[::50]:
        assert scored(words(text), _TEXTBLOB)[0] == tuple(TextBlob(text).sentiment)
