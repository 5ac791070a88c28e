"""What the readable `agree` report shows beyond FORMAT section 5, as plain data.

Per task: each annotator's label counts, the confusion matrix of a pair, the number of items
each pair shares, and the items with the most disagreement (with the labels each annotator
gave) for review. Printing is the command's job (labeltui/commands).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from labeltui.core.agree.analyze import TaskResult, binary_patterns, membership
from labeltui.core.agree.kappa import confusion, item_agreement


@dataclass(frozen=True, slots=True)
class Disagreement:
    item_id: str
    agreement: float
    """Share of annotator pairs that agree (choice, multi_choice), or of spans/marks matched."""
    values: dict[str, Any]
    """Annotator -> the value given (None: not labelled)."""


def label_counts(result: TaskResult) -> dict[str, dict[str, int]]:
    """Label -> annotator -> how many times the annotator used it (all labelled items)."""
    data = result.data
    n_labels = len(data.labels)
    counts = np.zeros((n_labels, len(data.annotators)), dtype=np.int64)
    for col in range(len(data.annotators)):
        cells = data.matrix[:, col].astype(np.int64)
        cells = cells[cells >= 0]
        if data.kind == "choice":
            counts[:, col] = np.bincount(cells, minlength=n_labels)
        elif data.kind == "multi_choice":
            member = membership(data)
            counts[:, col] = member[cells].sum(axis=0)
        else:
            position = {label: i for i, label in enumerate(data.labels)}
            per_value = np.zeros((len(data.values), n_labels), dtype=np.int64)
            for v, value in enumerate(data.values):
                for part in value:
                    per_value[v, position[part["label"]]] += 1
            counts[:, col] = per_value[cells].sum(axis=0)
    return {
        label: {who: int(counts[i, j]) for j, who in enumerate(data.annotators)}
        for i, label in enumerate(data.labels)
    }


def confusion_matrix(result: TaskResult, a: str, b: str) -> np.ndarray:
    """(K, K) choice labels of a (rows) against b (columns) on the items both labelled."""
    p = result.patterns
    names = result.data.annotators
    if p is None or result.data.kind != "choice":
        raise ValueError("confusion matrices are for choice tasks")
    conf = confusion(p, p.point(), names.index(a), names.index(b))[0]
    return np.rint(conf).astype(np.int64)


def shared_items(result: TaskResult) -> dict[tuple[str, str], int]:
    """(a, b) -> items both labelled."""
    data = result.data
    labelled = data.matrix >= 0
    out = {}
    for i, a in enumerate(data.annotators):
        for j in range(i + 1, len(data.annotators)):
            out[(a, data.annotators[j])] = int((labelled[:, i] & labelled[:, j]).sum())
    return out


def disagreements(
    result: TaskResult, item_ids: list[str], top: int = 10, first_seen: np.ndarray | None = None
) -> list[Disagreement]:
    """The `top` items with the least agreement (ties: more labels first, then file order:
    `first_seen` from `AnnotationTable.first_seen()`, else matrix row order)."""
    data = result.data
    rows = result.rows
    if rows is None or len(rows) == 0 or top <= 0:
        return []
    if result.patterns is not None:
        p = result.patterns
        if data.kind == "choice":
            share = item_agreement(p)[p.inverse]
        else:  # multi_choice: mean agreement over labels
            member = membership(data)
            shares = [
                item_agreement(binary_patterns(p, member, i)) for i in range(len(data.labels))
            ]
            share = (np.mean(shares, axis=0) if shares else np.ones(len(p.weight)))[p.inverse]
    else:
        matched = np.zeros(len(rows))
        total = np.zeros(len(rows))
        for rules in (result.pair_counts or {}).values():
            c = rules.get("exact") or rules["tolerance"]  # spans have exact, marks tolerance
            matched[c.rows] += 2 * c.matched
            total[c.rows] += c.size_a + c.size_b
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, matched / total, 1.0)
    labelled = (data.matrix[rows] >= 0).sum(axis=1)
    seen = first_seen[data.items[rows]] if first_seen is not None else np.arange(len(rows))
    order = np.lexsort((seen, -labelled, share))
    order = order[share[order] < 1.0 - 1e-12][:top]
    out = []
    for k in order.tolist():
        row = int(rows[k])
        values: dict[str, Any] = {}
        for col, who in enumerate(data.annotators):
            cell = int(data.matrix[row, col])
            if cell < 0:
                values[who] = None
            elif data.kind == "choice":
                values[who] = data.labels[cell]
            else:
                values[who] = data.values[cell]
        out.append(Disagreement(item_ids[int(data.items[row])], float(share[k]), values))
    return out
