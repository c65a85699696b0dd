"""The words TextBlob's sentiment sees in a text, at a fraction of its tokenizer's cost.

`TextBlob(text).sentiment` splits the text with pattern's general-purpose tokenizer (sentence
boundaries, abbreviations, a dozen regex passes), joins the sentences again and scores the
lower-cased words. Half of TextBlob's time per comment goes to that tokenizer, and for the
score only the flat word list matters. `words(text)` produces exactly that list — same
contraction and quote handling, same punctuation splitting, same emoticon and "(!)" joins per
sentence — with precompiled patterns and a shortcut for the common token that has no
punctuation at either end. `TextBlob`'s own scoring then runs on it unchanged; a test checks
the words and the scores against TextBlob's over the project's texts.
"""

from __future__ import annotations

import re

from textblob import _text

_PUNCTUATION = tuple(_text.PUNCTUATION.replace(".", ""))
_LEADING = frozenset(_PUNCTUATION)
_TRAILING = frozenset((*_PUNCTUATION, "."))
_CONTRACTIONS = tuple(_text.replacements.items())
_ABBREVIATIONS = _text.ABBREVIATIONS
_ABBR = (_text.RE_ABBR1, _text.RE_ABBR2, _text.RE_ABBR3)
_EOS = _text.EOS
_SENTENCE_END = frozenset(("...", ".", "!", "?", _EOS))
_RUN = frozenset(("\u201d", "\u2019", "...", ".", "!", "?", ")", _EOS))
_LINEBREAKS = re.compile(r"\n{2,}")
_SPACES = re.compile(r"\s+")
_QUOTES = (
    ("\u201c", " \u201c "),
    ("\u201d", " \u201d "),
    ("\u2018", " \u2018 "),
    ("\u2019", " \u2019 "),
    ("'", " ' "),
    ('"', ' " '),
)


def _split(token: str, tokens: list[str]) -> None:
    """Punctuation off both ends of one token, periods kept on abbreviations."""
    replace = _text.replacements
    tail: list[str] = []
    while token.startswith(_PUNCTUATION) and token not in replace:
        tokens.append(token[0])
        token = token[1:]
    while token.endswith((*_PUNCTUATION, ".")) and token not in replace:
        if token.endswith(_PUNCTUATION):
            tail.append(token[-1])
            token = token[:-1]
        if token.endswith("..."):
            tail.append("...")
            token = token[:-3].rstrip(".")
        if token.endswith("."):
            if token in _ABBREVIATIONS or any(rx.match(token) for rx in _ABBR):
                break
            tail.append(token[-1])
            token = token[:-1]
    if token:
        tokens.append(token)
    tokens.extend(reversed(tail))


def _sentences(tokens: list[str]) -> list[list[str]]:
    """Split after each run of sentence-ending tokens, as pattern does.

    (pattern checks for balanced quotes against a sentence that is always still empty at that
    point, so a quote simply ends the run; `_RUN` leaves quotes out for the same effect.)
    """
    sentences: list[list[str]] = []
    i = j = 0
    n = len(tokens)
    for k in [k for k, token in enumerate(tokens) if token in _SENTENCE_END]:
        if k < j:
            continue
        j = k
        while j < n and tokens[j] in _RUN:
            j += 1
        sentences.append([t for t in tokens[i:j] if t != _EOS])
        i = j
        j += 1
    sentences.append(tokens[i:])
    return [s for s in sentences if s]


def words(text: str) -> list[str]:
    """Lower-cased words, exactly as TextBlob's sentiment would split `text`."""
    for contraction, spaced in _CONTRACTIONS:
        if contraction in text:
            text = text.replace(contraction, spaced)
    for quote, spaced in _QUOTES:
        if quote in text:
            text = text.replace(quote, spaced)
    if "\n" in text:
        text = _LINEBREAKS.sub(f" {_EOS} ", text.replace("\r\n", "\n"))
    tokens: list[str] = []
    for token in _SPACES.sub(" ", text).split(" "):
        if not token:
            continue
        if token[0] in _LEADING or token[-1] in _TRAILING:
            _split(token, tokens)
        else:
            tokens.append(token)
    out: list[str] = []
    for sentence in _sentences(tokens):
        joined = " ".join(sentence)
        if "(" in joined:
            joined = _text.RE_SARCASM.sub("(!)", joined)
        joined = _text.RE_EMOTICONS.sub(lambda m: m.group(1).replace(" ", "") + m.group(2), joined)
        out.extend(joined.lower().split())
    return out
