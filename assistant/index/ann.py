"""The FAISS index over passage vectors: exact search below a size, IVF above it."""

from __future__ import annotations

import math

import numpy as np

IVF_THRESHOLD = 100_000  # passages; below this exact inner-product search is fast enough
TRAIN_SAMPLE = 100_000  # vectors used to train the IVF centroids
# nprobe chosen so that recall@10 against exact search stays >= 0.95 (benchmarks/results.md).
NPROBE_FRACTION = 1 / 64
MIN_NPROBE = 64


def build(vectors: np.ndarray, seed: int = 0):
    """A FAISS index for these normalised vectors, and the parameters to record in the manifest."""
    import faiss

    from ..encoders.base import cpu_count

    faiss.omp_set_num_threads(cpu_count())  # building trains and adds in bulk: use every core
    n, dim = vectors.shape
    if n < IVF_THRESHOLD:
        index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return index, {"index_type": "flat"}
    nlist = int(4 * math.sqrt(n))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    size = min(n, max(TRAIN_SAMPLE, 40 * nlist))  # FAISS wants about 40 training points per list
    sample = vectors[np.sort(rng.choice(n, size=size, replace=False))] if n > size else vectors
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    for lo in range(0, n, 100_000):
        index.add(np.ascontiguousarray(vectors[lo : lo + 100_000], dtype=np.float32))
    nprobe = max(MIN_NPROBE, int(nlist * NPROBE_FRACTION))
    index.nprobe = nprobe
    return index, {"index_type": "ivf", "nlist": nlist, "nprobe": nprobe}


def configure(index, nprobe: int | None) -> None:
    """Restore the search parameters recorded at build time (FAISS files do not keep nprobe)."""
    if nprobe and hasattr(index, "nprobe"):
        index.nprobe = int(nprobe)


def search(index, query: np.ndarray, n: int, allowed: np.ndarray | None = None):
    """Row ids of the (approximately) n nearest vectors, optionally only among the allowed rows."""
    import faiss

    # One query at a time: OpenMP's thread start-up costs more than the search itself.
    faiss.omp_set_num_threads(1)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    if allowed is None:
        _, rows = index.search(q, n)
    else:
        selector = faiss.IDSelectorBatch(allowed.astype(np.int64))
        if hasattr(index, "nprobe"):  # an IVF index
            search_params = faiss.SearchParametersIVF(sel=selector, nprobe=index.nprobe)
        else:
            search_params = faiss.SearchParameters(sel=selector)
        _, rows = index.search(q, min(n, len(allowed)), params=search_params)
    return rows[0][rows[0] >= 0]
