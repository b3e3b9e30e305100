"""Add news pages to a corpus by URL: fetch with httpx, save NAME.html and its url in NAME.meta.json, atomically."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..config import FETCH_MAX_BYTES as MAX_BYTES
from ..config import FETCH_TIMEOUT as TIMEOUT
from ..errors import CorpusError, FetchError
from .articles import build_article
from .formats import extract
from .load import RawDoc, sidecar_path

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_REDIRECTS = 10
SLUG_CHARS = 60
USER_AGENT = "assistant/0.1 (news question answering; saves pages staff add by URL)"


@dataclass(frozen=True)
class Added:
    url: str  # as given
    final_url: str  # after redirects: what the sidecar records and citations show
    path: Path  # the saved page


def page_name(url: str) -> str:
    """A stable file name for a URL: a readable slug of host and path plus a short hash of the whole URL."""
    parts = urlsplit(url)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{parts.hostname or ''} {parts.path}".lower().removeprefix("www.")).strip("-")
    digest = hashlib.sha256(normalise(url).encode("utf-8")).hexdigest()[:10]
    return f"{slug[:SLUG_CHARS].rstrip('-') or 'page'}-{digest}.html"


def normalise(url: str) -> str:
    """The URL without its #fragment, which names a place in the page, not another page."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError("not an http(s) URL")
    return normalise(url)


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> tuple[str | bytes, str]:
    """The HTML page at url (text when its charset is declared, bytes otherwise) and the URL it came from."""
    import httpx

    deadline = time.monotonic() + timeout
    try:
        with (
            httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout,
                         headers={"User-Agent": USER_AGENT}) as client,
            client.stream("GET", check_url(url)) as response,
        ):
            if not 200 <= response.status_code < 300:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind not in HTML_TYPES:
                raise FetchError(f"not an HTML page (content type {kind})")
            length = response.headers.get("content-length", "").strip()
            declared = int(length) if length.isdigit() else 0  # a missing or garbled length is checked while reading
            if declared > max_bytes:
                raise FetchError(f"page is larger than the {max_bytes:,} byte limit ({declared:,} bytes)")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchError(f"page is larger than the {max_bytes:,} byte limit")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g} s")
            final_url = str(response.url)
            charset = response.charset_encoding
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        raise FetchError("not a valid http(s) URL") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot fetch ({exc.__class__.__name__}: {exc})".replace("\n", " ")) from None
    if not kind and not re.match(rb"\s*<(?:!doctype html|html|head|body)", bytes(body[:512]), re.IGNORECASE):
        raise FetchError("not an HTML page (no content type, and the body is not HTML)")
    if charset:
        try:
            return bytes(body).decode(charset), final_url
        except (LookupError, UnicodeDecodeError):
            pass
    return bytes(body), final_url


def add_url(url: str, corpus: Path, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> Added:
    """Fetch one page into corpus as NAME.html with NAME.meta.json {"url": ...}; FetchError says why not."""
    page, final_url = fetch(url, timeout, max_bytes)
    data = page.encode("utf-8") if isinstance(page, str) else page
    path = corpus / page_name(url)
    try:  # the page must hold an article once indexed, not only a login form or a menu
        found = extract(".html", data)
    except CorpusError:
        found = None
    if found is None or build_article(RawDoc(path.name, found.text, stated=found.stated)) is None:
        raise FetchError("no article text in the page (only menus, forms or boilerplate)")
    side = sidecar_path(path)
    had_sidecar = side.exists()
    sidecar = read_json(side) | {"url": final_url}
    try:
        corpus.mkdir(parents=True, exist_ok=True)
        write_atomic(side, (json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        try:
            write_atomic(path, data)  # the page last: it never appears without its url
        except BaseException:
            if not had_sidecar:
                side.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise FetchError(f"cannot save it in {corpus} ({exc.strerror or exc.__class__.__name__})") from None
    return Added(url, final_url, path)


def add_urls(urls: list[str], corpus: Path, timeout: float = TIMEOUT,
             max_bytes: int = MAX_BYTES) -> list[Added | FetchError]:
    """add_url for each URL in turn; a failure is returned in its place (its message names the URL)."""
    out: list[Added | FetchError] = []
    for url in urls:
        try:
            out.append(add_url(url, corpus, timeout, max_bytes))
        except FetchError as exc:
            out.append(FetchError(f"{url}: {exc}"))
    return out


def read_json(path: Path) -> dict:
    """An existing sidecar's fields (kept when a page is added again), or nothing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then rename over it: readers see the old file or the new one, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide the article from other staff accounts
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
