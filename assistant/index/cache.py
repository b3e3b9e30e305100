"""Embedding cache keyed by content hash, so a rebuild embeds only new or changed text."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np


def key(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


class VectorCache:
    """Vectors of one encoder, stored as keys.txt + vectors.npy (half precision) in a folder."""

    def __init__(self, folder: Path, encoder_name: str, dim: int) -> None:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", encoder_name)[:80]
        self.folder = folder / slug
        self.dim = dim
        self.rows: dict[str, int] = {}
        self.vectors = np.zeros((0, dim), dtype=np.float16)
        self.new: dict[str, np.ndarray] = {}
        self.used: set[str] = set()
        try:
            keys = (self.folder / "keys.txt").read_text(encoding="ascii").split()
            vectors = np.load(self.folder / "vectors.npy", allow_pickle=False)
            if vectors.shape == (len(keys), dim):
                self.rows = {k: i for i, k in enumerate(keys)}
                self.vectors = vectors
        except (OSError, ValueError, UnicodeDecodeError):
            pass  # no cache, or a damaged one: start empty

    def __contains__(self, k: str) -> bool:
        return k in self.rows or k in self.new

    def get(self, k: str) -> np.ndarray:
        self.used.add(k)
        if k in self.new:
            return self.new[k]
        return self.vectors[self.rows[k]].astype(np.float32)

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        for k, v in zip(keys, vectors, strict=True):
            self.new[k] = v.astype(np.float32)
            self.used.add(k)

    def save(self) -> None:
        """Keep what this build used; written beside and renamed, so a crash leaves the old cache."""
        keys = sorted(self.used)
        matrix = np.zeros((len(keys), self.dim), dtype=np.float16)
        for i, k in enumerate(keys):
            matrix[i] = self.new[k] if k in self.new else self.vectors[self.rows[k]]
        self.folder.mkdir(parents=True, exist_ok=True)
        tag = f".tmp-{os.getpid()}"
        np.save(self.folder / f"vectors{tag}.npy", matrix, allow_pickle=False)
        (self.folder / f"keys{tag}.txt").write_text("\n".join(keys), encoding="ascii")
        # Vectors first: a crash between the renames leaves a count mismatch, which reads as "no cache".
        os.replace(self.folder / f"vectors{tag}.npy", self.folder / "vectors.npy")
        os.replace(self.folder / f"keys{tag}.txt", self.folder / "keys.txt")
