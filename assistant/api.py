"""The facade: one class that builds, loads and asks. The CLI and the web app call only this."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise
from pathlib import Path

import numpy as np

from .config import DEFAULT_INDEX, DEFAULT_K, MAX_K
from .conversation import Turn, asked_before, resolve
from .encoders import DEFAULT_ENCODER, Encoder, canonical_name, load_encoder
from .errors import AssistantError, CorpusError, IndexFormatError, IndexUnusableError, InputError
from .fuse import LEXICAL_WEIGHT, diversify, scale_of
from .index import build as builder
from .index import store
from .index.milvus import MilvusTarget, StaleBuildError
from .intent import Intent, intent_of, small_talk
from .language import language_of
from .learned import load_model
from .names import known_name
from .question import clean_history, clean_question
from .quote import cite
from .records import Answer, Article, Filters, Hit
from .rerank import CANDIDATES, FEATURES, MODEL, question_terms, rerank, rerank_scored
from .scope import decide, names_only
from .search import dense_scores, retrieve
from .signals import NameKeys, name_overlap
from .terms import analyze, tokenize
from .timing import Stopwatch, stage

Progress = Callable[[str, int, int], None]
# Passages of one article beyond its first two have their score multiplied by this (once per extra
# passage), so other articles come first only when they are nearly as good (benchmarks/train_ranker.py).
DIVERSITY_DECAY = 0.7
# A follow-up's vector: its own plus this share of the context's (benchmarks/questions, follow-ups).
CONTEXT_WEIGHT = 0.35
# A focused follow-up's hits from other articles score at most this share of its article's last hit.
RELATED_SHARE = 0.5
# A summary question's candidates hold the leads of the articles of this many first hits.
LEAD_ARTICLES = 10
# A follow-up keeps to the article that answered the earlier question only when that answer was clear:
# when another article's best passage scores at least this share of the first's (re-ranked relative
# weights), the conversation has not chosen between them (tune sets' follow-ups: 0.1-0.2 best).
FOCUS_MARGIN = 0.2


@dataclass(frozen=True)
class Candidates:
    """A question ready to rank: its searched text, language, vector, translations, intent and fused hits."""

    index: store.Index
    text: str
    language: str
    qvec: np.ndarray
    translations: list[str]
    intent: Intent
    names: NameKeys
    hits: list[Hit]
    followup: bool = False  # read together with the conversation before it
    focus: int | None = None  # the article (row) the question is about: a follow-up's, or its author's
    own_vec: np.ndarray | None = None  # a follow-up's own vector, without the conversation's
    by_author: bool = False  # the focus is the article whose author the question names

    @cached_property
    def asks_who_is(self) -> bool:
        """The question is nothing but names ("홍기월", "Lim Kinam?"): who or what they are."""
        return names_only(self.text, self.names)

    @property
    def focus_vec(self) -> np.ndarray:
        """The vector that ranks and quotes the focus article's passages: the question's own words."""
        return self.qvec if self.own_vec is None else self.own_vec

    def ranking(self) -> tuple[list[Hit], float]:
        """The hits re-ranked, best first, and the re-ranker's own score of the first (see Assistant.ask).

        A question about one article (a follow-up's, or its author's) ranks that article's passages by
        the question's own words (the conversation or the byline already chose the article) and puts
        the other articles' after them, as related reading. Otherwise no article fills the list while
        others have answers nearly as good.
        """
        index = self.index

        terms = question_terms(index, self.text, self.language)

        def ranked(hits: list[Hit], qvec: np.ndarray) -> tuple[list[Hit], float]:
            return rerank_scored(index, hits, qvec, self.names, self.intent, terms)

        if self.focus is None:
            ranking, top = ranked(self.hits, self.qvec)
            hits = diversify(ranking, index.article_row, decay=DIVERSITY_DECAY)
            return (_introduction_first(index, hits, self.names) if self.asks_who_is else hits), top
        inside = [h for h in self.hits if index.article_row(h.passage_id) == self.focus]
        outside = [h for h in self.hits if index.article_row(h.passage_id) != self.focus]
        inside, top = ranked(inside, self.focus_vec)
        floor = inside[-1].score * RELATED_SHARE if inside else 1.0
        others, top_outside = ranked(outside, self.qvec)
        return inside + [h.rescored(h.score * floor) for h in others], top if inside else top_outside


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
        self._ahead_of: str | None = None  # current's target when a Milvus alias moved this process past it
        self._encoder: Encoder | None = None
        self._lock = threading.Lock()

    # ---- building -------------------------------------------------------------------------
    def build(self, corpus: str | Path, progress: Progress | None = None,
              milvus: MilvusTarget | None = None) -> builder.BuildReport:
        """(Re)build the index from a corpus folder and switch to it.

        milvus: search on Milvus from now on (None keeps the index's backend: local files unless it was Milvus).
        """
        return builder.build(Path(corpus), self.index_dir, self.encoder, progress, milvus)

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
            if self._index is None or target not in (self._loaded_target, self._ahead_of):
                fresh = self._open()
                self._index, self._loaded_target = fresh, store.current_target(self.index_dir)
                self._ahead_of = None
            return self._index

    def _follow(self, build: str) -> store.Index:
        """Load the build a Milvus alias now points at (a rebuild switched it before moving current)."""
        with self._lock:
            path = self.index_dir / store.BUILDS / build
            if not path.is_dir():
                raise IndexUnusableError(f"Milvus serves build {build}, which is not in {self.index_dir}; every "
                                         f"server needs the same index folder (shared storage)")
            self._index = store.Index.open(path)
            self._ahead_of = store.current_target(self.index_dir)
            self._loaded_target = f"{store.BUILDS}/{build}"
            return self._index

    def _open(self) -> store.Index:
        if self.build_from and self.build_from.is_dir():
            if not store.exists(self.index_dir):
                self.notify(f"no index yet; building it from {self.build_from}")
                builder.build(self.build_from, self.index_dir, self.encoder, self.progress)
            else:
                try:
                    store.read_manifest(self.index_dir)
                except IndexFormatError:
                    self.notify(f"the index was written by another version; rebuilding it from {self.build_from}")
                    builder.build(self.build_from, self.index_dir, self.encoder, self.progress)
        manifest = store.read_manifest(self.index_dir)
        if manifest.encoder != self.encoder_name:
            raise IndexUnusableError(
                f"the index in {self.index_dir} was built with encoder {manifest.encoder!r}, not "
                f"{self.encoder_name!r}; rebuild with: assistant index --encoder {self.encoder_name}"
            )
        if self.auto_rebuild and builder.is_stale(manifest):
            self.notify(f"the articles changed since the index was built; rebuilding from {manifest.corpus}")
            try:
                builder.build(Path(manifest.corpus), self.index_dir, self.encoder, self.progress)
            except CorpusError as exc:  # the build is left as it was: answer from it, and say why
                self.notify(f"could not rebuild ({exc}); answering from the index built before")
        return store.Index.open(self.index_dir)

    def articles(self) -> list[Article]:
        return list(self.index.articles)

    def corpus_status(self, corpus: str | Path | None = None) -> list[dict]:
        """Every article file of the corpus with its status in the current index: indexed, duplicate
        (detail: the copy that is cited), skipped (detail: why), or pending (added since the build)."""
        from .ingest.load import corpus_files

        index = self.index
        folder = Path(corpus) if corpus else Path(index.manifest.corpus)
        report = index.corpus_report["files"]
        try:
            present = [p.relative_to(folder).as_posix() for p in corpus_files(folder)]
        except AssistantError:
            present = []
        out = []
        for source in sorted(set(present) | set(report)):
            entry = report.get(source, {"status": "pending", "detail": None})
            if source not in present:
                entry = {"status": "removed", "detail": None}
            article = index.article(source)
            meta = article.meta() | {"url": article.url} if article else {"source": source}
            out.append({"source": source, "status": entry["status"], "detail": entry.get("detail"),
                        **{k: meta.get(k) for k in ("title", "outlet", "author", "date", "url")}})
        return out

    def article(self, source: str) -> Article:
        article = self.index.article(source)
        if article is None:
            raise InputError(f"no article named {source!r} in the index")
        return article

    # ---- asking ---------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        k: int = DEFAULT_K,
        filters: Filters | None = None,
        watch: Stopwatch | None = None,
        history: Sequence[str] | None = None,
    ) -> Answer:
        """The passages that answer question, each with its quote and citation.

        history: the conversation's earlier questions, oldest first; a follow-up is read with them.
        watch: a Stopwatch that receives the time spent in each stage (benchmarks).
        """
        if not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise InputError(f"k must be a whole number from 1 to {MAX_K}")
        asked, notice = clean_question(question)
        found = self.candidates(asked, history, filters, max(50, 5 * k), watch)
        index, text = found.index, found.text
        with stage(watch, "re-ranking"):
            hits, top_score = found.ranking()
        # A question naming an article's author is answered by that article's byline.
        with stage(watch, "decline check"):  # a greeting asks nothing of the articles
            answered = not small_talk(asked) and (found.by_author or decide(
                text, hits, index, found.qvec, found.names, found.intent, found.translations, top_score,
                followup=found.followup))
        with stage(watch, "quote selection"):
            citations = cite(index, hits[:k], found.qvec if found.focus is None else found.focus_vec, text,
                             found.intent, answered, found.names if found.asks_who_is else None)
        # A question about the article itself (who wrote it, where, when), or naming its author, is
        # answered by its byline.
        byline = None
        top = index.article(citations[0].source) if answered and citations else None
        if top and (found.intent.wants("meta") or found.by_author):
            byline = {key: value for key, value in top.meta().items() if key != "language"}
        return Answer(asked, answered, tuple(citations), notice, resolved_question=text if text != asked else None,
                      byline=byline)

    def candidates(
        self,
        question: str,
        history: Sequence[str] | None = None,
        filters: Filters | None = None,
        n: int = 50,
        watch: Stopwatch | None = None,
    ) -> Candidates:
        """The question read with its conversation, encoded, and its fused candidate passages (not re-ranked)."""
        try:
            return self._candidates(self.index, question, history, filters, n, watch)
        except StaleBuildError as stale:  # Milvus moved to a newer build mid-way: read it all from that build
            return self._candidates(self._follow(stale.build), question, history, filters, n, watch)

    def _candidates(self, index: store.Index, question: str, history: Sequence[str] | None, filters: Filters | None,
                    n: int, watch: Stopwatch | None) -> Candidates:
        turn = resolve(clean_question(question)[0], clean_history(history), index.names,
                       lambda asked: _foreign(index, self.encoder, asked))
        text = turn.text
        language = language_of(text)
        intent = intent_of(turn.question)
        with stage(watch, "encoding"):
            qvec, translations = index.bridge.encode(self.encoder, turn.question, language_of(turn.question))
            own_vec, own_translations = qvec, translations
            if turn.context:
                context_vec, context_translations = index.bridge.encode(self.encoder, turn.context,
                                                                        language_of(turn.context))
                qvec = qvec + CONTEXT_WEIGHT * context_vec
                qvec = qvec / max(float(np.linalg.norm(qvec)), 1e-9)
                translations = translations + context_translations
                if not intent.kinds:  # "그럼 작년엔?" asks what the earlier question asked; its own list item stays
                    intent = asked_before(turn, intent)
        allowed = None
        if filters:
            allowed = index.passages_of_articles([i for i, a in enumerate(index.articles) if filters.admits(a)])
        hits = retrieve(index, qvec, text, language, candidates=n, allowed=allowed, translations=translations,
                        watch=watch, filters=filters)
        if intent.wants("summary"):
            hits = _with_leads(index, hits, qvec, allowed)
        focus = None
        if turn.context:
            with stage(watch, "follow-up"):
                focus = _focus(index, turn, context_vec, context_translations, n, allowed, filters)
        authored = [] if focus is not None else index.authored_by(turn.question)
        if filters:
            authored = [row for row in authored if filters.admits(index.articles[row])]
        if authored:  # "Who is Kim Jang-gi?": the article by that author (the best matching one)
            best = next((h for h in hits if index.article_row(h.passage_id) in authored), None)
            focus = index.article_row(best.passage_id) if best else authored[0]
        wordless = bool(turn.context) and not tokenize(turn.question)  # "어디어디?", "왜?": nothing to rank by
        if wordless:
            own_vec, own_translations = qvec, translations
        if focus is not None:  # the article's passages searched by the question's own words
            scope = index.passages_of_articles([focus])
            if allowed is not None:
                scope = np.intersect1d(scope, allowed)
            words = text if wordless else turn.question
            inside = retrieve(index, own_vec, words, language_of(words), candidates=n,
                              allowed=scope, translations=own_translations, filters=filters)
            seen = {h.passage_id for h in inside}
            hits = inside + [h for h in hits if h.passage_id not in seen]
        return Candidates(index, text, language, qvec, translations, intent, index.names_in(text), hits,
                          followup=turn.context is not None, focus=focus, own_vec=own_vec, by_author=bool(authored))

    def ask_many(self, questions: Iterable[str], k: int = DEFAULT_K) -> Iterable[Answer]:
        for question in questions:
            yield self.ask(question, k)


def _foreign(index: store.Index, encoder: Encoder, question: str) -> bool:
    """The question's own nouns are all words no article uses, and none translates into one
    ("김치찌개 어떻게 끓여", "weather tomorrow?"): it asks about something else, not about what the
    conversation was on. Korean nouns of 하다 verbs ("시작해?") ask for an action, not a topic; an
    English question needs two such words, since one alone ("How much?", "Who pays?") is as often an
    adverb or a verb the articles word differently."""
    language = language_of(question)
    _, translations = index.bridge.encode(encoder, question, language)  # names and translated terms
    nouns = index.bridge.own_terms(question, language)
    if language == "ko":
        morphemes = analyze(question)
        verbal = {form for (form, _), (_, after) in pairwise(morphemes) if after in ("XSV", "XSA")}
        nouns = [n for n in nouns if n not in verbal]
    elif len(nouns) < 2:
        return False
    return bool(nouns) and not translations and not any(index.lexical.knows(t) for t in nouns)


def _introduction_first(index: store.Index, hits: list[Hit], names: NameKeys) -> list[Hit]:
    """For a question of names alone, the body passage of the first hit's article that mentions them first:
    a news story introduces a person or an organisation at its first mention ("Hong Giwol, a member
    of the Gwangju City Council (Democratic Party of Korea, ...)")."""
    if not hits:
        return hits
    row = index.article_row(hits[0].passage_id)
    first = next((int(p) for p in index.passages_of_article(row) if not index.signals(int(p)).heading
                  and name_overlap(names, index.passage_text(int(p)), index.signals(int(p)).words) > 0), None)
    at = next((i for i, h in enumerate(hits) if h.passage_id == first), None)
    if not at:  # already first, or not among the hits
        return hits
    return [hits[at].rescored(hits[0].score), *hits[:at], *hits[at + 1 :]]


def _with_leads(index: store.Index, hits: list[Hit], qvec: np.ndarray, allowed: np.ndarray | None) -> list[Hit]:
    """A summary question's candidates with the lead of each article among the first ones: an article's
    gist is in its lead, which may share no word with "요약해줘" or "tl;dr" (scored by its similarity,
    with no lexical evidence)."""
    rows = list(dict.fromkeys(index.article_row(h.passage_id) for h in hits[:LEAD_ARTICLES]))
    head = {h.passage_id for h in hits[:CANDIDATES]}
    leads = [pid for pid in (index.lead_of(row) for row in rows) if pid is not None and pid not in head
             and (allowed is None or pid in allowed)]
    if not leads:
        return hits
    found = {h.passage_id: h for h in hits[CANDIDATES:] if h.passage_id in leads}  # further down: moved up
    top_dense = scale_of(max((h.dense or 0.0 for h in hits), default=0.0))
    dense = dense_scores(index, qvec, [pid for pid in leads if pid not in found])
    added = [found.get(pid) or Hit(pid, (1 - LEXICAL_WEIGHT) * dense[pid] / top_dense, dense[pid], None)
             for pid in leads]
    rest = [h for h in hits if h.passage_id not in found]
    cut = CANDIDATES - len(added)
    return sorted(rest[:cut] + added, key=lambda h: -h.score) + rest[cut:]


def _focus(index: store.Index, turn: Turn, context_vec: np.ndarray, context_translations: list[str], n: int,
           allowed: np.ndarray | None, filters: Filters | None) -> int | None:
    """The article a follow-up's conversation is about: the best answer to its context, unless another
    article answers the context nearly as well (FOCUS_MARGIN), or the question names something that
    article does not mention (it moved on: "And what about Wonju?")."""
    language = language_of(turn.context)
    hits = retrieve(index, context_vec, turn.context, language, candidates=n, allowed=allowed,
                    translations=context_translations, filters=filters)
    hits = rerank(index, hits, context_vec, index.names_in(turn.context), intent_of(turn.context),
                  question_terms(index, turn.context, language))
    if not hits:
        return None
    row = index.article_row(hits[0].passage_id)
    # relative weights after re-ranking, not fused scores
    reranked = hits[1:CANDIDATES] if load_model(MODEL, FEATURES) is not None else []
    if next((h.score for h in reranked if index.article_row(h.passage_id) != row), 0.0) >= FOCUS_MARGIN:
        return None
    # Only a name another article mentions moves the conversation on: one no article mentions (a
    # ministry's abbreviation, 과기부, that the English story spells out) says nothing of where to go.
    names = _mentioned(index, index.names_in(turn.question))
    article = index.articles[row]
    if names and name_overlap(names, article.title + "\n" + article.text, index.article_words(row)) < 1.0:
        return None
    return row


def _mentioned(index: store.Index, names: NameKeys) -> NameKeys:
    """The names some article of the index mentions."""
    known = [(name, spellings) for name, spellings in names.korean if known_name(name, index.names, index.korean_text)]
    latin = frozenset(key for key in names.latin if known_name(key, index.names, index.korean_text))
    return replace(names, korean=tuple(known), latin=latin)
