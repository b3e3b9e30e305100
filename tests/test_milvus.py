"""Milvus as the search backend: a real `milvus-lite server` on 127.0.0.1 (spoken to over the network exactly as
a cluster is) and the embedded Milvus Lite file, against the local index, with the real bundled encoder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import IndexUnusableError
from assistant.index.milvus import MilvusTarget, expression, term_words
from assistant.records import Filters

pytest.importorskip("pymilvus")
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
MILVUS_LITE = Path(sys.executable).with_name("milvus-lite")

from load import free_port  # noqa: E402  (benchmarks/load.py, on the path above)

QUESTIONS = [json.loads(line) for line in (ROOT / "tests/data/dev_questions.jsonl").read_text(encoding="utf-8")
             .splitlines() if line.strip()]
NEW_ARTICLE = (
    "Seawater cooling for Mokpo data center\n\n"
    "The city of Mokpo will cool its new AI data center with seawater pumped from the harbor, "
    "officials said on Tuesday. The system cuts the center's electricity use for cooling by half.\n"
)
MOKPO = "How will Mokpo cool its AI data center?"


@pytest.fixture(scope="module")
def milvus_server(tmp_path_factory) -> Iterator[str]:
    """`milvus-lite server` on a free loopback port; its URI."""
    from pymilvus import MilvusClient

    port = free_port()
    data = tmp_path_factory.mktemp("milvus-data")
    proc = subprocess.Popen([str(MILVUS_LITE), "server", "--data-dir", str(data), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    uri = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            MilvusClient(uri=uri, timeout=2).list_collections()
            break
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("milvus-lite server did not start: " + proc.stderr.read().decode()[-1000:]) \
                    from None
            time.sleep(0.2)
    try:
        yield uri
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def answers(assistant: Assistant, questions: list[dict]) -> list[dict]:
    return [assistant.ask(q["question"], history=q.get("history")).to_dict() for q in questions]


def top3(answer: dict) -> list[tuple[str, int]]:
    return [(c["source"], c["passage_start"]) for c in answer["citations"][:3]]


@pytest.fixture(scope="module")
def server_index(milvus_server, tmp_path_factory) -> Assistant:
    index = tmp_path_factory.mktemp("milvus-index")
    assistant = Assistant(index, auto_rebuild=False)
    assistant.build(ROOT / "seeds", milvus=MilvusTarget(milvus_server, "seed_passages"))
    return assistant


def test_milvus_server_answers_like_the_local_index(server_index, seed_index):
    assert server_index.index.backend.name == "milvus" and server_index.index.dense is None
    questions = QUESTIONS[:40]
    on_milvus, local = answers(server_index, questions), answers(seed_index, questions)
    assert sum(top3(a) == top3(b) for a, b in zip(on_milvus, local, strict=True)) >= 0.95 * len(questions)
    for answer in on_milvus:
        for c in answer["citations"]:
            text = server_index.article(c["source"]).text
            assert text[c["quote_start"]:c["quote_end"]] == c["quote"]  # verbatim


def test_filters_become_milvus_expressions(server_index):
    ask = server_index.ask
    question = "정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?"
    assert {c.language for c in ask(question, filters=Filters(language="ko")).citations} == {"ko"}
    source = "003_bd417f7486c5be64.txt"
    assert {c.source for c in ask(question, filters=Filters(sources=frozenset({source}))).citations} == {source}
    outlets = {a.outlet for a in server_index.articles() if a.outlet}
    outlet = sorted(outlets)[0]
    assert {c.outlet for c in ask(question, filters=Filters(outlets=frozenset({outlet}))).citations} == {outlet}


@pytest.mark.parametrize(("filters", "expected"), [
    (None, ""),
    (Filters(language="ko"), 'language == "ko"'),
    (Filters(sources=frozenset({'a "b".txt'})), 'source in ["a \\"b\\".txt"]'),
    (Filters(date_from="2024-01-31", date_to="2024-12-01"), "date >= 20240131 and date > 0 and date <= 20241201"),
])
def test_expression(filters, expected):
    assert expression(filters) == expected


def test_terms_keep_korean_morphemes_whole():
    words = term_words(["광주", "ai", "집적"]).split()
    assert len(words) == 3 and all(w.isalnum() and w.isascii() for w in words)


def test_embedded_milvus_lite_file(tmp_path, seed_index):
    assistant = Assistant(tmp_path / "index", auto_rebuild=False)
    assistant.build(ROOT / "seeds", milvus=MilvusTarget(str(tmp_path / "index" / "milvus.db")))
    reopened = Assistant(tmp_path / "index")  # a new process reads backend, file and alias from the manifest
    questions = QUESTIONS[:20]
    assert [top3(a) for a in answers(reopened, questions)] == [top3(a) for a in answers(seed_index, questions)]


def test_rebuild_switches_the_alias_and_drops_older_collections(milvus_server, tmp_path):
    from pymilvus import MilvusClient

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    assistant = Assistant(tmp_path / "index", auto_rebuild=False)
    target = MilvusTarget(milvus_server, "switching")
    assistant.build(corpus, milvus=target)
    assistant.build(corpus)  # a rebuild keeps the backend of the index it replaces
    (corpus / "mokpo.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    assistant.build(corpus)
    client = MilvusClient(uri=milvus_server)
    mine = sorted(c for c in client.list_collections() if c.startswith("switching_"))
    assert len(mine) == 2  # the live one and the one before it (requests in flight may still read it)
    live = client.describe_alias("switching")["collection_name"]
    assert live == mine[-1]
    assert assistant.ask(MOKPO).citations[0].source == "mokpo.txt"


def test_an_unreachable_milvus_is_one_clear_line(tmp_path):
    port = free_port()  # nothing listens here
    assistant = Assistant(tmp_path / "index", auto_rebuild=False)
    with pytest.raises(IndexUnusableError, match="Milvus"):
        assistant.build(ROOT / "seeds", milvus=MilvusTarget(f"http://127.0.0.1:{port}"))
    assert not (tmp_path / "index" / "current").exists()  # nothing half-switched
    result = subprocess.run([sys.executable, "-m", "assistant.cli", "index", "--out", str(tmp_path / "i2"),
                             "--milvus", f"http://127.0.0.1:{port}"], capture_output=True, text=True, cwd=ROOT,
                            check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Milvus" in lines[0] and "Traceback" not in result.stderr


def test_two_replicas_switch_together_with_no_failed_request(milvus_server, tmp_path):
    """Two `assistant serve` on one Milvus and one index folder; a rebuild switches the alias under load."""
    import load

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    index = tmp_path / "index"
    build = [sys.executable, "-m", "assistant.cli", "index", "--corpus", str(corpus), "--out", str(index)]
    subprocess.run([*build, "--milvus", milvus_server, "--collection", "replicas"], check=True, capture_output=True,
                   cwd=ROOT)
    ports = [free_port(), free_port()]
    servers = [load.start_server(str(index), port, extra=["--corpus", str(corpus), "--no-watch"]) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            assert load.ask_once(url, MOKPO)["citations"][0]["source"] != "mokpo.txt"
        results: list[dict] = []
        loaders = [threading.Thread(target=lambda u=url: results.append(load.run(u, clients=4, seconds=15)))
                   for url in urls]
        for t in loaders:
            t.start()
        time.sleep(2)
        (corpus / "mokpo.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        subprocess.run(build, check=True, capture_output=True, cwd=ROOT)  # keeps the Milvus backend and alias
        for t in loaders:
            t.join()
        assert all(r["failed"] == 0 for r in results), [r["first_failures"] for r in results]
        assert all(r["answers"] > 0 for r in results)
        for url in urls:
            assert load.ask_once(url, MOKPO)["citations"][0]["source"] == "mokpo.txt"
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=30)
