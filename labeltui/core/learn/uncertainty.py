"""How unsure a model is about one item: entropy, least confidence and margin.

Each measure maps a probability vector over a task's classes to a number from 0 (sure) to 1
(as unsure as it can be), so that tasks with different numbers of labels compare, and the
least certain task of an item decides its place in the queue (as `core.suggestions` ranks the
dataset's own suggestions):

- `entropy` (the default): `-sum(p log p) / log K`, the whole distribution counts.
- `least`: least confidence, `(1 - max p) * K / (K - 1)`.
- `margin`: `1 - (p1 - p2)`, the gap between the two most likely labels.

A `multi_choice` task is K yes/no questions: each label's measure is taken over `(p, 1 - p)`,
and the task's uncertainty is their mean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

STRATEGIES = ("entropy", "least", "margin")
"""The names `annotate --learn --uncertainty` takes (entropy is the default)."""


def check_strategy(name: str) -> str:
    """`name` when it is one of `STRATEGIES`, else a `LabeltuiError` naming them."""
    if name not in STRATEGIES:
        from labeltui.errors import LabeltuiError

        raise LabeltuiError(
            f"unknown uncertainty measure {name!r} (known: {', '.join(STRATEGIES)})"
        )
    return name


def uncertainty(probabilities: np.ndarray, strategy: str = "entropy") -> np.ndarray:
    """Per row of `probabilities` (n items × K classes, rows summing to 1, K ≥ 2), the
    `strategy`'s uncertainty from 0 to 1."""
    import numpy as np

    p = np.clip(np.asarray(probabilities, dtype=np.float64), 0.0, 1.0)
    k = p.shape[1]
    if k < 2:
        return np.zeros(p.shape[0])
    if strategy == "entropy":
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(p > 0, p * np.log(p), 0.0)
        out = -terms.sum(axis=1) / np.log(k)
    elif strategy == "least":
        out = (1.0 - p.max(axis=1)) * k / (k - 1)
    elif strategy == "margin":
        top = np.sort(p, axis=1)
        out = 1.0 - (top[:, -1] - top[:, -2])
    else:
        check_strategy(strategy)
    return np.clip(out, 0.0, 1.0)


def multilabel_uncertainty(positive: np.ndarray, strategy: str = "entropy") -> np.ndarray:
    """Per row of `positive` (n items × L labels, each the probability that the label
    applies), the mean over labels of the `strategy`'s uncertainty of `(p, 1 - p)`."""
    import numpy as np

    p = np.clip(np.asarray(positive, dtype=np.float64), 0.0, 1.0)
    n, labels = p.shape
    if labels == 0:
        return np.zeros(n)
    pairs = np.stack([p.ravel(), 1.0 - p.ravel()], axis=1)
    return uncertainty(pairs, strategy).reshape(n, labels).mean(axis=1)
