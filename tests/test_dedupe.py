"""Near-duplicates: MinHash signatures, grouping, and the build citing one copy with "also in"."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEEDS

from assistant import Assistant
from assistant.ingest.articles import build_article
from assistant.ingest.dedupe import duplicate_groups, signature, similarity
from assistant.ingest.load import load_corpus

SYNDICATED = "004_d17d07492f04a1cb.txt"  # dated 2020-02-04


@pytest.fixture(scope="module")
def seed_articles():
    docs, _ = load_corpus(SEEDS)
    return {a.source: a for a in (build_article(d) for d in docs)}


def test_identical_texts_have_identical_signatures_and_others_do_not(seed_articles):
    a, b = seed_articles[SYNDICATED], seed_articles["000_7065692321f39095.txt"]
    assert similarity(signature(a.text), signature(a.text)) == 1.0
    assert similarity(signature(a.text), signature(b.text)) < 0.2


@pytest.mark.parametrize(
    "copy_date, kept",
    [
        pytest.param("2000-01-01", "copy.txt", id="earlier-copy-is-kept"),
        pytest.param("2099-01-01", SYNDICATED, id="later-copy-is-the-duplicate"),
        pytest.param(None, SYNDICATED, id="undated-copy-gives-way-to-a-dated-one"),
    ],
)
def test_the_earliest_copy_is_kept(seed_articles, copy_date, kept):
    original = seed_articles[SYNDICATED]
    copy = replace(original, source="copy.txt", date=copy_date,
                   text="Syndicated from a partner outlet.\n\n" + original.text + "\n\nShare this article.")
    groups = duplicate_groups([*seed_articles.values(), copy])
    other = "copy.txt" if kept == SYNDICATED else SYNDICATED
    assert groups == {kept: [other]}


def test_distinct_articles_are_not_grouped(seed_articles):
    assert duplicate_groups(list(seed_articles.values())) == {}


def test_build_indexes_one_copy_and_cites_the_other_as_also_in(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    raw = (corpus / SYNDICATED).read_text(encoding="utf-8")
    # The same story scraped from another outlet's page: other menus around it, a later date.
    (corpus / "zz_repost.txt").write_text("Home\nNews\nOpinion\n" + raw + "\nComments (3)\n", encoding="utf-8")
    (corpus / "zz_repost.meta.json").write_text(json.dumps({"outlet": "Partner Daily", "date": "2099-01-01"}))
    assistant = Assistant(tmp_path / "index", encoder="hashing")
    report = assistant.build(corpus)
    assert any("zz_repost.txt: near-duplicate of" in w for w in report.warnings)
    sources = {a.source for a in assistant.articles()}
    assert SYNDICATED in sources and "zz_repost.txt" not in sources
    answer = assistant.ask("How many people attended the Gwangju AI declaration ceremony at Kimdaejung Center?", k=5)
    cited = [c for c in answer.citations if c.source == SYNDICATED]
    assert cited and all(c.also_in and c.also_in[0]["source"] == "zz_repost.txt" for c in cited)
    assert cited[0].also_in[0]["outlet"] == "Partner Daily"
    assert cited[0].to_dict()["also_in"][0]["date"] == "2099-01-01"
    # Every file has a status; a file added after the build is pending.
    (corpus / "new.txt").write_text("New title\n\n" + "A brand new paragraph about harbors and cranes. " * 5)
    status = {row["source"]: row for row in assistant.corpus_status()}
    assert status["zz_repost.txt"]["status"] == "duplicate" and status["zz_repost.txt"]["detail"] == SYNDICATED
    assert status[SYNDICATED]["status"] == "indexed" and status[SYNDICATED]["title"]
    assert status["new.txt"]["status"] == "pending"
    assert {row["status"] for row in status.values()} <= {"indexed", "duplicate", "pending"}


def test_skipped_files_are_reported_with_their_reason(tmp_path, make_corpus):
    corpus = make_corpus({"good.txt": "Harbor robots\n\n" + "The harbor city tested robotic cranes at night. " * 4,
                          "empty.txt": ""})
    assistant = Assistant(tmp_path / "index", encoder="hashing")
    assistant.build(corpus)
    status = {row["source"]: row for row in assistant.corpus_status()}
    assert status["good.txt"]["status"] == "indexed"
    assert status["empty.txt"]["status"] == "skipped" and status["empty.txt"]["detail"]
    Path(corpus / "good.txt").unlink()
    assert {row["source"]: row for row in assistant.corpus_status()}["good.txt"]["status"] == "removed"
