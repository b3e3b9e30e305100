"""Typed records shared by every stage: articles, passages, hits, citations, answers, filters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Paragraph:
    """One kept paragraph: its span in the cleaned article text and in the file's extracted text."""

    number: int  # 1-based, in reading order of the cleaned article
    start: int  # offset into Article.text
    end: int
    raw_start: int  # offset into the file's extracted text (the file itself for .txt/.md)
    raw_end: int
    page: int | None = None  # 1-based PDF page the paragraph starts on; None for other formats
    # 1-based line of the file the paragraph starts on, for .txt and .md, where the file is the text: a
    # reader checks a quote in the file itself, whose menus and captions the paragraph numbers skip.
    line: int | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article: body text made of verbatim raw paragraphs, plus metadata."""

    source: str  # file name inside the corpus folder; what citations point to
    title: str
    text: str  # kept paragraphs joined by blank lines
    paragraphs: tuple[Paragraph, ...]
    outlet: str | None = None
    author: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    language: str = "en"
    content_hash: str = ""
    url: str | None = None  # where the article was published, when the file or its sidecar says

    def byline(self) -> str:
        """Author and outlet, as one line ("" when neither is known)."""
        return " ".join(filter(None, (self.author, self.outlet)))

    def meta(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "outlet": self.outlet,
            "author": self.author,
            "date": self.date,
            "language": self.language,
            "url": self.url,
        }

    def page_of(self, paragraph: int) -> int | None:
        """The PDF page a paragraph (1-based number) starts on, or None."""
        return next((p.page for p in self.paragraphs if p.number == paragraph), None)


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets into Article.text
    end: int
    paragraph: int


@dataclass(frozen=True)
class Passage:
    """A few consecutive sentences of one article; a verbatim span of Article.text."""

    id: int  # row in the index
    source: str
    start: int
    end: int
    paragraph: int  # paragraph number of the first sentence
    text: str
    sentences: tuple[Sentence, ...] = field(default=())


@dataclass(frozen=True)
class Hit:
    """A passage with its fused retrieval score and the per-retriever evidence."""

    passage_id: int
    score: float
    dense: float | None = None  # cosine similarity, when the dense retriever saw it
    lexical: float | None = None  # BM25 score, when the lexical retriever saw it

    def rescored(self, score: float) -> Hit:
        """The same hit with another score (a direct copy: dataclasses.replace costs 5 µs a hit)."""
        return Hit(self.passage_id, score, self.dense, self.lexical)


@dataclass(frozen=True)
class Citation:
    rank: int
    score: float  # fused relevance, 1.0 at best; citations are ordered by it
    source: str
    title: str
    outlet: str | None
    author: str | None
    date: str | None
    paragraph: int
    passage: str
    quote: str
    passage_start: int  # offsets into the cleaned article text
    passage_end: int
    quote_start: int
    quote_end: int
    language: str = "en"
    similarity: float = 0.0  # dense cosine similarity with the question
    answers: bool = True  # False: shown as related reading, not as an answer to the question
    page: int | None = None  # PDF page of the quote; None for other formats
    url: str | None = None  # the article's web address, when known
    # The same story elsewhere (near-duplicates indexed once): source, title, outlet, author, date, url.
    also_in: tuple[dict[str, Any], ...] = ()
    paragraph_end: int | None = None  # the paragraph the quote ends in (a quote may run on into the next)
    line: int | None = None  # the file's line the quote starts on (.txt and .md files)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["also_in"] = [dict(d) for d in self.also_in]
        return out


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    citations: tuple[Citation, ...]
    notice: str | None = None  # e.g. "question truncated"
    resolved_question: str | None = None  # what was searched, when a follow-up was read with the conversation
    # For a question about the article itself: its source, title, outlet, author and date.
    byline: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question,
            "answered": self.answered,
            "citations": [c.to_dict() for c in self.citations],
        }
        if self.notice:
            out["notice"] = self.notice
        if self.resolved_question:
            out["resolved_question"] = self.resolved_question
        if self.byline:
            out["byline"] = self.byline
        return out


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
