"""A small linear model over hashed word n-grams, the learned half of the scorer.

Rules catch what a change lead can read and extend; people paraphrase more ways than rules
can list. This model, trained on comments written for Change Pulse (see `training/README.md`),
adds the phrasing the rules miss: one logistic output for "negative", one for "positive", one
per theme, and one for "trap": the comment uses a theme's words without having the theme (the
training texts' `hard_negative` flag), which lets the scorer drop a rule's tag on such text.
Inference is a sum of a few dozen weight rows, so it costs microseconds and needs no
download: the weights ship in `model.npz`, made by `python -m bot.analysis.train`.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.analysis.themes import THEME_IDS

DIM = 2**17
OUTPUTS = ("neg", "pos", *THEME_IDS, "trap")
_NEG, _POS, _TRAP = OUTPUTS.index("neg"), OUTPUTS.index("pos"), OUTPUTS.index("trap")
_THEME_COLUMNS = tuple((theme, OUTPUTS.index(theme)) for theme in THEME_IDS)
WEIGHTS = Path(__file__).with_name("model.npz")

_TOKEN = re.compile(r"[a-z\u00e0-\u00ff']+|[0-9]+|[!?]")


_MASK = DIM - 1  # DIM is a power of two
# Odd multipliers that mix a word's hash into the next one, a different one per n-gram size so a
# pair and a triple of the same words land on different rows.
_PAIR = 0x9E3779B1
_TRIPLE = 0x85EBCA77


# Word -> CRC-32, so a common word is hashed once per process; cleared when it grows past
# _KNOWN_WORDS entries, so odd input cannot make it grow without bound.
_WORD_HASHES: dict[str, int] = {}
_KNOWN_WORDS = 200_000


def _hash_word(word: str) -> int:
    if len(_WORD_HASHES) >= _KNOWN_WORDS:
        _WORD_HASHES.clear()
    value = _WORD_HASHES[word] = zlib.crc32(word.encode()) or 1
    return value


def features(text: str) -> list[int]:
    """Hashed ids of the words, word pairs and word triples in a lower-cased text.

    Each word is hashed once (CRC-32, stable across processes, unlike `hash`); pairs and
    triples combine the words' hashes arithmetically instead of hashing joined strings.
    """
    known = _WORD_HASHES
    words = _TOKEN.findall(text.lower())
    hashes = [known.get(word) or _hash_word(word) for word in words]
    ids = {h & _MASK for h in hashes}
    if len(hashes) > 1:
        pairs = [(a * _PAIR) ^ b for a, b in zip(hashes, hashes[1:], strict=False)]
        ids.update(p & _MASK for p in pairs)
        ids.update(((p * _TRIPLE) ^ c) & _MASK for p, c in zip(pairs, hashes[2:], strict=False))
    return list(ids)


@dataclass(frozen=True)
class Prediction:
    negative: float
    positive: float
    themes: dict[str, float]
    trap: float


class LinearModel:
    """`weights` has one row per hashed feature and one column per output."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray) -> None:
        self.weights = weights
        self.bias = bias

    def predict(self, text: str) -> Prediction:
        ids = features(text)
        logits = np.add.reduce(self.weights.take(ids, axis=0), axis=0) + self.bias
        probs = (1.0 / (1.0 + np.exp(-logits))).tolist()
        return Prediction(
            negative=probs[_NEG],
            positive=probs[_POS],
            themes={theme: probs[i] for theme, i in _THEME_COLUMNS},
            trap=probs[_TRAP],
        )

    def save(self, path: Path = WEIGHTS) -> None:
        rows = np.flatnonzero(np.any(self.weights != 0, axis=1)).astype(np.int32)
        np.savez_compressed(
            path,
            rows=rows,
            values=self.weights[rows].astype(np.float16),
            bias=self.bias.astype(np.float32),
            outputs=np.array(OUTPUTS),
        )


def load(path: Path = WEIGHTS) -> LinearModel | None:
    """The shipped model, or None when the file is missing (the rules then work alone)."""
    if not path.exists():
        return None
    with np.load(path) as data:
        if tuple(str(o) for o in data["outputs"]) != OUTPUTS:
            raise ValueError(f"{path.name} was trained for other outputs; retrain it")
        weights = np.zeros((DIM, len(OUTPUTS)), dtype=np.float32)
        weights[data["rows"]] = data["values"].astype(np.float32)
        return LinearModel(weights, data["bias"].astype(np.float32))
