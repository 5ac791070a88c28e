"""The item ids a dataset scan has met, kept compactly (a few bytes per item), and their hash.

The dataset index (dataset.py) asks, for every line, whether its id was met before (FORMAT
section 1: the first line with an id wins). A Python set of a million ints costs ~80 bytes an
item; `SeenIds` costs about 7, and answers "certainly new" for most lines in a few operations.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

id_hash: Callable[[str], int] = hash
"""A signed 64-bit hash of an item id (collisions are checked against the real ids).

Python's own string hash, called from C (`map(id_hash, ids)`): ten times faster than a
cryptographic one (blake2b: 0.6 us an id, a fifth of indexing a million lines). It differs from
process to process (PYTHONHASHSEED), which is fine: the hashes never leave the process that
made them (a forked worker inherits the same seed)."""


class SeenIds:
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

    def candidates(self, h: int, hashes: array[int]) -> list[int]:
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

    def flush(self, hashes: array[int]) -> None:
        """Merge the recent items (from `flushed` to the end of `hashes`) into `order`."""
        import numpy as np

        count = len(hashes)
        if count > self.flushed:  # new items: those in `recent` and any 64-bit collisions
            kind = np.uint32 if count <= 1 << 32 else np.int64
            view = np.frombuffer(hashes, dtype=np.int64, count=count)
            new = view[self.flushed :]
            recent: Any = np.argsort(new).astype(kind)
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
