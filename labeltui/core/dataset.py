"""The dataset index: line offsets, not objects, so a million lines open at once.

The index keeps three flat arrays per item (byte offset, byte length, line number) plus a 64-bit
hash of its id for duplicate detection and look-up; items are decoded on demand with `os.pread`
and `json`, behind a small LRU cache. While scanning, the ids met so far are remembered
compactly (`_Seen`: a few bytes per item, not the ~80 of a Python set of ints). Scanning is
incremental and resumable: the app scans just far enough to show the first item, then lets a
background thread index the rest while the annotator works (`scan` may be called from one
thread at a time; readers may call `item` and `len` from another thread meanwhile, the arrays
only grow: a duplicate is recognised before its line is added, never removed afterwards).

Errors are found when the scan reaches them (a line that is not a JSON object, an id that is not
a string or an integer, text that is not UTF-8, nesting too deep, NaN); they stop the scan and
are kept in `error`. Lines are parsed by `jsonl.parse_line`, as every other reader does; a
half-written last line is left out with a note (`incomplete_line`). Only regular files are read.

A huge line (a 100 MB text) costs about one read and one parse: it is read in one piece, and the
scan keeps it decoded (`_long`), so showing it first reads nothing again; the item cache stops at
`_CACHE_BYTES`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from labeltui.core.ids import BadId, item_id
from labeltui.core.items import Item
from labeltui.core.jsonl import (
    BOM,
    TOO_DEEP,
    BadLine,
    incomplete_last_line,
    open_regular,
    parse_line,
    type_name,
)
from labeltui.core.selection import SortKey, Where
from labeltui.errors import LabeltuiError

_CHUNK = 4 << 20
_FIRST_CHUNK = 64 << 10
"""The first read is small: the first screen needs one item, not 4 MB of split lines (about
5 ms); each later read is 4x bigger, up to `_CHUNK`."""
_CACHE_ITEMS = 256
_CACHE_BYTES = 64 << 20
"""The item cache also stops at this many bytes of lines (a few huge items, not 256)."""
_LONG_LINE = 1 << 20
"""A line this long is read in one piece, and kept decoded after the scan (`_long`)."""
_FLUSH = 1 << 16
"""Recent id hashes kept in a Python dict before they move into the sorted NumPy arrays."""


def id_hash(value: str) -> int:
    """A stable signed 64-bit hash of an item id (collisions are checked against the real ids)."""
    return int.from_bytes(
        hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
        "little",
        signed=True,
    )


class _Seen:
    """The id hashes met so far by a scan: kept items and lines that `where` filtered out.

    A bitmap over the hashes' low bits answers "certainly new" for most lines at the cost of a
    few Python operations. Only when its bit is set is the hash looked up: among the recent
    items (a dict, hash -> index of the first item with it), then among the older ones through
    `order`, their indices sorted by hash (a binary search in the index's own hash array, so no
    second copy of the hashes). The recent items move into `order` once per `_FLUSH`, an O(n)
    merge. About 7 bytes per item (a 2 MB bitmap for a million lines, 4 bytes of `order`);
    NumPy is imported by the first merge only, so a small dataset and the first screen of a
    large one never load it. Used by the scanning thread only.
    """

    def __init__(self, size: int):
        nbits = min(max(1 << (size // 16).bit_length(), 1 << 13), 1 << 28)  # ~16 per item
        self.mask = nbits - 1
        self.bits = bytearray(nbits >> 3)
        self.recent: dict[int, int] = {}
        """Hash -> index of the first item with it, for the items from `flushed` on."""
        self.recent_filtered: set[int] = set()
        self.collided: dict[int, list[int]] = {}
        """Hash -> the later items that have it with another id (a 64-bit collision: rare)."""
        self.flushed = 0
        """Items `order` covers: the first `flushed` ones."""
        self.order: Any = None  # NumPy array of item indices, sorted by their hashes
        self.sorted_view: memoryview | None = None
        """`order` as a memoryview: indexing it from Python is cheap (`bisect` looks it up)."""
        self.filtered: Any = None  # sorted NumPy int64: older hashes that `where` filtered out

    def candidates(self, h: int, hashes: array) -> list[int]:
        """The indices of the items (among `hashes`) whose id has hash `h`."""
        found = []
        first = self.recent.get(h)
        if first is not None:
            found.append(first)
        order = self.sorted_view
        if order is not None:
            at = bisect_left(order, h, key=hashes.__getitem__)
            while at < len(order) and hashes[order[at]] == h:  # several only on a collision
                found.append(order[at])
                at += 1
        if found:
            found.extend(self.collided.get(h, ()))
        return sorted(set(found)) if len(found) > 1 else found

    def was_filtered(self, h: int) -> bool:
        if h in self.recent_filtered:
            return True
        if self.filtered is None:
            return False
        at = int(self.filtered.searchsorted(h))
        return at < len(self.filtered) and self.filtered[at] == h

    def flush(self, hashes: array) -> None:
        """Merge the recent items (from `flushed` to the end of `hashes`) into `order`."""
        import numpy as np

        count = len(hashes)
        if self.recent:
            kind = np.uint32 if count <= 1 << 32 else np.int64
            view = np.frombuffer(hashes, dtype=np.int64, count=count)
            new = view[self.flushed :]
            recent = np.argsort(new).astype(kind)
            new = new[recent]
            recent += self.flushed
            if self.order is None:
                self.order = recent
            else:
                at = np.searchsorted(view[: self.flushed], new, sorter=self.order)
                self.order = np.insert(self.order.astype(kind, copy=False), at, recent)
            del view, new, recent
            self.sorted_view = memoryview(self.order)
            self.recent.clear()
        self.flushed = count
        if self.recent_filtered:
            total = len(self.recent_filtered)
            new = np.sort(np.fromiter(self.recent_filtered, dtype=np.int64, count=total))
            if self.filtered is None:
                self.filtered = new
            else:
                self.filtered = np.insert(self.filtered, np.searchsorted(self.filtered, new), new)
            self.recent_filtered.clear()


_NEW, _DUPLICATE, _COLLISION = "new", "duplicate", "collision"


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
        # A pipe, /dev/stdin or a device is refused before any byte is read (jsonl.py).
        self._fd = open_regular(self.path, "dataset file", "JSONL dataset file")
        self.size = os.fstat(self._fd).st_size
        self._starts = array("q")
        self._lengths = array("q")
        self._lines = array("q")
        self._hashes = array("q")
        self._seen: _Seen | None = _Seen(self.size)
        """Id hashes met while scanning (dropped once the scan is complete)."""
        self._pos = 0
        self._line = 0
        self._chunk = min(_FIRST_CHUNK, _CHUNK)
        self._lock = threading.Lock()
        """One scanner at a time."""
        self._grow = threading.Lock()
        """Held while the arrays grow, and while `find` looks at them through numpy (an
        `array` cannot grow while a buffer view of it exists)."""
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[int, Item] = OrderedDict()
        self._cache_bytes: dict[int, int] = {}
        """Line length of each cached item: the cache holds at most `_CACHE_BYTES` of lines."""
        self._cached_bytes = 0
        self._long: tuple[int, dict, str] | None = None
        """(offset, object, id) of the last line of `_LONG_LINE` bytes or more that the scan
        decoded: the first screen of a huge single-line item parses it once, not twice."""
        self.incomplete_line: int | None = None
        """The line number of a half-written last line that was left out (see `jsonl.py`)."""
        self._sort_values = array("d")
        self.duplicates = 0
        self.filtered_out = 0
        """Items that `where` did not match."""
        self.sort_numeric = 0
        """Items with a number in the `sort` field, counted once the scan is complete."""
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
        block = os.pread(self._fd, self._chunk, self._pos)
        self._chunk = min(self._chunk * 4, _CHUNK)
        cut = block.rfind(b"\n")
        more = self._pos + len(block) < self.size
        if cut < 0 and more:  # a line longer than the chunk: read it whole, in one piece
            line, torn = self._read_long_line(self._pos)
            lines = [line]
        else:
            if more:  # cut at the last whole line
                block = block[: cut + 1]
            lines = block.split(b"\n")
            torn = not block.endswith(b"\n")
            if not torn:
                lines.pop()
        # torn: the file ends without a newline, so its last line may be half-written
        del block
        last = len(lines) - 1
        pos = self._pos
        loads = parse_line
        seen = self._seen
        assert seen is not None  # dropped only once the scan is complete
        bits, mask, recent, where = seen.bits, seen.mask, seen.recent, self.where
        hash_of, text_field, audio_field = id_hash, self.text_field, self.audio_field
        for number, raw in enumerate(lines):
            self._line += 1
            start = pos
            pos += len(raw) + 1
            data = raw.strip()
            if start == 0 and data.startswith(BOM):
                data = data[3:].strip()
            if not data:
                continue
            try:
                obj = loads(data)
            except BadLine as exc:
                if torn and number == last:
                    self._incomplete()
                    continue
                return self._fail(exc.message + self._first_line_hint())
            if not isinstance(obj, dict):
                message = f"expected a JSON object, found {type_name(obj)}"
                return self._fail(message + self._first_line_hint())
            try:
                ident = item_id(obj, text_field, audio_field)
            except BadId as exc:
                return self._fail(str(exc))
            except RecursionError:
                return self._fail(TOO_DEEP)
            h = hash_of(ident)
            bit = h & mask
            word = bit >> 3
            byte = bits[word]
            flag = 1 << (bit & 7)
            if byte & flag:  # a line with these low bits was met before: look closer
                verdict = self._verdict(seen, h, ident)
                if verdict is _DUPLICATE:
                    self.duplicates += 1
                    continue
                collision = verdict is _COLLISION
            else:
                bits[word] = byte | flag
                collision = False
            if where is not None and not where.matches(obj):
                seen.recent_filtered.add(h)
                self.filtered_out += 1
                continue
            index = len(self._starts)
            if collision:
                seen.collided.setdefault(h, []).append(index)
            else:
                recent[h] = index
            with self._grow:
                if self.sort is not None:
                    self._sort_values.append(self.sort.value(obj))
                self._starts.append(start)
                self._lengths.append(len(raw))
                self._lines.append(self._line)
                self._hashes.append(h)
            if len(raw) >= _LONG_LINE:  # showing it will not read and parse it again
                self._long = (start, obj, ident)
            if stop is not None and stop(index, ident):
                self._end_chunk(pos)
                return True
        self._end_chunk(pos)
        return False

    def _end_chunk(self, pos: int) -> None:
        self._pos = min(pos, self.size)
        seen = self._seen
        if seen is not None and len(seen.recent) + len(seen.recent_filtered) >= _FLUSH:
            seen.flush(self._hashes)
        self._check_complete()

    def _verdict(self, seen: _Seen, h: int, ident: str) -> str:
        """Whether a line whose id has hash `h` repeats an earlier id (the first line wins).

        A line whose id was filtered out by `where` counts as a duplicate too (by its hash).
        Items with the same hash are told apart by their ids, read back from the file.
        """
        if seen.was_filtered(h):
            return _DUPLICATE
        candidates = seen.candidates(h, self._hashes)
        if not candidates:
            return _NEW
        for index in candidates:
            if self._id_at(index) == ident:
                return _DUPLICATE
        return _COLLISION

    def _id_at(self, index: int) -> str:
        return self._parsed(index)[1]

    def _parsed(self, index: int) -> tuple[dict, str]:
        """Item `index`'s line, decoded, and its id (the last long line is kept decoded)."""
        start = self._starts[index]
        long = self._long
        if long is not None and long[0] == start:
            return long[1], long[2]
        raw = os.pread(self._fd, self._lengths[index], start).strip()
        if start == 0 and raw.startswith(BOM):
            raw = raw[3:]
        try:
            obj = parse_line(raw)
            return obj, item_id(obj, self.text_field, self.audio_field)
        except (BadLine, BadId, RecursionError, AttributeError):  # changed since it was indexed
            raise LabeltuiError(
                "the file changed while it was open (this line no longer reads as it did); "
                "reopen it",
                self.path,
                self._lines[index],
            ) from None

    def _read_long_line(self, pos: int) -> tuple[bytes, bool]:
        """The line starting at `pos` (without its newline), read in one piece: first its end
        is found, block by block, then it is read once (no list of parts joined, no split).
        The flag: it has no newline (it ends the file)."""
        end = pos
        while end < self.size:
            block = os.pread(self._fd, _CHUNK, end)
            if not block:
                break
            cut = block.find(b"\n")
            if cut >= 0:
                return os.pread(self._fd, end + cut - pos, pos), False
            end += len(block)
        return os.pread(self._fd, end - pos, pos), True

    def _check_complete(self) -> None:
        if self._pos >= self.size:
            self._seen = None  # only needed while scanning; look-ups use the hash array
            if self.sort is not None:
                self.sort_numeric = self.sort.numeric_count(self._sort_values)
                self._apply_order(self.sort.order(self._sort_values))
            self.complete = True

    def _apply_order(self, order: Any) -> None:
        """Reorder the per-item arrays by a permutation (a sorted session)."""
        import numpy as np

        for name in ("_starts", "_lengths", "_lines", "_hashes"):
            column = np.frombuffer(getattr(self, name), dtype=np.int64)
            setattr(self, name, array("q", column[order].tobytes()))
        self._cache.clear()

    def _incomplete(self) -> None:
        """The file's last line has no newline and does not parse: a save in progress or a
        crash inside a write. It is left out with a note, not an error."""
        self.incomplete_line = self._line
        incomplete_last_line(self.path, self._line)

    def _first_line_hint(self) -> str:
        """When the first line is not a JSON object and the file looks like a schema: a hint
        that the dataset and the schema were given the other way round."""
        if self._starts or self.filtered_out or self.duplicates:
            return ""
        from labeltui.core.schema import SCHEMA_HINT, looks_like_schema

        return SCHEMA_HINT if looks_like_schema(self.path) else ""

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
        obj, ident = self._parsed(index)
        text = obj.get(self.text_field) if self.text_field else None
        if text is not None and not isinstance(text, str):
            try:
                text = json.dumps(text, ensure_ascii=False)
            except RecursionError:
                text = "(the text field is nested too deeply to show)"
        audio = obj.get(self.audio_field) if self.audio_field else None
        if isinstance(audio, str) and audio:
            audio = str(self.path.parent / audio) if not os.path.isabs(audio) else audio
        else:
            audio = None
        item = Item(
            index=index,
            id=ident,
            data=obj,
            text=text,
            audio=audio,
            line=self._lines[index],
        )
        size = self._lengths[index]
        with self._cache_lock:
            if not self._cache:  # emptied (a sorted session reorders the items)
                self._cache_bytes.clear()
                self._cached_bytes = 0
            self._cache[index] = item
            self._cache_bytes[index] = size
            self._cached_bytes += size
            while len(self._cache) > 1 and (
                len(self._cache) > _CACHE_ITEMS or self._cached_bytes > _CACHE_BYTES
            ):  # a few huge items, or many small ones
                old, _ = self._cache.popitem(last=False)
                self._cached_bytes -= self._cache_bytes.pop(old)
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

    def count_ids(self, ids: Iterable[str]) -> int:
        """How many of `ids` (distinct) name an indexed item, compared by hash.

        Reads the hash array in blocks through a view: no copy of it and no sort of it.
        """
        import numpy as np

        wanted = np.fromiter(map(id_hash, ids), dtype=np.int64)
        if not len(wanted):
            return 0
        wanted, counts = np.unique(wanted, return_counts=True)
        hit = np.zeros(len(wanted), dtype=bool)
        step = 1 << 16
        start = 0
        while True:
            with self._grow:
                end = min(start + step, len(self._hashes))
                if start >= end:
                    break
                view = np.frombuffer(
                    self._hashes, dtype=np.int64, count=end - start, offset=start * 8
                )
                at = np.searchsorted(wanted, view)
                at[at == len(wanted)] = 0
                hit[at[wanted[at] == view]] = True
                del view  # release the buffer before the scanner may grow the array again
            start = end
        return int(counts[hit].sum())

    def hashes(self) -> Any:
        """A copy of the id hashes of the items indexed so far, as a NumPy array."""
        import numpy as np

        with self._grow:
            return np.array(self._hashes, dtype=np.int64)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)
