"""Embed a build's passages, sentences, titles and bridge terms, reusing cached vectors for unchanged text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..encoders import Encoder
from ..encoders.base import PassageTexts
from .cache import VectorCache, key


@dataclass
class Embedded:
    passages: np.ndarray
    sentences: np.ndarray
    terms: dict[str, np.ndarray]  # language -> vectors of that language's bridge terms
    titles: np.ndarray  # one per article, in article order
    reused: int  # texts whose vectors came from the cache
    encoded: int  # texts that were encoded now


def embed(
    items: list[PassageTexts],
    term_rows: dict[str, list[tuple[str, str]]],
    encoder: Encoder,
    cache: VectorCache,
    progress: Callable[[str, int, int], None] | None = None,
    titles: list[str] | None = None,
) -> Embedded:
    p_keys = [key("passage", item.title, *item.sentences) for item in items]
    s_keys = [[key("sentence", s) for s in item.sentences] for item in items]
    # Titles are embedded like bridge terms: one short text each, grouped under their own key.
    term_rows = {**term_rows, "title": [(t, t) for t in titles or []]}
    t_keys = {lang: [key("term", word) for _, word in rows] for lang, rows in term_rows.items()}
    missing = [i for i, item in enumerate(items) if p_keys[i] not in cache or any(k not in cache for k in s_keys[i])]
    missing_terms = {lang: [j for j, k in enumerate(keys) if k not in cache] for lang, keys in t_keys.items()}
    total = sum(1 + len(items[i].sentences) for i in missing) + sum(len(v) for v in missing_terms.values())
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("embedding", min(done, total), total)

    if missing:
        pv, sv = encoder.encode_passages([items[i] for i in missing], progress=tick)
        cache.put([p_keys[i] for i in missing], pv)
        cache.put([k for i in missing for k in s_keys[i]], sv)
    for lang, rows in missing_terms.items():
        if rows:
            vectors = encoder.encode_documents([term_rows[lang][j][1] for j in rows], progress=tick)
            cache.put([t_keys[lang][j] for j in rows], vectors)
    if progress and total == 0:
        progress("embedding (all cached)", 1, 1)
    dim = encoder.dim
    passages = np.array([cache.get(k) for k in p_keys], dtype=np.float32).reshape(-1, dim)
    sentences = np.array([cache.get(k) for keys in s_keys for k in keys], dtype=np.float32).reshape(-1, dim)
    terms = {
        lang: np.array([cache.get(k) for k in keys], dtype=np.float32).reshape(-1, dim) for lang, keys in t_keys.items()
    }
    all_texts = len(p_keys) + sum(map(len, s_keys)) + sum(map(len, t_keys.values()))
    title_vectors = terms.pop("title")
    return Embedded(passages, sentences, terms, title_vectors, all_texts - total, total)
