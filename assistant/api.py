"""The facade: one class that builds, loads and asks. The CLI and the web app call only this."""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .encoders import DEFAULT_ENCODER, Encoder, canonical_name, load_encoder
from .errors import IndexUnusableError, InputError
from .meta import language_of
from .quote import choose_quote
from .records import Answer, Article, Citation
from .scope import unknown_names
from .search import retrieve
from .timing import Stopwatch, stage
from . import store

MAX_QUESTION_CHARS = 1000
DEFAULT_K = 5
# A question is answered when its best passage is at least this similar (dense score, which
# mixes best-sentence and passage cosine). Calibrated on the dev set's in- and out-of-scope
# questions; see README "Deciding when the articles do not answer".
ANSWER_THRESHOLD = 0.24
# A question naming something no article mentions (a city, a person, a product) needs a much
# closer match to count as answered.
UNKNOWN_NAME_THRESHOLD = 0.60
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Filters:
    """Restrict a question to some articles, outlets, a date range or a language."""

    sources: frozenset[str] = frozenset()
    outlets: frozenset[str] = frozenset()
    date_from: str | None = None  # inclusive ISO dates; undated articles are excluded when set
    date_to: str | None = None
    language: str | None = None

    def admits(self, article: Article) -> bool:
        if self.sources and article.source not in self.sources:
            return False
        if self.outlets and article.outlet not in self.outlets:
            return False
        if self.language and article.language != self.language:
            return False
        if self.date_from or self.date_to:
            if not article.date:
                return False
            if self.date_from and article.date < self.date_from:
                return False
            if self.date_to and article.date > self.date_to:
                return False
        return True

    def __bool__(self) -> bool:
        return bool(self.sources or self.outlets or self.date_from or self.date_to or self.language)


def clean_question(question: str) -> tuple[str, str | None]:
    """Validated question text and an optional notice (e.g. truncation)."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    # Lone surrogates (undecodable command-line bytes, bad JSON escapes) cannot be encoded: drop them.
    text = question.encode("utf-8", "ignore").decode("utf-8")
    text = CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # zero-width marks, BOM
    text = re.sub(r"\s+", " ", text).strip()
    if not any(ch.isalnum() for ch in text):
        raise InputError("the question is empty; type a question about the articles")
    if len(text) > MAX_QUESTION_CHARS:
        return text[:MAX_QUESTION_CHARS], f"question truncated to its first {MAX_QUESTION_CHARS} characters"
    return text, None


class Assistant:
    """Grounded question answering over an index of news articles."""

    def __init__(
        self,
        index_dir: str | Path = "embeddings",
        encoder: str | None = None,
        auto_rebuild: bool = True,
        notify: Callable[[str], None] | None = None,
        build_from: str | Path | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        """build_from: a corpus folder to build from when there is no index yet (None: report the error)."""
        self.index_dir = Path(index_dir)
        self.build_from = Path(build_from) if build_from else None
        self.progress = progress
        self.encoder_name = canonical_name(encoder or os.environ.get("ASSISTANT_ENCODER") or DEFAULT_ENCODER)
        self.auto_rebuild = auto_rebuild
        self.notify = notify or (lambda message: None)
        self._index: store.Index | None = None
        self._loaded_target: str | None = None
        self._encoder: Encoder | None = None
        self._lock = threading.Lock()

    # ---- building -------------------------------------------------------------------------
    def build(self, corpus: str | Path, progress: Callable[[str, int, int], None] | None = None) -> store.BuildReport:
        """(Re)build the index from a corpus folder and switch to it."""
        return store.build(Path(corpus), self.index_dir, self.encoder, progress)

    def rebuild_reason(self, corpus: str | Path) -> str | None:
        """Why the index needs building from corpus (missing, unusable, other encoder or corpus, stale), or None."""
        try:
            manifest = store.read_manifest(self.index_dir)
        except IndexUnusableError as exc:
            return str(exc).split(";")[0]
        if manifest.get("encoder") != self.encoder_name:
            return f"the index was built with encoder {manifest.get('encoder')!r}"
        if Path(manifest.get("corpus", "")) != Path(corpus).resolve():
            return f"the index was built from {manifest.get('corpus')}"
        if store.is_stale(manifest):
            return "the articles changed since the index was built"
        try:
            self.index  # noqa: B018  (loads it once: a server then answers from this same load)
        except IndexUnusableError as exc:
            return str(exc).split(";")[0]
        return None

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = load_encoder(self.encoder_name)
        return self._encoder

    # ---- loading --------------------------------------------------------------------------
    @property
    def index(self) -> store.Index:
        """The loaded index; when another process swaps in a new build, the next call loads it.

        Requests already running keep the index object they started with, so a rebuild under
        load never mixes two indexes in one answer.
        """
        with self._lock:
            target = store.current_target(self.index_dir)
            if self._index is None or target != self._loaded_target:
                fresh = self._open()
                self._index, self._loaded_target = fresh, store.current_target(self.index_dir)
            return self._index

    def _open(self) -> store.Index:
        if self.build_from and self.build_from.is_dir() and not store.exists(self.index_dir):
            self.notify(f"no index yet; building it from {self.build_from}")
            store.build(self.build_from, self.index_dir, self.encoder, self.progress)
        manifest = store.read_manifest(self.index_dir)
        built_with = manifest.get("encoder")
        if built_with != self.encoder_name:
            raise IndexUnusableError(
                f"the index in {self.index_dir} was built with encoder {built_with!r}, not {self.encoder_name!r}; "
                f"rebuild with: assistant index --encoder {self.encoder_name}"
            )
        if self.auto_rebuild and store.is_stale(manifest):
            self.notify(f"the articles changed since the index was built; rebuilding from {manifest['corpus']}")
            store.build(Path(manifest["corpus"]), self.index_dir, self.encoder, self.progress)
        index = store.Index(self.index_dir)
        index.bridge.encoder = self.encoder
        return index

    def articles(self) -> list[Article]:
        return list(self.index.articles)

    def article(self, source: str) -> Article:
        index = self.index
        if source not in index.by_source:
            raise InputError(f"no article named {source!r} in the index")
        return index.articles[index.by_source[source]]

    # ---- asking ---------------------------------------------------------------------------
    def ask(
        self, question: str, k: int = DEFAULT_K, filters: Filters | None = None, watch: Stopwatch | None = None
    ) -> Answer:
        """The passages that answer question, each with its quote and citation.

        watch: a Stopwatch that receives the time spent in each stage (benchmarks).
        """
        if not isinstance(k, int) or not 1 <= k <= 50:
            raise InputError("k must be a whole number from 1 to 50")
        text, notice = clean_question(question)
        index = self.index
        language = language_of(text)
        # One encoder call for the question and any of its words the term bridge has not seen yet.
        with stage(watch, "encoding"):
            pending = index.bridge.pending(text, language) if index.bridge.vectors else []
            vectors = self.encoder.encode_queries([text, *pending])
            qvec = vectors[0]
            index.bridge.learn(pending, vectors[1:], language)
            translations = index.bridge.translate(text, language)
        allowed = None
        if filters:
            allowed = index.passages_of_articles([i for i, a in enumerate(index.articles) if filters.admits(a)])
        ranked = retrieve(index, qvec, text, language, candidates=max(50, 5 * k), allowed=allowed,
                          translations=translations, watch=watch)
        best = max((h.dense or 0.0 for h in ranked), default=0.0)  # the closest passage, wherever fusion put it
        with stage(watch, "quote selection"):
            citations = self._citations(index, ranked[:k], qvec, text)
        with stage(watch, "decline check"):
            answered = best >= ANSWER_THRESHOLD
            if answered and best < UNKNOWN_NAME_THRESHOLD:
                answered = not unknown_names(text, index.names, index.korean_text)
        return Answer(text, answered, tuple(citations), notice)

    @staticmethod
    def _citations(index: store.Index, hits, qvec: np.ndarray, text: str) -> list[Citation]:
        citations = []
        for rank, hit in enumerate(hits, start=1):
            passage = index.passage(hit.passage_id)
            article = index.article_of(hit.passage_id)
            vectors = np.asarray(index.sentence_vectors[index.sentence_rows(hit.passage_id)], dtype=np.float32)
            q_start, q_end = choose_quote(passage, article.text, qvec, vectors, text)
            paragraph = next((s.paragraph for s in passage.sentences if s.start <= q_start < s.end), passage.paragraph)
            citations.append(
                Citation(
                    rank=rank,
                    score=round(float(hit.score), 4),
                    similarity=round(float(hit.dense or 0.0), 4),
                    source=article.source,
                    title=article.title,
                    outlet=article.outlet,
                    author=article.author,
                    date=article.date,
                    paragraph=paragraph,
                    passage=passage.text,
                    quote=article.text[q_start:q_end],
                    passage_start=passage.start,
                    passage_end=passage.end,
                    quote_start=q_start,
                    quote_end=q_end,
                    language=article.language,
                )
            )
        return citations

    def ask_many(self, questions: Iterable[str], k: int = DEFAULT_K) -> Iterable[Answer]:
        for question in questions:
            yield self.ask(question, k)
