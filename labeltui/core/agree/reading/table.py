"""The lines of annotation files as integer columns, and how readers' codes are merged.

`read.py` fills these; `labeltui.core.agree` reads them. Item ids are never kept as
a million Python strings: each reader joins its ids with NUL, turns them into fixed-width
integer keys with NumPy (`id_words`) and groups equal keys (`group_rows`: without a sort when
they come in order, ordered.py; else by sorting), which is exact (keys are the ids' own UTF-8
bytes, compared in full). Ids that cannot be put in keys
(a NUL inside, or longer than `MAX_ID_BYTES`) are grouped with a dictionary instead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import count, pairwise
from typing import Any

import numpy as np

from labeltui.core.agree.reading.ordered import ordered_groups

#: Ids longer than this (in UTF-8 bytes) are grouped with a dictionary, not with keys.
MAX_ID_BYTES = 64

_MASKS = np.array([((1 << (8 * r)) - 1) << (8 * (8 - r)) for r in range(9)], dtype=np.uint64)
"""_MASKS[r] keeps the first r bytes of a big-endian 8-byte word."""


@dataclass(slots=True)
class TaskColumn:
    """One task's values, one per record: `codes[r]` indexes `values`, -1 for none."""

    codes: np.ndarray
    values: list[Any]
    """Distinct label names once each; every non-string value (a list) is its own entry."""


class ItemIds(Sequence[str]):
    """Distinct item ids, decoded one at a time from their keys (or held as a list)."""

    __slots__ = ("_lens", "_list", "_words")

    def __init__(
        self,
        words: np.ndarray | None = None,
        lens: np.ndarray | None = None,
        ids: list[str] | None = None,
    ) -> None:
        self._words: Any = words
        self._lens: Any = lens
        self._list = ids

    def __len__(self) -> int:
        return len(self._list) if self._list is not None else len(self._lens)

    def __getitem__(self, index: Any) -> Any:
        if self._list is not None:
            return self._list[index]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        raw = self._words[index].astype(">u8").tobytes()[: int(self._lens[index])]
        return raw.decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        return iter(self.tolist())

    def tolist(self) -> list[str]:
        if self._list is not None:
            return list(self._list)
        return [self[i] for i in range(len(self))]

    @property
    def keyed(self) -> bool:
        return self._list is None


#: Records whose keys are computed at a time (`AnnotationTable.every_current`).
KEY_SLICE = 1 << 18


@dataclass(slots=True)
class AnnotationTable:
    """Every line of the files, as integer columns; `current()` picks the lines that count."""

    paths: list[str]
    annotators: list[str]
    item_ids: Sequence[str]
    """Distinct item ids, in no particular order (`first_seen` gives the order in the files).
    Every annotator and every item id here has a record (readers name only what they keep)."""
    ann: np.ndarray
    item: np.ndarray
    done: np.ndarray
    file: np.ndarray
    line: np.ndarray
    tasks: dict[str, TaskColumn] = field(default_factory=dict)
    """Tasks in order of first appearance."""
    notes: list[str] = field(default_factory=list)
    """What was left out, one sentence each (review lines, a half-written last line)."""
    gold_answers: int = 0
    """Lines with `"_gold": true` left out (`ReadOptions.gold_answers` keeps them)."""
    ms: np.ndarray | None = None
    """stats only (extras.py): `_ms` per record, NaN when absent."""
    times: dict[str, Any] = field(default_factory=dict)
    """stats only: per annotator name, the first and last `_ts` (a `TimeSpan`)."""
    gold: set[str] = field(default_factory=set)
    pre: set[str] = field(default_factory=set)
    """stats only: the annotators of gold lines and of pre-annotations (dataset lines)."""

    def first_seen(self) -> np.ndarray:
        """(items,) the index of each item's first record (order of first appearance)."""
        first = np.full(len(self.item_ids), len(self.item), dtype=np.int64)
        np.minimum.at(first, self.item, np.arange(len(self.item), dtype=np.int64))
        return first

    def where(self, record: int) -> tuple[str, int]:
        """The file and line number of a record."""
        return self.paths[int(self.file[record])], int(self.line[record])

    def current(self) -> np.ndarray:
        """Indices of the current records (last line per annotator and item) that are `done`."""
        last = self.latest()
        if len(last) == len(self.done):  # every record is the last of its (annotator, item)
            return last if bool(self.done.all()) else np.flatnonzero(self.done)
        return last[self.done[last]]

    def every_current(self) -> bool:
        """Whether every record counts (`current()` is all of them), found without making an
        index per record: each is `done` and the only line of its annotator and item."""
        return bool(self.done.all()) and self._one_line_each()

    def _dense(self) -> bool:
        """Whether (item, annotator) keys are few enough for a table of marks or lasts."""
        return len(self.item_ids) * max(len(self.annotators), 1) <= max(8 * len(self.ann), 1 << 20)

    def _keys(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """item * annotators + annotator, per record of `start:stop`."""
        n_ann = max(len(self.annotators), 1)
        wide = len(self.item_ids) * n_ann >= 2**31
        key: np.ndarray = self.item[start:stop].astype(np.int64 if wide else np.int32)
        key *= n_ann
        key += self.ann[start:stop]
        return key

    def _one_line_each(self) -> bool:
        """Whether no two records share an annotator and an item (keys marked a slice at a
        time: small buffers, reused)."""
        n = len(self.ann)
        if not self._dense():
            return False
        seen = np.zeros(len(self.item_ids) * max(len(self.annotators), 1), dtype=bool)
        for start in range(0, n, KEY_SLICE):
            seen[self._keys(start, start + KEY_SLICE)] = True
        return int(np.count_nonzero(seen)) == n

    def latest(self) -> np.ndarray:
        """Indices of the last record per annotator and item (done or not), in no set order."""
        n = len(self.ann)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        if self._one_line_each():  # every line is current
            return np.arange(n, dtype=np.int64)
        key = self._keys()
        if self._dense():
            size = len(self.item_ids) * max(len(self.annotators), 1)
            last = np.full(size, -1, dtype=np.int64)
            np.maximum.at(last, key, np.arange(n, dtype=np.int64))
            last = last[last >= 0]
        else:  # many annotators with few items each: sort instead of a dense table
            sort = np.argsort(key, kind="stable")
            skey = key[sort]
            ends = np.flatnonzero(np.append(skey[1:] != skey[:-1], True))
            last = np.sort(sort[ends])
        return last


# ----------------------------------------------------------------------------------------------
# Item ids as integer keys


def id_words(text: str, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Keys of `n` ids joined by NUL: ((n, k) uint64 words, (n,) byte lengths), or None.

    Word j of an id holds its UTF-8 bytes 8j..8j+7 big-endian, padded with zero bytes (so the
    order of keys is the order of the bytes). None when an id holds a NUL or is too long.
    """
    raw = text.encode("utf-8", "surrogatepass")
    size = len(raw)
    buf = np.frombuffer(raw + bytes(8), dtype=np.uint8)
    seps = np.flatnonzero(buf[:size] == 0)
    if len(seps) != n - 1:
        return None
    starts = np.empty(n, dtype=np.int64)
    starts[0] = 0
    starts[1:] = seps + 1
    lens = np.empty(n, dtype=np.int64)
    lens[:-1] = seps
    lens[-1] = size
    lens -= starts
    widest = int(lens.max()) if n else 0
    if widest > MAX_ID_BYTES:
        return None
    windows = np.lib.stride_tricks.as_strided(buf, shape=(size + 1, 8), strides=(1, 1))
    words = np.empty((n, max(1, -(-widest // 8))), dtype=np.uint64)
    for j in range(words.shape[1]):
        at = np.minimum(starts + 8 * j, size)
        left = np.clip(lens - 8 * j, 0, 8)
        words[:, j] = windows[at].view(">u8")[:, 0] & _MASKS[left]
    return words, lens.astype(np.int32)


def group_rows(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, inverse): the first row of each distinct row of `words`, and each row's group.

    Keys that come as increasing runs of one sequence (ids in the same order in every file) are
    grouped without a sort (ordered.py). Otherwise one word per row is grouped by sorting the
    words themselves; wider rows by sorting a mix of their words, then every row is compared in
    full with its group's first row (a collision of mixes falls back to an exact, slower
    grouping).
    """
    n, k = words.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    grouped = ordered_groups(words)  # ids in the same order in every file: no sort
    if grouped is not None:
        return grouped
    key = words[:, 0] if k == 1 else _mix(words)
    order = np.argsort(key, kind="stable")  # stable: a group starts with its first row
    ordered = key[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    inverse: np.ndarray = np.empty(n, dtype=np.int32)
    inverse[order] = np.cumsum(new, dtype=np.int32) - 1
    first = order[new]
    if k > 1 and not bool((words == words[first][inverse]).all()):
        _, first, inverse = np.unique(words, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1).astype(np.int32)
    return first, inverse


def _mix(words: np.ndarray) -> np.ndarray:
    """One 64-bit number per row of several words (equal rows, equal numbers)."""
    key = words[:, 0].copy()
    for j in range(1, words.shape[1]):
        key ^= words[:, j] + np.uint64(0x9E3779B97F4A7C15) + (key << np.uint64(6))
        key *= np.uint64(0xBF58476D1CE4E5B9)
    return key


def factorize(ids: list[str]) -> tuple[list[str], np.ndarray]:
    """(distinct ids in first-appearance order, the code of each id), with a dictionary."""
    codes: dict[str, int] = {}
    raw = np.fromiter(map(codes.setdefault, ids, count()), dtype=np.int64, count=len(ids))
    distinct = list(codes)
    renumber = np.zeros(len(ids) + 1, dtype=np.int32)
    renumber[np.fromiter(codes.values(), dtype=np.int64, count=len(codes))] = np.arange(
        len(codes), dtype=np.int32
    )
    return distinct, renumber[raw]


@dataclass
class IdGroups:
    """One reader's distinct item ids: keys (`words`, `lens`) or a plain list."""

    words: np.ndarray | None = None
    lens: np.ndarray | None = None
    ids: list[str] | None = None

    def __len__(self) -> int:
        if self.ids is not None:
            return len(self.ids)
        assert self.lens is not None
        return len(self.lens)

    def as_list(self) -> list[str]:
        if self.ids is not None:
            return self.ids
        return ItemIds(self.words, self.lens).tolist()

    def table_ids(self) -> ItemIds:
        return ItemIds(self.words, self.lens, self.ids)


#: Ids are turned into keys this many at a time (small temporary arrays, reused memory).
ID_CHUNK = 1 << 16


class IdCollector:
    """The item id of every record one reader reads, in order, turned into keys chunk by chunk.

    Fresh memory is slow to touch, so the ids are never held as a million strings nor turned
    into keys all at once: each chunk's keys are copied into one key column for the whole
    reader (sized by `reserve`, grown by doubling; untouched room costs nothing), not kept
    per block and stacked at the end. Their lengths are not kept: a keyed id holds no NUL, so
    its length is the number of nonzero bytes of its key (`key_lengths`), found for the
    distinct ids only. A chunk whose ids cannot be keys (an id holds a NUL or is too long) is
    kept as text; all ids are then grouped with a dictionary instead.
    """

    def __init__(self) -> None:
        self.count = 0
        self._parts: list[str] = []
        self._pending = 0
        self._words = np.zeros((0, 1), dtype=np.uint64)
        self._keyed = 0
        """Rows of `_words` in use."""
        self._chunks: list[tuple[int, int] | str | list[str]] = []
        """In order: rows of the key column, or ids that are no keys (joined by NUL, or a list)."""
        self._unkeyed = False

    def reserve(self, rows: int) -> None:
        """Make room for about `rows` more ids (a piece's estimated lines)."""
        self._room(rows, self._words.shape[1])

    def add(self, ids: list[str], joined: str | None = None) -> None:
        """Add a block's ids (`joined`: them joined by NUL, when already at hand)."""
        if not ids:
            return
        if joined is None:
            joined = "\0".join(ids)
        self.count += len(ids)
        if joined.count("\0") != len(ids) - 1:  # an id holds a NUL: a list of its own
            self._flush()
            self._chunks.append(ids)
            self._unkeyed = True
            return
        self._parts.append(joined)
        self._pending += len(ids)
        if self._pending >= ID_CHUNK:
            self._flush()

    def add_keys(self, words: np.ndarray) -> None:
        """Add a block's ids already as keys (`id_words`' form, ids without a NUL: shaped.py
        reads them so)."""
        if not len(words):
            return
        self._flush()
        self.count += len(words)
        self._put(words)

    def _put(self, words: np.ndarray) -> None:
        n, m, k = self._keyed, len(words), words.shape[1]
        self._room(m, k)
        self._words[n : n + m, :k] = words
        if k < self._words.shape[1]:
            self._words[n : n + m, k:] = 0
        self._keyed = n + m
        last = self._chunks[-1] if self._chunks else None
        if isinstance(last, tuple):  # rows right after the last ones
            self._chunks[-1] = (last[0], n + m)
        else:
            self._chunks.append((n, n + m))

    def _room(self, rows: int, width: int) -> None:
        """Room for `rows` more keys of `width` words."""
        n = self._keyed
        capacity, wide = self._words.shape
        if n + rows <= capacity and width <= wide:
            return
        if n + rows > capacity:
            capacity = max(2 * capacity, n + rows)
        width = max(width, wide)
        words = np.empty((capacity, width), dtype=np.uint64)
        words[:n, :wide] = self._words[:n]
        words[:n, wide:] = 0
        self._words = words

    def _flush(self) -> None:
        if self._parts:
            text = "\0".join(self._parts)
            keys = id_words(text, self._pending)
            if keys is None:
                self._chunks.append(text)
                self._unkeyed = True
            else:
                self._put(keys[0])
            self._parts, self._pending = [], 0

    def finish(self) -> tuple[IdGroups, np.ndarray]:
        """(distinct ids, the code of each id added)."""
        self._flush()
        chunks, self._chunks = self._chunks, []
        words = self._words[: self._keyed]
        if not self._unkeyed:
            if not chunks:
                return IdGroups(ids=[]), np.zeros(0, dtype=np.int32)
            first, inverse = group_rows(words)
            distinct = words[first]
            return IdGroups(distinct, key_lengths(distinct)), inverse
        ids: list[str] = []
        for part in chunks:
            if isinstance(part, tuple):
                rows = words[part[0] : part[1]]
                ids.extend(ItemIds(rows, key_lengths(rows)).tolist())
            elif isinstance(part, str):
                ids.extend(part.split("\0"))
            else:
                ids.extend(part)
        distinct, codes = factorize(ids)
        return IdGroups(ids=distinct), codes


def key_lengths(words: np.ndarray) -> np.ndarray:
    """The byte length of each id given as a key of an id without a NUL: its nonzero bytes."""
    raw = np.ascontiguousarray(words).view(np.uint8).reshape(len(words), -1)
    return np.count_nonzero(raw, axis=1).astype(np.int32)


def _stack(parts: list[np.ndarray]) -> np.ndarray:
    """Rows of words of several widths, padded with zero words to the widest."""
    width = max(p.shape[1] for p in parts)
    if all(p.shape[1] == width for p in parts):
        return np.concatenate(parts)
    out = np.zeros((sum(len(p) for p in parts), width), dtype=np.uint64)
    at = 0
    for p in parts:
        out[at : at + len(p), : p.shape[1]] = p
        at += len(p)
    return out


def merge_ids(groups: list[IdGroups]) -> tuple[ItemIds, list[np.ndarray]]:
    """One numbering of several readers' distinct ids: (all distinct ids, each reader's map)."""
    bounds = np.cumsum([0, *map(len, groups)]).tolist()
    if all(g.ids is None for g in groups):
        words = _stack([g.words for g in groups if g.words is not None])
        lens = np.concatenate([g.lens for g in groups if g.lens is not None])
        first, inverse = group_rows(words)
        ids = ItemIds(words[first], lens[first])
    else:
        every: list[str] = []
        for g in groups:
            every.extend(g.as_list())
        distinct, inverse = factorize(every)
        ids = ItemIds(ids=distinct)
    return ids, [inverse[a:b] for a, b in pairwise(bounds)]


# ----------------------------------------------------------------------------------------------
# Label values and annotator names as codes


def value_key(value: Any) -> Any:
    """What makes two values the same: a string itself, a list of strings as a tuple.

    Anything else (lists of objects, numbers, ...) gets no key: each is its own entry.
    """
    if type(value) is str:
        return value
    if type(value) is list and all(type(v) is str for v in value):
        return tuple(value)
    return None


_STR_OR_NONE = {str, type(None)}


class Vocab:
    """Values to codes (-1: none or null); equal strings and equal lists of strings share one.

    Codes are handed out by a counter inside C-level `map` calls, so they have gaps;
    `finish()` numbers the values 0, 1, 2, ... and returns the renumbering. The index holds
    only strings, tuples and None, so a number, a list or an object never hits it by accident.
    """

    __slots__ = ("counter", "index", "objects", "words")

    def __init__(self) -> None:
        self.words: tuple[np.ndarray, np.ndarray] = (
            np.zeros(0, dtype=np.uint64),
            np.zeros(0, dtype=np.int32),
        )
        """shaped.py: texts of up to 8 bytes seen, as sorted little-endian words, and their
        codes."""
        self.index: dict[Any, int] = {None: -1}
        self.counter = count()
        self.objects: dict[int, Any] = {}
        """Values that are not their own key (lists), by code."""

    def code_all(self, vals: list[Any]) -> np.ndarray:
        index = self.index
        try:  # the usual block: label names seen before
            return np.fromiter(map(index.__getitem__, vals), dtype=np.int32, count=len(vals))
        except (KeyError, TypeError):
            pass
        if not set(map(type, vals)) <= _STR_OR_NONE:
            return np.array([self.code(v) for v in vals], dtype=np.int32)
        deque(map(index.setdefault, dict.fromkeys(vals), self.counter), maxlen=0)
        return np.fromiter(map(index.__getitem__, vals), dtype=np.int32, count=len(vals))

    def code(self, value: Any) -> int:
        if value is None:
            return -1
        key = value_key(value)
        if key is None:
            code = next(self.counter)
            self.index[("\0object", code)] = code
            self.objects[code] = value
            return code
        known = self.index.get(key)
        if known is not None:
            return known
        code = self.index[key] = next(self.counter)
        if type(value) is not str:
            self.objects[code] = value
        return code

    def finish(self) -> tuple[list[Any], np.ndarray]:
        """The values in code order, and the map from raw codes to 0, 1, ... (-1 stays -1)."""
        keys = list(self.index)[1:]  # insertion order is code order; [0] is None
        codes = np.fromiter(self.index.values(), dtype=np.int64, count=len(self.index))[1:]
        top = int(codes[-1]) + 1 if len(codes) else 0
        renumber = np.full(top + 1, -1, dtype=np.int32)  # the extra last entry maps -1
        renumber[codes] = np.arange(len(codes), dtype=np.int32)
        if self.objects:
            objects = self.objects
            values = [objects.get(int(c), k) for c, k in zip(codes, keys, strict=True)]
        else:
            values = keys
        return values, renumber


def remap_values(values: list[Any], index: dict[Any, int], known: list[Any]) -> np.ndarray:
    """Codes of one reader's values in a shared numbering (`index`, `known`), with a trailing -1
    so that code -1 stays -1."""
    out = np.empty(len(values) + 1, dtype=np.int32)
    for i, value in enumerate(values):
        key = value_key(value)
        code = None if key is None else index.get(key)
        if code is None:
            code = len(known)
            known.append(value)
            if key is not None:
                index[key] = code
        out[i] = code
    out[-1] = -1
    return out
