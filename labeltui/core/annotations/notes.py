"""Notes on standard error (never errors), and text that is safe to print.

A reader that leaves something out (a half-written last line, review lines in `agree`) says so
in one `labeltui: note: ...` line; a running app can take the notes instead (`set_note_sink`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable

INCOMPLETE = "incomplete last line left out (a save in progress or a crash)"


def incomplete_last_line(path: str | os.PathLike[str], line: int) -> None:
    """Say (once, on standard error) that the half-written last line of `path` is left out."""
    note(f"{path}:{line}: {INCOMPLETE}")


_sink: Callable[[str], None] | None = None


def note(text: str) -> None:
    """One line of information on standard error (`labeltui: note: ...`), never an error."""
    if _sink is not None:
        _sink(text)
        return
    try:
        sys.stderr.write(printable(f"labeltui: note: {text}") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stderr: a note is not worth a crash
        pass


def set_note_sink(sink: Callable[[str], None] | None) -> Callable[[str], None] | None:
    """Send notes to `sink` instead of standard error (None: back to standard error), e.g.
    from a running app; returns the previous sink."""
    global _sink
    previous, _sink = _sink, sink
    return previous


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with every lone surrogate (which has no UTF-8 form and would crash a print)
    shown as its escape, e.g. `\\ud800`."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text
