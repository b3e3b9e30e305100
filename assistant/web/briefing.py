"""A briefing basket of quotes with notes, exported as Markdown or Word with footnote-style citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ..records import Citation
from .i18n import paragraphs, t


@dataclass(frozen=True)
class BriefingItem:
    quote: str
    source: str
    title: str
    outlet: str | None
    author: str | None
    date: str | None
    paragraph: int
    question: str = ""
    note: str = ""
    page: int | None = None  # PDF page of the quote
    url: str | None = None
    paragraph_end: int | None = None  # the paragraph the quote ends in, when it runs on past the first
    line: int | None = None  # the file's line the quote starts on (.txt and .md)

    @classmethod
    def from_citation(cls, citation: Citation | dict, question: str = "") -> BriefingItem:
        c = citation if isinstance(citation, dict) else citation.to_dict()
        return cls(c["quote"], c["source"], c["title"], c.get("outlet"), c.get("author"), c.get("date"),
                   int(c["paragraph"]), question, page=c.get("page"), url=c.get("url"),
                   paragraph_end=c.get("paragraph_end"), line=c.get("line"))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> BriefingItem:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__ if k in data})

    def reference(self, language: str = "en") -> str:
        """One footnote line: title, outlet, author, date ("n.d." when unknown), paragraph, page (PDFs), file
        and its line (.txt, .md), web address."""
        para = paragraphs(language, self.paragraph, self.paragraph_end)
        page = t("page", language, n=self.page) if self.page is not None else None
        # Quotation marks around the title, unless it has its own (Gwangju “The era of AI ... begun”).
        quoted = any(mark in self.title for mark in "\"“”") or self.title[:1] in "'‘"
        title = self.title if quoted else f"“{self.title}”"
        date = self.date or t("undated", language)
        where = f"{self.source} ({t('file_line', language, n=self.line)})" if self.line is not None else self.source
        parts = [title, self.outlet, self.author, date, para, page, where, self.url]
        return ", ".join(p for p in parts if p)


def add(items: list[BriefingItem], item: BriefingItem) -> list[BriefingItem]:
    """Append unless the same quote from the same article is already there."""
    if any(i.quote == item.quote and i.source == item.source for i in items):
        return list(items)
    return [*items, item]


def move(items: list[BriefingItem], index: int, delta: int) -> list[BriefingItem]:
    items = list(items)
    target = index + delta
    if 0 <= index < len(items) and 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


def remove(items: list[BriefingItem], index: int) -> list[BriefingItem]:
    return [item for i, item in enumerate(items) if i != index]


def set_note(items: list[BriefingItem], index: int, note: str) -> list[BriefingItem]:
    return [replace(item, note=note.strip()) if i == index else item for i, item in enumerate(items)]


def heading(language: str) -> tuple[str, str, str]:
    """The document's title, the label of a note, and the heading of the sources."""
    return t("briefing_title", language), t("note", language), t("sources", language)


def _inert(text: str) -> str:
    """Markdown viewers render raw HTML: an article's '<script>' must stay text."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def to_markdown(items: list[BriefingItem], language: str = "en") -> str:
    title, note_label, sources = heading(language)
    lines = [f"# {title}", ""]
    for n, item in enumerate(items, start=1):
        quote = _inert(item.quote) + f"[^{n}]"
        lines.extend(f"> {line}".rstrip() for line in quote.split("\n"))
        if item.note:
            lines += ["", f"*{note_label}:* {_inert(item.note)}"]
        lines.append("")
    lines += [f"## {sources}", ""]
    lines += [f"[^{n}]: {_inert(item.reference(language))}" for n, item in enumerate(items, start=1)]
    return "\n".join(lines) + "\n"


def to_docx(items: list[BriefingItem], path: Path, language: str = "en") -> Path:
    """A Word document: each quote with a superscript footnote number, notes, then the sources."""
    from docx import Document
    from docx.shared import Pt

    title, note_label, sources = heading(language)
    doc = Document()
    # The template's own properties (author "python-docx", created 2013) would be this file's otherwise.
    props = doc.core_properties
    now = datetime.now(UTC).replace(microsecond=0)
    props.title, props.author, props.last_modified_by, props.comments = title, "", "", ""
    props.created = props.modified = now
    props.revision = 1
    doc.add_heading(title, level=1)
    for n, item in enumerate(items, start=1):
        para = doc.add_paragraph(style="Quote")
        para.add_run(item.quote)
        marker = para.add_run(str(n))
        marker.font.superscript = True
        if item.note:
            note = doc.add_paragraph()
            note.add_run(f"{note_label}: ").bold = True
            note.add_run(item.note)
    doc.add_heading(sources, level=2)
    for n, item in enumerate(items, start=1):
        ref = doc.add_paragraph()
        run = ref.add_run(f"{n}. {item.reference(language)}")
        run.font.size = Pt(9)
    doc.save(str(path))
    return path
