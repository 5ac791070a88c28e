"""What the commands that read big files in several processes share (`agree`/`stats` through
`core/agree/reading`, `suggest`): how many cores, whether forking is possible, and the cyclic
garbage collector off while millions of short-lived containers are made."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Millions of short-lived containers would trigger the cyclic GC again and again (it
    doubles the reading time); nothing these readers make holds a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Fork only: a forked worker needs no imports and hashes as this process does."""
    return sys.platform != "win32" and hasattr(os, "fork")
