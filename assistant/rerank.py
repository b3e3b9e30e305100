"""Re-rank the fused candidates with a learned linear model (learned.Model) over general features.

Fusion knows how similar a passage is; it does not know whether the passage can answer. The
features add what it misses: is the passage a heading, does it hold the kind of answer the question
wants (a figure, a date, a person), does it name the question's names, is it central to its article
(for summaries). The weights are learned (benchmarks/train_ranker.py) on a question set written
blind, with the regularisation chosen by cross-validation; they are stored in models/ranker.json.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .fuse import scale_of
from .intent import Intent
from .learned import Model, load_model
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
    model = model or load_model(MODEL, FEATURES)
    head, tail = hits[:CANDIDATES], hits[CANDIDATES:]
    if model is None or not head:
        return hits, 0.0
    scores = model.score(features(index, head, qvec, question_names, intent, terms))
    order = np.argsort(-scores, kind="stable")
    best = scores[order[0]]
    ranked = [head[i].rescored(float(np.exp(scores[i] - best))) for i in order]
    floor = ranked[-1].score * 0.5  # the rest keep their fused order, below every re-ranked hit
    return ranked + [h.rescored(floor) for h in tail], float(best)
