"""`labeltui suggest`: votes of rules and functions on every line, combined, written back.

The dataset is read line by line, never held whole. Big files are cut at line starts into one
block per core; this process works on the first block and forked children on the others (as
`agree` reads, `agree/reading/fork.py`), each child sending back its counts and, where needed,
its vote codes. Per block, lines are handled a chunk at a time: parse, vote, combine (majority
is per item, so it runs on the chunk's codes), write.

Passes:
- majority, writing: one pass (children write their block's output into part files beside the
  output, which are joined in order into one temporary file, then renamed over `OUT`);
- Dawid–Skene: a first pass collects every item's vote codes, the EM runs here, then the
  writing pass takes each item's winner from the fitted result;
- `--report` without `-o`: the first pass only.

Every other field of a line is kept byte for byte: `suggestions` and `_votes` are spliced in
before the line's closing brace. A line that already has either key is rewritten from its
parsed object (other agents' suggestions kept, this command's own replaced). Blank lines stay.
Nothing is written when anything is wrong: the temporary files are removed.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labeltui.core.annotations.files import open_regular
from labeltui.core.suggest.block import CHUNK, BlockResult, ChoiceTask, Job, Plan, block
from labeltui.core.suggest.combine import COMBINERS
from labeltui.core.suggest.functions import Failures
from labeltui.core.suggest.report import COLUMNS
from labeltui.core.workers import can_fork, cores, no_gc
from labeltui.errors import LabeltuiError

__all__ = ["ChoiceTask", "Outcome", "Plan", "run"]

PARALLEL_BYTES = 16 << 20
"""Smaller files are done in this process alone (forking costs more than it saves)."""

Progress = Callable[[int, int], None]
"""Called with (bytes done, bytes to do) now and then."""


@dataclass
class Outcome:
    """What a run found: per voter counts (report.COLUMNS), items, failures."""

    items: int
    counts: list[list[int]]
    failures: Failures


def run(
    plan: Plan,
    out: Path | None,
    report: bool,
    workers: int | None = None,
    progress: Progress | None = None,
    parallel_bytes: int = PARALLEL_BYTES,
) -> Outcome:
    """Vote, combine, and write `out` (when given); the counts for the report and notes."""
    fd = open_regular(plan.path, "dataset file", "JSONL dataset file")
    try:
        size = os.fstat(fd).st_size
        if workers is None:
            workers = min(cores(), 8)
        if workers < 2 or size < parallel_bytes or not can_fork():
            workers = 1
        bounds = _bounds(fd, size, workers)
    finally:
        os.close(fd)
    two_pass = plan.combine != "majority" and out is not None
    passes = (2 if two_pass else 1) * max(size, 1)
    done_before = [0]

    def tick(done: int) -> None:
        if progress is not None:
            progress(done_before[0] + done, passes)

    folder = None if out is None else _folder(out)
    first_writes = out is not None and not two_pass
    with no_gc():
        results = _pass(plan, bounds, folder if first_writes else None, two_pass, None, tick)
        decided = None
        if two_pass:
            done_before[0] = size
            decided = _decide(plan, results)
            offsets = np.cumsum([0] + [r.items for r in results]).tolist()
            second = _pass(plan, bounds, folder, False, decided, tick, offsets)
            for r, s in zip(results, second, strict=True):
                r.part = s.part
        if out is not None:
            _join(results, out)
    total = [[0] * COLUMNS for _ in plan.voters]
    failures = Failures()
    for r in results:
        failures.merge(r.failures)
        for row, add in zip(total, r.counts, strict=True):
            for k in range(COLUMNS):
                row[k] += add[k]
    return Outcome(sum(r.items for r in results), total, failures)


def _folder(out: Path) -> str:
    """Where the parts go: beside the file that `out` names (a link's target), so that the
    rename is within one file system."""
    folder = Path(os.path.realpath(out)).parent
    if not folder.is_dir():
        raise LabeltuiError("cannot write here: the folder does not exist", out)
    if out.is_dir():
        raise LabeltuiError("is a folder; give a file name to write", out)
    return str(folder)


def _decide(plan: Plan, results: list[BlockResult]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    combine = COMBINERS[plan.combine]
    decided = {}
    for task in plan.choice:
        parts = [r.codes[task.name] for r in results]
        codes = np.concatenate(parts) if parts else np.empty((0, len(task.members)), np.int32)
        decided[task.name] = combine(codes, len(task.labels))
    return decided


def _pass(
    plan: Plan,
    bounds: list[tuple[int, int]],
    folder: str | None,
    want_codes: bool,
    decided: dict[str, tuple[np.ndarray, np.ndarray]] | None,
    tick: Callable[[int], None],
    offsets: list[int] | None = None,
) -> list[BlockResult]:
    """One pass over every block: this process takes the first, forked children the rest."""
    from labeltui.core.agree.reading.fork import collect, fork, stop

    parts: list[str | None] = [None] * len(bounds)
    children: list[tuple[int, int]] = []
    results: list[BlockResult] = []
    shared = mmap.mmap(-1, 8 * len(bounds))
    try:
        if folder is not None:
            for i in range(len(bounds)):
                handle, parts[i] = tempfile.mkstemp(
                    dir=folder, prefix=".labeltui-suggest.", suffix=".part"
                )
                os.close(handle)
        jobs = [
            Job(i, s, e, parts[i], want_codes, decided, 0 if offsets is None else offsets[i])
            for i, (s, e) in enumerate(bounds)
        ]

        def child(job: Job) -> BlockResult:
            return block(plan, job, lambda n: struct.pack_into("q", shared, 8 * job.index, n))

        for job in jobs[1:]:
            children.append(fork(child, job))

        def mine(n: int) -> None:
            others = sum(struct.unpack_from(f"{len(jobs) - 1}q", shared, 8)) if children else 0
            tick(n + others)

        results.append(block(plan, jobs[0], mine))
        while children:
            results.append(collect(children[0]))
            children.pop(0)
        tick(bounds[-1][1] - bounds[0][0])  # every block done
    except OSError as exc:
        for part in parts:
            _remove(part)
        raise LabeltuiError(f"cannot write here: {exc.strerror or exc}", folder) from None
    except BaseException:
        for part in parts:
            _remove(part)
        raise
    finally:
        stop(children)  # only after an exception: the others' work is not wanted
        shared.close()
    line_offset = 0
    failed = next((r for r in results if r.error is not None), None)
    if failed is not None:
        for part in parts:
            _remove(part)
        for r in results:
            if r.error is not None:
                error = r.error
                line = None if error.line is None else error.line + line_offset
                raise LabeltuiError(error.message, error.path, line)
            line_offset += r.lines
    return results


def _remove(part: str | None) -> None:
    if part is not None:
        with contextlib.suppress(OSError):
            os.unlink(part)


def _join(results: list[BlockResult], out: Path) -> None:
    """Append the parts to the first, fsync, rename over `out` (the parts are removed)."""
    parts = [r.part for r in results if r.part is not None]
    first = parts[0]
    try:
        with open(first, "ab") as dest:
            for part in parts[1:]:
                with open(part, "rb") as src:
                    while piece := src.read(CHUNK):
                        dest.write(piece)
                os.unlink(part)
            dest.flush()
            os.fsync(dest.fileno())
        with contextlib.suppress(OSError):
            os.chmod(first, _mode_for(out))
        os.replace(first, os.path.realpath(out))
    except OSError as exc:
        for part in parts:
            _remove(part)
        raise LabeltuiError(f"cannot write file: {exc.strerror or exc}", out) from None
    except BaseException:
        for part in parts:
            _remove(part)
        raise


def _mode_for(path: Path) -> int:
    from labeltui.core.formats.files import _mode_for as mode

    return mode(path)


def _bounds(fd: int, size: int, workers: int) -> list[tuple[int, int]]:
    """`workers` byte ranges of the file, each starting at a line start."""
    starts = [0]
    for k in range(1, workers):
        at = k * size // workers
        while at < size:
            block = os.pread(fd, 1 << 16, at)
            nl = block.find(b"\n")
            if nl >= 0:
                at += nl + 1
                break
            at += len(block)
        if starts[-1] < at < size:
            starts.append(at)
    return list(zip(starts, [*starts[1:], size], strict=True))
