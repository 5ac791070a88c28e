"""Bootstrap confidence intervals: items resampled with replacement.

Resampling N items with replacement and counting how often each distinct item row (pattern)
was drawn gives a multinomial draw over the patterns with probabilities weight / N, so the
resamples are drawn directly as weight vectors and every statistic is evaluated on all of them
at once. Intervals are percentile intervals; resamples on which a statistic is undefined are
left out of its interval.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Stats = Callable[[np.ndarray], dict[Any, np.ndarray]]


def resample_weights(
    weight: np.ndarray, samples: int, rng: np.random.Generator, block: int
) -> np.ndarray:
    """(block, P) resampled item counts per pattern."""
    n = int(weight.sum())
    if len(weight) <= 4096:
        return rng.multinomial(n, weight / n, size=block).astype(np.float64)
    owner = np.repeat(np.arange(len(weight)), weight)
    out = np.empty((block, len(weight)))
    for b in range(block):
        out[b] = np.bincount(owner[rng.integers(0, n, size=n)], minlength=len(weight))
    return out


def intervals(
    weight: np.ndarray,
    stats: Stats,
    samples: int = 1000,
    seed: int | None = None,
    level: float = 0.95,
) -> dict[Any, tuple[float, float] | None]:
    """Percentile intervals of each statistic `stats(W)` returns, over `samples` resamples."""
    if len(weight) == 0 or weight.sum() == 0 or samples <= 0:
        return {key: None for key in stats(np.zeros((1, len(weight))))}
    rng = np.random.default_rng(seed)
    per_block = max(1, min(samples, 20_000_000 // max(len(weight), 1)))
    parts: dict[Any, list[np.ndarray]] = {}
    done = 0
    while done < samples:
        block = min(per_block, samples - done)
        values = stats(resample_weights(weight, samples, rng, block))
        for key, arr in values.items():
            parts.setdefault(key, []).append(arr)
        done += block
    tail = (1.0 - level) / 2.0 * 100.0
    out: dict[Any, tuple[float, float] | None] = {}
    for key, arrs in parts.items():
        reps = np.concatenate(arrs)
        reps = reps[~np.isnan(reps)]
        if len(reps) == 0:
            out[key] = None
        else:
            lo, hi = np.percentile(reps, [tail, 100.0 - tail])
            out[key] = (float(lo), float(hi))
    return out
