"""Read article files from a corpus folder (.txt/.md, HTML, PDF, DOCX), with optional NAME.meta.json sidecars."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError
from .formats import SUFFIXES, TEXT_SUFFIXES, Extracted, extract

MAX_BYTES = 20 * 1024 * 1024  # larger files are skipped: no news article is this long


@dataclass(frozen=True)
class RawDoc:
    """One file's article text (the file itself for .txt/.md, the extracted text otherwise) and metadata."""

    source: str  # path relative to the corpus folder, POSIX style
    text: str
    sidecar: dict = field(default_factory=dict)
    stated: dict = field(default_factory=dict)  # what the file format states: title, outlet, author, date, url
    pages: tuple[int, ...] = ()  # PDFs: the offset in text at which each page starts

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + ".meta.json")


def read_sidecar(path: Path) -> tuple[dict, str | None]:
    side = sidecar_path(path)
    if not side.is_file():
        return {}, None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"{side.name}: ignored, not valid UTF-8 JSON ({exc.__class__.__name__})"
    if not isinstance(data, dict):
        return {}, f"{side.name}: ignored, expected a JSON object"
    return data, None


def read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise CorpusError(f"skipped, {size / 1e6:.0f} MB is larger than the {MAX_BYTES // 2**20} MiB limit")
    return path.read_bytes()


def read_document(path: Path) -> Extracted:
    """The article text of a file of any supported format, or CorpusError with a one-line reason."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        return Extracted(read_article(path))
    return extract(path.suffix, read_bytes(path))


def read_article(path: Path) -> str:
    """Decode one .txt/.md article file, raising CorpusError with a one-line reason when it is unreadable."""
    data = read_bytes(path)
    if b"\x00" in data:
        raise CorpusError("skipped, binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"skipped, not UTF-8 (bad byte at offset {exc.start})") from None
    if not text.strip():
        raise CorpusError("skipped, empty file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def corpus_files(folder: Path, warnings: list[str] | None = None) -> list[Path]:
    """Article files under folder, sorted; links that lead outside the folder are not followed."""
    if not folder.is_dir():
        problem = "is a file, not a folder" if folder.exists() else "does not exist"
        raise CorpusError(f"corpus folder {folder} {problem}; pass --corpus DIR")
    root = folder.resolve()
    out = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in SUFFIXES or path.name.endswith(".meta.json"):
            continue
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a link loop
            resolved = None
        if resolved is None or not resolved.is_relative_to(root):
            if warnings is not None:
                warnings.append(f"{path.relative_to(folder).as_posix()}: skipped, link leads outside the corpus folder")
            continue
        if resolved.is_file():
            out.append(path)
    return out


def load_corpus(folder: Path) -> tuple[list[RawDoc], list[str]]:
    """All readable articles in folder, plus one warning line per file that was skipped."""
    docs: list[RawDoc] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    for path in corpus_files(folder, warnings):
        source = path.relative_to(folder).as_posix()
        try:
            found = read_document(path)
        except CorpusError as exc:
            warnings.append(f"{source}: {exc}")
            continue
        except OSError as exc:
            warnings.append(f"{source}: skipped, cannot read ({exc.strerror})")
            continue
        sidecar, problem = read_sidecar(path)
        if problem:
            warnings.append(problem)
        doc = RawDoc(source, found.text, sidecar, found.stated, found.pages)
        if doc.content_hash in seen:
            warnings.append(f"{source}: skipped, same text as {seen[doc.content_hash]}")
            continue
        seen[doc.content_hash] = source
        docs.append(doc)
    return docs, warnings
