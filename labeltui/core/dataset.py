"""The dataset index: line offsets, not objects, so a million lines open at once.

The index keeps three flat arrays per item (byte offset, byte length, line number) plus a 64-bit
hash of its id for duplicate detection and look-up; items are decoded on demand with `os.pread`
and `json.loads`, behind a small LRU cache. Scanning is incremental and resumable: the app scans
just far enough to show the first item, then lets a background thread index the rest while the
annotator works (`scan` may be called from one thread at a time; readers may call `item` and
`len` from another thread meanwhile, the arrays only grow).

Errors are found when the scan reaches them (a line that is not a JSON object, an id that is not
a string or an integer, text that is not UTF-8); they stop the scan and are kept in `error`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from labeltui.core.ids import BadId, item_id
from labeltui.core.items import Item
from labeltui.core.selection import SortKey, Where
from labeltui.errors import LabeltuiError

_CHUNK = 4 << 20
_CACHE_ITEMS = 256


def id_hash(value: str) -> int:
    """A stable signed 64-bit hash of an item id (collisions are checked against the real ids)."""
    return int.from_bytes(
        hashlib.blake2b(value.encode(), digest_size=8).digest(), "little", signed=True
    )


class DatasetIndex:
    """An incrementally built index of a JSONL dataset (FORMAT section 1)."""

    def __init__(
        self,
        path: str | Path,
        text_field: str = "text",
        audio_field: str = "audio",
        where: Where | None = None,
        sort: SortKey | None = None,
    ):
        self.path = Path(path)
        self.text_field = text_field
        self.audio_field = audio_field
        self.where = where
        self.sort = sort
        try:
            self._fd = os.open(self.path, os.O_RDONLY)
            self.size = os.fstat(self._fd).st_size
        except FileNotFoundError:
            raise LabeltuiError("dataset file not found", self.path) from None
        except IsADirectoryError:
            raise LabeltuiError("is a folder, not a JSONL dataset file", self.path) from None
        except OSError as exc:
            raise LabeltuiError(f"cannot read dataset: {exc.strerror}", self.path) from None
        if os.path.isdir(self.path):
            os.close(self._fd)
            raise LabeltuiError("is a folder, not a JSONL dataset file", self.path)
        self._starts = array("q")
        self._lengths = array("q")
        self._lines = array("q")
        self._hashes = array("q")
        self._seen: set[int] = set()
        """Id hashes seen while scanning (ints, not id strings: a million fit in ~60 MB)."""
        self._pos = 0
        self._line = 0
        self._lock = threading.Lock()
        """One scanner at a time."""
        self._grow = threading.Lock()
        """Held while the arrays grow, and while `find` looks at them through numpy (an
        `array` cannot grow while a buffer view of it exists)."""
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[int, Item] = OrderedDict()
        self._sort_values = array("d")
        self._filtered_hashes: set[int] = set()
        self.duplicates = 0
        self.filtered_out = 0
        """Items that `where` did not match."""
        self.error: LabeltuiError | None = None
        self.complete = self.size == 0
        self.lines_total: int | None = None
        """Number of lines in the file, once counted (a fast first estimate of the size)."""

    # -- scanning -------------------------------------------------------------------------

    def count_lines(self) -> int:
        """Count the file's lines without parsing them (about 0.1 s for 300 MB)."""
        if self.lines_total is None:
            total, pos = 0, 0
            last = b"\n"
            while pos < self.size:
                block = os.pread(self._fd, _CHUNK, pos)
                if not block:
                    break
                total += block.count(b"\n")
                last = block[-1:]
                pos += len(block)
            self.lines_total = total + (0 if last == b"\n" else 1)
        return self.lines_total

    def scan(
        self,
        stop: Callable[[int, str], bool] | None = None,
        progress: Callable[[DatasetIndex], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        """Index further lines until the end, an error, or `stop(index, id)` returns True.

        `stop` is called for each newly indexed item; `progress` after each chunk;
        `cancelled` is polled between chunks (a worker's `is_cancelled`).
        """
        with self._lock:
            while not self.complete and self.error is None:
                if cancelled is not None and cancelled():
                    return
                if self._scan_chunk(stop):
                    if progress is not None:
                        progress(self)
                    return
                if progress is not None:
                    progress(self)

    def scan_all(self) -> DatasetIndex:
        """Index the whole file; raise the first error found."""
        self.scan()
        if self.error is not None:
            raise self.error
        return self

    def _scan_chunk(self, stop: Callable[[int, str], bool] | None) -> bool:
        block = os.pread(self._fd, _CHUNK, self._pos)
        if self._pos + len(block) < self.size:  # cut at the last whole line
            cut = block.rfind(b"\n")
            block = self._read_long_line(self._pos) if cut < 0 else block[: cut + 1]
        lines = block.split(b"\n")
        if block.endswith(b"\n"):
            lines.pop()
        pos = self._pos
        loads = json.loads
        for raw in lines:
            self._line += 1
            start = pos
            pos += len(raw) + 1
            data = raw.strip()
            if start == 0 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:].strip()
            if not data:
                continue
            try:
                obj = loads(data)
            except UnicodeDecodeError:
                return self._fail("the line is not valid UTF-8")
            except ValueError as exc:
                return self._fail(f"not valid JSON ({_json_reason(exc)})")
            if not isinstance(obj, dict):
                return self._fail(f"expected a JSON object, found {_json_type(obj)}")
            try:
                ident = item_id(obj, self.text_field, self.audio_field)
            except BadId as exc:
                return self._fail(str(exc))
            h = id_hash(ident)
            if h in self._filtered_hashes or (h in self._seen and self.find(ident) is not None):
                self.duplicates += 1
                continue
            if self.where is not None and not self.where.matches(obj):
                self._filtered_hashes.add(h)
                self.filtered_out += 1
                continue
            index = len(self._starts)
            self._seen.add(h)
            with self._grow:
                if self.sort is not None:
                    self._sort_values.append(self.sort.value(obj))
                self._starts.append(start)
                self._lengths.append(len(raw))
                self._lines.append(self._line)
                self._hashes.append(h)
            if stop is not None and stop(index, ident):
                self._pos = min(pos, self.size)
                self._check_complete()
                return True
        self._pos = min(pos, self.size)
        self._check_complete()
        return False

    def _read_long_line(self, pos: int) -> bytes:
        parts = []
        while pos < self.size:
            block = os.pread(self._fd, _CHUNK, pos)
            cut = block.find(b"\n")
            if cut >= 0:
                parts.append(block[: cut + 1])
                break
            parts.append(block)
            pos += len(block)
        return b"".join(parts)

    def _check_complete(self) -> None:
        if self._pos >= self.size:
            self._seen = set()  # only needed while scanning; look-ups use the hash array
            self._filtered_hashes = set()
            if self.sort is not None:
                self._apply_order(self.sort.order(self._sort_values))
            self.complete = True

    def _apply_order(self, order) -> None:  # type: ignore[no-untyped-def]
        """Reorder the per-item arrays by a permutation (a sorted session)."""
        import numpy as np

        for name in ("_starts", "_lengths", "_lines", "_hashes"):
            column = np.frombuffer(getattr(self, name), dtype=np.int64)
            setattr(self, name, array("q", column[order].tobytes()))
        self._cache.clear()

    def _fail(self, message: str) -> bool:
        self.error = LabeltuiError(message, self.path, self._line)
        return True

    # -- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._starts)

    def item(self, index: int) -> Item:
        """Decode item `index` (0-based among indexed items)."""
        with self._cache_lock:
            cached = self._cache.get(index)
            if cached is not None:
                self._cache.move_to_end(index)
                return cached
        if not 0 <= index < len(self._starts):
            raise IndexError(index)
        start, length = self._starts[index], self._lengths[index]
        raw = os.pread(self._fd, length, start).strip()
        if start == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        obj = json.loads(raw)
        text = obj.get(self.text_field) if self.text_field else None
        if text is not None and not isinstance(text, str):
            text = json.dumps(text, ensure_ascii=False)
        audio = obj.get(self.audio_field) if self.audio_field else None
        if isinstance(audio, str) and audio:
            audio = str(self.path.parent / audio) if not os.path.isabs(audio) else audio
        else:
            audio = None
        item = Item(
            index=index,
            id=item_id(obj, self.text_field, self.audio_field),
            data=obj,
            text=text,
            audio=audio,
            line=self._lines[index],
        )
        with self._cache_lock:
            self._cache[index] = item
            if len(self._cache) > _CACHE_ITEMS:
                self._cache.popitem(last=False)
        return item

    def find(self, ident: str) -> int | None:
        """The index of the item with id `ident` among those indexed, or None."""
        import numpy as np

        h = id_hash(ident)
        with self._grow:
            hashes = np.frombuffer(self._hashes, dtype=np.int64, count=len(self._hashes))
            candidates = np.flatnonzero(hashes == h).tolist()
            del hashes  # release the buffer before the scanner may grow the array again
        for index in candidates:
            if self.item(index).id == ident:
                return index
        return None

    def hashes(self):  # type: ignore[no-untyped-def]
        """A copy of the id hashes of the items indexed so far, as a NumPy array."""
        import numpy as np

        with self._grow:
            return np.array(self._hashes, dtype=np.int64)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


def _json_reason(exc: ValueError) -> str:
    msg = getattr(exc, "msg", None) or str(exc)
    col = getattr(exc, "colno", None)
    return f"{msg} at column {col}" if col else msg


def _json_type(obj: object) -> str:
    return {
        list: "an array",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "a boolean",
    }.get(type(obj), "null" if obj is None else type(obj).__name__)
