"""The annotation store (FORMAT section 3): one append-only JSONL file per annotator.

Every save is one complete line written with a single `os.write` on an `O_APPEND` descriptor,
then fsynced before the app moves on, so a `kill -9` at any moment leaves every confirmed
annotation and no partial line. The last line for an `_id` is the current one. One process at a
time may write a file (an exclusive `flock`). A last line without its newline is repaired when
the store opens, so the next save always starts on a fresh line: a whole JSON line only lacking
the newline gets it; anything else (a torn tail, which only a crash inside the kernel or a full
disk could leave) is moved to `<file>.torn` and cut off.

Before and after every save the store checks that its path still names its file (device and
inode). If the file was deleted or replaced meanwhile, it is written again at the path, a copy
of every line the store's open file holds, and a notice says so (`take_notice`); a save is
never reported that is not in the file at the path.

Undo of a save made in this session cuts that save's line off the end of the file again (it is
always the last line, since nobody else writes the file): the previous line for the item, if
any, becomes current again, exactly as if the save had not happened.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from labeltui.core.annotations.line import check_done, line_labels
from labeltui.core.annotations.lines import LineScanner
from labeltui.core.annotations.notes import printable
from labeltui.core.annotations.parse import BadLine
from labeltui.core.store_files import (
    check_output_path,
    check_regular,
    lock,
    move_torn_tail,
    unmove_torn_tail,
    write_anew,
)
from labeltui.errors import LabeltuiError

__all__ = ["AnnotationStore", "Record", "check_output_path", "default_output", "utc_timestamp"]

META_KEYS = ("labels", "_id", "_annotator", "_status", "_ts", "_ms", "_from", "_gold")
"""labeltui's own keys of a line (`_from` is review's, `_gold` marks an answer to a gold item);
never copied from an input item."""


@dataclass(frozen=True, slots=True)
class Record:
    """The current annotation of one item by this store's annotator."""

    labels: dict[str, Any]
    status: str
    """`done` or `skipped`."""


@dataclass(frozen=True, slots=True)
class _Saved:
    item_id: str
    offset: int
    """File size before the line was appended (where undo cuts)."""
    previous: Record | None


def utc_timestamp(now: datetime | None = None) -> str:
    """ISO 8601 in UTC with milliseconds and a `Z`, e.g. `2026-11-23T10:15:02.123Z`."""
    now = now or datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class AnnotationStore:
    """An annotator's annotation file, opened for appending.

    The file may hold other people's lines too (several annotators in one file, FORMAT
    section 4): only lines whose `_annotator` is this store's annotator are replayed into
    `current`; everyone else's lines are kept in the file untouched. A line without
    `_annotator` is nobody's: it is kept and never taken for this annotator's answer (the
    readers, `agree` and the rest, refuse it with its line number). Lines with `_from` are
    review's gold
    lines (written by `labeltui review`), not the person's own annotations: a plain store
    (`review=False`) leaves them out, a review store (`review=True`) replays only them.
    """

    def __init__(self, path: str | Path, annotator: str, *, review: bool = False) -> None:
        self.path = Path(path)
        self.annotator = annotator
        self.review = review
        self.current: dict[str, Record] = {}
        self.recovered: str | None = None
        """A message when a torn tail was found and moved aside on open."""
        self.notices: list[str] = []
        """Every message about the file itself this session (written anew, moved aside)."""
        self._unread = 0
        self._history: list[_Saved] = []
        self.created = False
        """This store created the file (it did not exist before)."""
        check_output_path(self.path)
        # O_NONBLOCK: a FIFO that appeared since the check must not block the open.
        flags = os.O_RDWR | os.O_APPEND | os.O_NONBLOCK
        try:
            try:
                self._fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, 0o644)
                self.created = True
            except FileExistsError:  # or a link to a file that does not exist yet
                existed = os.path.exists(self.path)
                self._fd = os.open(self.path, flags | os.O_CREAT, 0o644)
                self.created = not existed
        except OSError as exc:
            raise LabeltuiError(f"cannot open annotation file: {exc.strerror}", self.path) from None
        try:
            check_regular(os.fstat(self._fd), self.path)
            os.set_blocking(self._fd, True)
            lock(self._fd, self.path)
            self._replay()
        except BaseException:
            os.close(self._fd)
            raise

    @property
    def notice(self) -> str | None:
        """The latest message about the file not yet taken with `take_notice`."""
        return self.notices[-1] if self._unread else None

    def take_notice(self) -> str | None:
        """The messages about the file since the last call (for the app to show), or None."""
        if not self._unread:
            return None
        fresh = self.notices[-self._unread :]
        self._unread = 0
        return " ".join(fresh)

    def _replay(self) -> None:
        """Read the file back with the one line iterator (`annotations.lines`), a chunk at a
        time (never the whole file at once); keep this annotator's current records. A last line
        without its newline is kept (the newline added) when it is whole, else moved aside."""
        # allow_nan: files older versions wrote may hold NaN (as `agree` and `stats` read them);
        # the store only resumes its own answers and never refused them
        scanner = LineScanner(self._fd, self.path, allow_nan=True, on_torn=self._repair_tail)
        end = 0  # just after the last line replayed
        for number, offset, length, obj in scanner:
            self._replay_line(obj, number)
            end = offset + length
        if scanner.incomplete_line is not None:
            return  # moved to .torn and cut off: the file ends with a newline again
        size = scanner.size
        if not size or os.pread(self._fd, 1, size - 1) == b"\n":
            return
        if end == size:  # a whole last line that only lacked its newline
            self._append_newline(size)
            return
        # a blank tail (spaces, a byte order mark) without a newline: no line, but not a whole
        # one either; it goes to .torn as a half-written line does
        window = min(size, 1 << 16)
        start = size - window + os.pread(self._fd, window, size - window).rfind(b"\n") + 1
        self._repair_tail(scanner.line, os.pread(self._fd, size - start, start), start)

    def _replay_line(self, obj: dict[str, Any], number: int) -> None:
        if not isinstance(obj.get("_id"), str):
            raise LabeltuiError(
                "not an annotation line (it needs an '_id'); is this the dataset?",
                self.path,
                number,
            )
        if obj.get("_annotator") != self.annotator or ("_from" in obj) != self.review:
            return  # someone else's line (or nobody's), or a gold line in a person's store
        try:  # the one `_status` rule: no `_status` is done, anything but done/skipped an error
            done = check_done(obj)
            labels = line_labels(obj)
        except BadLine as exc:
            raise LabeltuiError(exc.message, self.path, number) from None
        self.current[obj["_id"]] = Record(labels, "done" if done else "skipped")

    def _repair_tail(self, number: int, tail: bytes, keep: int) -> None:
        """A half-written last line (one that does not parse and lacks its newline, which only
        a crash inside the kernel or a full disk could leave): moved to `<file>.torn` and cut
        off, so the next save starts a fresh line."""
        torn = move_torn_tail(self.path, tail)
        try:
            os.ftruncate(self._fd, keep)
            os.fsync(self._fd)
        except OSError as exc:
            unmove_torn_tail(torn, tail)
            raise LabeltuiError(
                f"cannot cut off its incomplete last line ({exc.strerror}); the file was left "
                "as it is",
                self.path,
            ) from None
        self.recovered = (
            f"{self.path}: an incomplete last line (from a crash during a write) was moved "
            f"to {torn}; every complete annotation is intact"
        )

    def _append_newline(self, size: int) -> None:
        try:
            if os.write(self._fd, b"\n") != 1:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.fsync(self._fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, size)
            raise LabeltuiError(
                f"cannot end its last line with a newline ({exc.strerror}); the file was left "
                "as it is: free some disk space, then open it again",
                self.path,
            ) from None

    def _check_path(self) -> None:
        """Make sure the path still names this store's file; if it was deleted or replaced,
        write it anew at the path (with every line the store's file holds) and say so."""
        try:
            here = os.stat(self.path)
        except FileNotFoundError:
            here = None
        except OSError as exc:
            raise LabeltuiError(
                f"cannot check the annotation file ({exc.strerror}); nothing was saved",
                self.path,
            ) from None
        mine = os.fstat(self._fd)
        if here is not None and (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino):
            return
        fd, where, aside = write_anew(self._fd, self.path)
        os.close(self._fd)  # releases the lock on the old file; the new one is locked
        self._fd = fd
        answers = f"every answer it held ({len(self.current)} by {self.annotator})"
        if where != self.path:
            message = (
                f"{self.path} was deleted while labeltui had it open, and another labeltui "
                f"session now writes a new file there; {answers} was written to {where}, "
                "and saving goes on there."
            )
            self.path = where
        else:
            what = "deleted" if aside is None else f"replaced by another file (moved to {aside})"
            message = (
                f"{self.path} was {what} while labeltui had it open; it was written again "
                f"with {answers}, and saving goes on there."
            )
        self.notices.append(message)
        self._unread += 1

    def save(
        self,
        item_data: dict[str, Any],
        item_id: str,
        labels: dict[str, Any],
        status: str = "done",
        ms: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Append the item's line with its labels; return once it is on disk.

        `extra` holds more keys for the end of the line (e.g. review's `_from`); an item field
        of the same name is left out of the line.
        """
        extra = extra or {}
        record: dict[str, Any] = {
            k: v for k, v in item_data.items() if k not in META_KEYS and k not in extra
        }
        record["labels"] = labels
        record["_id"] = item_id
        record["_annotator"] = self.annotator
        record["_status"] = status
        record["_ts"] = utc_timestamp()
        if ms is not None:
            record["_ms"] = ms
        for key, value in extra.items():
            record.setdefault(key, value)
        line = encode_line(record)
        self._check_path()
        offset = os.fstat(self._fd).st_size
        try:
            written = os.write(self._fd, line)
            if written != len(line):  # a full disk: cut the partial line, keep the file whole
                os.ftruncate(self._fd, offset)
                raise LabeltuiError(
                    "could not write the whole annotation (disk full?); nothing was saved",
                    self.path,
                )
            os.fsync(self._fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, offset)
            raise LabeltuiError(
                f"could not save the annotation ({exc.strerror or exc}); nothing was saved",
                self.path,
            ) from None
        try:
            self._check_path()  # deleted during the write: the copy at the path has the line
        except LabeltuiError:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, offset)
            raise
        self._history.append(_Saved(item_id, offset, self.current.get(item_id)))
        self.current[item_id] = Record(labels, status)

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    def undo(self) -> str | None:
        """Take back this session's last save; return its item id (None if nothing to undo)."""
        if not self._history:
            return None
        self._check_path()
        saved = self._history.pop()
        os.ftruncate(self._fd, saved.offset)
        os.fsync(self._fd)
        if saved.previous is None:
            self.current.pop(saved.item_id, None)
        else:
            self.current[saved.item_id] = saved.previous
        return saved.item_id

    def is_done(self, item_id: str) -> bool:
        """Whether the item has a current line (done or skipped)."""
        return item_id in self.current

    def discard_if_unused(self) -> None:
        """Close, and remove the file if this store created it and nothing was written (an app
        that refuses to start leaves no empty annotation file behind)."""
        if self._fd >= 0 and self.created and os.fstat(self._fd).st_size == 0:
            mine = os.fstat(self._fd)
            with contextlib.suppress(OSError):
                here = os.stat(self.path)
                if (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino):
                    self.path.unlink()  # still locked: no other writer has it open
        self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing releases the lock
            self._fd = -1

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def encode_line(record: dict[str, Any]) -> bytes:
    """The record as one UTF-8 JSON line, non-ASCII as is (FORMAT section 3).

    A lone surrogate (from a `\\ud800` escape in the input) has no UTF-8 form: it is written
    back as the same `\\uXXXX` escape (`printable`), and only it, so the line reads back to the
    same string (in `ensure_ascii=False` output a surrogate can only stand inside a JSON
    string, where its escape means the same).
    """
    return (printable(json.dumps(record, ensure_ascii=False)) + "\n").encode("utf-8")


def default_output(dataset: str | Path, annotator: str) -> Path:
    """`<dataset stem>.<annotator>.jsonl` beside the dataset (FORMAT section 3)."""
    dataset = Path(dataset)
    return dataset.with_name(f"{dataset.stem}.{annotator}.jsonl")
