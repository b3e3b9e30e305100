"""Hybrid retrieval: FAISS and BM25 candidates, re-scored exactly (best sentence + passage), fused."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .fuse import fuse
from .records import Filters, Hit
from .terms import tokenize
from .timing import Stopwatch, stage

if TYPE_CHECKING:
    from .index.store import Index

SENTENCE_WEIGHT = 0.5  # dense score = mix of best-sentence and whole-passage similarity (dev set)


def dense_scores(index: Index, qvec: np.ndarray, pids: list[int]) -> dict[int, float]:
    """Exact dense score for the given passages: best sentence mixed with the titled passage."""
    if not pids:
        return {}
    ids = np.asarray(pids, dtype=np.int64)
    q = qvec.astype(np.float32)
    passage_cos = index.passage_vectors[ids].astype(np.float32) @ q
    rows = index.sentence_rows_of(ids)
    sentence_cos = index.sentence_vectors[rows].astype(np.float32) @ q
    counts = index.sentence_counts(ids)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    best_sentence = np.maximum.reduceat(sentence_cos, starts)
    mixed = SENTENCE_WEIGHT * best_sentence + (1 - SENTENCE_WEIGHT) * passage_cos
    return dict(zip(pids, mixed.tolist(), strict=True))


def retrieve(
    index: Index,
    qvec: np.ndarray,
    question: str,
    question_language: str,
    candidates: int = 50,
    allowed: np.ndarray | None = None,
    translations: list[str] | None = None,
    watch: Stopwatch | None = None,
    filters: Filters | None = None,
) -> list[Hit]:
    """Fused hits over the union of dense and lexical candidates from the index's backend, best first.

    allowed: passage ids the filters admit (None: all); searched directly, not filtered afterwards (the
    local backend searches these rows, Milvus the same filters as an expression).
    translations: the question's terms in the corpus's other language; with them BM25 can match
    passages in either language, so lexical evidence counts for every passage.
    """
    if allowed is not None and len(allowed) == 0:
        return []
    n = min(candidates, len(index))

    # Run one after the other: side by side on 2 cores they contend and both slow down (measured).
    with stage(watch, "dense search"):
        pool = {int(p) for p in index.backend.dense(qvec, n, allowed, filters)}
    with stage(watch, "lexical search"):
        terms = tokenize(question) + list(translations or ())
        lex_ids, lex_scores = index.backend.lexical(terms, n, allowed, filters)
    with stage(watch, "fusion"):
        lexical = {int(i): float(s) for i, s in zip(lex_ids, lex_scores, strict=True)}
        pool |= set(lexical)
        dense = dense_scores(index, qvec, sorted(pool))
        # With translated terms BM25 can match either language, so its evidence counts everywhere.
        same = {p: bool(translations) or index.languages[p] == question_language for p in pool}
        return fuse(dense, lexical, same)
