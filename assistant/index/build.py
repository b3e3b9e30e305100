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
from ..ingest.load import RawDoc, corpus_files, load_corpus, sidecar_path
from ..names import corpus_names
from ..records import Article, Passage
from ..terms import tokenize_with_names
from . import ann, bridge, store
from .cache import VectorCache
from .embed import embed
from .lexical import LexicalIndex

# Bump when cleaning, chunking or index terms change: indexes built before become stale. 4: Korean
# analyser without typo/multi-word dictionaries; 5: Korean question adverbs are stop words; 6: hard-wrapped
# paragraphs are joined; 7: HTML, PDF and DOCX files, metadata stated by the file (and its url) over guesses.
PIPELINE_VERSION = 7
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
) -> BuildReport:
    """Index every readable article of corpus into a new build under out, then switch to it."""
    started = time.perf_counter()
    docs, warnings = load_corpus(corpus)
    articles, passages = _articles_and_passages(docs, warnings)
    if not passages:
        raise CorpusError(f"no readable articles in {corpus}; add .txt, .md, .html, .pdf or .docx files")

    # One Korean analysis per passage serves BM25, the term bridge and the name check.
    analysed = [tokenize_with_names(p.text) for p in passages]
    token_lists = [tokens for tokens, _ in analysed]
    korean_names = {name for _, names in analysed for name in names}
    korean_names |= {n for a in articles if a.language == "ko" for n in tokenize_with_names(a.title)[1]}
    terms = bridge.collect_terms([p.text for p in passages], token_lists)

    cache = VectorCache(out / CACHE, encoder.name, encoder.dim)
    embedded = embed(_embedding_texts(articles, passages), terms, encoder, cache, progress,
                     titles=[a.title for a in articles])
    dense, ann_params = ann.build(embedded.passages)
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
        LexicalIndex.build(token_lists), terms, embedded.terms, corpus_names(articles, korean_names),
    )
    cache.save()
    return BuildReport(path, len(articles), len(passages), sentences, time.perf_counter() - started,
                       warnings, embedded.encoded, embedded.reused)


def _articles_and_passages(docs: list[RawDoc], warnings: list[str]) -> tuple[list[Article], list[Passage]]:
    """Clean each document into an article and cut it into passages; note the ones left empty."""
    articles: list[Article] = []
    passages: list[Passage] = []
    for doc in docs:
        article = build_article(doc)
        if article is None:
            warnings.append(f"{doc.source}: skipped, no article text left after removing boilerplate")
            continue
        articles.append(article)
        passages.extend(chunk_passages(article, doc.text, first_id=len(passages)))
    return articles, passages


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
