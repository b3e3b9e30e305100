"""Near-duplicate articles: MinHash over word shingles, candidates by LSH banding, grouped by union-find.

The same story syndicated by several outlets, or scraped twice with different boilerplate, is one
article for ranking: the earliest copy is indexed and cited, the others are listed with it
("also in: …"). Shingles are runs of SHINGLE words of the cleaned text (Korean eojeol work the same
way), so menus and comments that cleaning removed do not count.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from ..records import Article

SHINGLE = 4  # words per shingle
PERMUTATIONS = 64
BANDS = 16  # LSH: 16 bands of 4 rows find pairs with Jaccard >= ~0.5 with high probability
THRESHOLD = 0.6  # estimated Jaccard from which two articles are the same story
PRIME = 4294967311  # the first prime above 2**32: a * x + b stays below 2**64 for 32-bit shingle hashes
_rng = np.random.default_rng(20261123)
_A = _rng.integers(1, PRIME, PERMUTATIONS, dtype=np.uint64)[:, None]
_B = _rng.integers(0, PRIME, PERMUTATIONS, dtype=np.uint64)[:, None]
WORD = re.compile(r"\w+")


def shingles(text: str) -> set[int]:
    words = WORD.findall(text.lower())
    grams = {" ".join(words[i : i + SHINGLE]) for i in range(max(len(words) - SHINGLE + 1, 1))} if words else set()
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "big") for g in grams}


def signature(text: str) -> np.ndarray:
    """PERMUTATIONS minimum hashes of the text's shingles (all-max for an empty text)."""
    values = np.fromiter(shingles(text), dtype=np.uint64)
    if not len(values):
        return np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    return ((_A * values[None, :] + _B) % PRIME).min(axis=1)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def _earliest(article: Article) -> tuple:
    return (article.date is None, article.date or "", article.source)


def duplicate_groups(articles: Sequence[Article]) -> dict[str, list[str]]:
    """{source of the copy that is kept: [sources of its near-duplicates]}, for groups of two or more.

    The kept copy is the earliest dated one (then the first by file name).
    """
    signatures = [signature(a.text) for a in articles]
    rows = PERMUTATIONS // BANDS
    buckets: dict[tuple, list[int]] = {}
    for i, sig in enumerate(signatures):
        for band in range(BANDS):
            key = (band, sig[band * rows : (band + 1) * rows].tobytes())
            buckets.setdefault(key, []).append(i)
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if (i, j) in checked:
                    continue
                checked.add((i, j))
                if similarity(signatures[i], signatures[j]) >= THRESHOLD:
                    parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(articles)):
        groups.setdefault(find(i), []).append(i)
    out = {}
    for members in groups.values():
        if len(members) > 1:
            ordered = sorted(members, key=lambda i: _earliest(articles[i]))
            out[articles[ordered[0]].source] = [articles[i].source for i in ordered[1:]]
    return out
