"""`python -m bot.analysis.train`: fit the linear model on the project's own training texts.

Deterministic (fixed seeds, fixed order), so the committed `model.npz` can be rebuilt from the
committed `training/*.jsonl` and a test checks that it is.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from bot.analysis.model import DIM, OUTPUTS, WEIGHTS, LinearModel, features
from bot.analysis.themes import THEME_IDS

TRAINING = Path(__file__).with_name("training")
EPOCHS = 25
RATE = 0.3
L2 = 1e-4


def load_examples(folder: Path = TRAINING) -> list[dict[str, object]]:
    examples: list[dict[str, object]] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            examples.extend(json.loads(line) for line in lines if line.strip())
    return examples


def targets(example: dict[str, object]) -> np.ndarray:
    themes = example.get("themes") or []
    assert isinstance(themes, list)
    wanted = {
        "neg": example["label"] == "neg",
        "pos": example["label"] == "pos",
        "trap": bool(example.get("hard_negative")),
        **{theme: theme in themes for theme in THEME_IDS},
    }
    return np.array([1.0 if wanted[output] else 0.0 for output in OUTPUTS])


def fit(examples: list[dict[str, object]]) -> LinearModel:
    """Plain SGD on the logistic loss with L2, all outputs at once."""
    weights = np.zeros((DIM, len(OUTPUTS)), dtype=np.float64)
    bias = np.zeros(len(OUTPUTS))
    rows = [(np.array(features(str(e["text"])), dtype=np.int64), targets(e)) for e in examples]
    for epoch in range(EPOCHS):
        order = np.random.default_rng(epoch).permutation(len(rows))
        rate = RATE / math.sqrt(1 + epoch)
        for index in order:
            ids, target = rows[index]
            logits = bias + weights[ids].sum(axis=0)
            error = 1.0 / (1.0 + np.exp(-logits)) - target
            weights[ids] -= rate * (error + L2 * weights[ids])
            bias -= rate * error
    return LinearModel(weights.astype(np.float32), bias.astype(np.float32))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    examples = load_examples()
    if not examples:
        print(f"no training texts in {TRAINING}")
        return 2
    fit(examples).save(args.out)
    print(f"trained on {len(examples)} texts -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
