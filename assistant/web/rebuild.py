"""Background index rebuilds for a running server: one at a time, requests coalesced, the corpus folder polled."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import AssistantError
from ..index.build import stat_fingerprint

POLL_SECONDS = 3.0  # stat_fingerprint over a few hundred files takes milliseconds


class Rebuilder:
    """Rebuild the index from corpus in a worker thread while questions keep using the old index.

    request() asks for a build; requests made while one runs become one more build after it (never a
    queue of them). A poller compares the corpus folder's stat fingerprint every poll_seconds, so files
    changed by other means (a copy, `assistant add`) are noticed too. The facade switches readers to the
    new build atomically when it is written.
    """

    def __init__(self, assistant, corpus: str | Path, poll_seconds: float | None = POLL_SECONDS,
                 fingerprint: Callable[[Path], str] = stat_fingerprint) -> None:
        self.assistant = assistant
        self.corpus = Path(corpus)
        self.poll_seconds = poll_seconds
        self.fingerprint = fingerprint
        self._cond = threading.Condition()
        self._pending = False
        self._running = False
        self._stopped = False
        self._seen = fingerprint(self.corpus)
        self.builds = 0  # finished builds (successful or not)
        self.progress: tuple[str, int, int] | None = None
        self.error: str | None = None
        self.warnings: list[str] = []
        self._threads: list[threading.Thread] = []

    # ---- control ----------------------------------------------------------------------------
    def start(self) -> Rebuilder:
        self._threads = [threading.Thread(target=self._work, name="corpus-rebuild", daemon=True)]
        if self.poll_seconds:
            self._threads.append(threading.Thread(target=self._poll, name="corpus-poll", daemon=True))
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 30) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout)

    def request(self) -> None:
        """Ask for a rebuild; returns at once."""
        with self._cond:
            self._pending = True
            self._cond.notify_all()

    def check(self) -> bool:
        """One poll: request a rebuild when the corpus folder changed since last seen. True when it did."""
        current = self.fingerprint(self.corpus)
        with self._cond:
            if current == self._seen:
                return False
            self._seen = current
        self.request()
        return True

    def wait_idle(self, timeout: float = 60) -> bool:
        """Block until no build is running or pending (tests, shutdown). False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def state(self) -> dict:
        """What the page shows: busy, waiting, the current stage and counts, the last error and warnings."""
        with self._cond:
            stage = self.progress
            return {"running": self._running, "pending": self._pending, "builds": self.builds,
                    "stage": stage[0] if stage else None, "done": stage[1] if stage else 0,
                    "total": stage[2] if stage else 0, "error": self.error, "warnings": list(self.warnings)}

    # ---- threads ----------------------------------------------------------------------------
    def _on_progress(self, stage: str, done: int, total: int) -> None:
        with self._cond:
            self.progress = (stage, done, total)

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                self._pending, self._running, self.progress = False, True, None
                # What this build will read: the poller need not ask again for changes made before now.
                self._seen = self.fingerprint(self.corpus)
            error, warnings = None, []
            try:
                report = self.assistant.build(self.corpus, progress=self._on_progress)
                warnings = list(report.warnings)
            except AssistantError as exc:
                error = str(exc)
            except Exception as exc:
                error = f"{exc.__class__.__name__}: {exc}"
            with self._cond:
                self._running, self.builds, self.error, self.warnings = False, self.builds + 1, error, warnings
                self._cond.notify_all()

    def _poll(self) -> None:
        while True:
            with self._cond:
                if self._cond.wait_for(lambda: self._stopped, timeout=self.poll_seconds):
                    return
            try:
                self.check()
            except OSError:
                continue  # the folder is being moved or remounted; look again next time
