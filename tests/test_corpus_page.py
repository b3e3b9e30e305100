"""The staff corpus page without a browser: uploads, metadata sidecars, removal, status, background rebuilds."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import SMALL_ARTICLES

from assistant import Assistant
from assistant.errors import InputError
from assistant.web import corpus as articles
from assistant.web.i18n import STRINGS
from assistant.web.rebuild import Rebuilder
from assistant.web.render import corpus_table
from assistant.web.staff import StaffHandlers

NEW_ARTICLE = (
    "Seawater cooling for Mokpo data center\n\n"
    "The city of Mokpo will cool its new AI data center with seawater pumped from the harbor, "
    "officials said on Tuesday. The system cuts the center's electricity use for cooling by half.\n"
)


def uploaded(tmp_path: Path, name: str, content: bytes | str = NEW_ARTICLE) -> Path:
    """A file as Gradio hands it over: a temporary path whose base name is the name the user chose."""
    folder = tmp_path / "gradio-tmp" / str(len(list((tmp_path).glob("gradio-tmp/*"))))
    folder.mkdir(parents=True)
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# ---- file names --------------------------------------------------------------------------------
@pytest.mark.parametrize(("given", "saved"), [
    ("news.txt", "news.txt"),
    ("Report 2024.PDF", "Report-2024.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\evil.md", "evil.md"),
    ("/abs/path/page.html", "page.html"),
    ("...hidden.txt", "hidden.txt"),
    ("광주 AI 기사.docx", "광주-AI-기사.docx"),
    ("<script>.htm", "script.htm"),
    ("..txt", "article.txt"),
    ("x" * 300 + ".md", "x" * articles.MAX_NAME_CHARS + ".md"),
])
def test_safe_name_keeps_the_file_inside_the_folder(given, saved):
    assert articles.safe_name(given) == saved


@pytest.mark.parametrize("given", ["run.sh", "archive.tar.gz", "noext", "page.meta.json", "a.txt/", "evil.txt.exe"])
def test_safe_name_refuses_other_types(given):
    with pytest.raises(InputError):
        articles.safe_name(given)


@pytest.mark.parametrize("source", ["../outside.txt", "/etc/passwd", "sub/../../x.txt", "", "a.meta.json", "a.exe"])
def test_article_path_refuses_anything_but_an_article_in_the_folder(tmp_path, source):
    with pytest.raises(InputError):
        articles.article_path(tmp_path, source)


# ---- upload ------------------------------------------------------------------------------------
def test_upload_saves_good_files_and_reports_bad_ones(tmp_path):
    corpus = tmp_path / "corpus"
    files = [uploaded(tmp_path, "good.txt"), uploaded(tmp_path, "bad.exe", b"MZ"), uploaded(tmp_path, "empty.md", b""),
             uploaded(tmp_path, "../../escape.txt".replace("/", "_"), "x")]
    messages = articles.upload(corpus, files, "en")
    assert len(messages) == 4
    assert "uploaded" in messages[0] and "not an accepted type" in messages[1] and "empty" in messages[2]
    assert sorted(p.name for p in corpus.iterdir()) == ["escape.txt", "good.txt"]
    assert (corpus / "good.txt").read_text(encoding="utf-8") == NEW_ARTICLE
    assert not list(corpus.glob(".*partial"))


def test_upload_with_a_traversal_name_lands_inside_the_folder(tmp_path):
    corpus = tmp_path / "corpus"
    tmp = uploaded(tmp_path, "plain.txt")
    articles.upload(corpus, [("../../../evil.txt", tmp), ("..\\..\\evil2.md", tmp)], "en")
    assert sorted(p.name for p in corpus.iterdir()) == ["evil.txt", "evil2.md"]
    assert not (tmp_path / "evil.txt").exists()


def test_upload_never_overwrites(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "news.txt").write_text("old", encoding="utf-8")
    (corpus / "news-2.meta.json").write_text("{}", encoding="utf-8")  # a sidecar alone also holds the name
    articles.upload(corpus, [uploaded(tmp_path, "news.txt")], "en")
    assert (corpus / "news.txt").read_text(encoding="utf-8") == "old"
    assert (corpus / "news-3.txt").read_text(encoding="utf-8") == NEW_ARTICLE


def test_upload_refuses_oversized_files(tmp_path, monkeypatch):
    monkeypatch.setattr(articles, "MAX_UPLOAD_BYTES", 10)
    corpus = tmp_path / "corpus"
    [message] = articles.upload(corpus, [uploaded(tmp_path, "big.txt", "x" * 11)], "ko")
    assert "MiB" in message and not list(corpus.iterdir())


# ---- metadata ----------------------------------------------------------------------------------
GOOD_META = {"title": " New title ", "outlet": "Mokpo Daily", "author": "", "date": "2024-05-17", "language": "en",
             "url": "https://news.example/mokpo"}


def test_save_meta_writes_the_sidecar_and_keeps_other_keys(tmp_path):
    (tmp_path / "a.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"author": "Old", "note": "keep me"}), encoding="utf-8")
    articles.save_meta(tmp_path, "a.txt", GOOD_META)
    data = json.loads((tmp_path / "a.meta.json").read_text(encoding="utf-8"))
    assert data == {"note": "keep me", "title": "New title", "outlet": "Mokpo Daily", "date": "2024-05-17",
                    "language": "en", "url": "https://news.example/mokpo"}  # author emptied: removed
    assert articles.read_meta(tmp_path, "a.txt")["title"] == "New title"


@pytest.mark.parametrize(("field", "value"), [
    ("date", "2024-13-01"), ("date", "2024-02-30"), ("date", "17/05/2024"), ("date", "2024-5-7"),
    ("language", "fr"), ("url", "javascript:alert(1)"), ("url", "ftp://x.example/a"), ("url", "news.example"),
    ("title", "line\nbreak"), ("outlet", "x" * (articles.MAX_FIELD_CHARS + 1)),
])
def test_save_meta_refuses_bad_values_and_writes_nothing(tmp_path, field, value):
    (tmp_path / "a.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    with pytest.raises(InputError):
        articles.save_meta(tmp_path, "a.txt", GOOD_META | {field: value})
    assert not (tmp_path / "a.meta.json").exists()


def test_save_meta_needs_an_existing_article(tmp_path):
    with pytest.raises(InputError):
        articles.save_meta(tmp_path, "missing.txt", GOOD_META)


# ---- remove ------------------------------------------------------------------------------------
def test_remove_deletes_the_file_and_its_sidecar_only(tmp_path):
    for name in ("a.txt", "a.meta.json", "b.txt"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    articles.remove(tmp_path, "a.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]
    with pytest.raises(InputError):
        articles.remove(tmp_path, "a.txt")
    with pytest.raises(InputError):
        articles.remove(tmp_path, "../b.txt")


# ---- status ------------------------------------------------------------------------------------
def test_status_lists_indexed_and_pending_files_with_sidecar_metadata(hashing_assistant, small_corpus):
    hashing_assistant.auto_rebuild = False  # as when serving: builds happen in the background only
    (small_corpus / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    (small_corpus / "new.meta.json").write_text(json.dumps({"outlet": "Mokpo <b>Daily</b>"}), encoding="utf-8")
    rows = {r["source"]: r for r in articles.status(hashing_assistant, small_corpus)}
    assert set(rows) == {*SMALL_ARTICLES, "new.txt"}
    assert rows["new.txt"]["status"] == "pending" and rows["new.txt"]["outlet"] == "Mokpo <b>Daily</b>"
    assert all(rows[name]["status"] in ("indexed", "duplicate", "skipped") for name in SMALL_ARTICLES)
    assert rows["harbor.txt"]["status"] == "indexed"
    assert rows["harbor.txt"]["title"] == "Harbor city opens robotics laboratory"
    html = corpus_table(list(rows.values()), "en")
    assert "Mokpo &lt;b&gt;Daily&lt;/b&gt;" in html and "<b>Daily" not in html


def test_status_falls_back_without_corpus_status(hashing_assistant, small_corpus):
    class Plain:  # only what the fallback uses: the facade before corpus_status() existed
        def articles(self):
            return hashing_assistant.articles()

    (small_corpus / "farm.txt").unlink()
    rows = {r["source"]: r["status"] for r in articles.status(Plain(), small_corpus)}
    assert rows == {"harbor.txt": "indexed", "busan_ko.txt": "indexed"}  # a removed file is not listed


def test_status_before_any_index_is_all_pending(tmp_path, small_corpus):
    rows = articles.status(Assistant(tmp_path / "none", encoder="hashing", auto_rebuild=False), small_corpus)
    assert [r["status"] for r in rows] == ["pending"] * len(SMALL_ARTICLES)


def test_every_interface_string_has_both_languages():
    assert all(set(v) == {"ko", "en"} and all(v.values()) for v in STRINGS.values())


# ---- background rebuilds -----------------------------------------------------------------------
class SlowBuilds:
    """A stand-in facade whose build blocks until released and records each call."""

    def __init__(self):
        self.calls = 0
        self.release = threading.Event()
        self.started = threading.Event()

    def build(self, corpus, progress=None):
        self.calls += 1
        self.started.set()
        progress("embedding", 1, 2)
        assert self.release.wait(10)

        return SimpleNamespace(warnings=["x.bin: skipped"])


def test_rebuilder_runs_one_build_at_a_time_and_coalesces_requests(tmp_path):
    facade = SlowBuilds()
    rebuilder = Rebuilder(facade, tmp_path, poll_seconds=None).start()
    try:
        rebuilder.request()
        assert facade.started.wait(5)
        state = rebuilder.state()
        assert state["running"] and (state["stage"], state["done"], state["total"]) == ("embedding", 1, 2)
        for _ in range(5):  # five changes during the build: one more build, not five
            rebuilder.request()
        assert rebuilder.state()["pending"]
        facade.release.set()
        assert rebuilder.wait_idle(10)
        assert facade.calls == 2
        assert rebuilder.state() | {"warnings": None} == {
            "running": False, "pending": False, "builds": 2, "stage": "embedding", "done": 1, "total": 2,
            "error": None, "warnings": None}
        assert rebuilder.state()["warnings"] == ["x.bin: skipped"]
    finally:
        facade.release.set()
        rebuilder.stop()


def test_rebuilder_survives_a_failed_build_and_reports_it(tmp_path):
    class Failing:
        def build(self, corpus, progress=None):
            raise RuntimeError("disk full")

    rebuilder = Rebuilder(Failing(), tmp_path, poll_seconds=None).start()
    try:
        rebuilder.request()
        assert rebuilder.wait_idle(10)
        assert rebuilder.state()["error"] == "RuntimeError: disk full"
    finally:
        rebuilder.stop()


def test_poller_notices_changes_made_by_other_means(tmp_path):
    facade = SlowBuilds()
    facade.release.set()
    (tmp_path / "a.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    rebuilder = Rebuilder(facade, tmp_path, poll_seconds=0.05).start()
    try:
        time.sleep(0.3)
        assert facade.calls == 0  # nothing changed: no build
        (tmp_path / "b.txt").write_text(NEW_ARTICLE + "more", encoding="utf-8")
        deadline = time.monotonic() + 10
        while facade.calls == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rebuilder.wait_idle(10)
        assert facade.calls == 1
        assert not rebuilder.check()  # the build saw the change; asking again finds nothing new
    finally:
        rebuilder.stop()


def test_rebuild_switches_answers_to_the_new_article_while_old_index_serves(hashing_assistant, small_corpus):
    question = "How will Mokpo cool its AI data center?"
    before = hashing_assistant.ask(question)
    assert all(c.source != "new.txt" for c in before.citations)
    rebuilder = Rebuilder(hashing_assistant, small_corpus, poll_seconds=None).start()
    handlers = StaffHandlers(hashing_assistant, small_corpus, rebuilder)
    try:
        tmp = small_corpus.parent / "upload" / "new.txt"
        tmp.parent.mkdir()
        tmp.write_text(NEW_ARTICLE, encoding="utf-8")
        message, _, _, sources = handlers.upload([str(tmp)], "en")
        assert "new.txt" in sources and "uploaded" in message
        hashing_assistant.ask(question)  # answered (from the old or the new index) while building
        assert rebuilder.wait_idle(60)
        assert hashing_assistant.ask(question).citations[0].source == "new.txt"
        line, table = handlers.refresh("en")
        assert 'data-source="new.txt" data-status="indexed"' in table and "up to date" in line

        handlers.save("new.txt", ["Cooling", "", "", "2024-05-17", "en", ""], "en")
        assert rebuilder.wait_idle(60)
        assert hashing_assistant.article("new.txt").title == "Cooling"

        with pytest.raises(InputError):
            handlers.remove("new.txt", False, "en")  # not confirmed
        handlers.remove("new.txt", True, "en")
        assert rebuilder.wait_idle(60)
        assert all(a.source != "new.txt" for a in hashing_assistant.articles())
    finally:
        rebuilder.stop()
