"""Items as rows of an item x annotator code matrix, grouped into distinct rows ("patterns").

Every `choice` statistic is a sum over items of something that depends only on the item's row
(which annotator gave which label). Rows that are equal can therefore be counted once with a
weight: 1,000,000 items of 3 annotators and 5 labels have at most 6**3 = 216 distinct rows. The
weights are also what the bootstrap resamples (a multinomial draw over patterns is exactly a
resample of items with replacement), so point estimates and confidence intervals run the same
code: every statistic takes a weight matrix `W` of shape (B, P) and returns B values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Patterns:
    """Distinct rows of a code matrix (-1: no label) and how often each occurs."""

    rows: np.ndarray
    """(P, annotators) codes."""
    weight: np.ndarray
    """(P,) number of items with this row."""
    inverse: np.ndarray
    """(items,) the pattern of each input row."""
    n_codes: int

    @property
    def labelled(self) -> np.ndarray:
        """(P,) how many annotators labelled each pattern."""
        return (self.rows >= 0).sum(axis=1)

    def counts(self) -> np.ndarray:
        """(P, K) how many annotators gave each code, per pattern."""
        return code_counts(self.rows, self.n_codes)

    def point(self) -> np.ndarray:
        """The weights of the data itself, as a (1, P) matrix."""
        return self.weight[None, :].astype(np.float64)


def find_patterns(matrix: np.ndarray, n_codes: int) -> Patterns:
    """Group equal rows of `matrix` (items x annotators, codes in -1..n_codes-1)."""
    n, m = matrix.shape
    if n == 0:
        empty = np.zeros((0, m), dtype=np.int64)
        return Patterns(empty, np.zeros(0, np.int64), np.zeros(0, np.int64), n_codes)
    base = n_codes + 1
    if m * np.log2(base) < 62:  # one integer per row: a 1-D unique is much faster
        powers = base ** np.arange(m, dtype=np.int64)
        keys = _row_keys(matrix, powers)
        if base**m <= 4 * n + 65536:  # few possible rows: count them, no sort
            counts = np.bincount(keys, minlength=base**m)
            uniq = np.flatnonzero(counts)
            weight = counts[uniq]
            position = np.zeros(base**m, dtype=np.int64)
            position[uniq] = np.arange(len(uniq))
            inverse = position[keys]
        else:
            uniq, inverse, weight = np.unique(keys, return_inverse=True, return_counts=True)
        rows = (uniq[:, None] // powers[None, :]) % base - 1
    else:
        rows, inverse, weight = np.unique(
            matrix.astype(np.int64), axis=0, return_inverse=True, return_counts=True
        )
    return Patterns(rows.astype(np.int64), weight, inverse.reshape(-1), n_codes)


def _row_keys(matrix: np.ndarray, powers: np.ndarray) -> np.ndarray:
    """`(matrix + 1) @ powers` in int64, a column at a time (the matrix may be int8; no int64
    copy of it, no integer matrix product)."""
    keys = np.zeros(len(matrix), dtype=np.int64)
    column = np.empty(len(matrix), dtype=np.int64)
    for j, power in enumerate(powers.tolist()):
        np.add(matrix[:, j], 1, out=column, dtype=np.int64)
        column *= power
        keys += column
    return keys


def code_counts(rows: np.ndarray, n_codes: int) -> np.ndarray:
    """(P, K) how many entries of each row equal each code (entries < 0 are ignored)."""
    p = rows.shape[0]
    valid = rows >= 0
    flat = (np.arange(p)[:, None] * n_codes + rows)[valid]
    return np.bincount(flat, minlength=p * n_codes).reshape(p, n_codes)


def weighted_bincount(W: np.ndarray, idx: np.ndarray, size: int) -> np.ndarray:
    """(B, size): for each row of W, the sum of its weights per bin `idx` (one bin per column)."""
    b = W.shape[0]
    if b == 1:
        return np.bincount(idx, weights=W[0], minlength=size)[None, :]
    if len(idx) * size <= 4_000_000:
        onehot = np.zeros((len(idx), size))
        onehot[np.arange(len(idx)), idx] = 1.0
        return W @ onehot
    return np.stack([np.bincount(idx, weights=w, minlength=size) for w in W])
