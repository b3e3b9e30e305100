"""Saved news pages (.html/.htm): main text and metadata with trafilatura; menus, links, comments, footers left out."""

from __future__ import annotations

import re

from ..errors import CorpusError
from .formats import Extracted, assemble

LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")
# Dates from the page's markup only (meta tags, <time>, the URL): a search through the text would turn a
# copyright year into January 1st. meta.py still reads labelled dates ("입력 2024.05.17") from the text.
DATE_PARAMS = {"extensive_search": False, "original_date": True}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def extract(data: bytes) -> Extracted:
    import trafilatura

    try:
        page: str | bytes = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        page = data  # another charset: trafilatura reads the page's own declaration
    try:
        doc = trafilatura.bare_extraction(
            page, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
            include_links=False, date_extraction_params=DATE_PARAMS,
        )
    except Exception as exc:  # lxml and the date parser fail in their own ways on broken markup
        raise CorpusError(f"skipped, not a readable HTML page ({exc.__class__.__name__})") from None
    if doc is None or not (doc.text or "").strip():
        raise CorpusError("skipped, no article text found in the page")
    date = doc.date if doc.date and ISO_DATE.match(doc.date) else None
    stated = {"title": doc.title, "outlet": doc.sitename, "author": doc.author, "date": date, "url": doc.url}
    return assemble([doc.text.split("\n")], stated)
