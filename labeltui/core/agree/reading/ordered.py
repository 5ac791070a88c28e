"""Grouping item-id keys without a sort when they come in order (`table.group_rows`).

Every annotator of a project works through the same dataset, so their files list the items in
the same order, and ids often increase (`t0000001`, `t0000002`, ...). A reader's keys are then a
few increasing runs (one per file piece), each a window of one increasing sequence, and the
keys of the readers together are such runs again. Sorting millions of keys, scattering the
ranks and summing the group starts is then most of the time after reading; checking the runs
costs one pass:

- split the keys where they stop increasing (strictly, in byte order); more than `MAX_RUNS`
  runs: give up;
- the first run is the sequence so far; each later run must start on a key of the sequence or
  after its end, and agree with it key for key while they overlap; what lies past the end
  extends the sequence.

The groups are then the keys of the sequence, in byte order: the same groups, numbered the
same (by rank in byte order), as a sort gives single-word keys. Anything else (ids in another
order, a file that skips an item, a repeated line for one item) returns None, and the keys are
sorted as before.
"""

from __future__ import annotations

import numpy as np

#: Runs (pieces of files read in order) tried at most; more means the ids are in no order.
MAX_RUNS = 64


def ordered_groups(words: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(first, inverse) as `group_rows` returns them, when the rows of `words` (keys: their
    bytes big-endian, padded with zeros) are increasing runs of one sequence; else None."""
    n = len(words)
    if n < 2:
        return None
    step = _increases(words[:-1], words[1:])
    breaks = np.flatnonzero(~step)
    if len(breaks) >= MAX_RUNS:
        return None
    starts = [0, *(breaks + 1).tolist()]
    ends = [*starts[1:], n]
    # the sequence: pieces of rows of `words`, in order, each increasing and past the last
    pieces: list[tuple[int, int]] = [(0, ends[0])]
    inverse = np.empty(n, dtype=np.int32)
    inverse[: ends[0]] = np.arange(ends[0], dtype=np.int32)
    size = ends[0]
    for start, end in zip(starts[1:], ends[1:], strict=True):
        at = _place(words, pieces, size, words[start])
        if at is None:
            return None
        overlap = min(size - at, end - start)
        if overlap and not _same(words, pieces, at, words[start : start + overlap]):
            return None
        if start + overlap < end:  # past the end of the sequence: it grows
            pieces.append((start + overlap, end))
        inverse[start:end] = np.arange(at, at + end - start, dtype=np.int32)
        size = max(size, at + end - start)
    first = np.concatenate([np.arange(a, b, dtype=np.int64) for a, b in pieces])
    return first, inverse


def _increases(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row, whether b > a in byte order (the words compared in turn)."""
    greater = b[:, 0] > a[:, 0]
    equal = b[:, 0] == a[:, 0]
    for j in range(1, a.shape[1]):
        greater |= equal & (b[:, j] > a[:, j])
        equal &= b[:, j] == a[:, j]
    return greater


def _row(words: np.ndarray, pieces: list[tuple[int, int]], index: int) -> np.ndarray:
    """Key `index` of the sequence made of `pieces`."""
    for a, b in pieces:
        if index < b - a:
            return words[a + index]
        index -= b - a
    raise IndexError(index)


def _place(
    words: np.ndarray, pieces: list[tuple[int, int]], size: int, key: np.ndarray
) -> int | None:
    """Where `key` is in the sequence (its position, or `size` when it comes after the last
    key); None when it is not in it and not after it."""
    wanted = tuple(key.tolist())
    if tuple(_row(words, pieces, size - 1).tolist()) < wanted:
        return size
    lo, hi = 0, size - 1  # binary search: the first key >= wanted
    while lo < hi:
        mid = (lo + hi) // 2
        if tuple(_row(words, pieces, mid).tolist()) < wanted:
            lo = mid + 1
        else:
            hi = mid
    return lo if tuple(_row(words, pieces, lo).tolist()) == wanted else None


def _same(words: np.ndarray, pieces: list[tuple[int, int]], at: int, rows: np.ndarray) -> bool:
    """Whether the sequence's keys from position `at` on are `rows`."""
    done = 0
    for a, b in pieces:
        if at >= b - a:
            at -= b - a
            continue
        take = min(b - a - at, len(rows) - done)
        if not np.array_equal(words[a + at : a + at + take], rows[done : done + take]):
            return False
        done += take
        at = 0
        if done == len(rows):
            return True
    return done == len(rows)
