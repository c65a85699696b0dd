"""Tests of the pure scorer (bot.analysis.analyze): contract, known TextBlob failures, themes,
languages, hostile input, and the dev-set scores read in place from ../shared/data."""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path

import pytest
from textblob import TextBlob

from bot.analysis import THEMES, Analysis, analyze, tactic_for
from bot.analysis.evaluate import prf, sentiment_result, theme_report
from bot.analysis.sentiment import _textblob_sentiment
from bot.analysis.themes import THEME_IDS

REPO_ROOT = Path(__file__).resolve().parents[1]
ROLLOUT_DEV = REPO_ROOT.parent / "shared" / "data" / "rollout" / "dev.jsonl"

CANONICAL = (
    "old_way_faster",
    "double_work",
    "fear_incompetence",
    "purpose_unclear",
    "workflow_broken",
    "back_to_old_tools",
    "technical_problem",
)


def test_contract_shape() -> None:
    result = analyze("The new tool is slower and keeps crashing")
    assert isinstance(result, Analysis)
    assert dataclasses.is_dataclass(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.label = "pos"  # type: ignore[misc]
    assert -1.0 <= result.polarity <= 1.0
    assert 0.0 <= result.subjectivity <= 1.0
    assert result.label in {"neg", "neu", "pos"}
    assert isinstance(result.themes, tuple)
    assert isinstance(result.reason, str) and result.reason


def test_themes_mapping_and_tactics() -> None:
    assert tuple(THEMES) == CANONICAL == THEME_IDS
    assert THEMES["old_way_faster"].title == "Old way was faster"
    assert "champion" in tactic_for("fear_incompetence")
    assert "IT support" in tactic_for("technical_problem")
    for theme_id in CANONICAL:
        assert THEMES[theme_id].title and tactic_for(theme_id)
    with pytest.raises(KeyError):
        tactic_for("not_a_theme")


@pytest.mark.parametrize(
    "text",
    [
        "The new tool is slower and keeps crashing",
        "the old system was faster",
        "now I enter everything twice",
        "Used to take 5 minutes, now it takes most of the afternoon",
        "why did we even change this",
    ],
)
def test_known_textblob_failures_score_negative(text: str) -> None:
    assert analyze(text).label == "neg"


def test_plain_textblob_really_fails_on_these() -> None:
    # The reason this module exists; if TextBlob ever fixes it, the tests above still hold.
    assert TextBlob("The new tool is slower and keeps crashing").sentiment.polarity > 0
    assert TextBlob("now I enter everything twice").sentiment.polarity == 0


def test_textblob_core_is_textblob() -> None:
    text = "Great tool, but the report screen is awful"
    assert tuple(_textblob_sentiment(text))[:2] == tuple(TextBlob(text).sentiment)


def test_old_way_faster() -> None:
    result = analyze("the old system was faster")
    assert "old_way_faster" in result.themes
    assert result.label == "neg"
    assert result.flagged
    assert "old way was faster" in result.reason


def test_double_work() -> None:
    assert "double_work" in analyze("now I enter everything twice").themes


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Half the team has gone back to Excel for the rota", "back_to_old_tools"),
        ("I'm nervous I'll delete a customer record by mistake", "fear_incompetence"),
        ("Nobody consulted the night shift before choosing this", "purpose_unclear"),
        ("We can't assign a job to two engineers anymore", "workflow_broken"),
        ("App crashes every time I open an attachment", "technical_problem"),
        ("Finance still wants the monthly numbers in a spreadsheet as well", "double_work"),
        ("takes me twice as long to close a ticket as it did last month", "old_way_faster"),
    ],
)
def test_each_theme(text: str, theme: str) -> None:
    assert theme in analyze(text).themes


@pytest.mark.parametrize(
    "text",
    [
        "the login page got fixed yesterday, works fine now",
        "The new tool is much faster than the old one",
        "Paper forms are finally gone and nobody misses them",
        "The crash on Monday was resolved within an hour",
        "The heating on floor two is broken again",
        "I emailed the champions to say thanks",
        "Our workflow maps onto it nicely",
    ],
)
def test_hard_negatives_not_tagged(text: str) -> None:
    assert analyze(text).themes == ()


def test_positive_with_minor_gripe_is_not_flagged() -> None:
    result = analyze("Love it, really great tool. Only wish it didn't log me out so often.")
    assert result.label == "pos"
    assert "technical_problem" in result.themes
    assert not result.flagged


def test_themes_are_valid_and_ordered() -> None:
    result = analyze(
        "Still reconciling in Excel and then typing it all into the new system twice, "
        "and it crashes. Nobody asked us."
    )
    assert set(result.themes) <= set(CANONICAL)
    assert list(result.themes) == sorted(result.themes, key=CANONICAL.index)
    assert len(result.themes) >= 3


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Das neue System ist viel zu langsam und ich finde nichts", "de"),
        ("Je ne comprends pas pourquoi on a changé de logiciel", "fr"),
        ("No me gusta el nuevo sistema, es muy lento", "es"),
        ("¿Dónde está el manual del sistema nuevo?", "es"),
        ("Il nuovo sistema non funziona e nessuno sa perché", "it"),
        ("O sistema novo não funciona e ninguém sabe porque", "pt"),
        ("Het nieuwe systeem werkt niet en niemand weet waarom", "nl"),
    ],
)
def test_non_english_is_not_confident(text: str, lang: str) -> None:
    result = analyze(text)
    assert result.language == lang
    assert result.confident is False
    assert not (result.label == "neu" and result.confident)


def test_english_is_confident() -> None:
    result = analyze("The new scheduling screen is brilliant, saves me an hour a week")
    assert result.language == "en"
    assert result.confident
    assert result.label == "pos"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u200b\u200b"])
def test_empty(text: str) -> None:
    result = analyze(text)
    assert result.label == "neu"
    assert result.themes == ()
    assert result.polarity == 0.0
    assert not result.flagged
    assert not result.confident


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000,
        "crash " * 50_000,
        "\x00\x01\x02 null bytes \x7f",
        "<!channel> <@U123> &amp; <https://evil|click>",
        "Z̸̡̢̛a̵̢͠l̷̨g̴o̵ text 🙃🙃🙃 \ud7ff \U0001f600" * 100,
        "(" * 10_000 + "twice" + ")" * 10_000,
        "used to " * 5000 + "now " * 5000,
        "?" * 10_000,
        ":tada: :thumbsdown: :not_an_emoji:",
        "ß" * 1000,
        "\r\n".join(["line"] * 5000),
    ],
)
def test_hostile_input_does_not_crash(text: str) -> None:
    result = analyze(text)
    assert -1.0 <= result.polarity <= 1.0
    assert 0.0 <= result.subjectivity <= 1.0
    assert result.label in {"neg", "neu", "pos"}
    assert set(result.themes) <= set(CANONICAL)


def test_non_str_is_rejected() -> None:
    with pytest.raises(TypeError):
        analyze(None)  # type: ignore[arg-type]


def test_deterministic_and_thread_safe() -> None:
    texts = [
        f"comment {i}: the old way was faster and it keeps crashing" if i % 2 else f"nice {i}"
        for i in range(200)
    ]
    expected = [analyze(t) for t in texts]
    results: list[list[Analysis]] = [[] for _ in range(4)]

    def work(slot: int) -> None:
        results[slot] = [analyze(t) for t in texts]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r == expected for r in results)


def test_prf_helper() -> None:
    result = prf([True, True, False, False], [True, False, True, False])
    assert result.precision == result.recall == result.f1 == 0.5


# Measured on dev.jsonl when these thresholds were set: theme macro F1 0.97, negative F1 0.93
# (0 of 7 hard negatives tagged). The thresholds leave a margin for small rule changes; the
# held-back set will score lower, as the rules were written with this sample in view (on
# comments unseen while writing the rules, negative F1 was nearer 0.9 and theme macro F1 0.8).
MIN_DEV_THEME_MACRO_F1 = 0.88
MIN_DEV_NEGATIVE_F1 = 0.85
MAX_DEV_HARD_NEGATIVE_SHARE = 0.15


@pytest.mark.skipif(
    not ROLLOUT_DEV.is_file(), reason=f"rollout dev data not found at {ROLLOUT_DEV} (read in place)"
)
def test_rollout_dev_scores() -> None:
    with ROLLOUT_DEV.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    analyses = [analyze(row["text"]) for row in rows]
    themes = theme_report(rows, [a.themes for a in analyses])
    sentiment = sentiment_result([row["label"] for row in rows], [a.label for a in analyses])
    assert themes.macro_f1 >= MIN_DEV_THEME_MACRO_F1
    assert sentiment.neg.f1 >= MIN_DEV_NEGATIVE_F1
    if themes.hard_negatives:
        share = themes.hard_negatives_tagged / themes.hard_negatives
        assert share <= MAX_DEV_HARD_NEGATIVE_SHARE


def test_shipped_model_is_what_the_training_texts_produce(tmp_path: Path) -> None:
    """The weights in the repo are derived from the committed training texts, nothing else."""
    import numpy as np

    from bot.analysis import model, train

    train.fit(train.load_examples()).save(tmp_path / "model.npz")
    rebuilt, shipped = model.load(tmp_path / "model.npz"), model.load()
    assert rebuilt is not None and shipped is not None
    assert np.allclose(rebuilt.weights, shipped.weights, atol=1e-3)
    assert np.allclose(rebuilt.bias, shipped.bias, atol=1e-3)


def test_model_adds_phrasing_the_rules_miss_but_not_off_topic_negativity() -> None:
    from bot.analysis import MODEL

    assert MODEL is not None
    # Written for this test: a paraphrase with no rule keyword in it.
    prediction = MODEL.predict("honestly I just keep my own little notebook and copy it in later")
    assert prediction.themes["back_to_old_tools"] > prediction.themes["technical_problem"]
    # Off-topic text keeps the rules' verdict: the model only speaks for rollout comments.
    assert analyze("What a lovely sunny morning, coffee was great").label != "neg"


def test_model_leans_the_score_only_for_comments_about_work_software() -> None:
    from bot.analysis import MODEL_NEGATIVE_THRESHOLD, Prediction, _with_model

    doubtful = Prediction(
        negative=MODEL_NEGATIVE_THRESHOLD + 0.4, positive=0.0, themes={}, trap=0.0
    )
    assured = Prediction(negative=MODEL_NEGATIVE_THRESHOLD - 0.4, positive=0.9, themes={}, trap=0.0)
    neither = Prediction(negative=0.1, positive=0.1, themes={}, trap=0.0)
    unsure = Prediction(negative=MODEL_NEGATIVE_THRESHOLD + 0.03, positive=0.0, themes={}, trap=0.0)
    # No theme, about the rollout: the model's confidence leans the score either way...
    assert _with_model(doubtful, (), 0.0, about_work=True, evidence=False)[1] < -0.2
    assert _with_model(assured, (), 0.05, about_work=True, evidence=True)[1] > 0.2
    # ...but praise needs some sentiment the rules heard, and a near coin-flip changes nothing.
    assert _with_model(assured, (), 0.0, about_work=True, evidence=False) == ((), 0.0)
    assert _with_model(unsure, (), 0.0, about_work=True, evidence=True) == ((), 0.0)
    # When it hears neither, what the rules heard shrinks towards neutral.
    assert _with_model(neither, (), 0.4, about_work=True, evidence=True)[1] == pytest.approx(0.08)
    # ...but not a clearly negative one: the model misses blunt complaints it has not seen
    assert _with_model(neither, (), -0.6, about_work=True, evidence=True)[1] == -0.6
    for blunt in ("Hate the new system", "The new portal is useless"):
        assert analyze(blunt).flagged, blunt
    assert analyze("is the new portal available on the warehouse laptops as well?").label == "neu"
    # Not about work software: the rules' score stands, whatever the model thinks.
    assert _with_model(doubtful, (), 0.0, about_work=False, evidence=True) == ((), 0.0)
    # Plain statements of fact about the rollout stay neutral (written for this test).
    for fact in ("The migration is on Tuesday.", "I logged in to the dashboard today."):
        assert analyze(fact).label == "neu", fact
    # Polite resistance, written for this test: no negative word, but it reads as one.
    polite = analyze("I'm sure the new portal is lovely, but we'll stay with the old one")
    assert polite.label == "neg"
    assert "back_to_old_tools" in polite.themes


def test_model_turns_a_mild_rule_negative_positive_only_when_sure() -> None:
    from bot.analysis import (
        MODEL_OVERRULE_NEGATIVE,
        Prediction,
        _with_model,
    )
    from bot.analysis.sentiment import STRONG_NEGATIVE, label_for

    praise = Prediction(negative=MODEL_OVERRULE_NEGATIVE / 2, positive=0.9, themes={}, trap=0.0)
    # about work software, or themed: a mildly negative rule score becomes positive
    assert label_for(_with_model(praise, (), -0.3, about_work=True, evidence=True)[1]) == "pos"
    themed = _with_model(praise, ("double_work",), -0.3, about_work=False, evidence=True)
    assert themed[0] == ("double_work",) and label_for(themed[1]) == "pos"
    # never a strongly negative one, nor when the model is less sure, hears no praise, or the
    # comment is about something else
    strong = STRONG_NEGATIVE - 0.1
    assert (
        _with_model(praise, ("double_work",), strong, about_work=True, evidence=True)[1] == strong
    )
    assert _with_model(praise, (), strong, about_work=True, evidence=False)[1] == strong
    unsure = Prediction(negative=MODEL_OVERRULE_NEGATIVE, positive=0.9, themes={}, trap=0.0)
    assert label_for(_with_model(unsure, (), -0.3, about_work=True, evidence=True)[1]) == "neg"
    flat = Prediction(negative=MODEL_OVERRULE_NEGATIVE / 2, positive=0.4, themes={}, trap=0.0)
    assert label_for(_with_model(flat, (), -0.3, about_work=True, evidence=True)[1]) == "neg"
    assert _with_model(praise, (), -0.3, about_work=False, evidence=True) == ((), -0.3)
    # after a turn ("nice, but it's slower") it must be surer
    from bot.analysis import MODEL_OVERRULE_AFTER_CONTRAST

    turned = Prediction(negative=MODEL_OVERRULE_AFTER_CONTRAST, positive=0.9, themes={}, trap=0.0)
    assert _with_model(turned, (), -0.3, about_work=True, evidence=False)[1] > 0
    assert _with_model(turned, (), -0.3, about_work=True, evidence=False, contrast=True)[1] == -0.3
    # a comment whose theme a veto dropped is in the model's domain too
    assert _with_model(praise, (), -0.3, about_work=False, evidence=True, vetoed=True)[1] > 0
    # nor when the rules read the praise as sarcasm
    assert _with_model(praise, (), -0.3, about_work=True, evidence=False, sarcastic=True) == (
        (),
        -0.3,
    )
    assert analyze("Love how the 'time-saving' portal has added an hour to my day").label == "neg"


def test_thanks_are_not_sarcasm_but_a_promise_called_untrue_is() -> None:
    from bot.analysis import MODEL, MODEL_TRAP
    from bot.analysis._regex import SHARED_INDEX
    from bot.analysis.sentiment import LEXICON

    def marked(text: str) -> set[str]:
        hits = SHARED_INDEX.owners_matching(text.lower())
        kinds = {"always": LEXICON.sarcasm_always, "if_negative": LEXICON.sarcasm_if_negative}
        return {kind for kind, owner in kinds.items() if owner in hits}

    # written for this project by reviewers: thanks and plain speech that share words with
    # sarcasm are not marked...
    for plain in (
        "thanks so much for sorting my login so quickly, the new system is great",
        "Thank you so much for the training session yesterday",
        "Yeah, right from day one the new portal has been brilliant",
        "Did exactly what they said. Works perfectly now, thanks IT!",
        "The idea that the new tills are slower is a myth, we timed them",
    ):
        assert not marked(plain), plain
    for thanks in (
        "thanks so much for sorting my login so quickly, the new system is great",
        "Yeah right, I see it now, the approve button is at the top. Thanks!",
    ):
        assert analyze(thanks).label == "pos", thanks
    # ...while a promise called untrue is, and keeps its theme although the model, fooled by
    # the praise words, takes it for a trap: the vetoes stand down when the rules read sarcasm
    assert marked("so much for the new rota, it's twice as slow") == {"if_negative"}
    for text in (
        "No more double entry they said. I did double entry all morning.",
        "No more double entry, yeah right. I did double entry all morning.",
        "No more entering things twice is a lie, I still do it in both.",
    ):
        assert "always" in marked(text), text
        result = analyze(text)
        assert "double_work" in result.themes and result.flagged, text
    assert MODEL is not None
    assert MODEL.predict("No more double entry they said. I did double entry all morning.").trap > (
        MODEL_TRAP
    )


def test_word_count_for_the_trap_ignores_blank_lines() -> None:
    one_line = analyze("Old laptop crashed. On my phone today.")
    assert analyze("Old laptop crashed.\n\nOn my phone today.").themes == one_line.themes


def test_praise_with_a_small_current_gripe_stays_positive() -> None:
    # Written for this test (README convention: pos, and the gripe's theme is kept).
    result = analyze("honestly a massive upgrade on the old kit, only the wifi drops now and then")
    assert result.label == "pos"
    assert not result.flagged


def test_eval_command_prints_every_table(tmp_path: Path) -> None:
    """`make eval` end to end, on a tiny data folder written here (same layout as shared/)."""
    import subprocess
    import sys

    (tmp_path / "sentiment" / "dev").mkdir(parents=True)
    (tmp_path / "rollout").mkdir()
    lines = [
        {"text": "I love how quick this is", "label": "pos"},
        {"text": "this is awful and keeps crashing", "label": "neg"},
        {"text": "the meeting is at noon", "label": "neu"},
    ]
    (tmp_path / "sentiment" / "dev" / "tiny.jsonl").write_text(
        "\n".join(json.dumps(line) for line in lines)
    )
    rollout = [
        {**lines[1], "themes": ["technical_problem"], "lang": "en", "hard_negative": False},
        {**lines[2], "themes": [], "lang": "en", "hard_negative": True},
    ]
    (tmp_path / "rollout" / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rollout))
    run = subprocess.run(
        [sys.executable, "-m", "bot.analysis.evaluate", "--data-dir", str(tmp_path)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for heading in (
        "Third-party sentiment sets",
        "Rollout feedback (dev): themes",
        "Project hold-out 1 (looked at while tuning; not blind): themes",
        "Project hold-out 2 (texts never read or trained on): themes",
        "Hard negatives wrongly tagged",
    ):
        assert heading in out
    assert "| tiny | 3 |" in out and "**macro (1 sets)**" in out


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        # Each exclusion for "theme words used in passing" must leave real complaints alone.
        ("Working from home, in my flat the new system will not load at all.", "technical_problem"),
        ("I cannot log in at my house, the new portal just errors.", "technical_problem"),
        ("Honest question: why did we change, nobody explained it?", "purpose_unclear"),
        ("No more entering things twice is a lie, I still do it in both.", "double_work"),
    ],
)
def test_exclusions_do_not_hide_real_complaints(text: str, theme: str) -> None:
    from bot.analysis._regex import SHARED_INDEX
    from bot.analysis.themes import RULES

    lowered = text.lower()
    assert theme in RULES.tag(lowered, SHARED_INDEX.owners_matching(lowered))  # rules alone
    assert analyze(text).flagged


# --- session 3: what a keyword rule cannot tell apart (all sentences written for these tests)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("used to take 5 minutes, now it takes half my morning", 1),
        ("the report takes ages: went from 10 mins to well over an hour", 1),
        ("booking a van is 9 clicks now compared to 3 before", 1),
        ("it was two screens before, now it is six", 1),
        ("booking a room went from 2 minutes to 40 minutes", 1),
        ("raising a po was 3 clicks in the old system vs 9 in the new one", 1),  # old side first
        ("approving a claim used to take four days. now it's done in an hour", -1),
        ("2 clicks now instead of the 8 we had before", -1),
        ("used to take me 15 minutes to find the form, now it's right there", -1),
        ("the old tool took 5 screens for a refund, now its one", -1),
        ("used to take 2 hours, these days 5 minutes", -1),
        ("takes 5 minutes where it used to be an hour", -1),
        ("used to take 20 minutes", 0),  # one side only
        ("the new tool is slower and keeps crashing", 0),
        ("from 9 to 5 every day", 0),  # two bare numbers, no unit
        ("used to take 2 hours, now 30", 0),  # 30 minutes or 30 hours? too far apart to guess
        ("renewals that took 20 min on the old screens are done in 8", -1),  # 8 minutes
        ("the weekly close was taking half a day and is now taking two days", 1),
        ("my wrap time went from 2 to 5 mins per call", 1),  # a time of effort
        ("used to take 5 minutes. now it's 20", 1),
        ("session timeout went from 15 minutes to 8 hours, finally", 0),  # not effort
        ("the desk used to be open 8 hours a day, now 24 hours", 0),
        ("spend went from £5 to £20 a day", 0),  # money
        ("adoption went from 20% to 90% in a week, takes time", 0),  # percentages
        ("upgrading from v2 to v3 takes a while", 0),
    ],
)
def test_comparison_direction_reads_the_quantities(text: str, expected: int) -> None:
    from bot.analysis.compare import direction

    assert direction(text) == expected


def test_effort_theme_follows_the_quantities(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.analysis
    from bot.analysis.compare import UNKNOWN, direction

    better = "Approving a claim used to take four days. Now it's done in an hour, great"
    assert "old_way_faster" not in analyze(better).themes
    worse = "booking a van went from 2 minutes to 40 minutes with the new approvals"
    assert "old_way_faster" in analyze(worse).themes
    assert analyze(worse).label == "neg"
    # ...and it is the comparison that says so. Without it the better one is tagged (the
    # model hears "used to take"); the worse one the model has learned by now, so the rules
    # alone show it: tagged with the comparison, not without
    monkeypatch.setattr(bot.analysis, "direction", lambda _text: UNKNOWN)
    assert "old_way_faster" in analyze(better).themes
    monkeypatch.setattr(bot.analysis, "MODEL", None)
    assert "old_way_faster" not in analyze(worse).themes
    monkeypatch.setattr(bot.analysis, "direction", direction)
    assert "old_way_faster" in analyze(worse).themes


@pytest.mark.parametrize(
    "text",
    [
        "at my last job booking a room went from 5 minutes to an hour",  # another employer
        "my commute takes ages, it went from 20 minutes to an hour since the bridge closed",
    ],
)
def test_a_worse_comparison_counts_only_where_a_theme_could(text: str) -> None:
    from bot.analysis.compare import WORSE, direction

    assert direction(text.lower()) == WORSE  # the numbers do say worse...
    assert "old_way_faster" not in analyze(text).themes  # ...but not about the rollout


@pytest.mark.parametrize(
    "text",
    [
        "If anyone still asks you to email the timesheet as well, point them to me",
        "When you get the password reset email tomorrow, it's genuine, IT planned it",
        "Traffic on the motorway was slower than ever, sorry I'm late for the huddle",
        "my daughter's console keeps crashing, she has discovered books instead",
        "at my last job the new HR system took twice as long as the old one",
    ],
)
def test_what_ifs_advice_and_life_outside_work_carry_no_theme(text: str) -> None:
    assert analyze(text).themes == ()


@pytest.mark.parametrize(
    "text",
    [
        # "you" as anyone: these describe the software, they are not advice
        "Whenever you open the new portal it freezes for a minute",
        "When you try to log in it just spins forever",
        "If the wifi drops the handheld loses the whole pick list",
        "Once you submit, the system logs you out and nothing is saved",
    ],
)
def test_bug_reports_told_with_you_or_if_still_count(text: str) -> None:
    assert "technical_problem" in analyze(text).themes


@pytest.mark.parametrize(
    "text",
    [
        "double shift again today, nothing to do with the new rota app, we're short-staffed",
        "the build server is down again, not the new ticketing tool's fault",
        "anyone else lost with the new parking permit process? (facilities, not IT)",
        "what's the point of a 4pm meeting on a friday. not a system thing, a calendar thing",
    ],
)
def test_a_gripe_the_writer_says_is_not_about_the_rollout_has_no_theme(text: str) -> None:
    from bot.analysis._regex import SHARED_INDEX
    from bot.analysis.themes import RULES

    lowered = text.lower()
    assert RULES.disclaimed(SHARED_INDEX.owners_matching(lowered))
    assert analyze(text).themes == ()


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("the system is down again", "technical_problem"),
        ("I lost my draft assessment twice today", "technical_problem"),
        ("double entry everywhere now, on paper and in the app", "double_work"),
        ("they rolled it out without asking anyone on the floor", "purpose_unclear"),
    ],
)
def test_complaints_found_by_keywords_keep_their_theme(text: str, theme: str) -> None:
    assert theme in analyze(text).themes


def test_requests_and_complaints_that_name_the_software_still_count() -> None:
    # a polite request is resistance, not advice
    assert (
        "purpose_unclear"
        in analyze("If someone could explain why we changed systems, I'd appreciate it").themes
    )
    # something off-topic in the sentence does not excuse the software
    assert (
        "technical_problem"
        in analyze("stuck in traffic again, and the app keeps crashing on my phone").themes
    )


def test_keyword_only_tags_are_marked_weak() -> None:
    from bot.analysis.themes import RULES

    themes, weak = RULES.tag_with_keywords("there was an error on the export")
    assert themes == ("technical_problem",) and weak == {"technical_problem"}
    themes, weak = RULES.tag_with_keywords("the app keeps crashing. error after error")
    assert themes == ("technical_problem",) and weak == frozenset()


def test_model_drops_only_keyword_tags_it_is_sure_about() -> None:
    from bot.analysis import MODEL_VETO_NEGATIVE, MODEL_VETO_THEME, Prediction, _vetoed

    sure = Prediction(
        negative=MODEL_VETO_NEGATIVE / 2,
        positive=0.0,
        themes=dict.fromkeys(THEME_IDS, 0.0),
        trap=0.0,
    )
    themes = ("double_work", "technical_problem")
    assert _vetoed(sure, themes, frozenset({"technical_problem"}), 10) == ("double_work",)
    assert _vetoed(sure, themes, frozenset(), 10) == themes  # complaint phrases stay
    unsure = Prediction(
        negative=MODEL_VETO_NEGATIVE / 2,
        positive=0.0,
        themes={**dict.fromkeys(THEME_IDS, 0.0), "technical_problem": MODEL_VETO_THEME},
        trap=0.0,
    )
    assert _vetoed(unsure, themes, frozenset({"technical_problem"}), 10) == themes
    negative = Prediction(
        negative=MODEL_VETO_NEGATIVE,
        positive=0.0,
        themes=dict.fromkeys(THEME_IDS, 0.0),
        trap=0.0,
    )
    assert _vetoed(negative, themes, frozenset({"technical_problem"}), 10) == themes


def test_model_drops_complaint_patterns_only_when_far_surer() -> None:
    from bot.analysis import (
        MODEL_VETO_COMPLAINT_NEGATIVE,
        MODEL_VETO_COMPLAINT_THEME,
        Prediction,
        _vetoed,
    )

    def said(negative: float, theme: float = 0.0) -> Prediction:
        return Prediction(
            negative=negative, positive=0.9, themes=dict.fromkeys(THEME_IDS, theme), trap=0.0
        )

    themes = ("double_work", "purpose_unclear", "technical_problem")
    calm = said(MODEL_VETO_COMPLAINT_NEGATIVE / 2)
    # complaint themes go; a technical problem is often reported in a flat tone, so it stays
    assert _vetoed(calm, themes, frozenset(), 10) == ("technical_problem",)
    # a hint of the theme, or of a negative tone, and the pattern's tag stays
    assert _vetoed(said(0.0, MODEL_VETO_COMPLAINT_THEME), themes, frozenset(), 10) == themes
    assert _vetoed(said(MODEL_VETO_COMPLAINT_NEGATIVE), themes, frozenset(), 10) == themes


def test_model_drops_rule_tags_on_a_comment_it_takes_for_a_trap() -> None:
    from bot.analysis import (
        MODEL_TRAP,
        MODEL_TRAP_MIN_WORDS,
        Prediction,
        _vetoed,
        _with_model,
    )

    def said(trap: float, theme: float = 0.0, negative: float = 0.9) -> Prediction:
        return Prediction(
            negative=negative, positive=0.0, themes=dict.fromkeys(THEME_IDS, theme), trap=trap
        )

    themes = ("double_work", "technical_problem")
    words = MODEL_TRAP_MIN_WORDS
    # even a negative comment, and a technical problem found by a pattern
    assert _vetoed(said(MODEL_TRAP), themes, frozenset(), words) == ()
    # not when the model hears the theme more than the trap, below the trap threshold, or on
    # a comment too short to judge ("the old system was faster")
    assert _vetoed(said(MODEL_TRAP, MODEL_TRAP + 0.01), themes, frozenset(), words) == themes
    assert _vetoed(said(MODEL_TRAP - 0.01), themes, frozenset(), words) == themes
    assert _vetoed(said(MODEL_TRAP), themes, frozenset(), words - 1) == themes
    # a theme the model would add itself is weighed against the trap the same way
    heard = said(trap=MODEL_TRAP, theme=MODEL_TRAP - 0.01)
    assert _with_model(heard, (), -0.5, about_work=True, evidence=True, words=words)[0] == ()
    assert _with_model(heard, (), -0.5, about_work=True, evidence=True, words=words - 1)[0] == (
        THEME_IDS
    )


def test_the_trap_output_drops_theme_words_used_in_passing(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.analysis

    # written for this test: a theme's words, none of its meaning
    traps = {
        "the van crashed into a bollard on the ring road this morning, driver is fine": (
            "technical_problem"
        ),
        "stomach bug going round the office again, wash your hands everyone": "technical_problem",
    }
    for text in traps:
        assert analyze(text).themes == (), text
    # the rules do tag them: the model's trap output is what drops the tag
    monkeypatch.setattr(bot.analysis, "MODEL_TRAP", 1.01)
    for text, theme in traps.items():
        assert theme in analyze(text).themes, text


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("remember when we typed every invoice twice? glad those days are over", "double_work"),
        (
            "we used to keep a separate tracker in excel. binned it in march, all in the app now",
            "back_to_old_tools",
        ),
    ],
)
def test_praise_that_reuses_complaint_words_loses_the_theme(
    monkeypatch: pytest.MonkeyPatch, text: str, theme: str
) -> None:
    import bot.analysis

    assert analyze(text).themes == (), text
    # a pattern does tag it: the model's vetoes are what drop it (this one, and the trap
    # output, which is sure of these too)
    monkeypatch.setattr(bot.analysis, "MODEL_TRAP", 1.01)
    assert analyze(text).themes == (), text
    monkeypatch.setattr(bot.analysis, "MODEL_VETO_COMPLAINT_THEME", 0.0)
    assert theme in analyze(text).themes, text


def test_theme_words_in_passing_are_dropped_by_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.analysis

    passing = (
        "the new bug tracker is live, log your requests there from monday",
        "the error log export in the new dashboard is handy for audits",
    )
    for text in passing:
        assert analyze(text).themes == (), text
    # the keyword rule does fire on them: it is the model that drops the tag (by this veto;
    # its trap output is sure of the second one too)
    monkeypatch.setattr(bot.analysis, "MODEL_TRAP", 1.01)
    for text in passing:
        assert analyze(text).themes == (), text
    monkeypatch.setattr(bot.analysis, "MODEL_VETO_THEME", 0.0)
    for text in passing:
        assert analyze(text).themes == ("technical_problem",), text


def test_model_features_do_not_depend_on_the_word_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.analysis import model

    text = "Used to take 5 mins, now the new CRM takes ages!! why?"
    warm = sorted(model.features(text))
    model._WORD_HASHES.clear()
    assert sorted(model.features(text)) == warm
    # the memo is bounded: odd input cannot make it grow for ever
    monkeypatch.setattr(model, "_KNOWN_WORDS", 50)
    for i in range(500):
        model.features(f"word{i} other{i}")
    assert len(model._WORD_HASHES) <= 50
    assert sorted(model.features(text)) == warm
