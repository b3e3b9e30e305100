"""A small run of the benchmark script: it must work end to end and write every table."""

import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_smoke_run(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    sys.modules.pop("run", None)
    import run

    out = tmp_path / "results.md"
    assert run.main(["--smoke", "--sizes", "seed,100k", "--out", str(out), "--workdir", str(tmp_path / "work")]) == 0
    text = out.read_text(encoding="utf-8")
    for heading in ("Per-question latency", "Search alone, side by side", "Index builds", "Start-up to first answer"):
        assert heading in text
    seed_row = next(line for line in text.splitlines() if line.startswith("| seed ("))
    totals = re.findall(r"(\d+\.\d+) / (\d+\.\d+) \|$", seed_row)
    assert totals and 0 < float(totals[0][0]) <= float(totals[0][1])
    assert "(derived)" in text and "recall@10" in text
