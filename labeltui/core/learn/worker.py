"""The learner's side of `annotate --learn`: fit the model on the annotator's saves and score a
bounded window of the queue, in a process of its own (`core.learn.client` starts it).

The session sends `Job`s (new or changed saves, the ids now answered, the window to score) and
never waits; the worker answers with `Result`s. What keeps a keypress from ever waiting:

- The worker is a separate process (spawned: a fresh interpreter, safe beside the app's
  threads), at the lowest priority (nice 19), with one BLAS thread; its stdout and stderr go to
  /dev/null (the terminal belongs to the app) and its errors come back as `Result.error`.
- Jobs that queue up while it works, or come within `MIN_GAP` of the last fit's start, are
  merged: their saves are applied in order and only the newest window is scored (a fit still
  running is replaced by the newest). Scoring goes in
  chunks near the front of the queue first; when a newer job arrives meanwhile, what is scored
  so far is sent and the new job starts.
- It reads the candidates' lines itself (byte offsets from the session's index, `os.pread`),
  so the session decodes nothing for it; at most `sample` unanswered items are scored.
- It ends when the session sends None (`close`), and by itself within `PARENT_CHECK` seconds
  when the session's process is gone without closing (killed): no orphan.
- Saves from earlier sessions seed the model: their texts are read from the annotation file
  (the annotator's own current `done` lines), at most `SEED_LIMIT` of them, the latest.
"""

from __future__ import annotations

import contextlib
import math
import os
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from labeltui.core.learn.model import CLASSIFIER, Model, TaskSpec, model_text

SAMPLE = 2000
"""Unanswered items scored per job (the next ones in the queue from its front)."""
SPAN = 4 * SAMPLE
"""Positions a window covers at most (answered ones among them are passed over)."""
CHUNK = 250
"""Items scored between two looks for a newer job."""
SEED_LIMIT = 5000
"""Saves from earlier sessions the model starts from (the latest ones)."""
MIN_GAP = 0.5
"""Seconds from the start of one fit to the start of the next at least: saves that come
faster are merged into the next fit (a person takes longer than this over an item, so the
model stays fresh; a burst of saves does not keep a core busy beside the app)."""
PARENT_CHECK = 1.0
"""Seconds between two looks, while idle, at whether the session's process still runs."""


@dataclass
class Setup:
    """What the worker is started with (pickled once)."""

    dataset: str
    text_field: str
    audio_field: str
    tasks: list[TaskSpec]
    strategy: str = "entropy"
    sample: int = SAMPLE
    answered: list[str] = field(default_factory=list)
    """Ids with a current line (done or skipped): never scored."""
    seed: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Id → labels of the annotator's `done` lines from earlier sessions (texts: `seed_path`)."""
    seed_path: str | None = None
    annotator: str = ""
    classifier: str = CLASSIFIER


@dataclass
class Window:
    """Positions `first`, `first + 1`, ... of the session's queue, as byte offsets and
    lengths of their lines in the dataset (`array('q')` bytes)."""

    first: int
    starts: bytes
    lengths: bytes


@dataclass
class Job:
    """What changed since the last job, and the window to score now."""

    generation: int
    examples: list[tuple[str, str | None, dict[str, Any] | None]] = field(default_factory=list)
    """(id, text, labels) of a new `done` save; labels None: forget the item (skipped, undone)."""
    answered: list[tuple[str, bool]] = field(default_factory=list)
    """(id, has a current line now)."""
    window: Window | None = None
    """None: the window of the job before (the session sends it again only when it moved)."""


@dataclass
class Result:
    """The newest model's scores for (part of) a window."""

    generation: int
    scored: list[tuple[int, str, float, list[tuple[str, Any, float]]]]
    """(position, id, uncertainty, [(task, value, score)]) per scored item, the most uncertain
    first (ties: queue order), so that the session sorts nothing."""
    first_open: int | None
    """The first position of the window without a current line (None: none)."""
    window_end: int
    fitted_on: int
    """Saves the model was fitted on (0: not fitted, too few answers yet)."""
    complete: bool = True
    """False when a newer job cut the scoring short."""
    error: str | None = None


class Engine:
    """The model, the answered ids and the dataset file: what `serve` (and the inline learner
    the tests use) runs jobs with."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.model = Model(setup.tasks, setup.strategy, setup.classifier)
        self.answered = set(setup.answered)
        self.window: Window | None = None
        """The window of the newest job that gave one."""
        self._fd: int | None = None
        if setup.seed and setup.seed_path:
            for ident, (text, labels) in read_seed(setup).items():
                self.model.set_example(ident, text, labels)

    def apply(self, job: Job) -> None:
        if job.window is not None:
            self.window = job.window
        for ident, text, labels in job.examples:
            self.model.set_example(ident, text, labels)
        for ident, done in job.answered:
            if done:
                self.answered.add(ident)
            else:
                self.answered.discard(ident)

    def run(self, job: Job, interrupted: Callable[[], bool] = lambda: False) -> Result:
        """Fit, then score the job's window chunk by chunk (stopping early when
        `interrupted`)."""
        try:
            fitted = self.model.fit()
            return self._score(job, fitted, interrupted)
        except Exception as exc:  # the model's trouble must never reach the app as a crash
            return Result(job.generation, [], None, 0, 0, error=f"{type(exc).__name__}: {exc}")

    def _score(self, job: Job, fitted: bool, interrupted: Callable[[], bool]) -> Result:
        window = self.window
        if window is None:
            return Result(job.generation, [], None, 0, self.model.fitted_on)
        starts, lengths = array("q"), array("q")
        starts.frombytes(window.starts)
        lengths.frombytes(window.lengths)
        end = window.first + len(starts)
        first_open: int | None = None
        candidates: list[tuple[int, str, str]] = []
        for k in range(len(starts)):
            read = self._read(starts[k], lengths[k])
            if read is None or read[0] in self.answered:
                continue
            position = window.first + k
            if first_open is None:
                first_open = position
            if read[1] is not None:
                candidates.append((position, read[0], read[1]))
                if len(candidates) >= self.setup.sample:
                    break
        result = Result(job.generation, [], first_open, end, self.model.fitted_on)
        if not fitted:
            return result
        for at in range(0, len(candidates), CHUNK):
            chunk = candidates[at : at + CHUNK]
            scores = self.model.score([text for _, _, text in chunk])
            for (position, ident, _), (suggestions, unsure) in zip(chunk, scores, strict=True):
                if math.isnan(unsure):
                    continue
                flat = [(task, s[0]["value"], s[0]["score"]) for task, s in suggestions.items()]
                result.scored.append((position, ident, unsure, flat))
            if at + CHUNK < len(candidates) and interrupted():
                result.complete = False
                break
        result.scored.sort(key=lambda entry: (-entry[2], entry[0]))
        return result

    def _read(self, start: int, length: int) -> tuple[str, str | None] | None:
        """(id, the model's text) of the line at `start`, or None when it no longer reads."""
        from labeltui.core.annotations.parse import parse_line
        from labeltui.core.ids import item_id

        if self._fd is None:
            self._fd = os.open(self.setup.dataset, os.O_RDONLY)
        try:
            obj = parse_line(os.pread(self._fd, length, start).strip())
            ident = item_id(obj, self.setup.text_field, self.setup.audio_field)
        except Exception:  # changed since it was indexed: the session reports that itself
            return None
        if not isinstance(obj, dict):
            return None
        return ident, model_text(obj.get(self.setup.text_field))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def read_seed(setup: Setup) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """Id → (text, labels) for the seed's ids, the texts from the annotator's lines in the
    annotation file (the last line of an id wins), at most `SEED_LIMIT` ids (the latest)."""
    from labeltui.core.annotations.parse import parse_line

    wanted = dict(list(setup.seed.items())[-SEED_LIMIT:])
    texts: dict[str, str | None] = {}
    assert setup.seed_path is not None
    try:
        with open(setup.seed_path, "rb") as lines:
            for raw in lines:
                try:
                    obj = parse_line(raw.strip())
                except Exception:
                    continue
                if not isinstance(obj, dict) or obj.get("_annotator") != setup.annotator:
                    continue
                ident = obj.get("_id")
                if isinstance(ident, str) and ident in wanted:
                    texts[ident] = model_text(obj.get(setup.text_field))
    except OSError:
        return {}
    return {ident: (texts.get(ident), labels) for ident, labels in wanted.items()}


def serve(setup: Setup, inbox: Any, outbox: Any) -> None:
    """The worker process: run jobs from `inbox` until None (or the session is gone), merging
    the jobs that queued up, and put each `Result` in `outbox`."""
    import queue
    import signal
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ctrl+c is the app's key, not ours
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    warnings.simplefilter("ignore")
    with contextlib.suppress(OSError):  # lower priority than the app, where allowed
        os.nice(19)
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

        threadpool_limits(1)
    except Exception:  # pragma: no cover - an older scikit-learn without threadpoolctl
        pass
    import multiprocessing
    import time

    parent = multiprocessing.parent_process()
    engine = Engine(setup)
    started = -MIN_GAP
    try:
        while True:
            try:
                job = inbox.get(timeout=PARENT_CHECK)
            except queue.Empty:
                # The queue's write end lives in this process too, so a session killed
                # without closing (kill -9) never shows up as the end of the queue.
                if parent is not None and not parent.is_alive():
                    return
                continue
            except (EOFError, OSError):  # the session's end of the queue is gone
                return
            while True:  # merge what queues up until MIN_GAP: apply in order, score the newest
                if job is None:
                    return
                engine.apply(job)
                wait = started + MIN_GAP - time.monotonic()
                try:
                    newer = inbox.get(timeout=wait) if wait > 0 else inbox.get_nowait()
                except queue.Empty:
                    break
                job = newer
            started = time.monotonic()
            outbox.put(engine.run(job, interrupted=lambda: not inbox.empty()))
    finally:
        engine.close()
