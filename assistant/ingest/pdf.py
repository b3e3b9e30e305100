"""PDFs: text per page with pypdf, lines joined into paragraphs by their spacing; title and date from the metadata."""

from __future__ import annotations

import io
import re
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from itertools import pairwise

from ..errors import CorpusError
from .formats import Extracted, assemble

LOGGERS = ("pypdf",)
# A vertical gap this many times the page's usual line spacing, or a change of font size (a heading),
# starts a new paragraph; so does a line that ends a sentence well short of the page's longest line.
# Spacing is measured in font sizes, so small print (captions, notes) does not set the scale for body text;
# the usual spacing is the lower quartile, as a page may hold as many paragraph gaps as line breaks.
PARAGRAPH_GAP = 1.4
# More than this many font sizes between two lines is a paragraph break whatever the page's spacing: single
# and one-and-a-half line spacing stay below it (a page of one-line paragraphs has no other sign). Double-spaced
# text is cut at every line.
WIDE_GAP = 2.0
SIZE_CHANGE = 1.0  # points
SHORT_LINE = 0.7
SENTENCE_END = re.compile(r"[.!?。:다][\"'”’)\]]*$")
EDGE_LINES = 2  # lines at the top and at the bottom of a page where headers, footers and page numbers sit
PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*쪽)?$", re.IGNORECASE)
# Titles that word processors write for the user: the file name, not the article's title.
MACHINE_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint) - .*|untitled.*|document\d*|.*\.(?:docx?|pdf|rtf|odt|hwpx?|indd|txt))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Line:
    text: str
    y: float | None  # baseline height on the page (points from the bottom), when pypdf reports it
    size: float | None  # font size


def extract(data: bytes) -> Extracted:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _unlock(reader):
            raise CorpusError("skipped, encrypted PDF (it needs a password to open)")
        pages = drop_page_furniture([page_lines(page) for page in reader.pages])
        stated = document_meta(reader)
    except CorpusError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise CorpusError(f"skipped, not a readable PDF ({exc.__class__.__name__})") from None
    paragraphs = [paragraphs_of(lines) for lines in pages]
    if not any(paragraphs):
        raise CorpusError("skipped, no text in the PDF (a scanned document needs OCR first)")
    return assemble(paragraphs, stated, paged=True)


def _unlock(reader) -> bool:
    """Open a PDF that is encrypted without a user password (restrictions only); False when one is needed."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def document_meta(reader) -> dict[str, str | None]:
    info = reader.metadata
    if info is None:
        return {}
    title = (info.title or "").strip()
    try:
        created = info.creation_date
    except Exception:  # a malformed date string
        created = None
    return {
        "title": title if title and not MACHINE_TITLE.match(title) else None,
        "date": created.date().isoformat() if created else None,
    }


def page_lines(page) -> list[Line]:
    """The page's text lines in pypdf's reading order, each with its height and font size."""
    lines: list[Line] = []
    pieces: list[str] = []
    where: list[float | None] = [None, None]

    def close() -> None:
        text = "".join(pieces).strip()
        if text:
            lines.append(Line(text, where[0], where[1]))
        pieces.clear()
        where[:] = [None, None]

    def visit(text, cm, tm, font, size) -> None:
        for i, piece in enumerate(text.split("\n")):
            if i:
                close()
            pieces.append(piece)
            if piece.strip() and where[0] is None:
                with suppress(TypeError, IndexError):  # no matrix for this piece: position unknown
                    where[:] = [tm[4] * cm[1] + tm[5] * cm[3] + cm[5], abs(size * tm[3] * cm[3]) or size]

    page.extract_text(visitor_text=visit)
    close()
    return lines


def drop_page_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Remove page numbers and running headers and footers from the top and bottom of each page.

    A running line is one of the EDGE_LINES first or last lines that recurs (digits aside) on half
    the pages or more.
    """

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", line.text.casefold())

    edges = Counter(k for lines in pages for k in {key(ln) for ln in lines[:EDGE_LINES] + lines[-EDGE_LINES:]})
    running = {k for k, n in edges.items() if n >= max(2, (len(pages) + 1) // 2)} if len(pages) > 1 else set()

    def furniture(line: Line) -> bool:
        return bool(PAGE_NUMBER.match(line.text)) or key(line) in running

    out = []
    for lines in pages:
        lo, hi = 0, len(lines)
        while lo < min(hi, EDGE_LINES) and furniture(lines[lo]):
            lo += 1
        while hi > max(lo, len(lines) - EDGE_LINES) and furniture(lines[hi - 1]):
            hi -= 1
        out.append(lines[lo:hi])
    return out


def paragraphs_of(lines: list[Line]) -> list[str]:
    """Join a page's lines into paragraphs."""
    gaps = sorted(filter(None, (advance(a, b) for a, b in pairwise(lines))))
    spacing = gaps[len(gaps) // 4] if gaps else None
    longest = max((len(line.text) for line in lines), default=0)
    paragraphs: list[str] = []
    prev: Line | None = None
    for line in lines:
        if prev is None or starts_paragraph(prev, line, spacing, longest):
            paragraphs.append(line.text)
        elif paragraphs[-1].endswith("-") and line.text[:1].islower():
            paragraphs[-1] += line.text  # a word broken at the hyphen: keep the hyphen, drop the break
        else:
            paragraphs[-1] += " " + line.text
        prev = line
    return paragraphs


def advance(prev: Line, line: Line) -> float | None:
    """How far down the page line sits below prev, in font sizes (None: unknown, or not below)."""
    if prev.y is None or line.y is None or prev.y <= line.y:
        return None
    return (prev.y - line.y) / (line.size or 1.0)


def starts_paragraph(prev: Line, line: Line, spacing: float | None, longest: int) -> bool:
    if prev.y is not None and line.y is not None:
        gap = advance(prev, line)
        if gap is None or gap > WIDE_GAP or (spacing and gap > PARAGRAPH_GAP * spacing):
            return True  # more space than between lines, or a jump up to the next column
    if prev.size and line.size and abs(prev.size - line.size) > SIZE_CHANGE:
        return True
    return len(prev.text) < SHORT_LINE * longest and bool(SENTENCE_END.search(prev.text))
