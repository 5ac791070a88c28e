"""Pairwise F1 of spans and audio marks (FORMAT section 5).

A task value is a list of spans `{start, end, label, text}` or marks `{start, end, label}`.
For two annotators, over the items both labelled:

- exact span F1: spans that match in (start, end, label), counted one to one (as multisets),
  computed with NumPy on integer keys;
- partial span F1: spans with the same label whose ranges overlap, matched one to one;
- mark F1: marks with the same label whose starts and ends are both within `tolerance`
  seconds, matched one to one.

One-to-one matching is a maximum bipartite matching (Kuhn's augmenting paths) inside each item
and label, so no mark is counted twice and no better pairing is missed. F1 = 2 * matches /
(spans of a + spans of b), pooled over the items; undefined (NaN) when neither has any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Slack for comparing times rounded to milliseconds with a tolerance.
TIME_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Flat:
    """The spans (or marks) of every distinct value, flattened: value v owns [ptr[v], ptr[v+1])."""

    start: np.ndarray
    end: np.ndarray
    label: np.ndarray
    ptr: np.ndarray

    @staticmethod
    def of(values: list[list[dict]], labels: dict[str, int], times: bool) -> Flat:
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


def _exact(flat: Flat, row_a, span_a, row_b, span_b, n_rows: int) -> np.ndarray:
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
    _, code = np.unique(keys, axis=0, return_inverse=True)
    code = code.reshape(-1)
    n_codes = int(code.max()) + 1
    count_a = np.bincount(code[: len(row_a)], minlength=n_codes)
    count_b = np.bincount(code[len(row_a) :], minlength=n_codes)
    common = np.minimum(count_a, count_b)
    row_of_code = np.zeros(n_codes, dtype=np.int64)
    row_of_code[code] = keys[:, 0]
    return np.bincount(row_of_code, weights=common, minlength=n_rows).astype(np.int64)


def _overlap(flat: Flat) -> Callable[[int, int], bool]:
    start, end = flat.start, flat.end

    def fits(i: int, j: int) -> bool:
        # ranges overlap; an empty range overlaps a range that contains its position
        return bool(start[i] < end[j] and start[j] < end[i]) or bool(
            (start[i] == end[i] or start[j] == end[j]) and start[i] <= end[j] and start[j] <= end[i]
        )

    return fits


def _within(flat: Flat, tolerance: float) -> Callable[[int, int], bool]:
    start, end = flat.start, flat.end
    limit = tolerance + TIME_EPS

    def fits(i: int, j: int) -> bool:
        return bool(abs(start[i] - start[j]) <= limit and abs(end[i] - end[j]) <= limit)

    return fits


def _match_rows(todo, row_a, span_a, row_b, span_b, label, fits) -> np.ndarray:
    order_a = np.argsort(row_a, kind="stable")
    order_b = np.argsort(row_b, kind="stable")
    ra, sa = row_a[order_a], span_a[order_a]
    rb, sb = row_b[order_b], span_b[order_b]
    lo_a, hi_a = np.searchsorted(ra, todo), np.searchsorted(ra, todo, side="right")
    lo_b, hi_b = np.searchsorted(rb, todo), np.searchsorted(rb, todo, side="right")
    out = np.zeros(len(todo), dtype=np.int64)
    for k in range(len(todo)):
        left = sa[lo_a[k] : hi_a[k]].tolist()
        right = sb[lo_b[k] : hi_b[k]].tolist()
        out[k] = max_matching(left, right, lambda i, j: label[i] == label[j] and fits(i, j))
    return out


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
