"""The on-disk index: versioned build folders of plain files behind an atomic `current` link.

A build folder holds a JSON manifest, the articles (JSON Lines), passage and sentence offsets and
vectors (.npz/.npy, no pickle), the FAISS index, the BM25 folder, the term bridge and the corpus's
name keys. This module owns that format: writing a build, reading it back as an `Index`, and
switching `current` to a new build while readers keep the one they opened.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexFormatError, IndexUnusableError
from ..names import Names, name_keys, spelled_as, standard_spellings
from ..records import Article, Paragraph, Passage, Sentence
from ..signals import NameKeys, latin_words, name_overlap, question_names, signal_flags, text_signals
from ..terms import STOPWORDS, english_terms, tokenize_with_names
from . import ann
from .backend import LocalBackend, SearchBackend
from .bridge import Bridge
from .lexical import LexicalIndex

# 2: names.txt; 3: terms_<lang> (term bridge); 4: .npy vectors, IVF above a size; 5: titles.npy; 6: article url and
# the PDF page of each paragraph; 7: corpus.json (near-duplicates, the status of every file, Korean names per
# article); 8: signal flags per passage; 9: bylines (authors, outlets) among the names
FORMAT_VERSION = 9
CURRENT = "current"
BUILDS = "builds"
MANIFEST = "manifest.json"
SIGNAL_CACHE = 200_000  # passages whose text signals are kept in memory


@dataclass(frozen=True)
class Manifest:
    """What a build holds and how it was made; loading refuses a build whose manifest does not fit."""

    format_version: int
    pipeline_version: int
    encoder: str
    dimension: int
    articles: int
    passages: int
    sentences: int
    corpus: str  # absolute path of the corpus folder it was built from
    corpus_hash: str  # content of the corpus (see build.corpus_hash)
    corpus_stat: str  # names, sizes and times of its files: a cheap first change check
    built_at: str
    index_type: str = "flat"  # the FAISS index: "flat" or "ivf"
    nlist: int | None = None
    nprobe: int | None = None
    backend: str = "local"  # where candidates are searched: "local" (FAISS + bm25s here) or "milvus"
    milvus_uri: str | None = None  # a Milvus Lite file or http(s)://host:port; credentials come from the environment
    collection: str | None = None  # the Milvus alias every build's collection is switched behind

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Any, path: Path) -> Manifest:
        if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
            found = data.get("format_version") if isinstance(data, dict) else None
            raise IndexFormatError(
                f"index format {found!r} is not the supported {FORMAT_VERSION}; rebuild with: assistant index"
            )
        known = {f.name for f in fields(cls)}
        try:
            manifest = cls(**{k: v for k, v in data.items() if k in known})
        except TypeError:
            raise IndexUnusableError(f"index manifest {path} is incomplete; rebuild with: assistant index") from None
        return manifest


@dataclass(frozen=True)
class PassageTable:
    """One row per passage: its article row, offsets into the article text, and its sentence rows."""

    article: np.ndarray  # int32 row in Index.articles
    start: np.ndarray  # int64 offsets into Article.text
    end: np.ndarray
    paragraph: np.ndarray  # int32 paragraph number of the first sentence
    first_sentence: np.ndarray  # int64 first row in the SentenceTable; a passage's sentences are contiguous
    sentence_count: np.ndarray  # int32
    flags: np.ndarray  # uint8 signals.signal_flags: holds a figure, a date, a person; is a heading

    @classmethod
    def of(cls, passages: list[Passage], article_row: dict[str, int]) -> PassageTable:
        counts = np.array([len(p.sentences) for p in passages], dtype=np.int32)
        return cls(
            flags=np.array([signal_flags(p.text) for p in passages], dtype=np.uint8),
            article=np.array([article_row[p.source] for p in passages], dtype=np.int32),
            start=np.array([p.start for p in passages], dtype=np.int64),
            end=np.array([p.end for p in passages], dtype=np.int64),
            paragraph=np.array([p.paragraph for p in passages], dtype=np.int32),
            first_sentence=np.concatenate(([0], np.cumsum(counts, dtype=np.int64)[:-1])).astype(np.int64),
            sentence_count=counts,
        )


@dataclass(frozen=True)
class SentenceTable:
    """One row per sentence, in passage order."""

    passage: np.ndarray  # int64 passage id
    start: np.ndarray  # int64 offsets into Article.text
    end: np.ndarray
    paragraph: np.ndarray  # int32

    @classmethod
    def of(cls, passages: list[Passage]) -> SentenceTable:
        rows = [(p.id, s) for p in passages for s in p.sentences]
        return cls(
            passage=np.array([pid for pid, _ in rows], dtype=np.int64),
            start=np.array([s.start for _, s in rows], dtype=np.int64),
            end=np.array([s.end for _, s in rows], dtype=np.int64),
            paragraph=np.array([s.paragraph for _, s in rows], dtype=np.int32),
        )


def _columns(table) -> dict[str, np.ndarray]:
    return {f.name: getattr(table, f.name) for f in fields(table)}


def _table(cls, path: Path):
    with np.load(path, allow_pickle=False) as z:
        return cls(**{f.name: z[f.name] for f in fields(cls)})


class Index:
    """A loaded index: article texts, passage and sentence rows, dense and lexical indexes, names.

    Built by `Index.open` from a build folder, or directly from arrays (benchmarks derive large
    indexes from a real one this way).
    """

    def __init__(
        self,
        manifest: Manifest,
        articles: list[Article],
        passages: PassageTable,
        sentences: SentenceTable,
        passage_vectors: np.ndarray,
        sentence_vectors: np.ndarray,
        title_vectors: np.ndarray,
        dense,
        lexical: LexicalIndex,
        bridge: Bridge,
        names: set[str],
        path: Path | None = None,
        corpus_report: dict | None = None,
    ) -> None:
        self.manifest = manifest
        self.articles = articles
        self.passages = passages
        self.sentences = sentences
        self.passage_vectors = passage_vectors  # float16 rows, memory-mapped when opened from disk
        self.sentence_vectors = sentence_vectors
        self.title_vectors = title_vectors  # one row per article
        self.dense = dense  # the FAISS index over passage vectors (None when Milvus searches)
        self.lexical = lexical
        self.backend: SearchBackend = LocalBackend(dense, lexical)  # Index.open may put Milvus here
        self.bridge = bridge
        self.names = names
        self.path = path
        # {"files": {source: {"status": indexed|duplicate|skipped, "detail": ...}},
        #  "duplicates": {kept source: [metadata of each near-duplicate]}}
        self.corpus_report = corpus_report or {"files": {}, "duplicates": {}}
        self.by_source = {a.source: i for i, a in enumerate(articles)}
        self.languages = np.array([a.language for a in articles])[passages.article]  # per passage
        self.korean_text = "\n".join(  # Korean titles and texts, and every byline (김장기, AI타임스)
            [a.title + "\n" + a.text for a in articles if a.language == "ko"]
            + [a.byline() for a in articles]
        )
        self._centroids: dict[int, np.ndarray] = {}  # article row -> mean passage vector, computed on demand
        self._words: dict[int, tuple[set[str], str]] = {}  # article row -> its Latin words, on demand
        self._authors: dict[str, set[int]] | None = None  # an author's name, in every spelling -> article rows
        self._signals: dict[int, object] = {}  # passage id -> signals.TextSignals, on demand (bounded)
        self._by_article: np.ndarray | None = None  # passage ids sorted by article row, on demand
        self._sorted_articles: np.ndarray | None = None

    @classmethod
    def open(cls, index_dir: Path) -> Index:
        """The index that index_dir points at, or IndexUnusableError naming the fix."""
        import faiss

        path = resolve(index_dir)
        manifest = read_manifest(index_dir)
        try:
            with open(path / "articles.jsonl", encoding="utf-8") as f:
                articles = [_article(json.loads(line)) for line in f]
            passages = _table(PassageTable, path / "passages.npz")
            sentences = _table(SentenceTable, path / "sentences.npz")
            dense = None
            if manifest.backend == "local":
                dense = faiss.read_index(str(path / "passages.faiss"))
                ann.configure(dense, manifest.nprobe)
            report = json.loads((path / "corpus.json").read_text(encoding="utf-8"))
            korean_names = {n for names in report.get("names", {}).values() for n in names}
            names = Names((path / "names.txt").read_text(encoding="utf-8").split("\n"))
            index = cls(
                manifest,
                articles,
                passages,
                sentences,
                np.load(path / "passages.npy", mmap_mode="r", allow_pickle=False),
                np.load(path / "sentences.npy", mmap_mode="r", allow_pickle=False),
                np.load(path / "titles.npy", allow_pickle=False).astype(np.float32),
                dense,
                LexicalIndex.load(path / "lexical"),
                Bridge(path, korean_names, names),
                names,
                path,
                report,
            )
        except Exception as exc:  # numpy, zipfile, faiss and json each fail their own way on a damaged file
            raise IndexUnusableError(
                f"index in {path} is damaged ({exc.__class__.__name__}); rebuild with: assistant index"
            ) from None
        n = manifest.passages
        if (
            len(articles) != manifest.articles
            or not (n == len(passages.start) == len(index.passage_vectors))
            or (dense is not None and dense.ntotal != n)
            or len(index.sentence_vectors) != len(sentences.start)
            or len(index.title_vectors) != len(articles)
        ):
            raise IndexUnusableError(f"index in {path} is incomplete; rebuild with: assistant index")
        if manifest.backend == "milvus":
            from .milvus import MilvusBackend

            index.backend = MilvusBackend(manifest.milvus_uri or "", manifest.collection or "", path.name)
        return index

    def __len__(self) -> int:
        return len(self.passages.start)

    def also_in(self, source: str) -> list[dict]:
        """The near-duplicates of an indexed article (same story elsewhere), with their metadata."""
        return self.corpus_report["duplicates"].get(source, [])

    def article(self, source: str) -> Article | None:
        row = self.by_source.get(source)
        return None if row is None else self.articles[row]

    def article_row(self, pid: int) -> int:
        return int(self.passages.article[pid])

    def article_of(self, pid: int) -> Article:
        return self.articles[self.article_row(pid)]

    def passage(self, pid: int) -> Passage:
        article = self.article_of(pid)
        s = self.sentences
        sents = tuple(Sentence(int(s.start[r]), int(s.end[r]), int(s.paragraph[r])) for r in self.sentence_rows(pid))
        start, end = int(self.passages.start[pid]), int(self.passages.end[pid])
        paragraph = int(self.passages.paragraph[pid])
        return Passage(pid, article.source, start, end, paragraph, article.text[start:end], sents)

    def sentence_rows(self, pid: int) -> range:
        first = int(self.passages.first_sentence[pid])
        return range(first, first + int(self.passages.sentence_count[pid]))

    def sentence_vectors_of(self, pid: int) -> np.ndarray:
        """The sentence vectors of one passage, as float32 rows."""
        rows = self.sentence_rows(pid)
        return np.asarray(self.sentence_vectors[rows.start : rows.stop], dtype=np.float32)

    def passages_of_article(self, row: int) -> np.ndarray:
        """The passage ids of one article (through one sort of the article column, made on first use)."""
        if self._by_article is None:
            self._by_article = np.argsort(self.passages.article, kind="stable")
            self._sorted_articles = self.passages.article[self._by_article]
        lo, hi = np.searchsorted(self._sorted_articles, [row, row + 1])
        return self._by_article[lo:hi]

    def lead_of(self, row: int) -> int | None:
        """An article's lead: its first passage that is not a heading (news puts its gist there)."""
        pids = self.passages_of_article(row)
        return next((int(p) for p in pids if not self.signals(int(p)).heading), int(pids[0]) if len(pids) else None)

    def passages_of_articles(self, article_rows: list[int]) -> np.ndarray:
        return np.flatnonzero(np.isin(self.passages.article, np.asarray(article_rows, dtype=np.int32)))

    def authored_by(self, question: str) -> list[int]:
        """Rows of the articles whose author the question names ("Who is Kim Jang-gi?" for 김장기)."""
        if self._authors is None:
            self._authors = spelled_as((a.author, row) for row, a in enumerate(self.articles) if a.author)
        asked = {k for k in name_keys(question) if len(k) >= 4} | set(re.findall(r"[가-힣]{2,4}", question))
        return sorted({row for key in asked for row in self._authors.get(key, ())})

    def names_in(self, question: str) -> NameKeys:
        """The names a question mentions (signals.question_names, with the corpus's name keys), each weighted
        by its rarity: the BM25 idf of its most frequent spelling the corpus uses (a name no passage holds
        weighs most)."""
        asked = question_names(question, self.names)
        latin = asked.latin | self._typed_in_lower_case(question, asked)
        # 네이버 finds "Naver" by meaning, not by its romanisation
        korean = tuple((name, spellings | set(self.bridge.borrowed(name))) for name, spellings in asked.korean)
        n = len(self)

        def idf(forms: list[str]) -> float:
            df = max((len(self.lexical.passages_with(t)) for t in forms), default=0)
            return math.log(1 + (n - df + 0.5) / (df + 0.5))

        weights = {name: idf([name, *(s for s in spellings if self.lexical.knows(s))]) for name, spellings in korean}
        spelled = self.bridge.korean_spellings()  # "Wonju" is 원주 in a Korean article
        weights.update({key: idf([*(english_terms(key) or [key]), *spelled.get(key, ())]) for key in latin})
        return NameKeys(korean, latin, weights)

    def idf(self, term: str) -> float:
        """BM25 idf of an index term (0.0 for a word no passage holds)."""
        df = len(self.lexical.passages_with(term))
        n = len(self)
        return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0

    def weighted_terms(self, translations: dict[str, tuple[str, ...]]) -> list[tuple[float, frozenset[str]]]:
        """Each question term with its translations, as (weight, forms): the idf of its rarest form that
        passages hold (0.0 for a word no article uses, in any of its forms)."""
        out = []
        for term, words in translations.items():
            forms = frozenset({term, *words})
            out.append((max(self.idf(form) for form in forms), forms))
        return out

    def names_in_article(self, names: NameKeys, row: int) -> float:
        """name_overlap of the question's names with an article: its title, text and byline."""
        article = self.articles[row]
        return name_overlap(names, "\n".join((article.title, article.text, article.byline())), self.article_words(row))

    def _typed_in_lower_case(self, question: str, keys: NameKeys) -> frozenset[str]:
        """Names a question types in lower case ("hong giwol", "wonju"), which only the corpus can tell
        from other words: runs of two or three words the corpus writes as one capitalised name
        (honggiwol), and romanisations of the corpus's Korean names (wonju for 원주)."""
        words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", question)]
        spelled = {w for w in words if w in self.bridge.korean_spellings()}
        runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, min(len(words), i + 3) + 1)
                if not STOPWORDS.intersection(words[i:j])}  # "the city" is no name
        glued = {run for run in runs if len(run) >= 6 and run in self.names
                 and run not in self.bridge.english_vocabulary()}  # a one-word run names nothing new
        found = spelled | glued
        covered = {s for _, spellings in keys.korean for s in spellings}
        return frozenset(found - covered - set(keys.latin))

    def article_words(self, row: int) -> tuple[set[str], str]:
        """latin_words of an article's title, text and byline, computed once; for a Korean article also
        the romanised spellings of its proper nouns and of a Korean author's name, so "Wonju" in a
        question finds 원주 in the article and "Kim Jang-gi" its author 김장기."""
        words = self._words.get(row)
        if words is None:
            article = self.articles[row]
            text = article.title + "\n" + article.text
            found, glued = latin_words(text + "\n" + article.byline())
            names = re.findall(r"[가-힣]{2,4}", article.author or "")
            if article.language == "ko":
                known = self.corpus_report.get("names", {}).get(article.source)
                if known is None:  # an index made from arrays (benchmarks) has no names list
                    known = tokenize_with_names(text)[1]
                names += known
            for name in set(names):
                if 2 <= len(name) <= 4:
                    found.update(standard_spellings(name))
            words = self._words[row] = (found, glued)
        return words

    def signals(self, pid: int):
        """signals.TextSignals of a passage (figures, dates, people, heading, words), computed once."""
        found = self._signals.get(pid)
        if found is None:
            if len(self._signals) >= SIGNAL_CACHE:
                self._signals.clear()
            found = self._signals[pid] = text_signals(self.passage_text(pid), int(self.passages.flags[pid]))
        return found

    def passage_text(self, pid: int) -> str:
        start, end = int(self.passages.start[pid]), int(self.passages.end[pid])
        return self.article_of(pid).text[start:end]

    def centroid(self, row: int) -> np.ndarray:
        """The normalised mean of an article's passage vectors, computed once."""
        centroid = self._centroids.get(row)
        if centroid is None:
            vectors = np.asarray(self.passage_vectors[self.passages_of_article(row)], dtype=np.float32)
            mean = vectors.mean(axis=0)
            centroid = self._centroids[row] = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return centroid

    def centralities(self, pids: np.ndarray) -> np.ndarray:
        """Cosine of each passage with the mean of its article's passages: high for the article's core."""
        rows = self.passages.article[pids]
        centroids = np.stack([self.centroid(int(r)) for r in rows]) if len(rows) else np.zeros((0, 1))
        return np.einsum("ij,ij->i", np.asarray(self.passage_vectors[pids], dtype=np.float32), centroids)

    def best_sentence_cosines(self, pids: np.ndarray, qvec: np.ndarray) -> np.ndarray:
        """For each passage, the cosine of its closest sentence with the question (0 for none)."""
        rows = self.sentence_rows_of(pids)
        counts = self.sentence_counts(pids)
        out = np.zeros(len(pids), dtype=np.float32)
        if len(rows):
            cosines = np.asarray(self.sentence_vectors[rows], dtype=np.float32) @ qvec
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            has = counts > 0
            out[has] = np.maximum.reduceat(cosines, starts[has])
        return out

    def sentence_rows_of(self, pids: np.ndarray) -> np.ndarray:
        """All sentence rows of the given passages, passage by passage."""
        firsts = self.passages.first_sentence[pids]
        counts = self.passages.sentence_count[pids].astype(np.int64)
        if counts.sum() == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(firsts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        return offsets + np.arange(counts.sum())

    def sentence_counts(self, pids: np.ndarray) -> np.ndarray:
        return self.passages.sentence_count[pids]


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
        url=row.get("url"),
    )


def _article_row(article: Article) -> dict:
    return article.meta() | {
        "text": article.text,
        "content_hash": article.content_hash,
        "paragraphs": [[p.number, p.start, p.end, p.raw_start, p.raw_end, p.page, p.line] for p in article.paragraphs],
    }


# ---- writing ------------------------------------------------------------------------------------
def write(
    out: Path,
    manifest: Manifest,
    articles: list[Article],
    passages: list[Passage],
    passage_vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    title_vectors: np.ndarray,
    dense,
    lexical: LexicalIndex,
    terms: dict[str, list[tuple[str, str]]],
    term_vectors: dict[str, np.ndarray],
    names: set[str],
    corpus_report: dict | None = None,
    switch: bool = True,
) -> Path:
    """Write a new build folder beside the others, then point out/current at it (atomically).

    switch=False leaves current as it is (a Milvus build switches once its collection is live: switch_to).
    """
    import faiss

    out.mkdir(parents=True, exist_ok=True)
    builds = out / BUILDS
    builds.mkdir(exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = builds / f"{build_id}.partial"
    tmp.mkdir()
    try:
        with open(tmp / "articles.jsonl", "w", encoding="utf-8") as f:
            for a in articles:
                f.write(json.dumps(_article_row(a), ensure_ascii=False) + "\n")
        article_row = {a.source: i for i, a in enumerate(articles)}
        np.savez(tmp / "passages.npz", **_columns(PassageTable.of(passages, article_row)))
        np.savez(tmp / "sentences.npz", **_columns(SentenceTable.of(passages)))
        # Half-precision copies for exact re-scoring and quotes, memory-mapped at query time.
        np.save(tmp / "passages.npy", passage_vectors.astype(np.float16), allow_pickle=False)
        np.save(tmp / "sentences.npy", sentence_vectors.astype(np.float16), allow_pickle=False)
        np.save(tmp / "titles.npy", title_vectors.astype(np.float16), allow_pickle=False)
        if dense is not None:  # none when Milvus searches
            faiss.write_index(dense, str(tmp / "passages.faiss"))
        lexical.save(tmp / "lexical")
        Bridge.save(tmp, terms, term_vectors)
        (tmp / "names.txt").write_text("\n".join(sorted(names)), encoding="utf-8")
        report = corpus_report or {"files": {}, "duplicates": {}}
        (tmp / "corpus.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        (tmp / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        final = builds / build_id
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if switch:
        switch_to(out, final)
    return final


def switch_to(out: Path, target: Path) -> None:
    """Swap out/current to target atomically (write does it unless switch=False), then drop builds older than
    the previous one."""
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


# ---- reading ------------------------------------------------------------------------------------
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


def read_manifest(index_dir: Path) -> Manifest:
    path = resolve(index_dir) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise IndexUnusableError(f"index manifest {path} is unreadable; rebuild with: assistant index") from None
    return Manifest.from_dict(data, path)
