"""Regular files only: a FIFO, `/dev/stdin` or a device is refused before any byte is read.

A pipe would block or never end (3 GB from `/dev/zero`); the file is opened non-blocking, so
even opening a FIFO without a writer returns at once, and its kind is checked before reading.
"""

from __future__ import annotations

import os
import stat

from labeltui.errors import LabeltuiError

_KINDS = (
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def open_regular(path: str | os.PathLike[str], what: str = "file", noun: str = "JSONL file") -> int:
    """A read-only descriptor of `path`, or a `LabeltuiError` when it is missing, a folder, or
    not a regular file (a pipe, `/dev/stdin`, a device: refused before anything is read).

    Messages: "{what} not found", "is a folder, not a {noun}".
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise LabeltuiError(f"{what} not found", path) from None
    except IsADirectoryError:
        raise LabeltuiError(f"is a folder, not {article(noun)}", path) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read {what}: {exc.strerror or exc}", path) from None
    try:
        check_regular(os.fstat(fd).st_mode, path, noun)
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def article(noun: str) -> str:
    """`noun` with "a" or "an" before it (an annotation file, a JSONL file)."""
    return ("an " if noun[:1].lower() in "aeio" else "a ") + noun


def check_regular(
    mode: int, path: str | os.PathLike[str], noun: str = "JSONL file", use: str = "read"
) -> None:
    """Refuse a `stat` mode that is not a regular file (see `open_regular`); `use`: what is
    not done to pipes and devices ("read", "written")."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise LabeltuiError(f"is a folder, not {article(noun)}", path)
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise LabeltuiError(
        f"is {kind}, not a regular file; give {article(noun)} on disk (pipes and devices are "
        f"not {use})",
        path,
    )


def stat_regular(path: str | os.PathLike[str], what: str = "file", noun: str = "JSONL file") -> int:
    """The size of `path`, after the checks of `open_regular` (without opening it)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise LabeltuiError(f"{what} not found", path) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read {what}: {exc.strerror or exc}", path) from None
    check_regular(st.st_mode, path, noun)
    return st.st_size


def is_regular(path: str | os.PathLike[str]) -> bool:
    """Whether `path` names an existing regular file (symbolic links followed)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
