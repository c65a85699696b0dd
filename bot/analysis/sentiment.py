"""Polarity for rollout feedback: TextBlob at the core, corrected where it is known to fail.

TextBlob alone calls "the new tool is slower and keeps crashing" positive ("new" is its only
known word) and "now I enter everything twice" neutral (no known word at all). VADER adds
intensity, emoji, capitals and "but" handling; the domain lexicon (lexicon.toml) adds the
way people complain about work software. The weights were set on development data from
several sources and rounded, so no single source dominates.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textblob.en import sentiment as _textblob_sentiment  # what TextBlob(text).sentiment runs
from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

from bot.analysis._regex import SHARED_INDEX, RuleIndex
from bot.analysis.textblob_words import words as textblob_words

_LEXICON_PATH = Path(__file__).with_name("lexicon.toml")

# Blend of the three signals; see evaluate.py for how they were checked.
W_TEXTBLOB = 0.45
W_VADER = 0.7
W_CUES = 1.4
W_THEME = -0.12  # per theme, at most two: themed comments lean negative
NEG_THRESHOLD = -0.02
POS_THRESHOLD = 0.12
STRONG_NEGATIVE = -0.5
# A complaint theme with no praise cue makes a comment negative unless it reads clearly positive.
THEME_FLOOR_BELOW = 0.4
# A report or information-seeking question scaled to between this and NEG_THRESHOLD is neutral.
REPORT_NEUTRAL_ABOVE = -0.25


@dataclass(frozen=True)
class _Cue:
    owner: int
    weight: float


@dataclass(frozen=True)
class _Lexicon:
    neutral: frozenset[str]
    index: RuleIndex
    cues: tuple[_Cue, ...]
    question: int
    question_scale: float
    report: int
    report_scale: float
    rhetorical: int
    praise_lead: int
    lead_chars: int
    concession: int
    contrast: int
    sarcasm_always: int
    sarcasm_if_negative: int
    rollout_context: int
    foreign_negative: re.Pattern[str]
    foreign_positive: re.Pattern[str]
    slack_emoji: re.Pattern[str]
    slack_emoji_map: dict[str, str]


def _words(words: list[str]) -> re.Pattern[str]:
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )


def _load(path: Path = _LEXICON_PATH, index: RuleIndex | None = None) -> _Lexicon:
    with path.open("rb") as fh:
        raw: dict[str, Any] = tomllib.load(fh)
    emoji: dict[str, str] = raw.get("slack_emoji", {})
    index = index if index is not None else RuleIndex()

    def owner(patterns: str | list[str], where: str) -> int:
        return index.add([patterns] if isinstance(patterns, str) else list(patterns), where)[0]

    return _Lexicon(
        neutral=frozenset(raw["neutral"]["words"]),
        index=index,
        cues=tuple(
            _Cue(owner(c["pattern"], f"{path.name} cue"), float(c["weight"])) for c in raw["cue"]
        ),
        question=owner(raw["neutrality"]["question"], f"{path.name} [neutrality]"),
        question_scale=float(raw["neutrality"]["question_scale"]),
        report=owner(raw["neutrality"]["report"], f"{path.name} [neutrality]"),
        report_scale=float(raw["neutrality"]["report_scale"]),
        rhetorical=owner(raw["neutrality"]["rhetorical"], f"{path.name} [neutrality]"),
        praise_lead=owner(raw["mixed"]["praise_lead"], f"{path.name} [mixed]"),
        lead_chars=int(raw["mixed"]["lead_chars"]),
        concession=owner(raw["mixed"]["concession"], f"{path.name} [mixed]"),
        contrast=owner(raw["mixed"]["contrast"], f"{path.name} [mixed]"),
        sarcasm_always=owner(raw["sarcasm"]["always"], f"{path.name} [sarcasm]"),
        sarcasm_if_negative=owner(raw["sarcasm"]["if_negative"], f"{path.name} [sarcasm]"),
        rollout_context=owner(raw["context"]["rollout"], f"{path.name} [context]"),
        foreign_negative=_words(raw["foreign"]["negative"]),
        foreign_positive=_words(raw["foreign"]["positive"]),
        slack_emoji=re.compile("|".join(re.escape(k) for k in emoji) or r"(?!)"),
        slack_emoji_map=emoji,
    )


class FastVader(SentimentIntensityAnalyzer):
    """VADER, minus two costs that do not change its answers (a test checks they are equal).

    * `polarity_scores` first rebuilds the text one character at a time to replace emoji;
      VADER's emoji are all non-ASCII, so for ASCII text that rebuild is the identity and the
      scoring steps run directly.
    * For each sentiment word, VADER's negation and idiom checks lower-case the whole
      comment to look at the three words around it; they get just those words (a window
      with the same relative positions) and run as VADER wrote them.
    """

    def __init__(self) -> None:
        super().__init__()
        if any(emoji.isascii() for emoji in self.emojis):  # pragma: no cover - a new VADER
            raise RuntimeError("VADER has ASCII emoji now; drop the ASCII shortcut")

    def polarity_scores(self, text: str) -> dict[str, float]:
        if not text.isascii():
            return super().polarity_scores(text)
        text = text.strip()
        senti = SentiText(text)
        words = senti.words_and_emoticons
        sentiments: list[float] = []
        for i, item in enumerate(words):
            lowered = item.lower()
            if lowered in BOOSTER_DICT or (
                lowered == "kind" and i < len(words) - 1 and words[i + 1].lower() == "of"
            ):
                sentiments.append(0)
                continue
            sentiments = self.sentiment_valence(0, senti, item, i, sentiments)
        sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)

    @staticmethod
    def _negation_check(valence: float, words: list[str], start_i: int, i: int) -> float:
        low = max(0, i - 3)  # looks at most three words back
        check = SentimentIntensityAnalyzer._negation_check
        return check(valence, words[low : i + 1], start_i, i - low)

    @staticmethod
    def _special_idioms_check(valence: float, words: list[str], i: int) -> float:
        low = max(0, i - 3)  # three words back, two ahead
        check = SentimentIntensityAnalyzer._special_idioms_check
        return check(valence, words[low : i + 3], i - low)


LEXICON = _load(index=SHARED_INDEX)
_VADER = FastVader()
with _LEXICON_PATH.open("rb") as _fh:
    for _word in tomllib.load(_fh).get("vader", {}).get("drop", []):
        _VADER.lexicon.pop(_word, None)  # our own instance: only descriptive in this domain
_textblob_sentiment("warm up")  # load TextBlob's lexicon now, not racily in a worker thread


class _LoadedSentiment(type(_textblob_sentiment)):  # type: ignore[misc]
    """TextBlob's sentiment lexicon once loaded, as a plain dict: TextBlob's lazy dict routes
    every `word in lexicon` and `lexicon[word]` through a load check (a fifth of its cost
    here). Same data, same scoring code; `_TEXTBLOB` gives TextBlob's own results (tested)."""

    __contains__ = dict.__contains__
    __getitem__ = dict.__getitem__
    __iter__ = dict.__iter__
    __len__ = dict.__len__
    get = dict.get


_TEXTBLOB = _LoadedSentiment.__new__(_LoadedSentiment)
_TEXTBLOB.__dict__.update(
    (name, value) for name, value in vars(_textblob_sentiment).items() if not name.startswith("__")
)
dict.update(_TEXTBLOB, dict.items(_textblob_sentiment))


@dataclass(frozen=True)
class SentimentScore:
    polarity: float
    subjectivity: float
    textblob: float
    vader: float
    cues: float
    evidence: bool  # did any lexicon (ours, TextBlob's, VADER's) recognise anything?
    sarcastic: bool = False  # praise words read as their opposite ("love how it added an hour")


def _textblob(text: str) -> tuple[float, float, bool]:
    """TextBlob's polarity and subjectivity, minus words that are only descriptive here."""
    score = _TEXTBLOB(textblob_words(text))  # = _textblob_sentiment(text), faster
    pol = subj = 0.0
    n = 0
    for words, p, s, _label in score.assessments:
        heads = [w for w in words if w not in ("!", "not", "no", "never", "n't")]
        if heads and heads[-1] in LEXICON.neutral:
            continue
        pol += p
        subj += s
        n += 1
    if n == 0:
        return 0.0, 0.0, bool(score.assessments)
    return pol / n, subj / n, True


def expand_slack_emoji(text: str) -> str:
    if ":" not in text:
        return text
    return LEXICON.slack_emoji.sub(lambda m: LEXICON.slack_emoji_map[m.group(0)], text)


def _clamp(value: float, low: float = -1.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


@dataclass(frozen=True)
class Signals:
    """The raw signals for one English comment, before they are blended."""

    textblob: float
    subjectivity: float
    textblob_evidence: bool
    vader: float
    cues: float
    negative_cue: bool
    sarcasm: bool
    sarcasm_if_negative: bool
    question: bool
    positive_cue: bool = False
    report: bool = False
    rhetorical: bool = False
    praise_lead: bool = False
    concession: bool = False


def signals(text: str, lowered: str, hits: Mapping[int, int] | None = None) -> Signals:
    """`hits` is `LEXICON.index.owners_matching(lowered)` when the caller already has it."""
    if hits is None:
        hits = LEXICON.index.owners_matching(lowered)
    tb, subjectivity, tb_evidence = _textblob(text)
    vd = _VADER.polarity_scores(text)["compound"]
    cues = 0.0
    negative_cue = positive_cue = False
    for cue in LEXICON.cues:
        if cue.owner in hits:
            cues += cue.weight
            negative_cue = negative_cue or cue.weight < 0
            positive_cue = positive_cue or cue.weight > 0
    lead = hits.get(LEXICON.praise_lead)
    return Signals(
        textblob=tb,
        subjectivity=subjectivity,
        textblob_evidence=tb_evidence,
        vader=vd,
        cues=_clamp(cues, -0.9, 0.9),
        negative_cue=negative_cue,
        sarcasm=LEXICON.sarcasm_always in hits,
        sarcasm_if_negative=LEXICON.sarcasm_if_negative in hits,
        question=LEXICON.question in hits,
        positive_cue=positive_cue,
        report=LEXICON.report in hits,
        rhetorical=LEXICON.rhetorical in hits,
        praise_lead=lead is not None and lead <= LEXICON.lead_chars,
        concession=LEXICON.concession in hits,
    )


def blend(sig: Signals, theme_count: int, complaint_themes: int | None = None) -> SentimentScore:
    """`complaint_themes`: how many of the themes are complaints by nature (a technical problem
    is often just reported); defaults to `theme_count`."""
    if complaint_themes is None:
        complaint_themes = theme_count
    polarity = W_TEXTBLOB * sig.textblob + W_VADER * sig.vader + W_CUES * sig.cues
    report = sig.report and not sig.rhetorical
    if not report:
        polarity += W_THEME * min(theme_count, 2)
    subjectivity = sig.subjectivity
    sarcastic = sig.sarcasm or bool((sig.negative_cue or theme_count) and sig.sarcasm_if_negative)
    if sarcastic:
        # Praise words in a sarcastic comment count against it.
        polarity = -abs(polarity) - 0.3
        subjectivity = max(subjectivity, 0.6)
    elif report:
        # A notice or a question asked to get an answer, not to complain: unless it is
        # strongly negative even after scaling, it reads as neutral.
        polarity *= LEXICON.report_scale
        if REPORT_NEUTRAL_ABOVE < polarity < NEG_THRESHOLD:
            polarity = 0.0
    elif sig.praise_lead:
        # Praise first, a gripe after: not a complaint; positive with a concession.
        polarity = max(polarity, POS_THRESHOLD + 0.03 if sig.concession else 0.0)
    elif complaint_themes and not sig.positive_cue and polarity < THEME_FLOOR_BELOW:
        # A resistance theme with nothing good said about the change leans negative.
        polarity = min(polarity, NEG_THRESHOLD - 0.08)
    if sig.question and not sig.negative_cue and polarity > -0.4:
        polarity *= LEXICON.question_scale
    if sig.cues:
        subjectivity += 0.1 * abs(sig.cues)
    evidence = sig.textblob_evidence or sig.vader != 0.0 or sig.cues != 0.0 or theme_count > 0
    return SentimentScore(
        polarity=round(_clamp(polarity), 4),
        subjectivity=round(_clamp(subjectivity, 0.0, 1.0), 4),
        textblob=sig.textblob,
        vader=sig.vader,
        cues=sig.cues,
        evidence=evidence,
        sarcastic=sarcastic,
    )


def score_english(
    text: str,
    lowered: str,
    theme_count: int,
    hits: Mapping[int, int] | None = None,
    complaint_themes: int | None = None,
) -> SentimentScore:
    """Blend TextBlob, VADER and domain cues; `lowered` is the normalised lower-case text."""
    return blend(signals(text, lowered, hits), theme_count, complaint_themes)


def score_foreign(lowered: str, theme_count: int) -> SentimentScore:
    """A rough lean for German/French/Spanish: a handful of words, never called confident."""
    neg = len(LEXICON.foreign_negative.findall(lowered))
    pos = len(LEXICON.foreign_positive.findall(lowered))
    polarity = 0.3 * (pos - neg) + W_THEME * 2 * min(theme_count, 2)
    return SentimentScore(
        polarity=round(_clamp(polarity), 4),
        subjectivity=0.5 if (pos or neg) else 0.0,
        textblob=0.0,
        vader=0.0,
        cues=0.0,
        evidence=bool(pos or neg or theme_count),
    )


def label_for(polarity: float) -> str:
    if polarity <= NEG_THRESHOLD:
        return "neg"
    if polarity >= POS_THRESHOLD:
        return "pos"
    return "neu"
