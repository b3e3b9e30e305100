"""Re-rank the fused candidates with a learned linear model over general features.

Fusion knows how similar a passage is; it does not know whether the passage can answer. The
features add what it misses: is the passage a heading, does it hold the kind of answer the question
wants (a figure, a date, a person), does it name the question's names, is it central to its article
(for summaries). The weights are learned (benchmarks/train_ranker.py) on a question set written
blind, with the regularisation chosen by cross-validation; they are stored in models/ranker.json.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .fuse import scale_of
from .intent import Intent
from .records import Hit
from .signals import NameKeys, has_organisation, has_speech, item_marks
from .terms import tokenize

if TYPE_CHECKING:
    from .index.store import Index

MODEL = Path(__file__).with_name("models") / "ranker.json"
CANDIDATES = 20  # fused candidates that are re-ranked (15-30 measured the same); the rest follow in fused order

FEATURES = (
    "fused",  # fused dense + lexical score, 1.0 for the best candidate
    "dense",  # best-sentence and passage cosine mix
    "best_sentence",  # cosine of the passage's closest sentence
    "lexical",  # BM25 relative to the best candidate's
    "coverage",  # rarity-weighted share of the question's terms (or their translations) the passage holds
    "heading",  # the passage is one short line with no sentence ending
    "length",  # log of the passage length
    "position",  # 0 for the article's first paragraph, 1 for its last
    "centrality",  # cosine with the mean of its article's passages
    "article_names",  # share of the question's names its article mentions anywhere
    "figure_match",  # the question wants a figure and the passage holds one (of the kind asked: a sum, a count...)
    "date_match",
    "person_match",  # a "who" question and the passage names a person or an organisation
    "summary_central",  # a summary question and a central passage
    "summary_lead",  # a summary question and an early passage
    "summary_first",  # a summary question and its article's lead (first passage that is not a heading)
    "title",  # cosine of the question with the article's headline
    "meta_title",  # the same, for a question about the article itself (its author, outlet, date)
    "ordinal_match",  # the question asks for a list's n-th item and a sentence of the passage starts it
    "speech_match",  # the question asks what someone said or argued and the passage quotes or reports speech
)


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

    def score(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        trees = np.arange(len(self.feature))
        node = np.zeros((len(x), len(trees)), dtype=np.int64)
        samples = np.arange(len(x))[:, None]
        for _ in range(self.leaf.shape[1].bit_length() - 1):
            value = x[samples, self.feature[trees, node]]
            node = 2 * node + 1 + (value > self.split[trees, node])
        return self.bias + self.leaf[trees, node - self.feature.shape[1]].sum(axis=1)


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL, names: tuple[str, ...] = FEATURES) -> Model | Trees | None:
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
        feature = np.array(t["feature"], dtype=np.int64)
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


Terms = list[tuple[float, frozenset[str]]]  # a question's terms: (rarity weight, the term and its translations)


def question_terms(index: Index, text: str, language: str) -> Terms:
    """The question's terms (of two letters or more), each with its translations once the bridge has
    encoded the question, weighted by rarity (Index.weighted_terms)."""
    translated = index.bridge.translations_of(text, language)
    return index.weighted_terms({t: translated.get(t, ()) for t in tokenize(text) if len(t) > 1})


def coverage(index: Index, ids: np.ndarray, terms: Terms) -> np.ndarray:
    """Per passage: the weighted share of the question's terms it holds in some form (through the BM25
    postings: no second analysis of the passages)."""
    total = sum(weight for weight, _ in terms)
    out = np.zeros(len(ids))
    if not total:
        return out
    for weight, forms in terms:
        if weight > 0:  # some form is an index term
            out += weight * np.logical_or.reduce([index.lexical.held_by(form, ids) for form in forms])
    return out / total


def features(index: Index, hits: list[Hit], qvec: np.ndarray, question_names: NameKeys, intent: Intent,
             terms: Terms) -> np.ndarray:
    """One row of FEATURES per hit (terms: question_terms, for the coverage feature)."""
    rows = np.zeros((len(hits), len(FEATURES)), dtype=np.float64)
    if not hits:
        return rows
    q = qvec.astype(np.float32)
    top_fused = scale_of(max(h.score for h in hits))
    top_lex = max((h.lexical or 0.0) for h in hits) or 1.0
    wants = intent.wants
    ids = np.array([h.passage_id for h in hits], dtype=np.int64)
    best_sentences = index.best_sentence_cosines(ids, q)
    centralities = index.centralities(ids)
    titles = index.title_vectors[index.passages.article[ids]] @ q
    covered = coverage(index, ids, terms)
    in_article: dict[int, float] = {}  # name overlap with each article, computed once per article
    for i, hit in enumerate(hits):
        pid = hit.passage_id
        row = index.article_row(pid)
        article = index.articles[row]
        paragraphs = max(len(article.paragraphs) - 1, 1)
        position = (int(index.passages.paragraph[pid]) - 1) / paragraphs
        text = index.passage_text(pid)
        signals = index.signals(pid)
        centrality = float(centralities[i])
        title = float(titles[i])
        if row not in in_article:
            in_article[row] = index.names_in_article(question_names, row)
        rows[i] = (
            hit.score / top_fused,
            hit.dense or 0.0,
            float(best_sentences[i]),
            (hit.lexical or 0.0) / top_lex,
            float(covered[i]),
            float(signals.heading),
            math.log1p(len(text)),
            position,
            centrality,
            in_article[row],
            float(intent.figure_in(text, signals.number)),
            float(intent.date_in(text, signals.date)),
            float(wants("who") and (signals.person or has_organisation(text))),
            centrality if wants("summary") else 0.0,
            (1 - position) if wants("summary") else 0.0,
            float(wants("summary") and index.lead_of(row) == pid),
            title,
            title if wants("meta") else 0.0,
            float(intent.ordinal is not None and intent.ordinal in item_marks(text)),
            float(wants("said") and has_speech(text)),
        )
    return rows


def rerank(index: Index, hits: list[Hit], qvec: np.ndarray, question_names: NameKeys, intent: Intent,
           terms: Terms, model: Model | None = None) -> list[Hit]:
    """The first CANDIDATES hits re-ordered by the model; each hit's score becomes its relative weight
    (1.0 for the best, exp(difference) for the others), so a cut relative to the best is meaningful.
    terms: question_terms of the question."""
    return rerank_scored(index, hits, qvec, question_names, intent, terms, model)[0]


def rerank_scored(index: Index, hits: list[Hit], qvec: np.ndarray, question_names: NameKeys, intent: Intent,
                  terms: Terms, model: Model | None = None) -> tuple[list[Hit], float]:
    """`rerank`, with the model's own score of the best hit: how well anything answers at all, which
    the relative weights no longer tell (0.0 without a model or hits)."""
    model = model or load_model()
    head, tail = hits[:CANDIDATES], hits[CANDIDATES:]
    if model is None or not head:
        return hits, 0.0
    scores = model.score(features(index, head, qvec, question_names, intent, terms))
    order = np.argsort(-scores, kind="stable")
    best = scores[order[0]]
    ranked = [head[i].rescored(float(np.exp(scores[i] - best))) for i in order]
    floor = ranked[-1].score * 0.5  # the rest keep their fused order, below every re-ranked hit
    return ranked + [h.rescored(floor) for h in tail], float(best)
