"""Span and mark matching: the NumPy batch and Kuhn's algorithm in Python agree, item by item.

Most items are matched in one NumPy batch (every span fits at most one other); crowded items
and items with many spans go to Python. `test_agree_reference.py` checks both against a brute
force on small cases; this checks, on bigger random data with crowded items, that forcing every
item down either path gives the same counts.
"""

from __future__ import annotations

import numpy as np
import pytest

from labeltui.core.agree import matching


def random_flat(rng, n_values: int, times: bool) -> matching.Flat:
    lengths = rng.integers(0, 6, n_values)
    total = int(lengths.sum())
    start = rng.integers(0, 30, total)
    end = start + rng.integers(0, 6, total)
    if times:
        start, end = start / 10, end / 10
    label = rng.integers(0, 2, total)
    ptr = np.concatenate([[0], np.cumsum(lengths)])
    return matching.Flat(start, end, label, ptr)


@pytest.mark.parametrize(("rule", "times"), [("overlap", False), ("tolerance", True)])
def test_batch_and_python_matching_agree(monkeypatch, rule, times):
    rng = np.random.default_rng(5)
    flat = random_flat(rng, 400, times)
    matrix = rng.integers(-1, 400, (1500, 2))  # some items unlabelled, some values shared
    results = {}
    for batch in (0, matching.BATCH_PAIRS, 10_000):
        monkeypatch.setattr(matching, "BATCH_PAIRS", batch)
        counts = matching.pair_counts(flat, matrix, 0, 1, rule, tolerance=0.2)
        results[batch] = counts.matched
    assert results[0].sum() > 100  # the data has matches
    assert np.array_equal(results[0], results[matching.BATCH_PAIRS])
    assert np.array_equal(results[0], results[10_000])


def test_a_crowded_item_is_matched_one_to_one():
    # a: [0,10) and [0,2); b: [1,3) fits both of a's, [8,9) only the first: the best is 2
    flat = matching.Flat(
        start=np.array([0, 0, 1, 8]),
        end=np.array([10, 2, 3, 9]),
        label=np.zeros(4, dtype=np.int64),
        ptr=np.array([0, 2, 4]),
    )
    counts = matching.pair_counts(flat, np.array([[0, 1]]), 0, 1, "overlap")
    assert counts.matched.tolist() == [2]
