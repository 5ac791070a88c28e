"""The dataset index: line offsets, not objects, so a million lines open at once.

The index keeps three flat arrays per item (byte offset, byte length, line number) plus a 64-bit
hash of its id for duplicate detection and look-up; items are decoded on demand with `os.pread`
and `json`, behind a small LRU cache. While scanning, the ids met so far are remembered
compactly (`seen_ids.SeenIds`: a few bytes per item, not the ~80 of a Python set of ints).
Scanning is incremental and resumable: the app scans just far enough to show the first item,
then lets a background thread index the rest while the annotator works (`scan` may be called
from one thread at a time; readers may call `item` and `len` from another thread meanwhile, the
arrays only grow: a duplicate is recognised before its line is added, never removed
afterwards).

Lines come from the one line iterator every reader uses (`annotations.lines.LineScanner`:
chunked reads by offset, resumable, a byte order mark allowed, a half-written last line left
out with a note, kept in `incomplete_line`). Errors are found when the scan reaches them (a line
that is not a JSON object, an id that is not a string or an integer, text that is not UTF-8,
nesting too deep, NaN, and with `--sort suggestions` a `suggestions` field of the wrong shape);
they stop the scan and are kept in `error`. Only regular files are read.

A huge line (a 100 MB text) costs about one read and one parse: the scanner reads it in one
piece, and the index keeps it decoded (`_long`), so showing it first reads nothing again; the
item cache stops at `_CACHE_BYTES`.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, repeat
from pathlib import Path
from typing import Any, cast

from labeltui.core.annotations.files import open_regular
from labeltui.core.annotations.lines import LineScanner
from labeltui.core.annotations.parse import TOO_DEEP, BadLine, parse_fast
from labeltui.core.ids import BadId, item_id
from labeltui.core.items import Item
from labeltui.core.seen_ids import SeenIds, id_hash
from labeltui.core.selection import SortKey, Where
from labeltui.core.suggestions import SuggestionsError
from labeltui.errors import LabeltuiError

__all__ = ["DatasetIndex", "id_hash"]

_STEP = 4 << 20
"""Bytes scanned between two `progress` calls and `cancelled` polls (the scanner itself reads
64 KB at a time; the first screen's item needs one such read)."""
_CACHE_ITEMS = 256
_CACHE_BYTES = 64 << 20
"""The item cache also stops at this many bytes of lines (a few huge items, not 256)."""
_SAMPLE = 64 << 10
"""Bytes whose newlines estimate the file's lines until they are counted."""
_READ_AHEAD = 1 << 20
"""Bytes of neighbouring lines `items` reads at once."""
_LONG_LINE = 1 << 20
"""A line this long is read in one piece, and kept decoded after the scan (`_long`)."""
_FLUSH = 1 << 16
"""Recent id hashes kept in a Python dict before they move into the sorted NumPy arrays."""


_NEW, _DUPLICATE, _COLLISION = "new", "duplicate", "collision"


class _Rows:
    """Items of a chunk not yet added to the index's arrays (`_scan_batch`)."""

    __slots__ = ("hashes", "lengths", "lines", "starts", "values")

    def __init__(self) -> None:
        self.starts = array("q")
        self.lengths = array("q")
        self.lines = array("q")
        self.hashes = array("q")
        self.values = array("d")
        """`--sort`: each item's value (empty without)."""


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
        # A pipe, /dev/stdin or a device is refused before any byte is read.
        self._fd = open_regular(self.path, "dataset file", "JSONL dataset file")
        self.size = os.fstat(self._fd).st_size
        self._lines_in = LineScanner(self._fd, self.path, self.size)
        self._starts = array("q")
        self._lengths = array("q")
        self._lines = array("q")
        self._hashes = array("q")
        self._seen: SeenIds | None = SeenIds(self.size)
        """Id hashes met while scanning (dropped once the scan is complete)."""
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
        self._long: tuple[int, dict[str, Any], str] | None = None
        """(offset, object, id) of the last line of `_LONG_LINE` bytes or more that the scan
        decoded: the first screen of a huge single-line item parses it once, not twice."""
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
        self._estimate: int | None = None
        """`estimated_lines` from the file's first bytes, until it is counted."""

    # -- scanning -------------------------------------------------------------------------

    def count_lines(self) -> int:
        """Count the file's lines without parsing them (about 0.1 s for 300 MB)."""
        if self.lines_total is None:
            total, pos = 0, 0
            last = b"\n"
            while pos < self.size:
                block = os.pread(self._fd, _STEP, pos)
                if not block:
                    break
                total += block.count(b"\n")
                last = block[-1:]
                pos += len(block)
            self.lines_total = total + (0 if last == b"\n" else 1)
        return self.lines_total

    def estimated_lines(self) -> int | None:
        """The file's lines: counted (`count_lines`), else extrapolated from the newlines of
        its first 64 KB (what the first screen read), None before anything was read."""
        if self.lines_total is not None:
            return self.lines_total
        if not self._lines_in.pos:
            return None
        if self._estimate is None:
            try:
                sample = os.pread(self._fd, _SAMPLE, 0)
            except OSError:  # closed, or unreadable now: the scan says why
                return None
            newlines = sample.count(b"\n")
            if len(sample) >= self.size:  # the whole file
                self._estimate = newlines + (not sample.endswith(b"\n"))
            else:
                self._estimate = max(1, round(self.size * newlines / max(len(sample), 1)))
        return max(self._estimate, self._lines_in.line)

    def scan(
        self,
        stop: Callable[[int, str], bool] | None = None,
        progress: Callable[[DatasetIndex], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        """Index further lines until the end, an error, or `stop(index, id)` returns True.

        `stop` is called for each newly indexed item; `progress` after each step (`_STEP`
        bytes); `cancelled` is polled between steps (a worker's `is_cancelled`).
        """
        with self._lock:
            while not self.complete and self.error is None:
                if cancelled is not None and cancelled():
                    return
                if self._scan_step(stop):
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

    @property
    def incomplete_line(self) -> int | None:
        """The line number of a half-written last line that was left out (`LineScanner`)."""
        return self._lines_in.incomplete_line

    def _scan_step(self, stop: Callable[[int, str], bool] | None) -> bool:
        """Scan chunks until `_STEP` bytes are read, the end, an error or `stop` (True)."""
        end = self._lines_in.pos + _STEP
        while True:
            if self._scan_chunk(stop):
                return True
            if self.complete or self._lines_in.pos >= end:
                return False

    def _scan_chunk(self, stop: Callable[[int, str], bool] | None) -> bool:
        if stop is None and self.where is None and self._scan_batch():
            return False
        seen = self._seen
        assert seen is not None  # dropped only once the scan is complete
        bits, mask, recent, where = seen.bits, seen.mask, seen.recent, self.where
        hash_of, text_field, audio_field = id_hash, self.text_field, self.audio_field
        try:
            for number, start, length, obj in self._lines_in.chunk():
                try:
                    ident = item_id(obj, text_field, audio_field)
                except BadId as exc:
                    return self._fail(str(exc), number)
                except RecursionError:
                    return self._fail(TOO_DEEP, number)
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
                if self.sort is not None:
                    try:
                        value = self.sort.value(obj)
                    except SuggestionsError as exc:  # --sort suggestions: a wrong shape
                        return self._fail(exc.message, number)
                with self._grow:
                    if self.sort is not None:
                        self._sort_values.append(value)
                    self._starts.append(start)
                    self._lengths.append(length)
                    self._lines.append(number)
                    self._hashes.append(h)
                if length >= _LONG_LINE:  # showing it will not read and parse it again
                    self._long = (start, obj, ident)
                if stop is not None and stop(index, ident):
                    self._end_chunk()
                    return True
        except LabeltuiError as exc:  # a line that is not a JSON object
            return self._fail(exc.message + self._first_line_hint(), exc.line)
        except OSError as exc:
            return self._fail(f"cannot read dataset file: {exc.strerror or exc}", None)
        self._end_chunk()
        return False

    def _scan_batch(self) -> bool:
        """`_scan_chunk` for an ordinary chunk, 2-3 times faster: its lines parsed, their ids
        taken and hashed by C-level maps, then one light step per line for the duplicates.
        False, with nothing read or changed, where any line needs the careful loop (a blank or
        bad line, a bad id, a chunk `LineScanner.plain_chunk` leaves to `chunk()`): the loop
        then reads the same chunk and names the line."""
        got = self._lines_in.plain_chunk()
        if got is None:
            return False
        pos, number, lines = got
        try:
            objs = list(map(parse_fast, lines))
            if set(map(type, objs)) != {dict}:
                return False
            given = list(map(dict.get, objs, repeat("id")))
            if set(map(type, given)) == {str}:  # every id a string: the ids themselves
                ids = cast("list[str]", given)
            else:  # `item_id` decides
                ids = list(map(item_id, objs, repeat(self.text_field), repeat(self.audio_field)))
            values = [] if self.sort is None else self.sort.values(objs)
        except (BadLine, BadId, RecursionError, SuggestionsError):
            return False
        hashes = list(map(id_hash, ids))
        del objs
        seen = self._seen
        assert seen is not None  # dropped only once the scan is complete
        if seen.order is not None and self._add_all_new(seen, pos, number, lines, hashes, values):
            return True
        bits, mask, recent = seen.bits, seen.mask, seen.recent
        new = _Rows()
        base = len(self._starts)
        at = pos
        for i, (raw, h, ident) in enumerate(zip(lines, hashes, ids, strict=True)):
            number += 1
            start = at
            at += len(raw) + 1
            bit = h & mask
            word = bit >> 3
            byte = bits[word]
            flag = 1 << (bit & 7)
            if byte & flag:  # met before? `_verdict` reads the items so far, these included
                self._add(new)
                new, base = _Rows(), len(self._starts)
                verdict = self._verdict(seen, h, ident)
                if verdict is _DUPLICATE:
                    self.duplicates += 1
                    continue
                if verdict is _COLLISION:
                    seen.collided.setdefault(h, []).append(base + len(new.hashes))
                else:
                    recent[h] = base + len(new.hashes)
            else:
                bits[word] = byte | flag
                recent[h] = base + len(new.hashes)
            new.starts.append(start)
            new.lengths.append(len(raw))
            new.lines.append(number)
            new.hashes.append(h)
            if values:
                new.values.append(values[i])
        self._add(new)
        self._lines_in.advance(at, number)
        self._end_chunk()
        return True

    def _add_all_new(
        self,
        seen: SeenIds,
        pos: int,
        number: int,
        lines: list[bytes],
        hashes: list[int],
        values: list[float],
    ) -> bool:
        """`_scan_batch`'s lines added at once when none repeats an earlier id (the usual
        case): the bitmap is checked with NumPy (imported by then: `seen` has been flushed),
        and only the lines it flags are looked up. False, with nothing changed, when one of
        them, or two lines of the chunk, may repeat an id (the line-by-line step decides)."""
        import numpy as np

        n = len(hashes)
        if len(set(hashes)) != n:
            return False
        h = np.fromiter(hashes, dtype=np.int64, count=n)
        bit = h & seen.mask
        word = bit >> 3
        flag = np.left_shift(1, bit & 7).astype(np.uint8)
        bitmap = np.frombuffer(seen.bits, dtype=np.uint8)
        for i in np.flatnonzero(bitmap[word] & flag).tolist():
            if seen.was_filtered(hashes[i]) or seen.candidates(hashes[i], self._hashes):
                return False
        np.bitwise_or.at(bitmap, word, flag)
        del bitmap  # no view of the bitmap outlives the call
        base = len(self._starts)
        seen.recent.update(zip(hashes, range(base, base + n), strict=True))
        lengths = array("q", map(len, lines))
        rows = _Rows()
        rows.starts = array("q", accumulate(map((1).__add__, lengths[:-1]), initial=pos))
        rows.lengths = lengths
        rows.lines = array("q", range(number + 1, number + n + 1))
        rows.hashes = array("q", hashes)
        rows.values = array("d", values)
        self._add(rows)
        self._lines_in.advance(pos + sum(lengths) + n, number + n)
        self._end_chunk()
        return True

    def _add(self, rows: _Rows) -> None:
        with self._grow:
            self._starts.extend(rows.starts)
            self._lengths.extend(rows.lengths)
            self._lines.extend(rows.lines)
            self._hashes.extend(rows.hashes)
            self._sort_values.extend(rows.values)

    def _end_chunk(self) -> None:
        seen = self._seen
        if seen is not None and len(seen.recent) + len(seen.recent_filtered) >= _FLUSH:
            seen.flush(self._hashes)
        self._check_complete()

    def _verdict(self, seen: SeenIds, h: int, ident: str) -> str:
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

    def _parsed(self, index: int) -> tuple[dict[str, Any], str]:
        """Item `index`'s line, decoded, and its id (the last long line is kept decoded)."""
        start = self._starts[index]
        long = self._long
        if long is not None and long[0] == start:
            return long[1], long[2]
        return self._decode(index, os.pread(self._fd, self._lengths[index], start))

    def _decode(self, index: int, raw: bytes) -> tuple[dict[str, Any], str]:
        """Item `index`'s line `raw`, decoded as the scan decoded it, and its id."""
        try:
            obj = parse_fast(raw.strip())  # strip: no byte order mark
            return obj, item_id(obj, self.text_field, self.audio_field)
        except (BadLine, BadId, RecursionError, AttributeError):  # changed since it was indexed
            raise LabeltuiError(
                "the file changed while it was open (this line no longer reads as it did); "
                "reopen it",
                self.path,
                self._lines[index],
            ) from None

    def _check_complete(self) -> None:
        if self._lines_in.done:
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

    def _first_line_hint(self) -> str:
        """When the first line is not a JSON object and the file looks like a schema: a hint
        that the dataset and the schema were given the other way round."""
        if self._starts or self.filtered_out or self.duplicates:
            return ""
        from labeltui.core.schema import SCHEMA_HINT, looks_like_schema

        return SCHEMA_HINT if looks_like_schema(self.path) else ""

    def _fail(self, message: str, line: int | None) -> bool:
        self.error = LabeltuiError(message, self.path, line)
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
        item = self._item(index, *self._parsed(index))
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

    def items(self) -> Iterator[Item]:
        """Every item indexed so far, in order, for one pass over all of them (`validate`):
        neighbouring lines are read together, up to `_READ_AHEAD` bytes at a time, and the
        item cache is left alone (`item` reads one line per call)."""
        i, n = 0, len(self._starts)
        starts, lengths = self._starts, self._lengths
        while i < n:
            first = starts[i]
            long = self._long
            if long is not None and long[0] == first:  # kept decoded: not read again
                yield self._item(i, long[1], long[2])
                i += 1
                continue
            end = first + lengths[i]
            j = i + 1  # items i..j-1 lie in file order within one read
            while j < n and end <= starts[j] and starts[j] + lengths[j] - first <= _READ_AHEAD:
                end = starts[j] + lengths[j]
                j += 1
            block = os.pread(self._fd, end - first, first)
            for k in range(i, j):
                at = starts[k] - first
                yield self._item(k, *self._decode(k, block[at : at + lengths[k]]))
            i = j

    def _item(self, index: int, obj: dict[str, Any], ident: str) -> Item:
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
        return Item(
            index=index,
            id=ident,
            data=obj,
            text=text,
            audio=audio,
            line=self._lines[index],
        )

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
