"""Where candidate passages are searched: the build folder's FAISS and bm25s (the default), or Milvus.

Both take the same inputs (the question's vector, its index terms with their translations, the filters) and
return passage rows of the loaded build; everything above them (fusion, re-ranking, quotes, declines,
follow-ups) is shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from ..records import Filters


class SearchBackend(Protocol):
    name: str

    def dense(self, qvec: np.ndarray, n: int, allowed: np.ndarray | None, filters: Filters | None) -> np.ndarray:
        """Rows of the (approximately) n passages nearest to qvec, among those the filters admit.

        allowed: the same restriction as passage rows (the local backend uses these, Milvus the filters).
        """
        ...

    def lexical(self, terms: Sequence[str], n: int, allowed: np.ndarray | None,
                filters: Filters | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows and BM25 scores (> 0) of the best n passages for these index terms, best first."""
        ...


class LocalBackend:
    """FAISS and bm25s in the build folder: the embedded default."""

    name = "local"

    def __init__(self, dense, lexical) -> None:
        self._dense, self._lexical = dense, lexical

    def dense(self, qvec: np.ndarray, n: int, allowed: np.ndarray | None, filters: Filters | None) -> np.ndarray:
        from . import ann

        return ann.search(self._dense, qvec, n, allowed)

    def lexical(self, terms: Sequence[str], n: int, allowed: np.ndarray | None,
                filters: Filters | None) -> tuple[np.ndarray, np.ndarray]:
        return self._lexical.search("", n, allowed, list(terms))
