"""Run a function in a forked child process and get its result back, arrays uncopied.

The annotation reader (read.py) uses one process per core for big inputs. `multiprocessing`
would pickle the result through a pipe (the child waits until the parent reads it, and every
array is copied twice); here the child writes its result into an anonymous in-memory file and
the parent maps the arrays straight from it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from labeltui.errors import LabeltuiError


@dataclass(frozen=True, slots=True)
class ChildFailed:
    """What a child sends back when its function raised: `collect` turns it into an error."""

    reason: str


def fork(function: Any, argument: Any) -> tuple[int, int]:
    """Run `function(argument)` in a forked child: (pid, file descriptor of its result).

    The result goes into an anonymous in-memory file, its arrays as raw bytes (pickle
    protocol 5), so the child never waits for this process and `collect` maps the arrays
    without copying them.
    """
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("labeltui-reader", os.MFD_CLOEXEC)
    else:  # pragma: no cover - macOS
        import tempfile

        with tempfile.TemporaryFile() as handle:
            fd = os.dup(handle.fileno())
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (coverage does not follow forks)
        code = 1
        try:
            try:
                result = function(argument)
            except BaseException as exc:
                result = ChildFailed(repr(exc))
            _write_result(fd, result)
            code = 0
        finally:
            os._exit(code)
    return pid, fd


def running(child: tuple[int, int]) -> bool:
    """Whether a child started by `fork` is still running (it stays to be collected)."""
    try:
        done = os.waitid(os.P_PID, child[0], os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except (OSError, AttributeError):  # pragma: no cover - no waitid (macOS): say it ended
        return False
    return done is None


def stop(children: list[tuple[int, int]]) -> None:
    """Kill and reap children started by `fork` that will not be collected (after an error
    here, the others' work is no longer wanted)."""
    import contextlib

    for pid, fd in children:
        with contextlib.suppress(OSError):
            os.close(fd)
            os.kill(pid, 9)
            os.waitpid(pid, 0)


_ALIGN = 64


def _write_result(fd: int, result: Any) -> None:
    """[8-byte length of the header][header: sizes][pickle][buffers, each 64-byte aligned]."""
    import pickle

    buffers: list[pickle.PickleBuffer] = []
    main = pickle.dumps(result, protocol=5, buffer_callback=buffers.append)
    raws = [b.raw() for b in buffers]
    header = pickle.dumps([len(main), *(r.nbytes for r in raws)], protocol=5)
    with os.fdopen(fd, "wb", closefd=False) as out:
        at = out.write(len(header).to_bytes(8, "little")) + out.write(header) + out.write(main)
        for raw in raws:
            at += out.write(bytes(-at % _ALIGN))
            at += out.write(raw)


def collect(child: tuple[int, int]) -> Any:
    """The result of a child started by `fork` (waits for it); a `LabeltuiError` when the child
    died or its function raised."""
    import mmap
    import pickle

    pid, fd = child
    try:
        _, status = os.waitpid(pid, 0)
        size = os.fstat(fd).st_size
        if os.waitstatus_to_exitcode(status) != 0 or size == 0:
            raise LabeltuiError("a reader process failed (out of memory?)")
        memory = memoryview(mmap.mmap(fd, size, access=mmap.ACCESS_COPY))
    finally:
        os.close(fd)
    n = int.from_bytes(memory[:8], "little")
    sizes = pickle.loads(memory[8 : 8 + n])
    at = 8 + n + sizes[0]
    main = memory[8 + n : at]
    buffers = []
    for nbytes in sizes[1:]:
        at += -at % _ALIGN
        buffers.append(memory[at : at + nbytes])
        at += nbytes
    result = pickle.loads(main, buffers=buffers)
    if isinstance(result, ChildFailed):
        raise LabeltuiError(f"reading failed: {result.reason}")
    return result
