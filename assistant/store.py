"""Build, save and load the index: a versioned folder of plain files behind an atomic `current` link."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .articles import build_article
from .chunk import passages as chunk_passages
from .encoders import Encoder
from .errors import CorpusError, IndexUnusableError
from .load import corpus_files, load_corpus, sidecar_path
from .records import Article, Paragraph, Passage, Sentence
from . import ann, bridge
from .bridge import Bridge
from .cache import VectorCache
from .embed import embed
from .encoders.base import PassageTexts
from .scope import Names, corpus_names

FORMAT_VERSION = 4  # 2: names.txt; 3: terms_<lang> (term bridge); 4: .npy vectors, IVF above a size
PIPELINE_VERSION = 4  # 4: Korean analyser without typo/multi-word dictionaries  # bump when cleaning or chunking changes: old indexes become stale
CURRENT = "current"
BUILDS = "builds"
CACHE = "cache"
MANIFEST = "manifest.json"


def passage_embedding_text(article: Article, passage: Passage) -> str:
    return PassageTexts(article.title, passage.text, ()).titled


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


def corpus_hash(docs) -> str:
    h = hashlib.sha256(f"pipeline={PIPELINE_VERSION}\n".encode())
    for doc in sorted(docs, key=lambda d: d.source):
        side = json.dumps(doc.sidecar, sort_keys=True, ensure_ascii=False)
        h.update(f"{doc.source}\t{doc.content_hash}\t{side}\n".encode())
    return h.hexdigest()


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
    """Index every readable article of corpus into out/builds/<id>, then point out/current at it."""
    import faiss

    from .lexical import LexicalIndex, tokenize_with_names

    started = time.perf_counter()
    docs, warnings = load_corpus(corpus)
    articles: list[Article] = []
    all_passages: list[Passage] = []
    for doc in docs:
        article = build_article(doc)
        if article is None:
            warnings.append(f"{doc.source}: skipped, no article text left after removing boilerplate")
            continue
        articles.append(article)
        all_passages.extend(chunk_passages(article, doc.text, first_id=len(all_passages)))
    if not all_passages:
        raise CorpusError(f"no readable articles in {corpus}; add UTF-8 .txt or .md files")
    by_source = {a.source: a for a in articles}
    article_row = {a.source: i for i, a in enumerate(articles)}
    sentences = [(p.id, s) for p in all_passages for s in p.sentences]

    # One analysis per passage serves BM25, the term bridge and the name check.
    analysed = [tokenize_with_names(p.text) for p in all_passages]
    token_lists = [tokens for tokens, _ in analysed]
    korean_names = {name for _, names in analysed for name in names}
    korean_names |= {n for a in articles if a.language == "ko" for n in tokenize_with_names(a.title)[1]}
    term_rows = bridge.collect_terms([p.text for p in all_passages], token_lists)
    items = [
        PassageTexts(by_source[p.source].title, p.text, tuple(by_source[p.source].text[s.start : s.end] for s in p.sentences))
        for p in all_passages
    ]
    cache = VectorCache(out / CACHE, encoder.name, encoder.dim)
    embedded = embed(items, term_rows, encoder, cache, progress)
    pvecs, svecs = embedded.passages, embedded.sentences

    out.mkdir(parents=True, exist_ok=True)
    builds = out / BUILDS
    builds.mkdir(exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = builds / f"{build_id}.partial"
    tmp.mkdir()
    try:
        with open(tmp / "articles.jsonl", "w", encoding="utf-8") as f:
            for a in articles:
                row = a.meta() | {
                    "text": a.text,
                    "content_hash": a.content_hash,
                    "paragraphs": [[p.number, p.start, p.end, p.raw_start, p.raw_end] for p in a.paragraphs],
                }
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        first_sentence = np.zeros(len(all_passages), dtype=np.int64)
        count = np.zeros(len(all_passages), dtype=np.int32)
        row = 0
        for p in all_passages:
            first_sentence[p.id] = row
            count[p.id] = len(p.sentences)
            row += len(p.sentences)
        np.savez(
            tmp / "passages.npz",
            article=np.array([article_row[p.source] for p in all_passages], dtype=np.int32),
            start=np.array([p.start for p in all_passages], dtype=np.int64),
            end=np.array([p.end for p in all_passages], dtype=np.int64),
            paragraph=np.array([p.paragraph for p in all_passages], dtype=np.int32),
            first_sentence=first_sentence,
            sentence_count=count,
        )
        np.savez(
            tmp / "sentences.npz",
            passage=np.array([pid for pid, _ in sentences], dtype=np.int64),
            start=np.array([s.start for _, s in sentences], dtype=np.int64),
            end=np.array([s.end for _, s in sentences], dtype=np.int64),
            paragraph=np.array([s.paragraph for _, s in sentences], dtype=np.int32),
        )
        # Half-precision copies for exact re-scoring and quotes, memory-mapped at query time.
        np.save(tmp / "passages.npy", pvecs.astype(np.float16), allow_pickle=False)
        np.save(tmp / "sentences.npy", svecs.astype(np.float16), allow_pickle=False)
        ann_index, ann_params = ann.build(pvecs)
        faiss.write_index(ann_index, str(tmp / "passages.faiss"))
        LexicalIndex.build(token_lists).save(tmp / "lexical")
        bridge.save(tmp, term_rows, embedded.terms)
        (tmp / "names.txt").write_text("\n".join(sorted(corpus_names(articles, korean_names))), encoding="utf-8")
        manifest = {
            "format_version": FORMAT_VERSION,
            "pipeline_version": PIPELINE_VERSION,
            "encoder": encoder.name,
            "dimension": encoder.dim,
            **ann_params,
            "articles": len(articles),
            "passages": len(all_passages),
            "sentences": len(sentences),
            "corpus": str(corpus.resolve()),
            "corpus_hash": corpus_hash(docs),
            "corpus_stat": stat_fingerprint(corpus),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        final = builds / build_id
        os.replace(tmp, final)
        cache.save()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _point_current(out, final)
    return BuildReport(final, len(articles), len(all_passages), len(sentences), time.perf_counter() - started,
                       warnings, embedded.encoded, embedded.reused)


def _point_current(out: Path, target: Path) -> None:
    """Swap out/current to target atomically, then drop builds older than the previous one."""
    link = out / CURRENT
    previous = link.resolve() if link.is_symlink() else None
    tmp_link = out / f".{CURRENT}.{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(Path(BUILDS) / target.name)
    os.replace(tmp_link, link)
    keep = {target.resolve()} | ({previous} if previous else set())
    for child in (out / BUILDS).iterdir():
        if child.name.endswith(".partial"):
            if not _builder_alive(child.name):
                shutil.rmtree(child, ignore_errors=True)  # left by a build that was killed
        elif child.resolve() not in keep:
            shutil.rmtree(child, ignore_errors=True)


def _builder_alive(name: str) -> bool:
    """Whether the process that is writing a .partial build folder still runs."""
    try:
        pid = int(name.split("-")[1])
        os.kill(pid, 0)
    except (IndexError, ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def current_target(index_dir: Path) -> str | None:
    """Where the current link points (cheap: one readlink), to notice a swap by another process."""
    try:
        return os.readlink(index_dir / CURRENT)
    except OSError:
        return None


def exists(index_dir: Path) -> bool:
    """Whether index_dir holds an index at all (usable or not)."""
    return (index_dir / CURRENT).is_symlink() or (index_dir / MANIFEST).is_file()


def resolve(index_dir: Path) -> Path:
    """The build folder an index directory points at, or a clear error naming the fix."""
    link = index_dir / CURRENT
    if link.exists():
        return link.resolve()
    if (index_dir / MANIFEST).is_file():
        return index_dir
    raise IndexUnusableError(f"no index in {index_dir}; build it with: assistant index --out {index_dir}")


def read_manifest(index_dir: Path) -> dict:
    path = resolve(index_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise IndexUnusableError(f"index manifest {path} is unreadable; rebuild with: assistant index") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        found = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise IndexUnusableError(
            f"index format {found!r} is not the supported {FORMAT_VERSION}; rebuild with: assistant index"
        )
    return manifest


def is_stale(manifest: dict) -> bool:
    """Whether the corpus the index was built from has changed since."""
    corpus = Path(manifest.get("corpus", ""))
    if manifest.get("pipeline_version") != PIPELINE_VERSION:
        return True
    if stat_fingerprint(corpus) == manifest.get("corpus_stat"):
        return False
    try:
        docs, _ = load_corpus(corpus)
    except CorpusError:
        return False  # the corpus is gone: keep answering from what was built
    return corpus_hash(docs) != manifest.get("corpus_hash")


class Index:
    """A loaded index: article texts, passage and sentence offsets, dense and lexical indexes."""

    def __init__(self, index_dir: Path) -> None:
        import faiss

        from .lexical import LexicalIndex

        self.path = resolve(index_dir)
        self.manifest = read_manifest(index_dir)
        try:
            self.articles = [self._article(json.loads(line)) for line in open(self.path / "articles.jsonl", encoding="utf-8")]
            with np.load(self.path / "passages.npz", allow_pickle=False) as z:
                self._p = {k: z[k] for k in z.files}
            with np.load(self.path / "sentences.npz", allow_pickle=False) as z:
                self._s = {k: z[k] for k in z.files}
            self.passage_index = faiss.read_index(str(self.path / "passages.faiss"))
            ann.configure(self.passage_index, self.manifest)
            self.passage_vectors = np.load(self.path / "passages.npy", mmap_mode="r", allow_pickle=False)
            self.sentence_vectors = np.load(self.path / "sentences.npy", mmap_mode="r", allow_pickle=False)
            self.lexical = LexicalIndex.load(self.path / "lexical")
            self.bridge = Bridge(self.path)
            self.names = Names((self.path / "names.txt").read_text(encoding="utf-8").split("\n"))
        except Exception as exc:  # numpy, zipfile, faiss and json each fail their own way on a damaged file
            raise IndexUnusableError(
                f"index in {self.path} is damaged ({exc.__class__.__name__}); rebuild with: assistant index"
            ) from None
        n = int(self.manifest.get("passages", -1))
        if (
            len(self.articles) != self.manifest.get("articles")
            or not (self.passage_index.ntotal == n == len(self._p["start"]) == len(self.passage_vectors))
            or len(self.sentence_vectors) != len(self._s["start"])
        ):
            raise IndexUnusableError(f"index in {self.path} is incomplete; rebuild with: assistant index")
        self.by_source = {a.source: i for i, a in enumerate(self.articles)}
        self.languages = np.array([a.language for a in self.articles])[self._p["article"]]
        self.korean_text = "\n".join(a.title + "\n" + a.text for a in self.articles if a.language == "ko")

    @staticmethod
    def _article(row: dict) -> Article:
        return Article(
            source=row["source"],
            title=row["title"],
            text=row["text"],
            paragraphs=tuple(Paragraph(*p) for p in row["paragraphs"]),
            outlet=row.get("outlet"),
            author=row.get("author"),
            date=row.get("date"),
            language=row.get("language", "en"),
            content_hash=row.get("content_hash", ""),
        )

    def __len__(self) -> int:
        return len(self._p["start"])

    @property
    def encoder_name(self) -> str:
        return self.manifest["encoder"]

    def article_of(self, pid: int) -> Article:
        return self.articles[int(self._p["article"][pid])]

    def passage(self, pid: int) -> Passage:
        article = self.article_of(pid)
        first = int(self._p["first_sentence"][pid])
        rows = range(first, first + int(self._p["sentence_count"][pid]))
        sents = tuple(Sentence(int(self._s["start"][r]), int(self._s["end"][r]), int(self._s["paragraph"][r])) for r in rows)
        start, end = int(self._p["start"][pid]), int(self._p["end"][pid])
        return Passage(pid, article.source, start, end, int(self._p["paragraph"][pid]), article.text[start:end], sents)

    def sentence_rows(self, pid: int) -> range:
        first = int(self._p["first_sentence"][pid])
        return range(first, first + int(self._p["sentence_count"][pid]))

    def passages_of_articles(self, article_rows: list[int]) -> np.ndarray:
        return np.flatnonzero(np.isin(self._p["article"], np.asarray(article_rows, dtype=np.int32)))

    def sentence_rows_of(self, pids: np.ndarray) -> np.ndarray:
        """All sentence rows of the given passages (each passage's sentences are contiguous)."""
        firsts = self._p["first_sentence"][pids]
        counts = self._p["sentence_count"][pids].astype(np.int64)
        if counts.sum() == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(firsts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        return offsets + np.arange(counts.sum())


    def sentence_counts(self, pids: np.ndarray) -> np.ndarray:
        return self._p["sentence_count"][pids]
