"""Milvus as the search backend: dense vectors and BM25 over the same index terms as the local index.

Each build is written to its own collection, and the index's alias is switched to it once it is loaded, so
every serving process moves to the new build at the same moment; collections older than the previous one are
dropped. Every row carries its build id: a process whose local build (passage texts, sentence vectors, the term
bridge) is older than the collection the alias points at notices it in the results and loads that build
(see StaleBuildError and Assistant.candidates).

BM25 is Milvus's own (a BM25 function over a sparse field). Its analyser is fed the local index's terms
(kiwipiepy morphemes, English stems) written as hex words, so the standard tokenizer keeps each term whole and
Korean is tokenised exactly as in the local index. k1 and b are bm25s's. Milvus reports BM25 on its own
scale (Milvus Lite as negative distances); fusion only uses scores relative to the best candidate.

The URI is a Milvus Lite file (embedded, e.g. DIR/milvus.db) or http(s)://host:19530 (standalone or a
cluster). Credentials come from the environment (MILVUS_TOKEN, or MILVUS_USER and MILVUS_PASSWORD), never from
the manifest.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import DEFAULT_COLLECTION
from ..errors import IndexUnusableError
from ..records import Filters

BM25_K1 = 1.5  # bm25s's defaults, so both backends rank alike
BM25_B = 0.75
INSERT_BATCH = 1_000
MAX_TERMS_CHARS = 65_535  # Milvus VARCHAR limit




@dataclass(frozen=True)
class MilvusTarget:
    """Where an index's passages are searched: a Milvus URI and the alias its builds are switched behind."""

    uri: str
    collection: str = DEFAULT_COLLECTION


def current_milvus(out: Path) -> MilvusTarget | None:
    """The Milvus target of the index already in out (a rebuild keeps it), or None for a local index."""
    from . import store

    try:
        manifest = store.read_manifest(out)
    except Exception:  # no index yet, or an unreadable one: the new build decides alone
        return None
    if manifest.backend != "milvus" or not manifest.milvus_uri:
        return None
    return MilvusTarget(manifest.milvus_uri, manifest.collection or DEFAULT_COLLECTION)


class StaleBuildError(Exception):
    """The alias points at another build than the one loaded: load `build` and search again."""

    def __init__(self, build: str) -> None:
        super().__init__(build)
        self.build = build


def is_milvus_uri(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://")) or uri.endswith(".db")


def connect(uri: str):
    """A MilvusClient for a Lite file or a server; credentials from the environment."""
    # grpc's C core logs connection housekeeping (keepalive GOAWAYs) on stderr; failures reach us as exceptions.
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise IndexUnusableError("the Milvus backend needs pymilvus: pip install 'pymilvus[milvus-lite]'") from None
    # pymilvus logs every failed call with its traceback; the failure reaches the user as one line (ours).
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    token = os.environ.get("MILVUS_TOKEN")
    user, password = os.environ.get("MILVUS_USER", ""), os.environ.get("MILVUS_PASSWORD", "")
    if not token and user:
        token = f"{user}:{password}"
    if not uri.startswith(("http://", "https://", "tcp://")):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)  # a Milvus Lite file: its folder is ours to make
    try:
        return MilvusClient(uri=uri, token=token or "", timeout=30)
    except Exception as exc:  # pymilvus raises its own MilvusException, or grpc's errors, when it cannot connect
        raise IndexUnusableError(f"cannot reach Milvus at {uri} ({exc.__class__.__name__}: {first_line(exc)})",
                                 key="search_unavailable") from None


def first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:200]


def term_words(terms: Sequence[str]) -> str:
    """Index terms as words Milvus's standard tokenizer keeps whole (hex of their UTF-8), in order."""
    return " ".join("t" + t.encode("utf-8").hex() for t in terms if t)


def collection_name(alias: str, build: str) -> str:
    return f"{alias}_{re.sub(r'[^0-9A-Za-z_]', '_', build)}"


def date_number(date: str | None) -> int:
    """ISO date as a number (20240131) for range filters; 0 when undated."""
    return int(date.replace("-", "")) if date else 0


def expression(filters: Filters | None) -> str:
    """A Milvus boolean expression for the filters ("" for none); strings quoted as JSON."""
    if not filters:
        return ""
    parts = []
    if filters.sources:
        parts.append(f"source in {json.dumps(sorted(filters.sources), ensure_ascii=False)}")
    if filters.outlets:
        parts.append(f"outlet in {json.dumps(sorted(filters.outlets), ensure_ascii=False)}")
    if filters.language:
        parts.append(f"language == {json.dumps(filters.language)}")
    if filters.date_from:
        parts.append(f"date >= {date_number(filters.date_from)}")
    if filters.date_to:
        parts.append(f"date > 0 and date <= {date_number(filters.date_to)}")
    return " and ".join(parts)


@dataclass(frozen=True)
class Row:
    """One passage as Milvus stores it."""

    id: int
    vector: np.ndarray
    terms: list[str]
    source: str
    outlet: str
    date: str | None
    language: str


def publish(uri: str, alias: str, build: str, rows: Sequence[Row], dimension: int, progress=None) -> str:
    """Write the build's passages to a new collection, load it, point the alias at it, drop older ones.

    Returns the new collection's name. The collection the alias pointed at before is kept (requests in
    flight may still read it); older ones of this alias are dropped.
    """
    from pymilvus import DataType, Function, FunctionType

    client = connect(uri)
    name = collection_name(alias, build)
    schema = client.create_schema(auto_id=False, description=f"passages of build {build}")
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
    schema.add_field("terms", DataType.VARCHAR, max_length=MAX_TERMS_CHARS, enable_analyzer=True,
                     analyzer_params={"tokenizer": "standard"})
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("source", DataType.VARCHAR, max_length=1024)
    schema.add_field("outlet", DataType.VARCHAR, max_length=512)
    schema.add_field("date", DataType.INT64)
    schema.add_field("language", DataType.VARCHAR, max_length=8)
    schema.add_field("build", DataType.VARCHAR, max_length=128)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"],
                                 output_field_names=["sparse"]))
    params = client.prepare_index_params()
    params.add_index("dense", index_type="AUTOINDEX", metric_type="IP")
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
    try:
        if client.has_collection(name):
            client.drop_collection(name)
        client.create_collection(name, schema=schema, index_params=params)
        for lo in range(0, len(rows), INSERT_BATCH):
            batch = rows[lo : lo + INSERT_BATCH]
            client.insert(name, [
                {"id": r.id, "dense": np.asarray(r.vector, dtype=np.float32).tolist(),
                 "terms": fit(term_words(r.terms)), "source": r.source, "outlet": r.outlet or "",
                 "date": date_number(r.date), "language": r.language, "build": build}
                for r in batch
            ])
            if progress:
                progress("milvus", min(lo + INSERT_BATCH, len(rows)), len(rows))
        client.flush(name)
        client.load_collection(name)
        previous = alias_target(client, alias)
        if previous is None:
            client.create_alias(name, alias)
        else:
            client.alter_alias(name, alias)
        prefix = f"{alias}_"
        for other in client.list_collections():
            if other.startswith(prefix) and other not in (name, previous):
                client.drop_collection(other)
    except IndexUnusableError:
        raise
    except Exception as exc:
        raise IndexUnusableError(f"writing to Milvus at {uri} failed ({exc.__class__.__name__}: "
                                 f"{first_line(exc)})") from None
    finally:
        client.close()
    return name


def fit(words: str) -> str:
    """At most MAX_TERMS_CHARS, cut at a word boundary (a passage of thousands of terms keeps its first ones)."""
    if len(words) <= MAX_TERMS_CHARS:
        return words
    return words[:MAX_TERMS_CHARS].rsplit(" ", 1)[0]


def alias_target(client, alias: str) -> str | None:
    try:
        return client.describe_alias(alias).get("collection_name")
    except Exception:  # pymilvus raises when the alias does not exist yet
        return None


class MilvusBackend:
    """Dense and BM25 candidates from the collection behind an alias, for one loaded build."""

    name = "milvus"

    def __init__(self, uri: str, alias: str, build: str) -> None:
        self.uri, self.alias, self.build = uri, alias, build
        self._client = None

    @property
    def client(self):
        if self._client is None:
            client = connect(self.uri)
            try:
                # A server keeps collections loaded; a Milvus Lite file reopened by another process does not.
                client.load_collection(self.alias)
            except Exception as exc:
                client.close()
                raise IndexUnusableError(f"Milvus at {self.uri} has no loadable collection {self.alias!r} "
                                         f"({first_line(exc)}); rebuild with: assistant index --milvus URI",
                                         key="search_unavailable") from None
            self._client = client
        return self._client

    def dense(self, qvec: np.ndarray, n: int, allowed: np.ndarray | None, filters: Filters | None) -> np.ndarray:
        hits = self._search([np.asarray(qvec, dtype=np.float32).tolist()], "dense", {"metric_type": "IP"}, n,
                            filters)
        return np.array([h["id"] for h in hits], dtype=np.int64)

    def lexical(self, terms: Sequence[str], n: int, allowed: np.ndarray | None,
                filters: Filters | None) -> tuple[np.ndarray, np.ndarray]:
        query = term_words(list(dict.fromkeys(terms)))
        if not query:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        hits = self._search([query], "sparse", {"metric_type": "BM25"}, n, filters)
        # Milvus Lite reports BM25 as a negative distance, a server as a positive score: larger |x| is better.
        scores = np.array([abs(h["distance"]) for h in hits], dtype=np.float32)
        keep = scores > 0
        return np.array([h["id"] for h in hits], dtype=np.int64)[keep], scores[keep]

    def _search(self, data: list, field: str, params: dict, n: int, filters: Filters | None) -> list[dict]:
        try:
            result = self.client.search(self.alias, data=data, anns_field=field, limit=n, filter=expression(filters),
                                        search_params=params, output_fields=["build"])
        except Exception as exc:  # the server went away, the alias was dropped: one clear line
            raise IndexUnusableError(f"Milvus search at {self.uri} failed ({exc.__class__.__name__}: "
                                     f"{first_line(exc)})", key="search_unavailable") from None
        hits = list(result[0]) if result else []
        builds = {h["entity"]["build"] for h in hits}
        if builds and builds != {self.build}:
            raise StaleBuildError(sorted(builds)[-1])
        return hits
