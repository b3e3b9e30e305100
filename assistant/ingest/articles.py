"""Turn raw files into Article records: cleaned paragraphs with offsets, plus metadata."""

from __future__ import annotations

from bisect import bisect_right

from ..records import Article, Paragraph
from .clean import clean
from .formats import TEXT_SUFFIXES
from .load import RawDoc
from .meta import extract

PARAGRAPH_SEP = "\n\n"


class LineCounter:
    """1-based line numbers of increasing offsets into a text, counted once through it."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def line_of(self, offset: int) -> int:
        if offset < self.offset:  # out of order: count from the start again
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def build_article(doc: RawDoc) -> Article | None:
    """The cleaned article, or None when nothing but boilerplate is left."""
    cleaned = clean(doc.text)
    if not cleaned.body:
        return None
    meta = extract(cleaned, doc.sidecar, doc.stated)
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    pos = 0
    lines = LineCounter(doc.text) if doc.source.lower().endswith(TEXT_SUFFIXES) else None
    for number, line in enumerate(cleaned.body, start=1):
        if parts:
            parts.append(PARAGRAPH_SEP)
            pos += len(PARAGRAPH_SEP)
        page = bisect_right(doc.pages, line.start) if doc.pages else None
        paragraphs.append(Paragraph(number, pos, pos + len(line.text), line.start, line.end, page,
                                    lines.line_of(line.start) if lines else None))
        parts.append(line.text)
        pos += len(line.text)
    return Article(
        source=doc.source,
        title=meta.title,
        text="".join(parts),
        paragraphs=tuple(paragraphs),
        outlet=meta.outlet,
        author=meta.author,
        date=meta.date,
        language=meta.language,
        content_hash=doc.content_hash,
        url=meta.url,
    )

