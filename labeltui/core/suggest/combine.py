"""Combining the votes of several rules into one suggestion per item and task.

Votes come as an items × voters matrix of label codes (-1: abstained), one matrix per choice or
multi_choice task. Both combiners return, per item, the winning code (-1: no suggestion) and
its score:

- `majority`: the label with the most votes; a tie at the top abstains; score = the winner's
  share of the votes cast on the item.
- `dawid_skene`: Dawid–Skene EM over the rules' confusion matrices, abstaining counted as one
  more outcome of each rule (as weak-supervision benchmarks do); score = the posterior of the
  winner. Items without any vote get no suggestion.

Spans tasks are not combined: their suggestion is every matched span (`union_spans`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from labeltui.core.dawid_skene import dawid_skene

AGENTS = {"majority": "rules:majority", "dawid-skene": "rules:dawid-skene"}
SPANS_AGENT = "rules"
OWN_AGENTS = frozenset({*AGENTS.values(), SPANS_AGENT})
"""Suggestions this command writes: a new run replaces them, other agents' are kept."""


def majority(codes: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(winner code or -1, score) per item: most votes wins, ties abstain.

    Counts are taken among the item's own votes (voters × voters comparisons), so the cost does
    not grow with the number of labels (a taxonomy of thousands)."""
    n, width = codes.shape
    if n == 0 or width == 0:
        return np.full(n, -1), np.zeros(n)
    valid = codes >= 0
    same = (codes[:, :, None] == codes[:, None, :]) & valid[:, None, :]
    counts = np.where(valid, same.sum(axis=2), 0)
    best = counts.max(axis=1)
    winners = codes[np.arange(n), counts.argmax(axis=1)]
    top = (counts == best[:, None]) & valid
    tied = np.where(top, codes, -1).max(axis=1) != np.where(top, codes, n_classes).min(axis=1)
    total = valid.sum(axis=1)
    winners = np.where((total == 0) | tied, -1, winners)
    scores = np.divide(best, total, out=np.zeros(n), where=total > 0)
    return winners, scores


def dawid_skene_combine(codes: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(winner code or -1, posterior) per item by Dawid–Skene with abstain as an outcome."""
    if codes.shape[0] == 0 or codes.shape[1] == 0:
        return np.full(codes.shape[0], -1), np.zeros(codes.shape[0])
    result = dawid_skene(codes, n_classes, abstain_as_class=True)
    winners = result.posteriors.argmax(axis=1)
    scores = result.posteriors.max(axis=1)
    none = ~(codes >= 0).any(axis=1)
    return np.where(none, -1, winners), np.where(none, 0.0, scores)


COMBINERS = {"majority": majority, "dawid-skene": dawid_skene_combine}


def union_spans(votes: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every span of every vote, duplicates removed, sorted by start (then end, label)."""
    seen: dict[tuple[int, int, str], dict[str, Any]] = {}
    for spans in votes:
        for span in spans:
            seen.setdefault((span["start"], span["end"], span["label"]), span)
    return [seen[key] for key in sorted(seen)]
