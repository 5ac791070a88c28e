"""The annotation store (FORMAT section 3): one append-only JSONL file per annotator.

Every save is one complete line written with a single `os.write` on an `O_APPEND` descriptor,
then fsynced before the app moves on, so a `kill -9` at any moment leaves every confirmed
annotation and no partial line. The last line for an `_id` is the current one. One process at a
time may write a file (an exclusive `flock`). A torn tail, which only a crash inside the kernel
or a full disk could leave, is moved to `<file>.torn` and cut off when the store opens, so the
next save always starts on a fresh line.

Undo of a save made in this session cuts that save's line off the end of the file again (it is
always the last line, since nobody else writes the file): the previous line for the item, if
any, becomes current again, exactly as if the save had not happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from labeltui.errors import EXIT_LOCKED, LabeltuiError

META_KEYS = ("labels", "_id", "_annotator", "_status", "_ts", "_ms", "_from")
"""labeltui's own keys of a line (`_from` is review's); never copied from an input item."""


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
    """An annotator's annotation file, opened for appending."""

    def __init__(self, path: str | Path, annotator: str) -> None:
        self.path = Path(path)
        self.annotator = annotator
        self.current: dict[str, Record] = {}
        self.recovered: str | None = None
        """A message when a torn tail was found and moved aside on open."""
        self._history: list[_Saved] = []
        self.created = False
        """This store created the file (it did not exist before)."""
        flags = os.O_RDWR | os.O_APPEND
        try:
            try:
                self._fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, 0o644)
                self.created = True
            except FileExistsError:
                self._fd = os.open(self.path, flags)
        except OSError as exc:
            raise LabeltuiError(f"cannot open annotation file: {exc.strerror}", self.path) from None
        try:
            self._lock()
            self._replay()
        except BaseException:
            os.close(self._fd)
            raise

    def _lock(self) -> None:
        if sys.platform == "win32":  # pragma: no cover - no flock; single-writer is on the user
            return
        import fcntl

        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LabeltuiError(
                "is open in another labeltui session; only one may write an annotation file "
                "at a time (close the other one, or pass --out)",
                self.path,
                exit_code=EXIT_LOCKED,
            ) from None

    def _replay(self) -> None:
        # Line by line, never the whole file at once: a big file's bytes would otherwise sit in
        # memory twice (the data and its lines) next to the records kept.
        end = 0  # just after the last complete line
        with os.fdopen(os.dup(self._fd), "rb", buffering=1 << 20) as lines:
            lines.seek(0)
            for number, raw in enumerate(lines, start=1):
                if not raw.endswith(b"\n"):
                    self._move_torn_tail(raw, end)
                    break
                end += len(raw)
                self._replay_line(raw, number)

    def _replay_line(self, raw: bytes, number: int) -> None:
        raw = raw.strip()
        if not raw:
            return
        try:
            obj = json.loads(raw)
        except ValueError:
            raise LabeltuiError(
                "not a JSON line; an annotation file holds one JSON object per line",
                self.path,
                number,
            ) from None
        if not isinstance(obj, dict) or not isinstance(obj.get("_id"), str):
            raise LabeltuiError(
                "not an annotation line (it needs an '_id'); is this the dataset?",
                self.path,
                number,
            )
        labels = obj.get("labels")
        self.current[obj["_id"]] = Record(
            labels if isinstance(labels, dict) else {}, str(obj.get("_status", "done"))
        )

    def _move_torn_tail(self, tail: bytes, keep: int) -> None:
        torn = self.path.with_name(self.path.name + ".torn")
        with open(torn, "ab") as out:
            out.write(tail + b"\n")
            out.flush()
            os.fsync(out.fileno())
        os.ftruncate(self._fd, keep)
        os.fsync(self._fd)
        self.recovered = (
            f"{self.path}: an incomplete last line (from a crash during a write) was moved "
            f"to {torn}; every complete annotation is intact"
        )

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
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
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
        self._history.append(_Saved(item_id, offset, self.current.get(item_id)))
        self.current[item_id] = Record(labels, status)

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    def undo(self) -> str | None:
        """Take back this session's last save; return its item id (None if nothing to undo)."""
        if not self._history:
            return None
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
            self.path.unlink(missing_ok=True)  # still locked: no other writer has it open
        self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing releases the lock
            self._fd = -1

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_output(dataset: str | Path, annotator: str) -> Path:
    """`<dataset stem>.<annotator>.jsonl` beside the dataset (FORMAT section 3)."""
    dataset = Path(dataset)
    return dataset.with_name(f"{dataset.stem}.{annotator}.jsonl")
