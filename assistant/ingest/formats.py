"""Turn an article file of any supported format into plain text plus the metadata the file states."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import CorpusError

TEXT_SUFFIXES = (".txt", ".md")
# Each other format has its own module, imported only when a file of that format is read.
READERS = {".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}
SUFFIXES = TEXT_SUFFIXES + tuple(READERS)
PARAGRAPH_BREAK = "\n\n"
STATED = ("title", "outlet", "author", "date", "url")  # metadata a file format can state
# Control characters are no text: some PDF generators leave NULs between the glyphs of two-byte fonts.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Extracted:
    """A file's article text (one paragraph per line, blank lines between) and what the file says about it."""

    text: str
    stated: dict[str, str] = field(default_factory=dict)  # title, outlet, author, date (ISO), url
    pages: tuple[int, ...] = ()  # PDFs: the offset in text at which each page starts


def extract(suffix: str, data: bytes) -> Extracted:
    """The article in a non-text file's bytes, or CorpusError with a one-line reason to skip it."""
    reader = READERS.get(suffix.lower())
    if reader is None:
        raise CorpusError(f"skipped, {suffix or 'no'} extension is not a supported format")
    if not data.strip():
        raise CorpusError("skipped, empty file")
    from importlib import import_module

    module = import_module(f".{reader}", __package__)
    with quiet(module.LOGGERS):
        return module.extract(data)


def assemble(pages: Sequence[Sequence[str]], stated: dict[str, str | None], paged: bool = False) -> Extracted:
    """Join the paragraphs of each page into one text, with the stated title first when the text
    does not open with it (cleaning takes the first line as the title, so no paragraph is lost).

    Whitespace inside a paragraph becomes single spaces: each paragraph is one line. paged: record
    where each page starts (PDFs).
    """
    kept = {k: " ".join(v.split()) for k, v in stated.items() if k in STATED and isinstance(v, str) and v.strip()}
    paragraphs = [[" ".join(CONTROL.sub("", p).split()) for p in page] for page in pages]
    paragraphs = [[p for p in page if p] for page in paragraphs]
    if not any(paragraphs):
        raise CorpusError("skipped, no text found in the file")
    title = kept.get("title")
    first = next(p for page in paragraphs for p in page)
    if title and first.casefold() != title.casefold():
        paragraphs[0] = [title, *paragraphs[0]]
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for page in paragraphs:
        if page and parts:
            parts.append(PARAGRAPH_BREAK)
            pos += len(PARAGRAPH_BREAK)
        starts.append(pos)
        text = PARAGRAPH_BREAK.join(page)
        parts.append(text)
        pos += len(text)
    return Extracted("".join(parts), kept, tuple(starts) if paged else ())


@contextmanager
def quiet(loggers: Sequence[str]) -> Iterator[None]:
    """Silence a parser library's log and warning chatter: a bad file becomes one warning line, not many."""
    saved = [(logging.getLogger(name), logging.getLogger(name).level) for name in loggers]
    for logger, _ in saved:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in saved:
            logger.setLevel(level)
