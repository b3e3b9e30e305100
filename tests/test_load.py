"""Reading a corpus folder: what is skipped, with which warning, and what is kept."""

from __future__ import annotations

import json
import os

import pytest

import assistant.ingest.load as load
from assistant.errors import CorpusError
from assistant.ingest.load import corpus_files, load_corpus, read_article, read_sidecar

BODY = "A title\n\nThis is a body paragraph that is long enough to be kept as article text by the cleaner.\n"


def sources(docs):
    return [d.source for d in docs]


def warning_for(warnings, name):
    found = [w for w in warnings if w.startswith(name + ":")]
    assert len(found) == 1, warnings
    return found[0]


def test_good_files_are_read_in_sorted_order(make_corpus):
    folder = make_corpus({"b.txt": BODY + "b", "a.md": BODY + "a", "sub/c.txt": BODY + "c", "notes.odt": "x"})
    docs, warnings = load_corpus(folder)
    assert sources(docs) == ["a.md", "b.txt", "sub/c.txt"]
    assert warnings == []
    assert docs[0].text == BODY + "a"


def test_binary_file_is_skipped_with_a_warning(make_corpus):
    folder = make_corpus({"good.txt": BODY, "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"})
    docs, warnings = load_corpus(folder)
    assert sources(docs) == ["good.txt"]
    assert "binary" in warning_for(warnings, "image.txt")


def test_empty_and_blank_files_are_skipped(make_corpus):
    folder = make_corpus({"good.txt": BODY, "empty.txt": "", "blank.md": " \n\t\n\n"})
    docs, warnings = load_corpus(folder)
    assert sources(docs) == ["good.txt"]
    assert "empty" in warning_for(warnings, "empty.txt")
    assert "empty" in warning_for(warnings, "blank.md")


def test_undecodable_bytes_are_skipped(make_corpus):
    latin1 = "Caf\u00e9 r\u00e9sum\u00e9 na\u00efve, a long enough line of text.".encode("latin-1")
    folder = make_corpus({"good.txt": BODY, "latin1.txt": latin1})
    docs, warnings = load_corpus(folder)
    assert sources(docs) == ["good.txt"]
    message = warning_for(warnings, "latin1.txt")
    assert "UTF-8" in message
    assert f"offset {latin1.index(0xE9)}" in message


def test_file_over_the_size_limit_is_skipped(make_corpus, monkeypatch):
    monkeypatch.setattr(load, "MAX_BYTES", 200)
    folder = make_corpus({"small.txt": BODY, "big.txt": BODY + "x" * 500})
    docs, warnings = load_corpus(folder)
    assert sources(docs) == ["small.txt"]
    assert "skipped" in warning_for(warnings, "big.txt")
    assert "limit" in warning_for(warnings, "big.txt")


def test_size_check_does_not_read_the_file(tmp_path, monkeypatch):
    """An oversized file is refused on its size alone (never read into memory)."""
    monkeypatch.setattr(load, "MAX_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_text(BODY, encoding="utf-8")
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read an oversized file"))
    with pytest.raises(CorpusError, match="limit"):
        read_article(path)


def test_bom_and_crlf_are_normalised(tmp_path):
    path = tmp_path / "win.txt"
    path.write_bytes("\ufeffTitle\r\n\r\nBody line.\rNext\r\n".encode("utf-8"))
    assert read_article(path) == "Title\n\nBody line.\nNext\n"


def test_same_text_under_two_names_is_kept_once(make_corpus):
    folder = make_corpus({"first.txt": BODY, "second.txt": BODY, "other.txt": BODY + "different"})
    docs, warnings = load_corpus(folder)
    assert sources(docs) == ["first.txt", "other.txt"]
    message = warning_for(warnings, "second.txt")
    assert "first.txt" in message and "same text" in message


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_leading_outside_the_corpus_is_not_followed(tmp_path, make_corpus):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(BODY + "secret", encoding="utf-8")
    (outside / "dir").mkdir()
    (outside / "dir" / "deep.txt").write_text(BODY + "deep", encoding="utf-8")
    folder = make_corpus({"inside.txt": BODY})
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "linkdir").symlink_to(outside / "dir", target_is_directory=True)
    (folder / "inner_link.txt").symlink_to(folder / "inside.txt")  # stays inside: allowed

    files = [p.name for p in corpus_files(folder)]
    assert "link.txt" not in files and "deep.txt" not in files
    assert "inside.txt" in files
    docs, warnings = load_corpus(folder)
    texts = [d.text for d in docs]
    assert all("secret" not in t and "deep" not in t for t in texts)
    # The inner link has the same text as its target, so it is reported as a duplicate.
    assert sources(docs) == ["inner_link.txt"] or sources(docs) == ["inside.txt"]
    assert sum("same text" in w for w in warnings) == 1
    assert any(w.startswith("link.txt") and "outside" in w for w in warnings)


def test_sidecar_is_read_and_not_treated_as_an_article(make_corpus):
    meta = {"title": "Sidecar title", "author": "Jane Doe", "date": "2024-01-02"}
    folder = make_corpus({"story.txt": BODY, "story.meta.json": json.dumps(meta)})
    docs, warnings = load_corpus(folder)
    assert warnings == []
    assert sources(docs) == ["story.txt"]
    assert docs[0].sidecar == meta


def test_sidecar_named_like_an_article_is_not_an_article(make_corpus):
    # Even a sidecar with a .txt-looking stem is never listed as an article of its own.
    folder = make_corpus({"story.txt": BODY, "story.meta.json": "{}"})
    assert [p.name for p in corpus_files(folder)] == ["story.txt"]


@pytest.mark.parametrize(
    "content, reason",
    [("{not json", "not valid UTF-8 JSON"), ('["a list"]', "expected a JSON object"), (b"\xff\xfe{}", "not valid")],
)
def test_invalid_sidecar_is_warned_and_ignored(make_corpus, content, reason):
    folder = make_corpus({"story.txt": BODY, "story.meta.json": content})
    docs, warnings = load_corpus(folder)
    assert sources(docs) == ["story.txt"]
    assert docs[0].sidecar == {}
    message = warning_for(warnings, "story.meta.json")
    assert reason in message


def test_read_sidecar_without_a_sidecar(tmp_path):
    path = tmp_path / "lonely.txt"
    path.write_text(BODY, encoding="utf-8")
    assert read_sidecar(path) == ({}, None)


def test_missing_corpus_folder_raises(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_a_file_given_as_the_corpus_folder_is_named_a_file(tmp_path):
    (tmp_path / "one.txt").write_text("An article.", encoding="utf-8")
    with pytest.raises(CorpusError, match="is a file, not a folder"):
        load_corpus(tmp_path / "one.txt")


def test_seed_corpus_loads_cleanly():
    from conftest import SEED_FILES, SEEDS

    docs, warnings = load_corpus(SEEDS)
    assert warnings == []
    assert sources(docs) == SEED_FILES
    assert len({d.content_hash for d in docs}) == len(docs)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_leading_outside_is_warned(tmp_path, make_corpus):
    outside = tmp_path / "outside.txt"
    outside.write_text(BODY + "outside", encoding="utf-8")
    folder = make_corpus({"inside.txt": BODY})
    (folder / "link.txt").symlink_to(outside)
    docs, warnings = load_corpus(folder)
    assert sources(docs) == ["inside.txt"]
    assert "outside" in warning_for(warnings, "link.txt")
