"""Hybrid retrieval: dense candidates from FAISS (passages and sentences), BM25 candidates, fused."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .fuse import fuse
from .records import Hit
from .store import Index

SENTENCE_WEIGHT = 0.5  # dense score = mix of best-sentence and whole-passage similarity (dev set)


def dense_scores(index: Index, qvec: np.ndarray, pids: list[int]) -> dict[int, float]:
    """Exact dense score for the given passages: best sentence mixed with the titled passage."""
    if not pids:
        return {}
    passage_cos = index.passage_vectors(pids) @ qvec
    out = {}
    for pid, pcos in zip(pids, passage_cos):
        best_sentence = float(np.max(index.sentence_vectors(index.sentence_rows(pid)) @ qvec))
        out[pid] = SENTENCE_WEIGHT * best_sentence + (1 - SENTENCE_WEIGHT) * float(pcos)
    return out


def retrieve(
    index: Index,
    qvec: np.ndarray,
    question: str,
    question_language: str,
    candidates: int = 50,
    allow: Callable[[int], bool] | None = None,
) -> list[Hit]:
    """Fused hits over the union of dense and lexical candidates, best first."""
    q = qvec.reshape(1, -1).astype(np.float32)
    n = min(candidates, len(index))
    _, prow = index.passage_index.search(q, n)
    _, srow = index.sentence_index.search(q, min(candidates * 3, index.sentence_index.ntotal))
    pool = {int(p) for p in prow[0] if p >= 0}
    pool |= {int(p) for p in index.sentence_passages(srow[0][srow[0] >= 0])}
    lex_ids, lex_scores = index.lexical.search(question, n)
    lexical = {int(i): float(s) for i, s in zip(lex_ids, lex_scores)}
    pool |= set(lexical)
    if allow is not None:
        pool = {p for p in pool if allow(p)}
        lexical = {p: s for p, s in lexical.items() if p in pool}
    dense = dense_scores(index, qvec, sorted(pool))
    same = {p: index.languages[p] == question_language for p in pool}
    return fuse(dense, lexical, same)
