"""The facade: one class that builds, loads and asks. The CLI and the web app call only this."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from .config import DEFAULT_INDEX, DEFAULT_K, MAX_K
from .encoders import DEFAULT_ENCODER, Encoder, canonical_name, load_encoder
from .errors import IndexUnusableError, InputError
from .index import build as builder
from .index import store
from .language import language_of
from .question import clean_question
from .quote import cite
from .records import Answer, Article, Filters
from .scope import covered
from .search import retrieve
from .timing import Stopwatch, stage

Progress = Callable[[str, int, int], None]


class Assistant:
    """Grounded question answering over an index of news articles."""

    def __init__(
        self,
        index_dir: str | Path = DEFAULT_INDEX,
        encoder: str | None = None,
        auto_rebuild: bool = True,
        notify: Callable[[str], None] | None = None,
        build_from: str | Path | None = None,
        progress: Progress | None = None,
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
    def build(self, corpus: str | Path, progress: Progress | None = None) -> builder.BuildReport:
        """(Re)build the index from a corpus folder and switch to it."""
        return builder.build(Path(corpus), self.index_dir, self.encoder, progress)

    def rebuild_reason(self, corpus: str | Path) -> str | None:
        """Why the index needs building from corpus (missing, unusable, other encoder or corpus, stale), or None."""
        try:
            manifest = store.read_manifest(self.index_dir)
        except IndexUnusableError as exc:
            return str(exc).split(";")[0]
        if manifest.encoder != self.encoder_name:
            return f"the index was built with encoder {manifest.encoder!r}"
        if Path(manifest.corpus) != Path(corpus).resolve():
            return f"the index was built from {manifest.corpus}"
        if builder.is_stale(manifest):
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
            builder.build(self.build_from, self.index_dir, self.encoder, self.progress)
        manifest = store.read_manifest(self.index_dir)
        if manifest.encoder != self.encoder_name:
            raise IndexUnusableError(
                f"the index in {self.index_dir} was built with encoder {manifest.encoder!r}, not "
                f"{self.encoder_name!r}; rebuild with: assistant index --encoder {self.encoder_name}"
            )
        if self.auto_rebuild and builder.is_stale(manifest):
            self.notify(f"the articles changed since the index was built; rebuilding from {manifest.corpus}")
            builder.build(Path(manifest.corpus), self.index_dir, self.encoder, self.progress)
        return store.Index.open(self.index_dir)

    def articles(self) -> list[Article]:
        return list(self.index.articles)

    def article(self, source: str) -> Article:
        article = self.index.article(source)
        if article is None:
            raise InputError(f"no article named {source!r} in the index")
        return article

    # ---- asking ---------------------------------------------------------------------------
    def ask(
        self, question: str, k: int = DEFAULT_K, filters: Filters | None = None, watch: Stopwatch | None = None
    ) -> Answer:
        """The passages that answer question, each with its quote and citation.

        watch: a Stopwatch that receives the time spent in each stage (benchmarks).
        """
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise InputError(f"k must be a whole number from 1 to {MAX_K}")
        text, notice = clean_question(question)
        index = self.index
        language = language_of(text)
        with stage(watch, "encoding"):
            qvec, translations = index.bridge.encode(self.encoder, text, language)
        allowed = None
        if filters:
            allowed = index.passages_of_articles([i for i, a in enumerate(index.articles) if filters.admits(a)])
        hits = retrieve(index, qvec, text, language, candidates=max(50, 5 * k), allowed=allowed,
                        translations=translations, watch=watch)
        with stage(watch, "quote selection"):
            citations = cite(index, hits[:k], qvec, text)
        with stage(watch, "decline check"):
            answered = covered(text, hits, index.names, index.korean_text)
        return Answer(text, answered, tuple(citations), notice)

    def ask_many(self, questions: Iterable[str], k: int = DEFAULT_K) -> Iterable[Answer]:
        for question in questions:
            yield self.ask(question, k)
