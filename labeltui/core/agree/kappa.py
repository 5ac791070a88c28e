"""Percent agreement, Cohen's kappa (plain and weighted) and Fleiss' kappa, on patterns.

Each function takes `Patterns` and a weight matrix `W` (B x P; see patterns.py) and returns B
values, NaN where the statistic is undefined (no items, or chance agreement of 1); the caller
turns NaN into `null`. Undefinedness is decided on counts, not by comparing floats to 1.

References: Cohen (1960), "A coefficient of agreement for nominal scales"; Cohen (1968),
"Weighted kappa"; Fleiss (1971), "Measuring nominal scale agreement among many raters".
"""

from __future__ import annotations

import numpy as np

from labeltui.core.agree.patterns import Patterns, weighted_bincount


def percent_agreement(p: Patterns, W: np.ndarray) -> np.ndarray:
    """Mean over items (two labels or more) of the share of annotator pairs that agree."""
    m = p.labelled
    C = p.counts()
    keep = m >= 2
    share = (C[keep] * (C[keep] - 1)).sum(axis=1) / (m[keep] * (m[keep] - 1))
    total = W[:, keep].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (W[:, keep] @ share) / total
    return np.where(total > 0, out, np.nan)


def item_agreement(p: Patterns) -> np.ndarray:
    """(P,) each pattern's share of agreeing pairs (NaN under two labels)."""
    m = p.labelled
    C = p.counts()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m >= 2, (C * (C - 1)).sum(axis=1) / (m * (m - 1)), np.nan)


def fleiss_kappa(p: Patterns, W: np.ndarray) -> np.ndarray:
    """Fleiss' kappa over the items every annotator labelled."""
    n = p.rows.shape[1]
    complete = p.labelled == n
    C = p.counts()[complete].astype(np.float64)
    Wc = W[:, complete]
    items = Wc.sum(axis=1)
    per_item = ((C * C).sum(axis=1) - n) / (n * (n - 1))
    totals = Wc @ C  # (B, K) labels given per category
    used = (totals > 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_bar = (Wc @ per_item) / items
        share = totals / (items * n)[:, None]
        p_e = (share * share).sum(axis=1)
        kappa = (p_bar - p_e) / (1.0 - p_e)
    return np.where((items > 0) & (used > 1), kappa, np.nan)


def weight_matrix(k: int, weights: str | None) -> np.ndarray:
    """Disagreement weights between label positions: none (0/1), linear or quadratic."""
    i, j = np.indices((k, k))
    if weights is None:
        return (i != j).astype(np.float64)
    if weights == "linear":
        return np.abs(i - j).astype(np.float64)
    if weights == "quadratic":
        return ((i - j) ** 2).astype(np.float64)
    raise ValueError(f"unknown weights {weights!r}")


def confusion(p: Patterns, W: np.ndarray, a: int, b: int) -> np.ndarray:
    """(B, K, K) counts of (label by a, label by b) over the items both labelled."""
    k = p.n_codes
    both = (p.rows[:, a] >= 0) & (p.rows[:, b] >= 0)
    idx = p.rows[both, a] * k + p.rows[both, b]
    return weighted_bincount(W[:, both], idx, k * k).reshape(-1, k, k)


def cohen_kappa(
    p: Patterns, W: np.ndarray, a: int, b: int, weights: str | None = None
) -> np.ndarray:
    """Cohen's kappa of annotators a and b (columns) on the items both labelled."""
    conf = confusion(p, W, a, b)
    return kappa_from_confusion(conf, weight_matrix(p.n_codes, weights))


def kappa_from_confusion(conf: np.ndarray, w: np.ndarray) -> np.ndarray:
    """1 - observed/expected weighted disagreement, per (K, K) confusion matrix."""
    total = conf.sum(axis=(1, 2))
    rows = conf.sum(axis=2)
    cols = conf.sum(axis=1)
    used = ((rows + cols) > 0).sum(axis=1)
    observed = (conf * w).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.einsum("bi,bj,ij->b", rows, cols, w) / total
        kappa = 1.0 - observed / expected
    return np.where((total > 0) & (used > 1), kappa, np.nan)
