"""Build an index from a corpus folder: load → clean → passages → analyse → embed → indexes → write.

Also tells whether a built index is stale: the corpus it came from changed, or the pipeline did.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..encoders import Encoder
from ..encoders.base import PassageTexts
from ..errors import CorpusError
from ..ingest.articles import build_article
from ..ingest.chunk import passages as chunk_passages
from ..ingest.dedupe import duplicate_groups
from ..ingest.load import RawDoc, corpus_files, load_corpus, sidecar_path
from ..names import corpus_names
from ..records import Article, Passage
from ..terms import tokenize_many_with_names
from . import ann, bridge, store
from .cache import VectorCache
from .embed import embed
from .lexical import LexicalIndex
from .milvus import MilvusTarget, Row, connect, current_milvus, publish

# Bump when cleaning, chunking or index terms change: indexes built before become stale. 4: Korean
# analyser without typo/multi-word dictionaries; 5: Korean question adverbs are stop words; 6: hard-wrapped
# paragraphs are joined; 7: HTML, PDF and DOCX files, metadata stated by the file (and its url) over guesses;
# 8: near-duplicates are indexed once; 9: a passage of heading lines alone is flagged a heading; 10: the
# Latin words of a text with Hangul are index terms whole, as in an English text; 11: Korean verbs get no
# vector in the term bridge; 12: a known outlet is named in its article's language, and a line broken off
# mid-sentence is joined to the next; 13: that join only after a comma, a topic or object particle or a
# connective ending; 14: a byline block of short lines is metadata, not a menu, and a paragraph of a .txt or
# .md file carries the line it starts on.
PIPELINE_VERSION = 14
CACHE = "cache"


@dataclass
class BuildReport:
    path: Path
    articles: int
    passages: int
    sentences: int
    seconds: float
    warnings: list[str]
    encoded: int = 0  # texts embedded by this build
    reused: int = 0  # texts whose vectors came from the cache


def build(
    corpus: Path,
    out: Path,
    encoder: Encoder,
    progress: Callable[[str, int, int], None] | None = None,
    milvus: MilvusTarget | None = None,
) -> BuildReport:
    """Index every readable article of corpus into a new build under out, then switch to it.

    milvus: search on Milvus instead of the build folder's FAISS and bm25s (the passages go to a new collection
    behind the target's alias). None keeps what the index in out already uses.
    """
    milvus = milvus or current_milvus(out)
    if milvus is not None:
        connect(milvus.uri).close()  # an unreachable Milvus fails now, in one line, before any embedding
    started = time.perf_counter()
    docs, warnings = load_corpus(corpus)
    articles, passages, report = _articles_and_passages(docs, warnings)
    if not passages:
        raise CorpusError(f"no readable articles in {corpus}; add .txt, .md, .html, .pdf or .docx files")

    # One Korean analysis per passage serves BM25, the term bridge and the name check.
    analysed = tokenize_many_with_names([p.text for p in passages])
    token_lists = [tokens for tokens, _ in analysed]
    # Each Korean article's proper nouns, so that questions can find them by their romanisations.
    per_article: dict[str, set[str]] = {}
    for passage, (_, names) in zip(passages, analysed, strict=True):
        per_article.setdefault(passage.source, set()).update(names)
    korean = [article for article in articles if article.language == "ko"]
    for article, (_, names) in zip(korean, tokenize_many_with_names([a.title for a in korean]), strict=True):
        per_article.setdefault(article.source, set()).update(names)
    report["names"] = {source: sorted(names) for source, names in per_article.items() if names}
    korean_names = {name for names in per_article.values() for name in names}
    terms = bridge.collect_terms([p.text for p in passages], token_lists)

    cache = VectorCache(out / CACHE, encoder.name, encoder.dim)
    embedded = embed(_embedding_texts(articles, passages), terms, encoder, cache, progress,
                     titles=[a.title for a in articles])
    # With Milvus the dense search is Milvus's own index; the build folder keeps no FAISS file.
    dense, ann_params = ann.build(embedded.passages) if milvus is None else (None, {})
    if milvus is not None:
        ann_params = {"backend": "milvus", "milvus_uri": milvus.uri, "collection": milvus.collection}
    sentences = sum(len(p.sentences) for p in passages)
    manifest = store.Manifest(
        format_version=store.FORMAT_VERSION,
        pipeline_version=PIPELINE_VERSION,
        encoder=encoder.name,
        dimension=encoder.dim,
        articles=len(articles),
        passages=len(passages),
        sentences=sentences,
        corpus=str(corpus.resolve()),
        corpus_hash=corpus_hash(docs),
        corpus_stat=stat_fingerprint(corpus),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **ann_params,
    )
    path = store.write(
        out, manifest, articles, passages, embedded.passages, embedded.sentences, embedded.titles, dense,
        LexicalIndex.build(token_lists), terms, embedded.terms, corpus_names(articles, korean_names), report,
        switch=milvus is None,
    )
    if milvus is not None:
        # The alias moves every serving process to the new collection; current follows for later starts.
        by_source = {a.source: a for a in articles}
        rows = [Row(p.id, embedded.passages[p.id], token_lists[p.id], p.source, by_source[p.source].outlet or "",
                    by_source[p.source].date, by_source[p.source].language) for p in passages]
        publish(milvus.uri, milvus.collection, path.name, rows, encoder.dim, progress)
        store.switch_to(out, path)
    cache.save()
    return BuildReport(path, len(articles), len(passages), sentences, time.perf_counter() - started,
                       warnings, embedded.encoded, embedded.reused)


def _articles_and_passages(
    docs: list[RawDoc], warnings: list[str]
) -> tuple[list[Article], list[Passage], dict]:
    """Clean each document into an article, keep one copy of each story, cut the kept ones into passages.

    Also the corpus report the index keeps: every file's status, and each kept article's duplicates.
    """
    built: list[tuple[RawDoc, Article]] = []
    for doc in docs:
        article = build_article(doc)
        if article is None:
            warnings.append(f"{doc.source}: skipped, no article text left after removing boilerplate")
            continue
        built.append((doc, article))
    groups = duplicate_groups([article for _, article in built])
    copy_of = {dup: kept for kept, dups in groups.items() for dup in dups}
    by_source = {article.source: article for _, article in built}
    files: dict[str, dict] = {}
    for line in warnings:  # "source: reason"
        source, _, reason = line.partition(": ")
        files[source] = {"status": "skipped", "detail": reason}
    articles: list[Article] = []
    passages: list[Passage] = []
    for doc, article in built:
        if article.source in copy_of:
            kept = copy_of[article.source]
            warnings.append(f"{article.source}: near-duplicate of {kept}; cited with it")
            files[article.source] = {"status": "duplicate", "detail": kept}
            continue
        files[article.source] = {"status": "indexed", "detail": None}
        articles.append(article)
        passages.extend(chunk_passages(article, doc.text, first_id=len(passages)))
    duplicates = {
        kept: [by_source[d].meta() | {"url": by_source[d].url} for d in dups] for kept, dups in groups.items()
    }
    return articles, passages, {"files": files, "duplicates": duplicates}


def _embedding_texts(articles: list[Article], passages: list[Passage]) -> list[PassageTexts]:
    by_source = {a.source: a for a in articles}
    return [
        PassageTexts(
            by_source[p.source].title, p.text, tuple(by_source[p.source].text[s.start : s.end] for s in p.sentences)
        )
        for p in passages
    ]


# ---- freshness ----------------------------------------------------------------------------------
def stat_fingerprint(corpus: Path) -> str:
    """Cheap change detector over names, sizes and modification times."""
    h = hashlib.sha256()
    try:
        paths = corpus_files(corpus)
    except CorpusError:
        return ""
    for path in paths:
        for p in (path, sidecar_path(path)):
            try:
                st = p.stat()
            except OSError:
                continue
            h.update(f"{p.relative_to(corpus).as_posix()}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def corpus_hash(docs: list[RawDoc]) -> str:
    h = hashlib.sha256(f"pipeline={PIPELINE_VERSION}\n".encode())
    for doc in sorted(docs, key=lambda d: d.source):
        side = json.dumps([doc.sidecar, doc.stated, doc.pages], sort_keys=True, ensure_ascii=False)
        h.update(f"{doc.source}\t{doc.content_hash}\t{side}\n".encode())
    return h.hexdigest()


def is_stale(manifest: store.Manifest) -> bool:
    """Whether the corpus the index was built from has changed since (or the pipeline has)."""
    if manifest.pipeline_version != PIPELINE_VERSION:
        return True
    corpus = Path(manifest.corpus)
    if stat_fingerprint(corpus) == manifest.corpus_stat:
        return False
    try:
        docs, _ = load_corpus(corpus)
    except CorpusError:
        return False  # the corpus is gone: keep answering from what was built
    return corpus_hash(docs) != manifest.corpus_hash
