"""The local index (FAISS + bm25s) and Milvus side by side: same questions, same answers checked.

    .venv/bin/python benchmarks/backends.py                 # seed, 10k, 100k passages -> benchmarks/backends.md
    .venv/bin/python benchmarks/backends.py --sizes seed    # a subset

Milvus is a `milvus-lite server` this script starts on a loopback port, spoken to over gRPC exactly as a
Milvus standalone or cluster would be. Seed and 10k corpora are indexed for real into both backends (the
10k Milvus build reuses the local build's embedding cache, so its build time is the backend's own work);
100k passages are derived from the 10k index as in run.py (perturbed vector copies, resampled BM25 terms) and
only their search stages are timed. Answers: the share of questions whose first three citations (seed, 10k)
or fused candidates (100k) are the same through both backends.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from load import free_port
from run import build_in_child, derived_index, machine, pct, questions

from assistant import Assistant
from assistant.index.milvus import MilvusBackend, Row, publish
from assistant.language import language_of
from assistant.search import retrieve
from assistant.terms import forget
from assistant.timing import Stopwatch

STAGES = ["dense search", "lexical search", "fusion"]
MILVUS_LITE = Path(sys.executable).with_name("milvus-lite")


def start_milvus(data: Path) -> tuple[subprocess.Popen, str]:
    from pymilvus import MilvusClient

    port = free_port()
    log = open(data.parent / "milvus-server.log", "ab")  # noqa: SIM115  (the server writes to it until stopped)
    proc = subprocess.Popen([str(MILVUS_LITE), "server", "--data-dir", str(data), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    uri = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            MilvusClient(uri=uri, timeout=2).list_collections()
            return proc, uri
        except Exception:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("milvus-lite server did not start")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stage_latency(assistant: Assistant, qs: list[str], index=None) -> tuple[dict, list]:
    """Per-stage p50/p95 (ms) of the search stages and of whole answers; the answers' first three citations.

    index: search this index instead (derived sizes: only the search stages, no answers).
    """
    per: dict[str, list[float]] = {s: [] for s in [*STAGES, "search total", "answer total"]}
    tops = []
    for q in qs:
        forget()
        assistant.index.bridge.forget()
        if index is None:
            watch = Stopwatch()
            start = time.perf_counter()
            answer = assistant.ask(q, watch=watch)
            per["answer total"].append((time.perf_counter() - start) * 1000)
            tops.append([(c.source, c.passage_start) for c in answer.citations[:3]])
        else:
            qvec, translations = assistant.index.bridge.encode(assistant.encoder, q, language_of(q))
            watch = Stopwatch()
            hits = retrieve(index, qvec, q, language_of(q), candidates=50, translations=translations, watch=watch)
            tops.append([h.passage_id for h in hits[:10]])
        per["search total"].append(sum(watch.seconds.get(s, 0.0) for s in STAGES) * 1000)
        for s in STAGES:
            per[s].append(watch.seconds.get(s, 0.0) * 1000)
    return {s: (pct(v, 50), pct(v, 95)) for s, v in per.items() if v}, tops


def same_share(a: list, b: list) -> float:
    """Share of questions with the same first citations (answers), or the mean overlap of the first ten
    candidates (derived sizes, where candidates are compared as sets: approximate search may reorder them)."""
    if a and a[0] and isinstance(a[0][0], int):
        return sum(len(set(x) & set(y)) / max(len(x), 1) for x, y in zip(a, b, strict=True)) / max(len(a), 1)
    return sum(x == y for x, y in zip(a, b, strict=True)) / max(len(a), 1)


def fmt(cell: tuple[float, float] | None) -> str:
    return "" if cell is None else f"{cell[0]:.2f} / {cell[1]:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="seed,10k,100k")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "backends.md"))
    parser.add_argument("--workdir", default=None, help="corpora and indexes (default: a temp folder)")
    args = parser.parse_args(argv)
    sizes = args.sizes.split(",")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="assistant-backends-"))
    work.mkdir(parents=True, exist_ok=True)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    qs = questions()
    data = work / "milvus-data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    server, uri = start_milvus(data)
    rows, builds = [], []
    try:
        corpora = []
        if "seed" in sizes:
            corpora.append(("seed", ROOT / "seeds"))
        if "10k" in sizes or "100k" in sizes:
            corpus = work / "synthetic"
            if not corpus.exists():
                from synth import write_corpus

                write_corpus(corpus, ROOT / "seeds", 10_000)
            corpora.append(("10k", corpus))
        base = None
        for label, corpus in corpora:
            log(f"{label}: building both indexes ...")
            local_dir, milvus_dir = work / f"{label}-local", work / f"{label}-milvus"
            for d in (local_dir, milvus_dir):
                shutil.rmtree(d, ignore_errors=True)
            local_build = build_in_child(corpus, local_dir)
            shutil.copytree(local_dir / "cache", milvus_dir / "cache")  # the same vectors: time the backend only
            before = rss_mib(server.pid)
            milvus_build = build_in_child(corpus, milvus_dir, cache_cold=False, milvus=uri)
            builds.append((label, local_build, milvus_build, rss_mib(server.pid) - before))
            local, on_milvus = Assistant(local_dir), Assistant(milvus_dir)
            for a in (local, on_milvus):
                a.ask("warm-up"), a.ask("워밍업")
            log(f"{label}: timing {len(qs)} questions on each ...")
            lat_local, top_local = stage_latency(local, qs)
            lat_milvus, top_milvus = stage_latency(on_milvus, qs)
            rows.append((f"{label} ({len(local.index):,})", lat_local, lat_milvus, same_share(top_local, top_milvus)))
            if label == "10k":
                base = local
        if "100k" in sizes and base is not None:
            log("100k: deriving and publishing ...")
            terms: list[list[str]] = []  # the derived postings, as term strings for Milvus
            derived, vectors, _, _ = derived_index(base.index, 10, terms=terms)
            articles = derived.articles
            table = derived.passages
            started = time.perf_counter()
            build = "derived100k"
            before = rss_mib(server.pid)
            publish(uri, "bench100k", build, [
                Row(i, vectors[i], terms[i], articles[table.article[i]].source, articles[table.article[i]].outlet or "",
                    articles[table.article[i]].date, articles[table.article[i]].language) for i in range(len(derived))
            ], vectors.shape[1])
            publish_seconds = time.perf_counter() - started
            builds.append(("100k (derived)", None, {"seconds": publish_seconds, "passages": len(derived)},
                           rss_mib(server.pid) - before))
            lat_local, top_local = stage_latency(base, qs, derived)
            derived.backend = MilvusBackend(uri, "bench100k", build)
            lat_milvus, top_milvus = stage_latency(base, qs, derived)
            rows.append((f"100k ({len(derived):,}, derived)", lat_local, lat_milvus, same_share(top_local, top_milvus)))
        server_rss = rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)

    lines = [
        "# Local index and Milvus, side by side", "",
        f"Machine: {machine()}. Milvus: `milvus-lite server` (pymilvus {__import__('pymilvus').__version__}) on "
        "a loopback port, one process beside the benchmark; the local index is FAISS + bm25s in the build folder.",
        "",
        f"Command: `.venv/bin/python benchmarks/backends.py` ({len(qs)} questions, dev + validation sets, cold "
        "per-question caches).", "",
        "## Latency per question (ms, p50 / p95)", "",
        "| passages | backend | dense search | lexical search | fusion | search total | whole answer | "
        "same results |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, lat_local, lat_milvus, same in rows:
        for name, lat in (("local", lat_local), ("Milvus", lat_milvus)):
            lines.append(f"| {label} | {name} | {fmt(lat['dense search'])} | {fmt(lat['lexical search'])} "
                         f"| {fmt(lat['fusion'])} | {fmt(lat['search total'])} | {fmt(lat.get('answer total'))} "
                         f"| {same:.2f} |")
    lines += ["", "*Same results*: share of questions whose first three citations are identical through both "
              "backends (seed, 10k); for the derived 100k, the mean overlap of the first ten fused candidates (the "
              "local index searches IVF there, Milvus Lite exactly).", "",
              "## Builds", "",
              "| corpus | local: seconds (peak MiB) | Milvus: seconds (peak MiB of the build) | Milvus server "
              "memory added (MiB) |", "|---|---|---|---|"]
    for label, local_build, milvus_build, added in builds:
        left = f"{local_build['seconds']:.1f} ({local_build['peak_mib']:.0f})" if local_build else "(derived)"
        peak = f" ({milvus_build['peak_mib']:.0f})" if "peak_mib" in milvus_build else " (insert + index + load)"
        lines.append(f"| {label} | {left} | {milvus_build['seconds']:.1f}{peak} | {added:.0f} |")
    lines += ["", f"Milvus server resident memory at the end: {server_rss:.0f} MiB. This process's peak: "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB.", ""]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
