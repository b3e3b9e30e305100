"""Word documents (.docx): paragraphs, headings and table rows with python-docx; title from properties or a heading."""

from __future__ import annotations

import io

from ..errors import CorpusError
from .formats import Extracted, assemble

LOGGERS = ("docx",)
HEADING_STYLES = ("title", "heading")


def extract(data: bytes) -> Extracted:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
        paragraphs = [text for block in blocks for text in block_texts(block)]
        headings = [b.text for b in blocks if hasattr(b, "style") and is_heading(b) and b.text.strip()]
        title = (document.core_properties.title or "").strip()
    except Exception as exc:  # python-docx raises zip, XML and package errors on damaged files
        raise CorpusError(f"skipped, not a readable Word document ({exc.__class__.__name__})") from None
    if not any(p.strip() for p in paragraphs):
        raise CorpusError("skipped, no text in the Word document")
    return assemble([paragraphs], {"title": title or (headings[0] if headings else None)})


def is_heading(paragraph) -> bool:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return name.casefold().startswith(HEADING_STYLES)


def block_texts(block) -> list[str]:
    """A paragraph's text, or one line per table row with its distinct cells separated by ' | '."""
    if not hasattr(block, "rows"):
        return [block.text]
    rows = []
    for row in block.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows
