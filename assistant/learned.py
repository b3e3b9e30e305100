"""The learned models' form: a linear model (the re-ranker, the quote chooser) and boosted trees (the
decline model), read from the JSON files in models/ that benchmarks/train_ranker.py writes."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Model:
    weights: np.ndarray
    mean: np.ndarray  # feature standardisation learned with the weights
    scale: np.ndarray
    bias: float = 0.0
    threshold: float = 0.0  # for a yes/no model: the score from which the answer is yes

    def score(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.weights + self.bias


@dataclass(frozen=True)
class Trees:
    """Boosted regression trees (the decline model): a score is the bias plus one leaf value per tree.

    Each tree is stored complete to `depth` levels in heap order (node i's children are 2i+1 and
    2i+2; a sample goes right when its feature exceeds the split), so every tree is walked at once,
    one level per step: a few array operations per question, whatever the number of trees.
    """

    feature: np.ndarray  # (trees, 2**depth - 1) feature index of each split
    split: np.ndarray  # (trees, 2**depth - 1)
    leaf: np.ndarray  # (trees, 2**depth) leaf values, learning rate included
    bias: float = 0.0
    threshold: float = 0.0  # the score from which the answer is yes

    def score(self, x: np.ndarray) -> np.ndarray | float:
        """The score of each row of x (a float for one sample given as a vector, as Model.score)."""
        one = np.ndim(x) == 1
        x = np.atleast_2d(x)
        trees = np.arange(len(self.feature))
        node = np.zeros((len(x), len(trees)), dtype=np.int64)
        samples = np.arange(len(x))[:, None]
        for _ in range(self.leaf.shape[1].bit_length() - 1):
            value = x[samples, self.feature[trees, node]]
            node = 2 * node + 1 + (value > self.split[trees, node])
        scores = self.bias + self.leaf[trees, node - self.feature.shape[1]].sum(axis=1)
        return float(scores[0]) if one else scores


@lru_cache(maxsize=4)
def load_model(path: Path, names: tuple[str, ...]) -> Model | Trees | None:
    """The learned model, or None when it is missing, malformed or was trained on other features."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or tuple(data.get("features", ())) != names:
        return None
    if "trees" in data:
        return _trees(data, len(names))
    if not all(len(data.get(k, ())) == len(names) for k in ("weights", "mean", "scale")):
        return None
    return Model(np.array(data["weights"]), np.array(data["mean"]), np.array(data["scale"]),
                 float(data.get("bias", 0.0)), float(data.get("threshold", 0.0)))


def _trees(data: dict, n_features: int) -> Trees | None:
    """Trees from their JSON form ({"trees": {"feature", "split", "leaf"}}), or None when the arrays
    do not make complete trees over n_features features."""
    try:
        t = data["trees"]
        raw = np.array(t["feature"], dtype=np.float64)
        if raw.size == 0 or not np.array_equal(raw, np.round(raw)):
            return None  # no splits, or feature numbers that are not whole
        feature = raw.astype(np.int64)
        split, leaf = np.array(t["split"], dtype=np.float64), np.array(t["leaf"], dtype=np.float64)
        bias, threshold = float(data.get("bias", 0.0)), float(data.get("threshold", 0.0))
    except (KeyError, TypeError, ValueError):
        return None
    complete = (feature.ndim == 2 and feature.shape == split.shape and leaf.ndim == 2
                and len(leaf) == len(feature) > 0 and leaf.shape[1] == feature.shape[1] + 1
                and leaf.shape[1] & (leaf.shape[1] - 1) == 0)
    if not complete or feature.min() < 0 or feature.max() >= n_features:
        return None
    if not (np.isfinite(leaf).all() and np.isfinite(split).all() and math.isfinite(bias) and math.isfinite(threshold)):
        return None
    return Trees(feature, split, leaf, bias, threshold)
