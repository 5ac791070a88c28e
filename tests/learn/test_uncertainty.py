"""The uncertainty measures of --learn against the textbook formulas computed by hand."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from labeltui.core.learn.uncertainty import multilabel_uncertainty, uncertainty
from labeltui.errors import LabeltuiError


def plain(p: list[float], strategy: str) -> float:
    k = len(p)
    if strategy == "entropy":
        return -sum(x * math.log(x) for x in p if x > 0) / math.log(k)
    if strategy == "least":
        return (1 - max(p)) / (1 - 1 / k)
    top = sorted(p, reverse=True)
    return 1 - (top[0] - top[1])


def random_rows(rng: random.Random, n: int, k: int) -> list[list[float]]:
    rows = []
    for _ in range(n):
        raw = [rng.random() ** 3 for _ in range(k)]
        rows.append([x / sum(raw) for x in raw])
    rows.append([1.0] + [0.0] * (k - 1))  # sure
    rows.append([1 / k] * k)  # as unsure as can be
    return rows


@pytest.mark.parametrize("strategy", ["entropy", "least", "margin"])
@pytest.mark.parametrize("k", [2, 3, 7])
def test_each_measure_matches_the_formula(strategy, k):
    rows = random_rows(random.Random(k), 40, k)
    got = uncertainty(np.array(rows), strategy)
    want = [plain(row, strategy) for row in rows]
    assert got == pytest.approx(want, abs=1e-12)
    assert got[-2] == pytest.approx(0.0) and got[-1] == pytest.approx(1.0)


@pytest.mark.parametrize("strategy", ["entropy", "least", "margin"])
def test_multilabel_is_the_mean_of_the_yes_no_measures(strategy):
    rng = random.Random(5)
    rows = [[rng.random() for _ in range(4)] for _ in range(20)]
    got = multilabel_uncertainty(np.array(rows), strategy)
    want = [sum(plain([p, 1 - p], strategy) for p in row) / 4 for row in rows]
    assert got == pytest.approx(want, abs=1e-12)


def test_the_measures_rank_differently():
    """Margin looks at the two best only; entropy at the whole distribution."""
    flat_tail = [0.5, 0.5, 0.0, 0.0]
    spread = [0.4, 0.2, 0.2, 0.2]
    assert uncertainty(np.array([flat_tail, spread]), "margin").tolist() == pytest.approx(
        [1.0, 0.8]
    )
    entropy = uncertainty(np.array([flat_tail, spread]), "entropy")
    assert entropy[0] < entropy[1]


def test_an_unknown_measure_is_refused():
    with pytest.raises(LabeltuiError, match="known: entropy, least, margin"):
        uncertainty(np.array([[0.5, 0.5]]), "variance")
