"""The one encoder interface: batching, input checks and normalisation live here, backends only embed."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

BATCH_SIZE = 64
MAX_CHARS = 2000  # longer inputs are cut: encoders truncate tokens anyway, this bounds the work


def cpu_count() -> int:
    """Cores this process may use; oversubscribing BLAS threads makes encoding far slower."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class PassageTexts:
    """What a passage contributes to the index: its article's title, its text, its sentences."""

    title: str
    text: str
    sentences: tuple[str, ...]

    @property
    def titled(self) -> str:
        """What the passage-level vector sees: the headline gives each passage its topic."""
        return f"{self.title}\n{self.text}"


class Encoder(ABC):
    """Maps texts to L2-normalised float32 vectors; queries and documents may be encoded differently."""

    name: str = "encoder"

    @property
    @abstractmethod
    def dim(self) -> int: ...

    @abstractmethod
    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        """Embed a batch; kind is 'query' or 'document'."""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_documents(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        return self._encode(texts, "document", progress)

    def encode_passages(
        self, items: Sequence[PassageTexts], progress: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Vectors for each titled passage and for every sentence (in order); backends may share work."""
        passages = self.encode_documents([item.titled for item in items], progress)
        sentences = self.encode_documents([s for item in items for s in item.sentences], progress)
        return passages, sentences

    def _encode(self, texts: Sequence[str], kind: str, progress: Callable[[int], None] | None = None) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a list of strings, not a single string")
        batch = [(t if isinstance(t, str) else str(t))[:MAX_CHARS].strip() or "." for t in texts]
        if not batch:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for i in range(0, len(batch), BATCH_SIZE):
            parts.append(np.asarray(self._embed(batch[i : i + BATCH_SIZE], kind), dtype=np.float32))
            if progress:
                progress(min(BATCH_SIZE, len(batch) - i))
        return normalize(np.vstack(parts))


def normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms
