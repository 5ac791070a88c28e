"""The annotation file as a file: which paths may hold one, the writers' lock, the torn-tail
move, and writing the file anew when its path no longer names it.

Kept apart from the store's lines (store.py): everything here is about inodes and descriptors,
nothing about what a line means. `check_output_path` and `holding_lock` are also what the
commands that write files (`annotate --out`, `import`/`export -o`) call before they start.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from labeltui.errors import EXIT_LOCKED, LabeltuiError

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_output_path(path: str | os.PathLike[str]) -> None:
    """Refuse a path that cannot hold an annotation file: a folder, a FIFO, a device (e.g.
    `/dev/stdin`), a socket, or a symbolic link loop. A path that does not exist yet is fine.

    A FIFO or a device would be read for ever when the store replays it (`/dev/zero` never
    ends, a pipe waits for a writer), so it is refused before it is opened.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LabeltuiError(
                "is a symbolic link loop (a link that leads back to itself); "
                "give the annotation file's real path",
                path,
            ) from None
        raise LabeltuiError(f"cannot use as an annotation file: {exc.strerror}", path) from None
    check_regular(info, path)


def check_regular(info: os.stat_result, path: str | os.PathLike[str]) -> None:
    """A LabeltuiError unless `info` is a regular file's."""
    if stat.S_ISREG(info.st_mode):
        return
    if stat.S_ISDIR(info.st_mode):
        raise LabeltuiError("is a folder; give a file name for the annotations", path)
    kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
    raise LabeltuiError(
        f"is {kind}, not a regular file; annotations go to a regular file "
        "(or a path that does not exist yet, which is created)",
        path,
    )


def lock(fd: int, path: str | os.PathLike[str]) -> None:
    """Take the writers' lock (an exclusive `flock`) on `fd`, or say who holds it."""
    if sys.platform == "win32":  # pragma: no cover - no flock; single-writer is on the user
        return
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise LabeltuiError(
            "is open in another labeltui session; only one may write an annotation file "
            "at a time (close the other one, or pass --out)",
            path,
            exit_code=EXIT_LOCKED,
        ) from None


@contextlib.contextmanager
def holding_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the writers' lock on the file at `path` (when there is one) while it is replaced.

    `import`/`export -o` replace their output with a rename; without the lock they would
    replace an annotation file a running `annotate` writes (its later saves would go to the
    unlinked file). Refused with exit 3, as a second `annotate` on the file is. Held until the
    rename is done, so no session opens the old file in between.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:  # nothing there (or unreadable): the writer reports what is wrong
        yield
        return
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            try:
                lock(fd, path)
            except LabeltuiError as exc:
                raise LabeltuiError(
                    "is open in a labeltui session (annotate or review), which writes it; "
                    "it is never replaced while that runs (quit it, or choose another output)",
                    path,
                    exit_code=exc.exit_code,
                ) from None
        yield
    finally:
        os.close(fd)


def move_torn_tail(path: Path, tail: bytes) -> Path:
    """Append `tail` and a newline to `<file>.torn`, fsynced; return the .torn path.

    If that cannot be written (a full disk, a folder the user cannot write) nothing is left
    behind (a .torn this call created is removed, an older one cut back to its size) and the
    LabeltuiError says so; the annotation file is not touched.
    """
    torn = path.with_name(path.name + ".torn")
    created = False
    try:
        try:
            fd = os.open(torn, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o644)
            created = True
        except FileExistsError:
            fd = os.open(torn, os.O_WRONLY | os.O_APPEND)
    except OSError as exc:
        raise _torn_error(path, torn, exc) from None
    size = os.fstat(fd).st_size
    try:
        data = tail + b"\n"
        if os.write(fd, data) != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.fsync(fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)
        os.close(fd)
        if created:
            with contextlib.suppress(OSError):
                os.unlink(torn)
        raise _torn_error(path, torn, exc) from None
    os.close(fd)
    return torn


def unmove_torn_tail(torn: Path, tail: bytes) -> None:
    """Take back `move_torn_tail` (the annotation file could not be cut after all)."""
    with contextlib.suppress(OSError):
        size = torn.stat().st_size - len(tail) - 1
        if size <= 0:
            torn.unlink()
        else:
            os.truncate(torn, size)


def _torn_error(path: Path, torn: Path, exc: OSError) -> LabeltuiError:
    return LabeltuiError(
        f"its last line is incomplete (from a crash during a write) and could not be moved "
        f"to {torn.name} ({exc.strerror or exc}); the file was left as it is: free some disk "
        "space or make the folder writable, then open it again",
        path,
    )


def write_anew(old_fd: int, path: Path) -> tuple[int, Path, Path | None]:
    """Put a copy of the file open as `old_fd` at `path` again; return its locked descriptor
    (opened for appending, like the old one), the path it is at now, and where a stranger at
    `path` was moved.

    The copy is built beside the path under a temporary name, fsynced and locked, and only
    then linked at the path, so the path never names a partial copy. A regular file that
    replaced ours is moved aside to `<file>.replaced-<UTC time>`, never clobbered. A file that
    another labeltui session holds is left alone: the copy goes to a new name beside it,
    `<stem>.rescued-<UTC time><suffix>` (the answers are never left only in a deleted file).
    Anything else at the path (a folder, a FIFO) is refused and nothing is changed.
    """
    real = Path(os.path.realpath(path))  # a link whose file was deleted: recreate its file
    stranger_fd = -1
    try:
        stranger_fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise LabeltuiError(
            f"cannot check the file at this path ({exc.strerror}); nothing was saved", path
        ) from None
    try:
        target, held = real, False
        if stranger_fd >= 0:
            if not stat.S_ISREG(os.fstat(stranger_fd).st_mode):
                raise LabeltuiError(
                    "was replaced by something that is not a regular file (a folder?); "
                    "nothing was saved (move it away, then save again)",
                    path,
                )
            try:
                lock(stranger_fd, path)
            except LabeltuiError:
                held = True
                target = _free_name(real.with_name(f"{real.stem}.rescued-{_stamp()}{real.suffix}"))
        fd, temp = _copy_beside(old_fd, real)
        aside = None
        try:
            if stranger_fd >= 0 and not held:
                aside = _free_name(real.with_name(f"{real.name}.replaced-{_stamp()}"))
                os.rename(real, aside)
            _link(temp, target)
        except OSError as exc:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise LabeltuiError(
                f"cannot write the file again ({exc.strerror or exc}); nothing was saved", path
            ) from None
        _sync_folder(real.parent)
        return fd, (path if target == real else target), aside
    finally:
        if stranger_fd >= 0:
            os.close(stranger_fd)


def _copy_beside(old_fd: int, real: Path) -> tuple[int, str]:
    """A locked, fsynced copy of `old_fd`'s bytes in a temporary file in `real`'s folder."""
    try:
        fd, temp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".part")
    except OSError as exc:
        raise LabeltuiError(
            f"cannot write the file again ({exc.strerror or exc}); nothing was saved", real
        ) from None
    try:
        info = os.fstat(old_fd)
        with contextlib.suppress(OSError):
            os.fchmod(fd, stat.S_IMODE(info.st_mode))
        offset = 0
        while offset < info.st_size:  # in chunks: a million-line file never sits in memory
            chunk = os.pread(old_fd, min(1 << 22, info.st_size - offset), offset)
            if not chunk:
                break
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
            offset += len(chunk)
        os.fsync(fd)
        lock(fd, real)
        if sys.platform != "win32":
            import fcntl

            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
    except (OSError, LabeltuiError) as exc:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, LabeltuiError):
            raise
        raise LabeltuiError(
            f"cannot write the file again ({exc.strerror or exc}); nothing was saved", real
        ) from None
    return fd, temp


def _link(temp: str, real: Path) -> None:
    """Give the temporary copy its real name without replacing anything that appeared there."""
    try:
        os.link(temp, real)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: rename (the path was free just now)
        os.rename(temp, real)
        return
    os.unlink(temp)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while os.path.lexists(candidate):
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate
