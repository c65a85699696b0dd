"""Sentiment and resistance-theme scoring of one comment: pure, deterministic, thread-safe.

`analyze` is what the rest of the app calls; everything it needs (TextBlob's and VADER's
lexicons, our rule files) is loaded once at import, so a call touches no disk, network or
shared mutable state (apart from a bounded memo of word hashes that cannot change a result).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.analysis._regex import SHARED_INDEX
from bot.analysis.compare import BETTER, WORSE, direction, might_compare
from bot.analysis.language import detect_language
from bot.analysis.model import Prediction
from bot.analysis.model import load as load_model
from bot.analysis.sentiment import (
    LEXICON,
    NEG_THRESHOLD,
    POS_THRESHOLD,
    STRONG_NEGATIVE,
    expand_slack_emoji,
    label_for,
    score_english,
    score_foreign,
)
from bot.analysis.themes import RULES, THEME_IDS, Theme

__all__ = ["Analysis", "THEMES", "THEME_IDS", "Theme", "analyze", "tactic_for"]

# Longer comments are scored on their beginning: enough for any real feedback, and it keeps a
# pasted log file from stalling the scoring worker.
MAX_CHARS = 5000

THEMES: Mapping[str, Theme] = RULES.themes

# The learned half (bot/analysis/model.py); None only if model.npz is missing.
MODEL = load_model()
MODEL_THEME_THRESHOLD = 0.5
MODEL_NEGATIVE_THRESHOLD = 0.5
# On a comment about work software with no theme, the model leans the score by this much per
# unit of (P(negative) - 0.5), beyond a dead zone of MODEL_CONTEXT_DEAD_ZONE either side.
MODEL_CONTEXT_WEIGHT = 0.8
MODEL_CONTEXT_DEAD_ZONE = 0.05
# When the model hears neither tone, rule scores above this shrink towards neutral, and any
# rule score does when the model is all but certain the comment is not negative.
MODEL_SHRINK_ABOVE = -0.3
MODEL_SURE_NOT_NEGATIVE = 0.01
# A theme found only by its keywords (themes.toml) is dropped when the model is this sure the
# comment has neither that theme (P(theme) below the first) nor a negative tone (P(negative)
# below the second): "crash" is in "0 crashes for the third week running" and "a crash on
# the A12" too.
MODEL_VETO_THEME = 0.05
MODEL_VETO_NEGATIVE = 0.5
# A complaint theme (themes.toml: not `complaint = false`) found by a pattern is dropped only
# when the model is far surer: a complaint in a comment that is not negative and says nothing
# the model links to the theme ("binned the paper list last month, the new system does it
# all"; "who decided on a dark mode? whoever it was, I love you"). Technical problems are
# often reported in a flat tone ("mine says user not found"), so the model's calm is no
# evidence against them.
MODEL_VETO_COMPLAINT_THEME = 0.003
MODEL_VETO_COMPLAINT_NEGATIVE = 0.05
# A theme is dropped when the model takes the comment for a trap (theme words without the
# theme: "the van crashed into a bollard on the ring road, driver is fine"; learned from the
# training texts' hard_negative flag) with at least this confidence and with more confidence
# than it hears the theme, unless the comment is shorter than MODEL_TRAP_MIN_WORDS: a bare
# "the old system was faster" shares its words with many traps ("nobody can say the old
# system was faster") and has nothing else to judge it by.
MODEL_TRAP = 0.85
MODEL_TRAP_MIN_WORDS = 8
# Where the model speaks (a themed comment, or one about work software), a negative score from
# the rules that is not strongly negative turns positive when the model is this sure the
# comment is not negative and hears praise (P(positive) > 0.5): the rules' negative words are
# often theme words or an ended pain ("Double entry is finally gone, thank you!"). Not to
# neutral when it hears neither, and never a strongly negative score: on developers' texts
# (code reviews, Stack Overflow) either cost more than it gained.
MODEL_OVERRULE_NEGATIVE = 0.05
# ...and this sure when the comment turns ("the new look is nice, but it's slower").
MODEL_OVERRULE_AFTER_CONTRAST = 0.02

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Analysis:
    polarity: float
    label: str
    subjectivity: float
    themes: tuple[str, ...]
    flagged: bool
    reason: str
    language: str
    confident: bool


def tactic_for(theme_id: str) -> str:
    """The suggested tactic for a theme id; KeyError for an unknown id."""
    return THEMES[theme_id].tactic


def _normalise(text: str) -> str:
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _flag(polarity: float, label: str, themes: tuple[str, ...]) -> tuple[bool, str]:
    """Resistance is a strongly negative comment, or a non-positive one with a theme.

    A positive comment with a small gripe ("love it, just wish it didn't log me out") still
    carries its theme into the digest, but it is not an alert.
    """
    parts: list[str] = []
    strong = polarity <= STRONG_NEGATIVE
    if strong:
        parts.append(f"strongly negative ({polarity:+.2f})")
    themed = bool(themes) and label != "pos"
    if themed:
        titles = ", ".join(THEMES[t].title.lower() for t in themes)
        parts.append(f"theme: {titles}")
    if not parts:
        if themes:
            return False, f"positive ({polarity:+.2f}), minor theme only"
        return False, f"{label} ({polarity:+.2f})"
    return True, "; ".join(parts)


def _with_model(
    prediction: Prediction,
    themes: tuple[str, ...],
    polarity: float,
    *,
    about_work: bool,
    evidence: bool,
    sarcastic: bool = False,
    contrast: bool = False,
    vetoed: bool = False,
    words: int = 0,
    reportable: Callable[[], bool] = lambda: True,
) -> tuple[tuple[str, ...], float]:
    """Add what the learned model hears to what the rules found.

    Themes: the union, each theme in the canonical order. Sentiment: the model knows rollout
    comments and nothing else (on film reviews it would guess), so it only speaks about
    comments on work software. With a theme, a confident "negative" turns a neutral or
    positive rule score negative. Without one (`about_work`: the text names a system, login,
    spreadsheet...), it leans the score in proportion to its confidence: towards negative
    always (polite resistance has few negative words), towards positive only when the rules
    heard some sentiment (`evidence`), so a plain statement of fact stays neutral; when it is
    sure the comment is neither ("does the new app work on tablets too?", whose "new" TextBlob
    likes), a positive or weakly negative rule score shrinks towards neutral by that certainty.
    Either way, and when a veto dropped a theme the rules found (`vetoed`: "double entry is
    finally gone, thank you!"), a mildly negative rule score turns positive when the model is
    sure the comment is not negative and hears praise (MODEL_OVERRULE_NEGATIVE; surer after a
    `contrast`: "nice, but it's slower"), unless the rules read the praise as sarcasm
    (`sarcastic`): "love how the 'time-saving' app added an hour". The
    model adds no theme to a comment that cannot report one (`reportable` is false when the
    comment disclaims the rollout, is about life outside work, or is only advice).
    """
    learned = {
        t
        for t, p in prediction.themes.items()
        if p >= MODEL_THEME_THRESHOLD and not _trapped(prediction, t, words)
    }
    if learned - set(themes) and not reportable():
        learned = set()
    merged = tuple(t for t in THEME_IDS if t in themes or t in learned)
    lift = prediction.positive - MODEL_NEGATIVE_THRESHOLD
    if merged:
        if prediction.negative >= MODEL_NEGATIVE_THRESHOLD and polarity > NEG_THRESHOLD:
            polarity = -round(0.1 + 0.8 * (prediction.negative - MODEL_NEGATIVE_THRESHOLD), 4)
    elif about_work:
        doubt = prediction.negative - MODEL_NEGATIVE_THRESHOLD
        if doubt > MODEL_CONTEXT_DEAD_ZONE:
            polarity -= MODEL_CONTEXT_WEIGHT * (doubt - MODEL_CONTEXT_DEAD_ZONE)
        elif lift > MODEL_CONTEXT_DEAD_ZONE and evidence:
            polarity += MODEL_CONTEXT_WEIGHT * (lift - MODEL_CONTEXT_DEAD_ZONE)
        elif (
            (polarity > MODEL_SHRINK_ABOVE or prediction.negative < MODEL_SURE_NOT_NEGATIVE)
            and doubt < -MODEL_CONTEXT_DEAD_ZONE
            and lift < -MODEL_CONTEXT_DEAD_ZONE
        ):
            # it hears neither (a question, a notice): a positive or weakly negative score from
            # the rules (often TextBlob liking "new") shrinks towards neutral; a clearly negative
            # one only when the model is all but certain, as it misses blunt complaints it has
            # not seen ("hate the new system": P(negative) 0.18)
            polarity *= prediction.negative + prediction.positive
        polarity = round(max(-1.0, min(1.0, polarity)), 4)
    if (
        (merged or about_work or vetoed)
        and polarity <= NEG_THRESHOLD
        and prediction.negative < MODEL_OVERRULE_NEGATIVE
        and lift > 0
        and polarity > STRONG_NEGATIVE
        and not sarcastic
        and not (contrast and prediction.negative >= MODEL_OVERRULE_AFTER_CONTRAST)
    ):
        polarity = round(POS_THRESHOLD + MODEL_CONTEXT_WEIGHT * lift, 4)
    return merged, polarity


def _compared(themes: tuple[str, ...], lowered: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Themes about effort follow the quantities when the comment compares before and now:
    "used to take 20 minutes, now it's right there" is praise whatever its words say, "went
    from 20 mins to over an hour" a complaint. Returns the themes and those ruled out."""
    if not RULES.compared or not might_compare(lowered):
        return themes, frozenset()
    verdict = direction(lowered)
    if verdict == BETTER:
        return tuple(t for t in themes if t not in RULES.compared), frozenset(RULES.compared)
    # a complaint counts only from sentences that could carry a theme now: not "at my last
    # job it went from 5 minutes to an hour", nor one that "got fixed the same day"
    if verdict == WORSE and direction(". ".join(s for _, s in RULES.reports(lowered))) == WORSE:
        return tuple(t for t in THEME_IDS if t in themes or t in RULES.compared), frozenset()
    return themes, frozenset()


def _trapped(prediction: Prediction, theme: str, words: int) -> bool:
    """Does the model take this comment of `words` words for a trap rather than `theme`?"""
    return (
        prediction.trap >= MODEL_TRAP
        and prediction.trap >= prediction.themes[theme]
        and words >= MODEL_TRAP_MIN_WORDS
    )


def _vetoed(
    prediction: Prediction, themes: tuple[str, ...], weak: frozenset[str], words: int
) -> tuple[str, ...]:
    """Drop a theme the rules found when the model takes a comment of `words` words for a
    trap rather than the theme (`_trapped`); or when it is sure the comment neither has the
    theme nor complains: one found only by its keywords (`weak`) at the first pair of
    thresholds, a complaint theme found by a pattern at the stricter second pair."""
    if not themes:
        return themes
    calm = prediction.negative < MODEL_VETO_NEGATIVE

    def doubted(theme: str) -> bool:
        p = prediction.themes[theme]
        if _trapped(prediction, theme, words):
            return True
        if not calm:
            return False
        if theme in weak:
            return p < MODEL_VETO_THEME
        return (
            THEMES[theme].complaint
            and p < MODEL_VETO_COMPLAINT_THEME
            and prediction.negative < MODEL_VETO_COMPLAINT_NEGATIVE
        )

    return tuple(t for t in themes if not doubted(t))


def analyze(text: str) -> Analysis:
    """Score one comment. Never raises for any str input."""
    if not isinstance(text, str):
        raise TypeError("analyze() takes a str")
    clean = _normalise(expand_slack_emoji(text[: MAX_CHARS * 2]))
    if not clean:
        return Analysis(0.0, "neu", 0.0, (), False, "empty", "en", False)
    lowered = clean.lower()
    language = detect_language(clean)
    hits = SHARED_INDEX.owners_matching(lowered)  # one walk for theme rules and lexicon cues
    themes, weak = RULES.tag_with_keywords(lowered, hits)
    prediction = MODEL.predict(clean) if language == "en" and MODEL is not None else None
    ruled_out: frozenset[str] = frozenset()
    vetoed = False
    words = len(clean.split())
    if language == "en":
        themes, ruled_out = _compared(themes, lowered)
        # the model's calm means nothing when the rules read sarcasm ("so much for saving
        # time", "no more double entry, they said.")
        if prediction is not None and LEXICON.sarcasm_always not in hits:
            kept = _vetoed(prediction, themes, weak, words)
            vetoed = kept != themes
            themes = kept
        elif prediction is not None:
            words = 0  # nor does the trap output weigh in on the model's own themes
        complaints = sum(THEMES[t].complaint for t in themes)
        score = score_english(clean, lowered, len(themes), hits, complaints)
    else:
        score = score_foreign(lowered, len(themes))
    polarity = score.polarity
    if prediction is not None:
        themes, polarity = _with_model(
            prediction,
            themes,
            polarity,
            about_work=LEXICON.rollout_context in hits,
            evidence=score.evidence,
            sarcastic=score.sarcastic,
            contrast=LEXICON.contrast in hits,
            vetoed=vetoed,
            words=words,
            reportable=lambda: (
                not RULES.disclaimed(hits)
                and not RULES.off_topic_text(lowered)
                and RULES.can_report(lowered)
            ),
        )
        if ruled_out:
            themes = tuple(t for t in themes if t not in ruled_out)
    label = label_for(polarity)
    flagged, reason = _flag(polarity, label, themes)
    confident = language == "en" and score.evidence
    if language != "en":
        reason = f"{reason}; language {language}, not scored as English"
    return Analysis(
        polarity=polarity,
        label=label,
        subjectivity=score.subjectivity,
        themes=themes,
        flagged=flagged,
        reason=reason,
        language=language,
        confident=confident,
    )
