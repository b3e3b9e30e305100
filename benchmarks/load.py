"""Load test: N concurrent clients ask questions through the /ask API of a running `assistant serve`.

    .venv/bin/python benchmarks/load.py                     # 50 clients for 60 s against a server it starts
    .venv/bin/python benchmarks/load.py --clients 10 --seconds 5 --url http://127.0.0.1:7860

Only loopback addresses are used. Reports latency p50/p95, failed requests and the server's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "benchmarks/validation_questions.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip()]


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


def ask(client, url: str, question: str) -> dict:
    """One /ask call over Gradio's HTTP API: submit, then read the event stream to completion."""
    r = client.post(f"{url}/gradio_api/call/ask", json={"data": [question, None]})  # question, history
    r.raise_for_status()
    event_id = r.json()["event_id"]
    event = None
    with client.stream("GET", f"{url}/gradio_api/call/ask/{event_id}") as stream:
        stream.raise_for_status()
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(line)
                return json.loads(line[5:])[0]
    raise RuntimeError("stream ended without a result")


def run(url: str, clients: int, seconds: float, server_pid: int | None = None) -> dict:
    import httpx

    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    memory: list[float] = []

    def worker(n: int) -> None:
        with httpx.Client(timeout=120) as client:
            i = n
            while time.monotonic() < deadline:
                q = QUESTIONS[i % len(QUESTIONS)]
                i += clients
                start = time.perf_counter()
                try:
                    result = ask(client, url, q)
                    ok = isinstance(result, dict) and "citations" in result
                    with lock:
                        (latencies if ok else failures).append(time.perf_counter() - start if ok else f"bad: {result}")
                except Exception as exc:  # every failure is counted and reported
                    with lock:
                        failures.append(f"{type(exc).__name__}: {exc}")

    def sampler() -> None:
        while time.monotonic() < deadline and server_pid:
            memory.append(rss_mib(server_pid))
            time.sleep(1)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)] + [threading.Thread(target=sampler)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ms = np.array(latencies) * 1000
    return {
        "clients": clients, "seconds": seconds, "requests": len(latencies), "failed": len(failures),
        "p50_ms": float(np.percentile(ms, 50)) if len(ms) else None,
        "p95_ms": float(np.percentile(ms, 95)) if len(ms) else None,
        "rss_start_mib": memory[0] if memory else None, "rss_end_mib": memory[-1] if memory else None,
        "rss_max_mib": max(memory) if memory else None, "first_failures": failures[:3],
    }


def start_server(index: str, port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", **(env or {}))
    command = [sys.executable, "-m", "assistant.cli", "serve", "--index", index, "--port", str(port),
               "--host", "127.0.0.1"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import httpx

    for _ in range(240):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode(errors="replace")[-2000:])
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", default=None, help="a running server (default: start one on a free loopback port)")
    parser.add_argument("--index", default="embeddings")
    args = parser.parse_args(argv)
    proc = None
    url = args.url
    if url is None:
        port = free_port()
        proc = start_server(args.index, port)
        url = f"http://127.0.0.1:{port}"
    try:
        report = run(url, args.clients, args.seconds, proc.pid if proc else None)
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)
    print(json.dumps(report, indent=2))
    return 0 if report["failed"] == 0 and report["requests"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
