"""A stopwatch for per-stage latency, used by the benchmarks; free when not asked for."""

from __future__ import annotations

import time
from contextlib import contextmanager, nullcontext


class Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def stage(watch: Stopwatch | None, name: str):
    return watch.stage(name) if watch is not None else nullcontext()
