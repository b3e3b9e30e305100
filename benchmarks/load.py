"""Throughput under load: N concurrent loopback clients post questions to a running `assistant serve`.

    .venv/bin/python benchmarks/load.py --write              # the issue-11 run: 32 clients, 30 s, /api/ask
    .venv/bin/python benchmarks/load.py --endpoint gradio    # the same through Gradio's queued /ask endpoint
    .venv/bin/python benchmarks/load.py --clients 8 --seconds 5 --url http://127.0.0.1:7860

The question stream is every blind question set (history included for follow-ups), cycled in the same order by
the clients and by the in-process baseline: one thread calling Assistant.ask back to back in a fresh process
for as long as the load runs. The ratio is answers/s over HTTP to answers/s in process. Only loopback addresses
are used. --write puts the table in benchmarks/load_results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SETS = ["benchmarks/questions/tune.jsonl", "benchmarks/questions/report.jsonl",
        "benchmarks/validation_questions.jsonl", "tests/data/dev_questions.jsonl"]
RESULTS = ROOT / "benchmarks/load_results.md"


def question_stream() -> list[dict]:
    """{"question", "history"} requests from every question set, in file order."""
    out = []
    for name in SETS:
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out.append({"question": item["question"], "history": item.get("history") or []})
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# ---- the in-process baseline ---------------------------------------------------------------------------
def pinned(command: list[str], cores: set[int] | None) -> list[str]:
    """command run on the given cores only (taskset), or as it is."""
    return ["taskset", "-c", ",".join(map(str, sorted(cores))), *command] if cores else command


def in_process_rate(index: str, seconds: float, cores: set[int] | None = None) -> dict:
    """Answers per second of one thread calling Assistant.ask over the stream, in a fresh child process."""
    code = (
        "import json, sys, time\n"
        "from assistant.api import Assistant\n"
        "stream = json.loads(sys.stdin.read())\n"
        f"a = Assistant({index!r}, auto_rebuild=False)\n"
        "a.ask('warm-up')\n"
        f"deadline = time.perf_counter() + {seconds}\n"
        "n = 0; start = time.perf_counter()\n"
        "while time.perf_counter() < deadline:\n"
        "    r = stream[n % len(stream)]\n"
        "    a.ask(r['question'], history=r['history'] or None).to_dict()\n"
        "    n += 1\n"
        "print(json.dumps({'answers': n, 'seconds': time.perf_counter() - start}))\n"
    )
    out = subprocess.run(pinned([sys.executable, "-c", code], cores), input=json.dumps(question_stream()), text=True,
                         capture_output=True, cwd=ROOT, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["rate"] = result["answers"] / result["seconds"]
    return result


# ---- the load ------------------------------------------------------------------------------------------
async def ask_api(client, url: str, request: dict) -> dict:
    r = await client.post(f"{url}/api/ask", json=request)
    r.raise_for_status()
    return r.json()


async def ask_gradio(client, url: str, request: dict) -> dict:
    """One call of Gradio's queued /ask endpoint: submit, then read the event stream to completion."""
    r = await client.post(f"{url}/gradio_api/call/ask", json={"data": [request["question"], request["history"]]})
    r.raise_for_status()
    event_id = r.json()["event_id"]
    event = None
    async with client.stream("GET", f"{url}/gradio_api/call/ask/{event_id}") as stream:
        stream.raise_for_status()
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(line)
                return json.loads(line[5:])[0]
    raise RuntimeError("stream ended without a result")


async def load(url: str, clients: int, seconds: float, endpoint: str, server_pid: int | None) -> dict:
    import httpx

    stream = question_stream()
    ask = ask_api if endpoint == "api" else ask_gradio
    latencies: list[float] = []
    failures: list[str] = []
    memory: list[float] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await ask(client, url, stream[0])  # a connection and a first answer before the clock starts
        deadline = time.monotonic() + seconds

        async def worker(n: int) -> None:
            i = n
            while time.monotonic() < deadline:
                request = stream[i % len(stream)]
                i += clients
                start = time.perf_counter()
                try:
                    result = await ask(client, url, request)
                    if isinstance(result, dict) and "answered" in result:
                        latencies.append(time.perf_counter() - start)
                    else:
                        failures.append(f"not an answer: {str(result)[:200]}")
                except Exception as exc:  # every failure is counted and reported
                    failures.append(f"{type(exc).__name__}: {exc}")

        async def sampler() -> None:
            while time.monotonic() < deadline and server_pid:
                memory.append(rss_mib(server_pid))
                await asyncio.sleep(1)

        began = time.monotonic()
        await asyncio.gather(sampler(), *(worker(n) for n in range(clients)))
        elapsed = time.monotonic() - began
    ms = np.array(latencies) * 1000
    return {
        "endpoint": endpoint, "clients": clients, "seconds": round(elapsed, 1), "answers": len(latencies),
        "failed": len(failures), "rate": len(latencies) / elapsed,
        "p50_ms": float(np.percentile(ms, 50)) if len(ms) else None,
        "p95_ms": float(np.percentile(ms, 95)) if len(ms) else None,
        "rss_start_mib": memory[0] if memory else None, "rss_max_mib": max(memory) if memory else None,
        "first_failures": failures[:3],
    }


def run(url: str, clients: int, seconds: float, endpoint: str = "api", server_pid: int | None = None) -> dict:
    """The load, from synchronous code (the test suite runs a short one)."""
    return asyncio.run(load(url, clients, seconds, endpoint, server_pid))


def ask_once(url: str, question: str, history: list[str] | None = None) -> dict:
    import httpx

    r = httpx.post(f"{url}/api/ask", json={"question": question, "history": history or []}, timeout=60)
    r.raise_for_status()
    return r.json()


def start_server(index: str, port: int, env: dict[str, str] | None = None,
                 extra: list[str] | None = None, cores: set[int] | None = None) -> subprocess.Popen:
    """`assistant serve` on a loopback port (extra: more of its options; cores: pinned to these), once it answers."""
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", **(env or {}))
    command = pinned([sys.executable, "-m", "assistant.cli", "serve", "--index", index, "--port", str(port),
                      "--host", "127.0.0.1", *(extra or [])], cores)
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import httpx

    for _ in range(240):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/articles", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode(errors="replace")[-2000:])
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not start")


def write(report: dict, baseline: dict, args) -> None:
    ratio = report["rate"] / baseline["rate"]
    met = ratio >= 0.5 and (report["p95_ms"] or 1e9) <= 250 and report["failed"] == 0
    lines = [
        "# Load test results", "",
        f"Command: `.venv/bin/python benchmarks/load.py --write --clients {args.clients} --seconds {args.seconds:g}` "
        f"(starts `assistant serve` over the index in `{args.index}` on a free loopback port; {args.clients} "
        f"clients in one asyncio process post every blind question, follow-ups with their history, to "
        f"`/api/ask` back to back). Machine: see `results.md` (2 cores). "
        + ("The server and the in-process baseline run on the first core, the clients on the other (as they "
           "would on other machines); the server's encoder then uses one thread. "
           if report["server_cores"] != "all" else "Server and clients share both cores. "),
        "",
        "| endpoint | clients | seconds | answers | failed | answers/s | p50 (ms) | p95 (ms) | "
        "in-process answers/s (one thread) | ratio | server memory start / max (MiB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        f"| /api/{'ask' if report['endpoint'] == 'api' else 'gradio'} | {report['clients']} | {report['seconds']} "
        f"| {report['answers']:,} | {report['failed']} | {report['rate']:.1f} | {report['p50_ms']:.1f} "
        f"| {report['p95_ms']:.1f} | {baseline['rate']:.1f} | {ratio:.2f} "
        f"| {report['rss_start_mib']:.0f} / {report['rss_max_mib']:.0f} |",
        "",
        f"Target (issue 11): answers/s >= 0.5 x the in-process rate, p95 <= 250 ms, no failures: "
        f"{'met' if met else 'not met'}.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--endpoint", choices=["api", "gradio"], default="api")
    parser.add_argument("--url", default=None, help="a running server (default: start one on a free loopback port)")
    parser.add_argument("--index", default="embeddings")
    parser.add_argument("--write", action="store_true", help="write the table to benchmarks/load_results.md")
    parser.add_argument("--no-pin", action="store_true",
                        help="let server and clients share every core (default: the server and the in-process "
                             "baseline on the first core, the clients on the others, as if on another machine)")
    args = parser.parse_args(argv)
    cores = sorted(os.sched_getaffinity(0))
    server_cores = None if args.no_pin or len(cores) < 2 else {cores[0]}
    if server_cores:
        os.sched_setaffinity(0, set(cores[1:]))  # the clients
    baseline = in_process_rate(args.index, args.seconds, server_cores) if args.url is None else None
    proc = None
    url = args.url
    if url is None:
        port = free_port()
        proc = start_server(args.index, port, cores=server_cores)
        url = f"http://127.0.0.1:{port}"
    try:
        report = run(url, args.clients, args.seconds, args.endpoint, proc.pid if proc else None)
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)
    report["server_cores"] = sorted(server_cores) if server_cores else "all"
    if baseline:
        report["in_process_rate"] = baseline["rate"]
        report["ratio"] = report["rate"] / baseline["rate"]
    print(json.dumps(report, indent=2))
    if args.write and baseline:
        write(report, baseline, args)
    return 0 if report["failed"] == 0 and report["answers"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
