"""Krippendorff's alpha (nominal and ordinal) from the coincidence matrix, on patterns.

Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: the coincidence
matrix o[c, k] sums, over items with m >= 2 values, (number of c-k pairs) / (m - 1); with
n_c = sum_k o[c, k] and n = sum_c n_c,

    alpha = 1 - (n - 1) * sum(o * delta) / sum(n_c * n_k * delta)

where delta is 1 for c != k (nominal); for ordinal labels in order,
(sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2; for labels that are numbers (interval),
(v_c - v_k) ** 2.
"""

from __future__ import annotations

import numpy as np

from labeltui.core.agree.patterns import Patterns


def coincidences(p: Patterns, W: np.ndarray) -> np.ndarray:
    """(B, K, K) coincidence matrices."""
    m = p.labelled
    keep = m >= 2
    C = p.counts()[keep].astype(np.float64)
    scale = 1.0 / (m[keep] - 1)
    Wk = W[:, keep]
    k = p.n_codes
    if C.shape[0] * k * k <= 4_000_000:
        per = (C[:, :, None] * C[:, None, :]) * scale[:, None, None]
        idx = np.arange(k)
        per[:, idx, idx] -= C * scale[:, None]
        return (Wk @ per.reshape(len(C), k * k)).reshape(-1, k, k)
    out = np.empty((W.shape[0], k, k))
    for b, w in enumerate(Wk):
        o = (C * (w * scale)[:, None]).T @ C
        o[np.diag_indices(k)] -= (C * (w * scale)[:, None]).sum(axis=0)
        out[b] = o
    return out


def ordinal_delta(n_c: np.ndarray) -> np.ndarray:
    """(B, K, K) squared ordinal distances from the marginals n_c (B, K)."""
    k = n_c.shape[1]
    cum = np.cumsum(n_c, axis=1)
    i, j = np.indices((k, k))
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    between = cum[:, hi] - cum[:, lo] + n_c[:, lo]  # sum of n_g for g in [lo, hi]
    return (between - (n_c[:, i] + n_c[:, j]) / 2.0) ** 2


def krippendorff_alpha(
    p: Patterns, W: np.ndarray, level: str = "nominal", values: np.ndarray | None = None
) -> np.ndarray:
    """Krippendorff's alpha over the items with two values or more; NaN where undefined.

    `values` (K,) are the labels as numbers, for the interval level."""
    o = coincidences(p, W)
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    used = (n_c > 1e-12).sum(axis=1)
    k = p.n_codes
    if level == "nominal":
        delta = np.broadcast_to(1.0 - np.eye(k), o.shape)
    elif level == "ordinal":
        delta = ordinal_delta(n_c)
    elif level == "interval" and values is not None:
        delta = np.broadcast_to((values[:, None] - values[None, :]) ** 2, o.shape)
    else:
        raise ValueError(f"unknown level {level!r}")
    observed = (o * delta).sum(axis=(1, 2))
    expected = np.einsum("bi,bj,bij->b", n_c, n_c, delta)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    return np.where((n > 1) & (used > 1), alpha, np.nan)
