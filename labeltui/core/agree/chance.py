"""Gwet's AC1/AC2 and Brennan-Prediger: agreement corrected by other models of chance.

Kappa-type statistics can be low while annotators agree on almost every item (the "kappa
paradox" of a skewed label distribution). Gwet's AC1 (AC2 with weights) takes chance agreement
as the propensity to agree on hard items, Brennan and Prediger as a uniform draw over the q
labels. Both share the observed agreement of Fleiss' generalisation to missing ratings:

    pa = mean over items rated twice or more of  sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))

where r_ik counts the item's ratings of label k, r*_ik = sum_l w_kl r_il (w: agreement weights,
the identity for nominal tasks) and r_i its ratings. Chance agreement:

    Gwet:             pe = sum(w) / (q (q - 1)) * sum_k pi_k (1 - pi_k),
                      pi_k = mean over items rated once or more of r_ik / r_i
    Brennan-Prediger: pe = sum(w) / q^2

q is the number of labels the task has (the schema's). Missing ratings are treated as irrCAC
does (Gwet, "Handbook of Inter-Rater Reliability", 4th ed., 2014, ch. 2-3; the R/Python package
irrCAC), which the tests check. Inputs are patterns of the items rated twice or more (see
patterns.py); the items rated once enter Gwet's pi_k as fixed counts, so bootstrap intervals
resample only the items that carry agreement.
"""

from __future__ import annotations

import numpy as np

from labeltui.core.agree.patterns import Patterns


def agreement_weights(q: int, weights: str | None) -> np.ndarray:
    """(q, q) agreement weights by label position: identity, linear or quadratic (irrCAC's)."""
    i, j = np.indices((q, q))
    if weights is None:
        return (i == j).astype(np.float64)
    span = max(q - 1, 1)
    if weights == "linear":
        return 1.0 - np.abs(i - j) / span
    if weights == "quadratic":
        return 1.0 - ((i - j) ** 2) / span**2
    raise ValueError(f"unknown weights {weights!r}")


def observed(p: Patterns, W: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(B,) weighted observed agreement over items rated twice or more, and (B,) their number."""
    m = p.labelled
    keep = m >= 2
    C = p.counts()[keep].astype(np.float64)
    mk = m[keep].astype(np.float64)
    per_item = (C * (C @ w.T - 1.0)).sum(axis=1) / (mk * (mk - 1.0))
    total = W[:, keep].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pa = (W[:, keep] @ per_item) / total
    return pa, total


def gwet_ac(p: Patterns, W: np.ndarray, w: np.ndarray, singles: np.ndarray) -> np.ndarray:
    """Gwet's AC1 (identity `w`) or AC2; `singles` (q,) counts the items rated once per label."""
    q = w.shape[0]
    pa, total = observed(p, W, w)
    m = p.labelled
    keep = m >= 2
    shares = p.counts()[keep] / m[keep][:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        pi = (W[:, keep] @ shares + singles[None, :]) / (total + singles.sum())[:, None]
        pe = w.sum() * (pi * (1.0 - pi)).sum(axis=1) / (q * (q - 1)) if q >= 2 else np.nan
        ac = (pa - pe) / (1.0 - pe)
    return np.where((total > 0) & (q >= 2) & (pe < 1.0), ac, np.nan)


def brennan_prediger(p: Patterns, W: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Brennan and Prediger's coefficient: chance agreement of a uniform draw over q labels."""
    q = w.shape[0]
    pa, total = observed(p, W, w)
    pe = w.sum() / q**2
    with np.errstate(invalid="ignore", divide="ignore"):
        bp = (pa - pe) / (1.0 - pe)
    return np.where((total > 0) & (pe < 1.0), bp, np.nan)
