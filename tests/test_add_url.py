"""Adding news pages by URL, against a loopback HTTP server started by the test (no internet)."""

from __future__ import annotations

import io
import json
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import SMALL_ARTICLES, write_corpus

from assistant.cli import main
from assistant.errors import FetchError
from assistant.ingest.fetch import add_url, page_name
from assistant.ingest.load import load_corpus

JEJU_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Jeju starts driverless bus trial on the coastal road | Jeju Island Daily</title>
<meta property="og:title" content="Jeju starts driverless bus trial on the coastal road">
<meta property="og:site_name" content="Jeju Island Daily">
<meta property="article:published_time" content="2024-09-02T08:00:00+09:00">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sports">Sports</a> <a href="/weather">Weather</a></nav>
<article><h1>Jeju starts driverless bus trial on the coastal road</h1>
<p>Jeju Province began a trial of driverless buses on Monday along a twelve kilometre stretch of the coastal road east of the airport, carrying passengers free of charge until the end of the year.</p>
<p>The six electric buses carry a safety driver who can take over at any moment, and each bus reports its position to a control room in Jeju City every second.</p>
<p>Tourists and residents can book a seat through the provincial transport app, officials said, and the trial will decide whether the buses join the regular timetable in 2026.</p>
</article>
<footer>Copyright 2024 Jeju Island Daily. All rights reserved.</footer>
</body></html>
"""
EMPTY_PAGE = "<html><head><title>Log in</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
LIMIT = 20_000  # bytes: the good page is well under it, the big ones over
TIMEOUT = 0.3  # seconds: the slow handler sleeps well past it
SLOW = 1.5


class Server(ThreadingHTTPServer):
    daemon_threads = True
    stop = threading.Event()

    def handle_error(self, request, client_address):
        pass  # a client that gave up (the timeout test) is expected, not a failure to print


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", length: bool = True,
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        big = JEJU_PAGE.replace("</article>", "<p>" + "filler words " * 3000 + "</p></article>").encode()
        routes = {
            "/news/jeju-bus": lambda: self.send(200, JEJU_PAGE.encode("utf-8")),
            "/old-link": lambda: self.send(302, b"", headers={"Location": "/news/jeju-bus"}),
            "/loop": lambda: self.send(302, b"", headers={"Location": "/loop"}),
            "/missing": lambda: self.send(404, b"<html><body>Not found</body></html>"),
            "/data.json": lambda: self.send(200, b'{"a": 1}', content_type="application/json"),
            "/big": lambda: self.send(200, big),
            "/big-stream": lambda: self.send(200, big, length=False),  # no Content-Length: counted while reading
            "/login": lambda: self.send(200, EMPTY_PAGE.encode()),
            "/euc-kr": lambda: self.send(200, korean_page().encode("euc-kr"), content_type="text/html; charset=euc-kr"),
        }
        if self.path == "/slow":
            self.server.stop.wait(SLOW)  # cut short when the test ends
            self.send(200, JEJU_PAGE.encode())
            return
        routes.get(self.path, lambda: self.send(404, b"no such page"))()


def korean_page() -> str:
    lines = SMALL_ARTICLES["busan_ko.txt"].split("\n")
    return (f"<html><head><title>{lines[0]}</title></head><body><article><h1>{lines[0]}</h1>"
            f"<p>{lines[2]}</p><p>{lines[4]}</p></article></body></html>")


@pytest.fixture
def server(monkeypatch):
    """Base URL of a loopback server on a free port; proxies from the environment are not used for it."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.stop = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def sidecar(path: Path) -> dict:
    return json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))


# ---- good pages ------------------------------------------------------------------------------------------
def test_a_page_is_saved_under_a_stable_name_with_its_url_in_the_sidecar(server, tmp_path):
    url = f"{server}/news/jeju-bus"
    added = add_url(url, tmp_path / "corpus", timeout=5, max_bytes=LIMIT)
    assert added.path == tmp_path / "corpus" / page_name(url)
    assert added.path.read_text(encoding="utf-8") == JEJU_PAGE
    assert sidecar(added.path) == {"url": url}
    assert files(tmp_path / "corpus") == sorted([added.path.name, added.path.stem + ".meta.json"])
    assert added.path.stat().st_mode & 0o044  # readable by others, like any file staff drop in

    again = add_url(url + "#comments", tmp_path / "corpus", timeout=5, max_bytes=LIMIT)
    assert again.path == added.path and len(files(tmp_path / "corpus")) == 2


def test_adding_again_keeps_the_sidecar_overrides_staff_wrote(server, tmp_path):
    url = f"{server}/news/jeju-bus"
    corpus = tmp_path / "corpus"
    path = add_url(url, corpus, timeout=5, max_bytes=LIMIT).path
    side = path.with_name(path.stem + ".meta.json")
    side.write_text(json.dumps({"url": url, "title": "Our own title"}), encoding="utf-8")
    add_url(url, corpus, timeout=5, max_bytes=LIMIT)
    assert sidecar(path) == {"url": url, "title": "Our own title"}


def test_a_redirect_is_followed_and_the_final_address_recorded(server, tmp_path):
    added = add_url(f"{server}/old-link", tmp_path / "corpus", timeout=5, max_bytes=LIMIT)
    assert added.final_url == f"{server}/news/jeju-bus"
    assert added.path.name == page_name(f"{server}/old-link")
    assert sidecar(added.path) == {"url": f"{server}/news/jeju-bus"}


def test_a_page_in_a_declared_legacy_charset_is_saved_as_utf8(server, tmp_path):
    added = add_url(f"{server}/euc-kr", tmp_path / "corpus", timeout=5, max_bytes=LIMIT)
    docs, warnings = load_corpus(tmp_path / "corpus")
    assert warnings == []
    assert "부산시는 항만과 해운 정보를 모으는 해양 데이터 센터를 짓겠다고 밝혔다." in docs[0].text
    assert added.path.read_text(encoding="utf-8").count("부산시") >= 2


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.koreaherald.com/view.php?ud=20240517000123", r"koreaherald-com-view-php-[0-9a-f]{10}\.html"),
        ("https://news.example/2024/05/17/ai-hub/", r"news-example-2024-05-17-ai-hub-[0-9a-f]{10}\.html"),
        ("http://127.0.0.1:8000/", r"127-0-0-1-[0-9a-f]{10}\.html"),
        ("https://n.example/" + "x" * 200, r"n-example-x{50}-[0-9a-f]{10}\.html"),
    ],
)
def test_page_name(url, name):
    assert re.fullmatch(name, page_name(url)), page_name(url)
    assert page_name(url) == page_name(url + "#top")


def test_page_names_differ_by_query():
    assert page_name("https://a.example/view?id=1") != page_name("https://a.example/view?id=2")


# ---- bad ones: one line each, nothing left behind -----------------------------------------------------
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BAD = {
    "/missing": "HTTP 404",
    "/data.json": "not an HTML page (content type application/json)",
    "/big": f"larger than the {LIMIT:,} byte limit",
    "/big-stream": f"larger than the {LIMIT:,} byte limit",
    "/slow": f"timed out after {TIMEOUT:g} s",
    "/loop": "redirects",
    "/login": "no article text in the page",
}


@pytest.mark.parametrize("path", list(BAD))
def test_a_bad_page_raises_a_one_line_reason_and_saves_nothing(server, tmp_path, path):
    with pytest.raises(FetchError) as info:
        add_url(server + path, tmp_path / "corpus", timeout=TIMEOUT, max_bytes=LIMIT)
    assert BAD[path] in str(info.value) and "\n" not in str(info.value)
    assert files(tmp_path / "corpus") == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [("ftp://example.com/a.html", "not an http(s) URL"), ("not a url", "not an http(s) URL"),
     ("http://", "not an http(s) URL")],
)
def test_a_bad_url_is_refused_before_any_request(tmp_path, url, reason):
    with pytest.raises(FetchError, match=re.escape(reason)):
        add_url(url, tmp_path / "corpus")
    assert files(tmp_path / "corpus") == []


def test_a_refused_connection_is_one_line(tmp_path):
    with pytest.raises(FetchError, match="cannot fetch"):
        add_url(f"http://127.0.0.1:{closed_port()}/page", tmp_path / "corpus", timeout=2)


def test_cli_add_prints_one_line_per_url_and_exits_2_when_any_failed(server, tmp_path, capsys):
    corpus = tmp_path / "corpus"
    good = f"{server}/news/jeju-bus"
    bad = [server + path for path in BAD] + ["ftp://example.com/a.html"]
    argv = ["add", good, *bad, "--corpus", str(corpus), "--timeout", str(TIMEOUT), "--max-bytes", str(LIMIT)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"added {good} -> {corpus / page_name(good)}"]
    errors = captured.err.splitlines()
    assert len(errors) == len(bad) and "Traceback" not in captured.err
    for line, url in zip(errors, bad, strict=True):
        assert line.startswith(f"assistant: {url}: ")
    assert files(corpus) == sorted([page_name(good), Path(page_name(good)).stem + ".meta.json"])


def test_cli_add_exits_0_when_all_were_added(server, tmp_path, capsys):
    assert main(["add", f"{server}/news/jeju-bus", f"{server}/euc-kr", "--corpus", str(tmp_path / "c")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


# ---- end to end: add, index, ask ---------------------------------------------------------------------------
def test_citations_of_an_added_page_carry_its_url(server, tmp_path, monkeypatch, capsys):
    corpus = write_corpus(tmp_path / "corpus", {"farm.txt": SMALL_ARTICLES["farm.txt"]})
    url = f"{server}/news/jeju-bus"
    assert main(["add", url, "--corpus", str(corpus)]) == 0
    index = tmp_path / "index"
    assert main(["index", "--corpus", str(corpus), "--out", str(index), "--encoder", "hashing"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO("How many driverless buses run on Jeju's coastal road trial?\n"))
    assert main(["ask", "--json", "-", "--index", str(index), "--encoder", "hashing"]) == 0
    citations = json.loads(capsys.readouterr().out)["citations"]
    top = next(c for c in citations[:3] if c["source"] == page_name(url))
    assert "The six electric buses" in top["passage"]
    assert top["url"] == url
    assert (top["title"], top["outlet"], top["date"]) == (
        "Jeju starts driverless bus trial on the coastal road", "Jeju Island Daily", "2024-09-02")
    assert all(c["url"] is None for c in citations if c["source"] == "farm.txt")
