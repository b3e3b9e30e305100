"""The lexical index: BM25 (bm25s) over the index terms of each passage, saved as plain files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..terms import tokenize

BLOCKS_PER_K = 16  # top_k cuts the scores into 16 blocks per wanted row (block size barely matters)
MIN_WIDTH = 16  # with shorter blocks a plain scan of the scores is as fast


class LexicalIndex:
    """A thin wrapper over bm25s with our tokenizer, saved as its folder of plain files."""

    def __init__(self, retriever) -> None:
        self._bm25 = retriever

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> LexicalIndex:
        """Index passages given as token lists (see tokenize)."""
        import bm25s

        retriever = bm25s.BM25()
        retriever.index([tokens or [""] for tokens in token_lists], show_progress=False)
        return cls(retriever)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        return cls(bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False))

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), allow_pickle=False, show_progress=False)

    def search(
        self, query: str, k: int, allowed: np.ndarray | None = None, extra_terms: list[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k passage rows and BM25 scores (only rows with a positive score, only allowed rows).

        extra_terms: more index terms to match (translations of the question's words).
        """
        full = self.scores(query, extra_terms)
        if full is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed is None:
            return top_k(full, k)
        rows, scores = top_k(full[allowed], k)
        return allowed[rows].astype(np.int64), scores

    def passages_with(self, term: str) -> np.ndarray:
        """The passages that hold an index term (its postings: bm25s keeps one column per term)."""
        column = self._bm25.vocab_dict.get(term)
        if column is None:
            return np.zeros(0, dtype=np.int32)
        scores = self._bm25.scores
        return scores["indices"][scores["indptr"][column] : scores["indptr"][column + 1]]

    def held_by(self, term: str, rows: np.ndarray) -> np.ndarray:
        """Which of the passage rows hold an index term: a binary search in its postings, which bm25s
        keeps in passage order, so the cost does not grow with how common the term is."""
        postings = self.passages_with(term)
        if not len(postings):
            return np.zeros(len(rows), dtype=bool)
        at = np.minimum(np.searchsorted(postings, rows), len(postings) - 1)
        return postings[at] == rows

    def knows(self, term: str) -> bool:
        """Whether any passage holds this index term."""
        return term in self._bm25.vocab_dict

    def scores(self, query: str, extra_terms: list[str] | None = None) -> np.ndarray | None:
        """Exact BM25 scores of every passage, or None when no query term is in the vocabulary."""
        ids = self._term_ids(tokenize(query) + list(extra_terms or ()))
        return self._bm25.get_scores(ids) if ids else None

    def _term_ids(self, tokens: list[str]) -> list[int]:
        vocab = self._bm25.vocab_dict
        return [int(i) for i in dict.fromkeys(vocab[t] for t in tokens if t and t in vocab)]


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the k best positive scores and their scores, best first, ties to the lower row.

    Exact, without sorting a million scores: the k-th largest of the block maxima is a floor on
    the k-th best score (each of those k blocks holds a score at least that high), so only the few
    rows at or above it are ranked. At 1M passages this takes 0.8 ms where flatnonzero, a gather
    and argpartition over every matching row took 10 ms (benchmarks/run.py, derived 1M index).
    """
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    floor = 0.0
    blocks = BLOCKS_PER_K * k
    width = len(scores) // blocks if blocks else 0
    if width >= MIN_WIDTH:
        maxima = scores[: blocks * width].reshape(blocks, width).max(axis=1)
        floor = float(np.partition(maxima, blocks - k)[blocks - k])
    rows = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(scores > 0)
    if len(rows) > k:
        kept = scores[rows]
        kth = np.partition(kept, len(kept) - k)[len(kept) - k]
        rows = rows[kept >= kth]  # ties at the k-th score may keep more: the lower rows win below
    rows = rows[np.lexsort((rows, -scores[rows]))][:k]
    return rows.astype(np.int64), scores[rows].astype(np.float32)
