"""The staff corpus page's actions: upload, add by URL, list with status, edit metadata, remove. No Gradio here."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import AssistantError, CorpusError, InputError
from ..ingest.fetch import add_urls, write_atomic
from ..ingest.load import MAX_BYTES, corpus_files, read_sidecar, sidecar_path
from .i18n import t

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
MAX_UPLOAD_BYTES = MAX_BYTES  # the loader skips larger files anyway; refuse them at the door instead
MAX_NAME_CHARS = 100  # of the saved file name's stem: long enough for any headline slug
MAX_FIELD_CHARS = 500  # one metadata value; a title is never this long
MAX_URLS = 20  # per request: fetching is sequential and each page may take the full timeout
META_FIELDS = ("title", "outlet", "author", "date", "language", "url")
STATUSES = ("indexed", "duplicate", "skipped", "pending")
UNSAFE = re.compile(r"[^\w.-]+")  # \w keeps Korean and other letters; everything else becomes "-"


def safe_name(name: str, lang: str = "en") -> str:
    """A file name for an upload that cannot leave the folder: the base name, letters, digits, '.', '-', '_'."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in UPLOAD_SUFFIXES or base.lower().endswith(".meta.json"):
        raise InputError(t("bad_type", lang, name=base, types=", ".join(UPLOAD_SUFFIXES)))
    stem = UNSAFE.sub("-", stem).strip(".-_")[:MAX_NAME_CHARS].strip(".-_")
    return f"{stem or 'article'}{suffix}"


def article_path(corpus: Path, source: str, lang: str = "en") -> Path:
    """The file of an article named by its source; refuses anything outside corpus or not an article file."""
    root = corpus.resolve()
    path = (corpus / source).resolve()
    if (not source or not path.is_relative_to(root) or path == root or path.suffix.lower() not in UPLOAD_SUFFIXES
            or path.name.endswith(".meta.json")):
        raise InputError(t("bad_source", lang, name=source))
    return corpus / path.relative_to(root)


def _free_name(corpus: Path, name: str) -> Path:
    """name in corpus, or name-2, name-3 … when a file (or its sidecar) of that name exists already."""
    stem, suffix = name.rsplit(".", 1)
    path, n = corpus / name, 1
    while path.exists() or sidecar_path(path).exists():
        n += 1
        path = corpus / f"{stem}-{n}.{suffix}"
    return path


def upload(corpus: Path, files: list, lang: str = "en") -> list[str]:
    """Save uploaded files into corpus under safe, unused names. Returns one message per file.

    files: paths of the uploaded temporary files (their base names are the names the user chose), or
    (name, path) pairs.
    """
    corpus.mkdir(parents=True, exist_ok=True)
    messages = []
    for item in files or []:
        name, tmp = item if isinstance(item, tuple) else (Path(str(item)).name, item)
        try:
            safe = safe_name(name, lang)
            size = Path(tmp).stat().st_size
            if size > MAX_UPLOAD_BYTES:
                raise InputError(t("too_large", lang, name=name, mib=MAX_UPLOAD_BYTES // 2**20))
            if size == 0:
                raise InputError(t("empty_file", lang, name=name))
            target = _free_name(corpus, safe)
            write_atomic(target, Path(tmp).read_bytes())
            messages.append(t("uploaded", lang, name=target.name))
        except AssistantError as exc:
            messages.append(str(exc))
        except OSError as exc:
            messages.append(t("cannot_save", lang, name=name, reason=exc.strerror or exc.__class__.__name__))
    return messages


def add_pages(corpus: Path, text: str, lang: str = "en") -> list[str]:
    """Fetch the URLs in text (one per line or separated by spaces) into corpus. One message per URL."""
    urls = [u for u in re.split(r"\s+", text or "") if u]
    if not urls:
        raise InputError(t("no_urls", lang))
    if len(urls) > MAX_URLS:
        raise InputError(t("too_many_urls", lang, n=MAX_URLS))
    corpus.mkdir(parents=True, exist_ok=True)
    return [str(r) if isinstance(r, AssistantError) else t("added_url", lang, url=r.final_url, name=r.path.name)
            for r in add_urls(urls, corpus)]


def read_meta(corpus: Path, source: str, lang: str = "en") -> dict[str, str]:
    """The sidecar's values for the metadata fields ('' where it sets none)."""
    data, _ = read_sidecar(article_path(corpus, source, lang))
    return {k: str(data[k]) if isinstance(data.get(k), str | int | float) else "" for k in META_FIELDS}


def check_meta(values: dict[str, str], lang: str = "en") -> dict[str, str]:
    """The non-empty metadata values, stripped and validated; InputError names the first bad field."""
    out = {}
    for key in META_FIELDS:
        value = str(values.get(key) or "").strip()
        if not value:
            continue
        if len(value) > MAX_FIELD_CHARS or any(unicodedata.category(ch) == "Cc" for ch in value):
            raise InputError(t("bad_field", lang, field=key))
        if key == "date":
            try:
                ok = bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and dt.date.fromisoformat(value) is not None
            except ValueError:
                ok = False
            if not ok:
                raise InputError(t("bad_meta_date", lang))
        elif key == "language" and value not in ("ko", "en"):
            raise InputError(t("bad_language", lang))
        elif key == "url":
            parts = urlsplit(value)
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                raise InputError(t("bad_url", lang))
        out[key] = value
    return out


def save_meta(corpus: Path, source: str, values: dict[str, str], lang: str = "en") -> dict[str, str]:
    """Write the validated values to NAME.meta.json (fields left empty are removed; other keys kept)."""
    path = article_path(corpus, source, lang)
    if not path.is_file():
        raise InputError(t("bad_source", lang, name=source))
    clean = check_meta(values, lang)
    existing, _ = read_sidecar(path)
    data = {k: v for k, v in existing.items() if k not in META_FIELDS} | clean
    write_atomic(sidecar_path(path), (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return clean


def remove(corpus: Path, source: str, lang: str = "en") -> str:
    """Delete an article file and its sidecar."""
    path = article_path(corpus, source, lang)
    if not path.is_file():
        raise InputError(t("bad_source", lang, name=source))
    sidecar_path(path).unlink(missing_ok=True)
    path.unlink()
    return t("removed", lang, name=source)


def status(assistant, corpus: Path) -> list[dict]:
    """Every article file in corpus with its status and metadata, sorted by source.

    Uses Assistant.corpus_status() where it exists (its rows are what the last build did with each
    file); otherwise a file whose article is in the index is "indexed". Files that arrived after the
    last build are "pending"; rows of files that are gone are dropped.
    """
    try:
        files = [p.relative_to(corpus).as_posix() for p in corpus_files(corpus)]
    except CorpusError:
        files = []
    known: dict[str, dict] = {}
    try:
        report = getattr(assistant, "corpus_status", None)
        if report is not None:
            try:
                rows = report(corpus)
            except TypeError:  # the contract's first form took no folder
                rows = report()
            known = {row["source"]: dict(row) for row in rows}
        else:
            known = {a.source: {"source": a.source, "status": "indexed", "detail": "", **a.meta()}
                     for a in assistant.articles()}
    except AssistantError:  # no usable index yet: everything waits for the first build
        known = {}
    rows = []
    for source in files:
        row = known.get(source) or {"source": source, "status": "pending", "detail": ""}
        if row.get("status") not in STATUSES:
            row["status"] = "pending"
        sidecar, _ = read_sidecar(corpus / source)
        for key in META_FIELDS:
            value = sidecar.get(key) if row["status"] == "pending" else None
            row[key] = str(value) if isinstance(value, str) and value.strip() else row.get(key) or ""
        row["detail"] = row.get("detail") or ""
        rows.append(row)
    return rows
