"""Benchmarks: one command measures everything and writes a Markdown table (benchmarks/results.md).

    .venv/bin/python benchmarks/run.py                       # seed, 10k, 100k, 1M passages
    .venv/bin/python benchmarks/run.py --sizes seed,10k      # a subset
    .venv/bin/python benchmarks/run.py --smoke --out FILE    # tiny sizes: checks the script works

Seed and 10k corpora are indexed for real with the default encoder. The 100k and 1M corpora
reuse the 10k corpus's real vectors as perturbed copies (and its BM25 token lists with 30% of
tokens resampled): embedding a million passages on 2 cores takes most of an hour, and the search
stages only need realistic vectors and postings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from assistant import Assistant
from assistant.config import DEFAULT_CORPUS
from assistant.index import ann
from assistant.index.lexical import LexicalIndex
from assistant.index.store import Index, PassageTable, SentenceTable
from assistant.language import language_of
from assistant.search import retrieve
from assistant.terms import forget, tokenize
from assistant.timing import Stopwatch

KOREAN = "정부와 기업은 AI 분야에서 역할을 어떻게 나눠야 하나요?"
ENGLISH = "How should government and companies divide their roles?"
STAGES = ["encoding", "dense search", "lexical search", "fusion", "re-ranking", "decline check", "quote selection"]
QUESTION_FILES = [ROOT / "tests/data/dev_questions.jsonl", ROOT / "benchmarks/validation_questions.jsonl"]


# ---- helpers ---------------------------------------------------------------------------------
def pct(values, q) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def questions(limit: int | None = None) -> list[str]:
    out = []
    for f in QUESTION_FILES:
        out += [json.loads(line)["question"] for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out[:limit] if limit else out


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in meminfo if line.startswith("MemTotal")), 0)
    import faiss

    return (f"{cpu}, {len(os.sched_getaffinity(0))} cores, {mem} GiB RAM; Python {platform.python_version()}, "
            f"numpy {np.__version__}, faiss {faiss.__version__}")


def clear_caches(assistant: Assistant) -> None:
    """Each question is timed as if asked for the first time."""
    forget()
    assistant.index.bridge.forget()


def latency(assistant: Assistant, qs: list[str]) -> dict[str, tuple[float, float]]:
    assistant.ask("warm-up question"), assistant.ask("워밍업 질문")
    per_stage: dict[str, list[float]] = {s: [] for s in [*STAGES, "total"]}
    for q in qs:
        clear_caches(assistant)
        watch = Stopwatch()
        start = time.perf_counter()
        assistant.ask(q, watch=watch)
        per_stage["total"].append((time.perf_counter() - start) * 1000)
        for s in STAGES:
            per_stage[s].append(watch.seconds.get(s, 0.0) * 1000)
    return {s: (pct(v, 50), pct(v, 95)) for s, v in per_stage.items()}


def build_in_child(corpus: Path, out: Path, cache_cold: bool = True, milvus: str | None = None) -> dict:
    """Build in a fresh process, reporting time, throughput and peak memory (milvus: a Milvus URI to build into)."""
    if cache_cold:
        shutil.rmtree(out / "cache", ignore_errors=True)
    target = f"MilvusTarget({milvus!r}, 'bench')" if milvus else "None"
    code = (
        "import json, resource, sys, time; from assistant import Assistant;"
        "from assistant.index.milvus import MilvusTarget;"
        f"a = Assistant({str(out)!r}, auto_rebuild=False); t = time.perf_counter();"
        f"r = a.build({str(corpus)!r}, milvus={target}); s = time.perf_counter() - t;"
        "print(json.dumps({'seconds': s, 'passages': r.passages, 'sentences': r.sentences, 'encoded': r.encoded,"
        "'peak_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_start(index_dir: Path, question: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant.cli", "ask", question, "--index", str(index_dir), "-k", "1"],
                       capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def side_by_side(vectors: np.ndarray, qvecs: np.ndarray, lexical: LexicalIndex, qs: list[str], ann_index) -> dict:
    """Per-query ms of numpy brute force, FAISS flat, the chosen ANN index and bm25s alone; ANN recall@10."""
    import faiss

    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    out = {"numpy": [], "faiss flat": [], "ann": [], "bm25s": [], "bm25s exact": []}
    recall, lex_recall = [], []
    for q, text in zip(qvecs, qs, strict=True):
        t = time.perf_counter()
        scores = vectors @ q
        exact = np.argpartition(-scores, 10)[:10]
        out["numpy"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        flat.search(q[None, :], 10)
        out["faiss flat"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        found = ann.search(ann_index, q, 10)
        out["ann"].append((time.perf_counter() - t) * 1000)
        recall.append(len(set(exact.tolist()) & set(found.tolist())) / 10)
        t = time.perf_counter()
        approx, _ = lexical.search(text, 50)
        out["bm25s"].append((time.perf_counter() - t) * 1000)
        if tokenize(text):
            t = time.perf_counter()
            full = lexical.scores(text)
            if full is None:
                continue
            best = np.argpartition(-full, 10)[:10] if len(full) > 10 else np.arange(len(full))
            out["bm25s exact"].append((time.perf_counter() - t) * 1000)
            best = best[full[best] > 0]
            if len(best):
                lex_recall.append(len(set(best.tolist()) & set(approx.tolist())) / len(best))
    del flat
    return {k: pct(v, 50) for k, v in out.items()} | {
        "recall@10": float(np.mean(recall)),
        "lexical recall": float(np.mean(lex_recall)) if lex_recall else 1.0,
    }


# ---- large synthetic indexes from real vectors ------------------------------------------------
def derived_index(base: Index, copies: int, seed: int = 0,
                  terms: list[list[str]] | None = None) -> tuple[Index, np.ndarray, float, float]:
    """An index of perturbed copies of a real one; also its float32 vectors and ANN and BM25 build seconds.

    terms: a list to fill with each derived passage's BM25 terms (to index the same postings elsewhere).

    Article texts, the term bridge and names are the base's: the copies only feed retrieval, and
    quotes are timed on the real base index.
    """
    import bm25s

    rng = np.random.default_rng(seed)
    n0 = len(base)
    p0 = np.asarray(base.passage_vectors, dtype=np.float32)
    s0 = np.asarray(base.sentence_vectors, dtype=np.float16)
    noise = 0.02  # per dimension: copies keep a cosine of about 0.9 with their original
    passages = np.empty((n0 * copies, p0.shape[1]), dtype=np.float32)
    for c in range(copies):
        block = p0 if c == 0 else p0 + noise * rng.standard_normal(p0.shape, dtype=np.float32)
        passages[c * n0 : (c + 1) * n0] = block / np.linalg.norm(block, axis=1, keepdims=True)
    bp, bs = base.passages, base.sentences
    counts = np.tile(bp.sentence_count, copies)
    table = PassageTable(
        article=np.tile(bp.article, copies), start=np.tile(bp.start, copies), end=np.tile(bp.end, copies),
        paragraph=np.tile(bp.paragraph, copies), sentence_count=counts, flags=np.tile(bp.flags, copies),
        first_sentence=np.concatenate(([0], np.cumsum(counts, dtype=np.int64)[:-1])),
    )
    sentences = SentenceTable(
        passage=np.concatenate([bs.passage + c * n0 for c in range(copies)]), start=np.tile(bs.start, copies),
        end=np.tile(bs.end, copies), paragraph=np.tile(bs.paragraph, copies),
    )
    started = time.perf_counter()
    dense, params = ann.build(passages)
    ann_seconds = time.perf_counter() - started
    # BM25 postings: the base token lists, 30% of tokens resampled from the corpus in each copy.
    vocab: dict[str, int] = {}
    base_ids = []
    for pid in range(n0):
        base_ids.append([vocab.setdefault(t, len(vocab)) for t in tokenize(base.passage(pid).text)] or [0])
    pool = np.fromiter((i for ids in base_ids for i in ids), dtype=np.int64)
    docs = []
    for c in range(copies):
        for ids in base_ids:
            arr = np.array(ids)
            if c:
                mask = rng.random(len(arr)) < 0.3
                arr[mask] = pool[rng.integers(0, len(pool), mask.sum())]
            docs.append(arr.tolist())
    if terms is not None:
        words = {i: t for t, i in vocab.items()}
        terms.extend([words[i] for i in doc] for doc in docs)
    started = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenization.Tokenized(ids=docs, vocab=vocab), show_progress=False)
    bm25_seconds = time.perf_counter() - started
    manifest = replace(base.manifest, passages=len(passages), sentences=len(sentences.start), **params)
    index = Index(manifest, base.articles, table, sentences, passages.astype(np.float16), np.tile(s0, (copies, 1)),
                  base.title_vectors, dense, LexicalIndex(retriever), base.bridge, base.names)
    return index, passages, ann_seconds, bm25_seconds


def derived_latency(assistant: Assistant, index: Index, qs: list[str]) -> dict[str, tuple[float, float]]:
    """Stage latencies over a derived index; encoding and quotes are timed on the real base index."""
    per_stage: dict[str, list[float]] = {s: [] for s in ["dense search", "lexical search", "fusion", "total search"]}
    for q in qs:
        qvec, translations = assistant.index.bridge.encode(assistant.encoder, q, language_of(q))
        watch = Stopwatch()
        start = time.perf_counter()
        retrieve(index, qvec, q, language_of(q), candidates=50, translations=translations, watch=watch)
        per_stage["total search"].append((time.perf_counter() - start) * 1000)
        for s in ["dense search", "lexical search", "fusion"]:
            per_stage[s].append(watch.seconds.get(s, 0.0) * 1000)
    return {s: (pct(v, 50), pct(v, 95)) for s, v in per_stage.items()}


# ---- the targets of issue 4, read from the measurements -----------------------------------------
WHY = [
    "Why a target can be missed on this 2-core machine:",
    "- **1M latency:** BM25 scores are exact (every passage holding a query term is scored); only the top k is",
    "  found without sorting them all (block maxima give a floor on the k-th score). Cutting common terms'",
    "  postings lost too much of exact BM25's top 10 (recall 0.73-0.89), a numpy MaxScore was slower than",
    "  scoring everything, and running BM25 beside the FAISS search on the other core made both slower.",
    "- **Build throughput:** a first build is mostly the encoder (passages, their sentences and the bridge's",
    "  terms) and Korean analysis. Each sentence is encoded once, passage vectors come from the same pass,",
    "  and per-piece work is done once per distinct piece; rebuilds reuse cached vectors.",
    "",
]


def targets(stage_rows, compare_rows, build_rows, start_rows) -> list[str]:
    rows = []
    by_label = {label: lat for label, _, _, lat in stage_rows}
    seed = next((lat for label, lat in by_label.items() if label.startswith("seed")), None)
    if seed:
        p50, p95 = seed["total"]
        rows.append(("seed corpus: p50 <= 5 ms per question", f"{p50:.2f} ms (p95 {p95:.2f})", p50 <= 5))
    big = [(label, lat) for label, lat in by_label.items() if "derived" in label]
    if big:
        label, lat = big[-1]
        p50, p95 = lat["total"]
        measured = f"{p50:.2f} ms (p95 {p95:.2f}); BM25 {lat['lexical search'][0]:.1f} ms"
        rows.append((f"{label}: p50 <= 20 ms per question", measured, p50 <= 20))
        recall = dict(compare_rows).get(label, {}).get("recall@10")
        if recall is not None:
            rows.append((f"{label}: recall@10 >= 0.95 against exact search", f"{recall:.3f}", recall >= 0.95))
    real = [(label, b) for label, b in build_rows if b and "synthetic" in label]
    warm = [(label, b) for label, b in build_rows if b and "warm" in label]
    if real:
        rate = real[0][1]["passages"] / real[0][1]["seconds"]
        warm_rate = warm[0][1]["passages"] / warm[0][1]["seconds"] if warm else float("nan")
        measured = f"{rate:.0f}/s first build; {warm_rate:.0f}/s with a warm cache"
        rows.append(("build >= 400 passages/s", measured, rate >= 400))
    if warm:
        encoded = warm[0][1]["encoded"]
        rows.append(("adding articles re-embeds only new or changed text", f"warm rebuild embedded {encoded} texts",
                     encoded == 0))
    seed_starts = [s for label, s in start_rows if label.startswith("seed")]
    if seed_starts:
        measured = " / ".join(f"{s:.2f} s" for s in seed_starts)
        rows.append(("cold start on the seeds <= 3 s", measured, max(seed_starts) <= 3))
    out = ["## Targets (issue 4)", "", "| target | measured | met? |", "|---|---|---|"]
    out += [f"| {t} | {m} | {'yes' if ok else 'no'} |" for t, m, ok in rows]
    return [*out, "", *WHY]


# ---- the run ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="seed,10k,100k,1m")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results.md"))
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and few questions")
    parser.add_argument("--workdir", default=None, help="where corpora and indexes go (default: a temp folder)")
    args = parser.parse_args(argv)
    runs = 1 if args.smoke else 3
    sizes = args.sizes.lower().split(",")
    qs = questions(12 if args.smoke else None)
    synthetic_passages = 300 if args.smoke else 10_000
    multipliers = {"100k": 3 if args.smoke else 10, "1m": 6 if args.smoke else 100}
    work = Path(args.workdir or tempfile.mkdtemp(prefix="assistant-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    lines += ["# Benchmark results", "", f"Machine: {machine()}.", "",
              f"Command: `.venv/bin/python benchmarks/run.py{' --smoke' if args.smoke else ''}"
              f"{'' if args.sizes == 'seed,10k,100k,1m' else ' --sizes ' + args.sizes}`; "
              f"{len(qs)} questions (dev + validation sets), each timed with cold per-question caches.", ""]
    stage_rows, build_rows, compare_rows, start_rows = [], [], [], []
    base_assistant = None

    if "seed" in sizes:
        log("seed corpus ...")
        seed_index = work / "seed-index"
        b = build_in_child(ROOT / DEFAULT_CORPUS, seed_index)
        build_rows.append(("seed", b))
        a = Assistant(seed_index)
        stage_rows.append((f"seed ({len(a.index)})", len(a.index), "flat", latency(a, qs)))
        start_rows.append(("seed, Korean question", cold_start(seed_index, KOREAN, runs)))
        start_rows.append(("seed, English question", cold_start(seed_index, ENGLISH, runs)))
        vecs = np.asarray(a.index.passage_vectors, dtype=np.float32)
        qv = a.encoder.encode_queries(qs)
        compare_rows.append(("seed", side_by_side(vecs, qv, a.index.lexical, qs, a.index.dense)))

    if any(s in sizes for s in ("10k", "100k", "1m")):
        log(f"synthetic corpus of about {synthetic_passages} passages ...")
        corpus = work / "synthetic"
        if not corpus.exists():
            from synth import write_corpus

            write_corpus(corpus, ROOT / DEFAULT_CORPUS, synthetic_passages)
        index_dir = work / "synthetic-index"
        b = build_in_child(corpus, index_dir)
        label = "10k" if not args.smoke else f"{b['passages']}"
        build_rows.append((f"{label} (synthetic, embedded for real)", b))
        warm = build_in_child(corpus, index_dir, cache_cold=False)
        build_rows.append((f"{label} rebuilt, embedding cache warm", warm))
        base_assistant = Assistant(index_dir)
        base = base_assistant.index
        if "10k" in sizes:
            stage_rows.append((label, len(base), base.manifest.index_type, latency(base_assistant, qs)))
            vecs = np.asarray(base.passage_vectors, dtype=np.float32)
            qv = base_assistant.encoder.encode_queries(qs)
            compare_rows.append((label, side_by_side(vecs, qv, base.lexical, qs, base.dense)))
            start_rows.append((f"{label}, Korean question", cold_start(index_dir, KOREAN, runs)))

    for size in ("100k", "1m"):
        if size not in sizes or base_assistant is None:
            continue
        log(f"derived {size} index ...")
        derived, vectors32, ann_seconds, bm25_seconds = derived_index(base_assistant.index, multipliers[size])
        label = f"{len(derived):,} (derived)"
        lat = derived_latency(base_assistant, derived, qs)
        seed_like = stage_rows[-1][3] if stage_rows else {}
        # Encoding, re-ranking (a fixed number of candidates), the decline check and quotes do not grow with
        # the corpus: they are taken from the real index above.
        fixed = {s: seed_like.get(s, (float("nan"),) * 2) for s in ("encoding", "re-ranking", "decline check",
                                                                     "quote selection")}
        total = tuple(lat["total search"][i] + sum(v[i] for v in fixed.values()) for i in range(2))
        merged = {**fixed, **{k: lat[k] for k in ("dense search", "lexical search", "fusion")}, "total": total}
        stage_rows.append((label, len(derived), derived.manifest.index_type, merged))
        qv = base_assistant.encoder.encode_queries(qs)
        compare_rows.append((label, side_by_side(vectors32, qv, derived.lexical, qs, derived.dense)))
        build_rows.append((f"{label}: ANN index {derived.manifest.index_type} {ann_seconds:.0f} s, "
                           f"BM25 {bm25_seconds:.0f} s", None))
        del derived, vectors32

    lines += targets(stage_rows, compare_rows, build_rows, start_rows)
    lines += ["## Per-question latency (ms, p50 / p95), in process", "",
              "| passages | index | " + " | ".join(STAGES) + " | total |",
              "|---|---|" + "---|" * (len(STAGES) + 1)]
    for label, _n, kind, lat in stage_rows:
        cells = " | ".join(f"{lat[s][0]:.2f} / {lat[s][1]:.2f}" for s in [*STAGES, "total"])
        lines.append(f"| {label} | {kind} | {cells} |")
    lines += ["", "Rows marked *derived* time the search stages on perturbed copies of the 10k corpus's real "
              "vectors and postings; their encoding, re-ranking, decline and quote cells are those measured on the "
              "real corpus above them (both independent of corpus size).", ""]
    lines += ["## Search alone, side by side (ms per question, p50)", "",
              "| passages | numpy brute force | FAISS flat | chosen index | chosen index recall@10 | bm25s alone |",
              "|---|---|---|---|---|---|"]
    for label, c in compare_rows:
        lines.append(f"| {label} | {c['numpy']:.2f} | {c['faiss flat']:.2f} | {c['ann']:.2f} | {c['recall@10']:.3f} | "
                     f"{c['bm25s']:.2f} |")
    lines += ["", "## Index builds", "",
              "| corpus | seconds | passages | passages/s | texts embedded | peak memory (MiB) |",
              "|---|---|---|---|---|---|"]
    for label, b in build_rows:
        if b is None:
            lines.append(f"| {label} | | | | | |")
            continue
        rate = b["passages"] / b["seconds"] if b["seconds"] else float("nan")
        lines.append(f"| {label} | {b['seconds']:.1f} | {b['passages']:,} | {rate:.0f} | {b['encoded']:,} "
                     f"| {b['peak_mib']:.0f} |")
    lines += ["", "Builds run in a fresh process and include loading the models; throughput counts every stage "
              "(cleaning, chunking, Korean analysis, embedding passages, sentences and bridge terms, BM25, FAISS).", "",
              "## Start-up to first answer (`assistant ask`, new process, median of 3)", "",
              "| index | seconds |", "|---|---|"]
    lines += [f"| {label} | {s:.2f} |" for label, s in start_rows]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
