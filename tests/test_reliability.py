"""Bad input end to end: odd questions, hostile corpus files, damaged indexes through the CLI."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.ingest.load import load_corpus

ROOT = Path(__file__).resolve().parents[1]
GOOD = "Port robots\nThe port installed robotic cranes last year. They move containers at night.\n"


def test_a_50_mb_file_is_skipped_and_the_rest_indexed(tmp_path, make_corpus):
    folder = make_corpus({"good.txt": GOOD})
    with open(folder / "huge.txt", "w", encoding="utf-8") as f:
        line = "An enormous article line that repeats. " * 25 + "\n"
        for _ in range(50 * 2**20 // len(line) + 1):
            f.write(line)
    docs, warnings = load_corpus(folder)
    assert [d.source for d in docs] == ["good.txt"]
    assert any(w.startswith("huge.txt") and "MiB" in w for w in warnings)


def test_mixed_script_question(seed_index):
    answer = seed_index.ask("광주 AI 政策 Политика 🤖 ceremony?", k=3)
    assert answer.citations and isinstance(answer.answered, bool)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          check=False)


@pytest.mark.parametrize("damage", ["manifest", "faiss", "format", "encoder", "missing"])
def test_damaged_index_gives_one_line_and_exit_2(tmp_path, make_corpus, damage):
    folder = make_corpus({"good.txt": GOOD})
    index = tmp_path / "index"
    Assistant(index, encoder="hashing").build(folder)
    build = (index / "current").resolve()
    manifest = json.loads((build / "manifest.json").read_text())
    if damage == "manifest":
        (build / "manifest.json").write_text("{ not json")
    elif damage == "faiss":
        data = (build / "passages.faiss").read_bytes()
        (build / "passages.faiss").write_bytes(data[: len(data) // 3])
    elif damage == "format":
        (build / "manifest.json").write_text(json.dumps(manifest | {"format_version": 999}))
    elif damage == "encoder":
        (build / "manifest.json").write_text(json.dumps(manifest | {"encoder": "st:some/other-model"}))
    else:
        index = tmp_path / "nothing"
    done = cli("ask", "robotic cranes", "--index", str(index), "--encoder", "hashing")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert "assistant index" in done.stderr
    if damage in ("manifest", "faiss", "format", "encoder"):  # the command names the index to rebuild
        assert done.stderr.rstrip().endswith(f"--out {index}")
    if damage != "missing":  # the damaged index is left as it was: nothing built over it, nothing deleted
        assert (index / "current").resolve() == build


def test_an_index_whose_corpus_was_emptied_still_answers_and_says_why(tmp_path, make_corpus):
    """The articles were removed after the build: the automatic rebuild fails, the build is kept."""
    folder = make_corpus({"good.txt": GOOD})
    index = tmp_path / "index"
    Assistant(index, encoder="hashing").build(folder)
    build = (index / "current").resolve()
    (folder / "good.txt").unlink()
    done = cli("ask", "robotic cranes", "--index", str(index), "--encoder", "hashing")
    assert done.returncode == 0, done.stderr
    assert "robotic cranes" in done.stdout
    assert "answering from the index built before" in done.stderr and "Traceback" not in done.stderr
    assert (index / "current").resolve() == build
