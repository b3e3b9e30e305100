"""Faults: a build killed at any moment, and a rebuild while the index is being read."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant

pytestmark = pytest.mark.slow

ARTICLES = {
    f"a{i}.txt": f"Headline {i}\nThe port of city {i} installed robotic cranes last year. "
    f"They move containers at night. Officials in district {i} praised the project.\n"
    for i in range(40)
}


def build_process(corpus: Path, index: Path) -> subprocess.Popen:
    code = (
        "import sys; from assistant import Assistant;"
        f"Assistant({str(index)!r}, encoder='hashing', auto_rebuild=False).build({str(corpus)!r})"
    )
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("delay", [0.05, 0.3, 0.6, 0.9, 1.2])
def test_build_killed_at_any_moment_leaves_the_previous_index(tmp_path, make_corpus, delay):
    corpus = make_corpus(ARTICLES)
    index = tmp_path / "index"
    first = Assistant(index, encoder="hashing", auto_rebuild=False)
    first.build(corpus)
    before = first.ask("robotic cranes", k=3).to_dict()
    before_link = os.readlink(index / "current")
    (corpus / "extra.txt").write_text("Extra\nA new data center opened downtown. It cools servers with seawater.\n")
    proc = build_process(corpus, index)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = Assistant(index, encoder="hashing", auto_rebuild=False)
    answer = after.ask("robotic cranes", k=3).to_dict()
    # Either the old index or, if the kill came after the swap, the complete new one: never a broken one.
    new_build = os.readlink(index / "current") != before_link
    assert answer == before or (new_build and after.index.manifest.articles == len(ARTICLES) + 1)
    # The next build cleans up what the killed one left behind.
    Assistant(index, encoder="hashing", auto_rebuild=False).build(corpus)
    assert not [p for p in (index / "builds").iterdir() if p.name.endswith(".partial")]


def test_reader_switches_to_a_new_build_made_by_another_process(tmp_path, make_corpus):
    corpus = make_corpus(ARTICLES)
    index = tmp_path / "index"
    reader = Assistant(index, encoder="hashing", auto_rebuild=False)
    reader.build(corpus)
    assert all(c.source != "extra.txt" for c in reader.ask("seawater data center", k=3).citations)
    (corpus / "extra.txt").write_text("Extra\nA new data center opened downtown. It cools servers with seawater.\n")
    proc = build_process(corpus, index)
    assert proc.wait(timeout=120) == 0
    assert reader.ask("seawater data center", k=3).citations[0].source == "extra.txt"
