"""Pairwise F1 of spans and audio marks (FORMAT section 5).

A task value is a list of spans `{start, end, label, text}` or marks `{start, end, label}`.
For two annotators, over the items both labelled:

- exact span F1: spans that match in (start, end, label), counted one to one (as multisets),
  computed with NumPy on integer keys;
- partial span F1: spans with the same label whose ranges overlap, matched one to one;
- mark F1: marks with the same label whose starts and ends are both within `tolerance`
  seconds, matched one to one.

One-to-one matching is a maximum bipartite matching inside each item and label, so no mark is
counted twice and no better pairing is missed. Most items are simple: every span fits at most
one span of the other annotator, and the matching is just the fitting pairs, found with NumPy
over all items at once. Items where a span fits several (and items with very many spans) get
Kuhn's augmenting paths in Python. F1 = 2 * matches / (spans of a + spans of b), pooled over
the items; undefined (NaN) when neither has any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Slack for comparing times rounded to milliseconds with a tolerance.
TIME_EPS = 1e-9
#: Items whose spans give more pairs than this are matched in Python, not in one NumPy batch.
BATCH_PAIRS = 64

Fits = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""Whether spans i and j (index arrays into `Flat`) fit each other, label apart."""


@dataclass(frozen=True, slots=True)
class Flat:
    """The spans (or marks) of every distinct value, flattened: value v owns [ptr[v], ptr[v+1])."""

    start: np.ndarray
    end: np.ndarray
    label: np.ndarray
    ptr: np.ndarray

    @staticmethod
    def of(values: list[list[dict[str, Any]]], labels: dict[str, int], times: bool) -> Flat:
        lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
        ptr = np.concatenate([[0], np.cumsum(lengths)])
        kind = np.float64 if times else np.int64
        start = np.fromiter((s["start"] for v in values for s in v), dtype=kind, count=ptr[-1])
        end = np.fromiter((s["end"] for v in values for s in v), dtype=kind, count=ptr[-1])
        label = np.fromiter(
            (labels[s["label"]] for v in values for s in v), dtype=np.int64, count=ptr[-1]
        )
        return Flat(start, end, label, ptr)

    def expand(self, cells: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For cells (value codes) on rows: (row of each span, index of each span)."""
        lengths = self.ptr[cells + 1] - self.ptr[cells]
        row = np.repeat(rows, lengths)
        first = np.repeat(self.ptr[cells], lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return row, first + offsets


@dataclass(frozen=True, slots=True)
class PairCounts:
    """Per item (row) of the two annotators' shared items: matches and sizes."""

    rows: np.ndarray
    """Rows (items) both annotators labelled."""
    matched: np.ndarray
    size_a: np.ndarray
    size_b: np.ndarray


def pair_counts(
    flat: Flat,
    matrix: np.ndarray,
    a: int,
    b: int,
    rule: str,
    tolerance: float = 0.5,
) -> PairCounts:
    """Matches of annotator columns a and b under `rule`: exact, overlap or tolerance."""
    both = np.flatnonzero((matrix[:, a] >= 0) & (matrix[:, b] >= 0))
    va, vb = matrix[both, a], matrix[both, b]
    size_a = flat.ptr[va + 1] - flat.ptr[va]
    size_b = flat.ptr[vb + 1] - flat.ptr[vb]
    local = np.arange(len(both))
    row_a, span_a = flat.expand(va, local)
    row_b, span_b = flat.expand(vb, local)
    if rule == "exact":
        matched = _exact(flat, row_a, span_a, row_b, span_b, len(both))
    else:
        matched = np.zeros(len(both), dtype=np.int64)
        same = va == vb  # identical values match completely under any rule
        matched[same] = size_a[same]
        todo = np.flatnonzero(~same & (size_a > 0) & (size_b > 0))
        if len(todo):
            fits = _overlap(flat) if rule == "overlap" else _within(flat, tolerance)
            matched[todo] = _match_rows(todo, row_a, span_a, row_b, span_b, flat.label, fits)
    return PairCounts(both, matched, size_a, size_b)


def _exact(
    flat: Flat,
    row_a: np.ndarray,
    span_a: np.ndarray,
    row_b: np.ndarray,
    span_b: np.ndarray,
    n_rows: int,
) -> np.ndarray:
    """Multiset intersection of (row, start, end, label) keys, counted per row."""
    keys = np.stack(
        [
            np.concatenate([row_a, row_b]),
            np.concatenate([flat.start[span_a], flat.start[span_b]]),
            np.concatenate([flat.end[span_a], flat.end[span_b]]),
            np.concatenate([flat.label[span_a], flat.label[span_b]]),
        ],
        axis=1,
    )
    if len(keys) == 0:
        return np.zeros(n_rows, dtype=np.int64)
    key = _one_key(keys)
    # `axis=0` only for rows: on one column it would sort through a structured view, ten
    # times slower than the plain sort of int64
    _, code = np.unique(key, axis=0 if key.ndim == 2 else None, return_inverse=True)
    code = code.reshape(-1)
    n_codes = int(code.max()) + 1
    count_a = np.bincount(code[: len(row_a)], minlength=n_codes)
    count_b = np.bincount(code[len(row_a) :], minlength=n_codes)
    common = np.minimum(count_a, count_b)
    row_of_code = np.zeros(n_codes, dtype=np.int64)
    row_of_code[code] = keys[:, 0]
    return np.bincount(row_of_code, weights=common, minlength=n_rows).astype(np.int64)


def _one_key(keys: np.ndarray) -> np.ndarray:
    """Rows of small non-negative integers as one int64 each when they fit (sorting one column
    is many times faster than sorting rows); the rows themselves otherwise."""
    if keys.dtype.kind != "i" or keys.min() < 0:
        return keys
    dims = [int(m) + 1 for m in keys.max(axis=0).tolist()]
    if float(np.prod(np.array(dims, dtype=np.float64))) >= 2.0**62:
        return keys
    return np.ravel_multi_index(tuple(keys.T), dims)


def _overlap(flat: Flat) -> Fits:
    start, end = flat.start, flat.end

    def fits(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        # ranges overlap; an empty range overlaps a range that contains its position
        si, ei, sj, ej = start[i], end[i], start[j], end[j]
        touch = (si <= ej) & (sj <= ei)
        return ((si < ej) & (sj < ei)) | (((si == ei) | (sj == ej)) & touch)

    return fits


def _within(flat: Flat, tolerance: float) -> Fits:
    start, end = flat.start, flat.end
    limit = tolerance + TIME_EPS

    def fits(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return (np.abs(start[i] - start[j]) <= limit) & (np.abs(end[i] - end[j]) <= limit)

    return fits


def _match_rows(
    todo: np.ndarray,
    row_a: np.ndarray,
    span_a: np.ndarray,
    row_b: np.ndarray,
    span_b: np.ndarray,
    label: np.ndarray,
    fits: Fits,
) -> np.ndarray:
    """The maximum matching's size in each row of `todo` (rows where both have spans)."""
    order_a = np.argsort(row_a, kind="stable")
    order_b = np.argsort(row_b, kind="stable")
    ra, sa = row_a[order_a], span_a[order_a]
    rb, sb = row_b[order_b], span_b[order_b]
    lo_a, hi_a = np.searchsorted(ra, todo), np.searchsorted(ra, todo, side="right")
    lo_b, hi_b = np.searchsorted(rb, todo), np.searchsorted(rb, todo, side="right")
    n_a, n_b = hi_a - lo_a, hi_b - lo_b
    out = np.zeros(len(todo), dtype=np.int64)
    slow = n_a * n_b > BATCH_PAIRS
    batch = np.flatnonzero(~slow)
    if len(batch):
        # every pair of spans of every row in the batch
        pairs = (n_a * n_b)[batch]
        k = np.repeat(batch, pairs)
        offset = np.arange(int(pairs.sum())) - np.repeat(np.cumsum(pairs) - pairs, pairs)
        at_a = lo_a[k] + offset // n_b[k]
        at_b = lo_b[k] + offset % n_b[k]
        i, j = sa[at_a], sb[at_b]
        ok = (label[i] == label[j]) & fits(i, j)
        at_a, at_b, k = at_a[ok], at_b[ok], k[ok]
        # a row is simple when no span in it fits two: its fitting pairs are the matching
        crowded = (np.bincount(at_a, minlength=len(sa))[at_a] > 1) | (
            np.bincount(at_b, minlength=len(sb))[at_b] > 1
        )
        slow[k[crowded]] = True
        out += np.bincount(k, minlength=len(todo))
    for r in np.flatnonzero(slow).tolist():
        left = sa[lo_a[r] : hi_a[r]].tolist()
        right = sb[lo_b[r] : hi_b[r]].tolist()
        out[r] = max_matching(left, right, lambda i, j: _fit_one(label, fits, i, j))
    return out


def _fit_one(label: np.ndarray, fits: Fits, i: int, j: int) -> bool:
    if label[i] != label[j]:
        return False
    return bool(fits(np.array([i]), np.array([j]))[0])


def max_matching(left: list[int], right: list[int], fits: Callable[[int, int], bool]) -> int:
    """Size of a maximum one-to-one matching between `left` and `right` (Kuhn's algorithm)."""
    edges = [[j for j, r in enumerate(right) if fits(li, r)] for li in left]
    owner: list[int] = [-1] * len(right)

    def augment(i: int, seen: list[bool]) -> bool:
        for j in edges[i]:
            if not seen[j]:
                seen[j] = True
                if owner[j] < 0 or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, [False] * len(right)) for i in range(len(left)) if edges[i])


def f1(matched: np.ndarray, size_a: np.ndarray, size_b: np.ndarray, W: np.ndarray) -> np.ndarray:
    """(B,) pooled F1 = 2 * matches / (size a + size b) under item weights W (B, rows)."""
    total = W @ (size_a + size_b).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2.0 * (W @ matched.astype(np.float64)) / total, np.nan)
