"""Hybrid retrieval: dense candidates from FAISS (passages and sentences), BM25 candidates, fused."""

from __future__ import annotations

import numpy as np

from .fuse import diversify, fuse
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


def _search(faiss_index, q: np.ndarray, n: int, allowed: np.ndarray | None) -> np.ndarray:
    """Row ids of the n nearest vectors, optionally only among the allowed rows."""
    import faiss

    if allowed is None:
        _, rows = faiss_index.search(q, n)
    else:
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed.astype(np.int64)))
        _, rows = faiss_index.search(q, min(n, len(allowed)), params=params)
    return rows[0][rows[0] >= 0]


def retrieve(
    index: Index,
    qvec: np.ndarray,
    question: str,
    question_language: str,
    candidates: int = 50,
    allowed: np.ndarray | None = None,
    translations: list[str] | None = None,
) -> list[Hit]:
    """Fused hits over the union of dense and lexical candidates, best first.

    allowed: passage ids a filter admits (None: all); searched directly, not filtered afterwards.
    translations: the question's terms in the corpus's other language; with them BM25 can match
    passages in either language, so lexical evidence counts for every passage.
    """
    if allowed is not None and len(allowed) == 0:
        return []
    q = qvec.reshape(1, -1).astype(np.float32)
    n = min(candidates, len(index))
    pool = {int(p) for p in _search(index.passage_index, q, n, allowed)}
    sentence_allowed = None if allowed is None else index.sentence_rows_of(allowed)
    srows = _search(index.sentence_index, q, min(candidates * 3, index.sentence_index.ntotal), sentence_allowed)
    pool |= {int(p) for p in index.sentence_passages(srows)}
    lex_ids, lex_scores = index.lexical.search(question, n, allowed, translations)
    lexical = {int(i): float(s) for i, s in zip(lex_ids, lex_scores)}
    pool |= set(lexical)
    dense = dense_scores(index, qvec, sorted(pool))
    # With translated terms BM25 can match either language, so its evidence counts everywhere.
    same = {p: bool(translations) or index.languages[p] == question_language for p in pool}
    article_of = index._p["article"]
    return diversify(fuse(dense, lexical, same), lambda pid: int(article_of[pid]))
