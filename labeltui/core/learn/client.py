"""The session's side of the learner: send jobs, collect results, never wait.

`LearnerProcess` runs `core.learn.worker.serve` in a spawned process (a fresh interpreter:
safe whatever threads the app runs, and the same on every platform). Jobs go out through a
`multiprocessing.Queue`, whose feeder thread does the pickling and writing, so `submit` returns
at once even while the worker is busy; `poll` takes the results that have arrived, without
blocking. `close` asks the worker to stop and makes sure it has (terminate, then kill): no
process outlives the session.

Spawning runs the parent's main script again in the child as `__mp_main__` (multiprocessing's
rule, not ours): `labeltui` and `python -m labeltui` are safe (a console script guards its
call, a package's `__main__` is never re-run), and a script that opens a learning session
itself must keep its work under `if __name__ == "__main__":` (benchmarks/keys.py does).

`InlineLearner` runs the same jobs in the calling thread, at once: for tests and benchmarks
that want a deterministic order, never for the app.
"""

from __future__ import annotations

import contextlib
import queue
import time
from typing import Any

from labeltui.core.learn.worker import Engine, Job, Result, Setup, serve


class LearnerProcess:
    """The worker process and its two queues."""

    def __init__(self, setup: Setup) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._inbox: Any = context.Queue()
        self._outbox: Any = context.Queue()
        self.process = context.Process(
            target=serve,
            args=(setup, self._inbox, self._outbox),
            name="labeltui-learn",
            daemon=True,  # never outlives a session that forgot to close
        )
        self.process.start()
        self.closed = False

    @property
    def alive(self) -> bool:
        return not self.closed and self.process.is_alive()

    def submit(self, job: Job) -> None:
        """Hand `job` to the worker (returns at once)."""
        if not self.closed:
            self._inbox.put(job)

    def poll(self) -> list[Result]:
        """The results that have arrived, oldest first (never blocks)."""
        found: list[Result] = []
        while not self.closed:
            try:
                found.append(self._outbox.get_nowait())
            except (queue.Empty, EOFError, OSError):
                break
        return found

    def wait(self, timeout: float) -> list[Result]:
        """Block up to `timeout` seconds for at least one result (tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        found: list[Result] = []
        while not found and time.monotonic() < deadline and self.alive:
            try:
                found.append(self._outbox.get(timeout=min(0.05, timeout)))
            except queue.Empty:
                continue
            found.extend(self.poll())
        return found

    def close(self, timeout: float = 2.0) -> None:
        """Stop the worker and wait for it to be gone (terminate, then kill, if it lingers)."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError, ValueError):
            self._inbox.put(None)
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1.0)
        if self.process.is_alive():  # pragma: no cover - SIGTERM ignored
            self.process.kill()
            self.process.join(1.0)
        for channel in (self._inbox, self._outbox):
            channel.cancel_join_thread()  # nothing left to deliver: do not wait on the feeder
            channel.close()
        self.process.close()


class InlineLearner:
    """The same jobs, run at once in the caller's thread (tests, benchmarks)."""

    def __init__(self, setup: Setup) -> None:
        self.engine = Engine(setup)
        self._results: list[Result] = []
        self.closed = False

    @property
    def alive(self) -> bool:
        return not self.closed

    def submit(self, job: Job) -> None:
        self.engine.apply(job)
        self._results.append(self.engine.run(job))

    def poll(self) -> list[Result]:
        found, self._results = self._results, []
        return found

    def wait(self, timeout: float) -> list[Result]:
        return self.poll()

    def close(self, timeout: float = 2.0) -> None:
        self.closed = True
        self.engine.close()
