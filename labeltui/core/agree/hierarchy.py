"""Agreement on nested labels (FORMAT section 8): per level, and hierarchical F1.

Two annotators who chose `science/biology/genetics` and `science/biology/ecology` disagree on
the leaf and agree on the two levels above; plain kappa sees only the disagreement. So a nested
task also gets:

- `levels`: for each depth d from 1 to the deepest path, the section 5 statistics with every
  path cut to d names (a shorter path stays whole), computed by the same code as the task's;
- `hierarchical_f1` (Kiritchenko, Matwin, Nock & Famili 2006, "Learning and evaluation in the
  presence of class hierarchies"): each side's label set is extended with all ancestors, and
  precision and recall are micro-averaged over the items both annotators labelled, so
  hF1 = 2 * sum |A' & B'| / (sum |A'| + sum |B'|).

Both work on the task's code matrix: cutting a path is a relabelling of codes, and hF1 counts
each distinct (code of a, code of b) pair once, weighted by how many items show it.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from labeltui.core.agree.matrix import TaskData
from labeltui.core.taxonomy import cut, depth_of, with_ancestors


def max_depth(data: TaskData) -> int:
    names = data.labels if data.kind == "choice" else [p for v in data.values for p in v]
    return max((depth_of(name) for name in names), default=1)


def at_level(data: TaskData, depth: int) -> TaskData:
    """The task with every path cut to `depth` names."""
    if data.kind == "choice":
        labels: list[str] = []
        position: dict[str, int] = {}
        remap = []
        for label in data.labels:
            short = cut(label, depth)
            if short not in position:
                position[short] = len(labels)
                labels.append(short)
            remap.append(position[short])
        lookup = np.array([*remap, -1], dtype=np.int64)  # -1 (no label) stays -1
        matrix = lookup[data.matrix.astype(np.int64)]
        return TaskData(data.name, data.kind, data.annotators, labels, False, data.items,
                        matrix, [])  # fmt: skip
    order = {name: i for i, name in enumerate(dict.fromkeys(cut(x, depth) for x in data.labels))}
    values: list[list[str]] = []
    seen: dict[tuple[str, ...], int] = {}
    remap = []
    for value in data.values:
        cuts = {cut(x, depth) for x in value}
        kept = tuple(sorted(cuts, key=lambda x: order.get(x, len(order))))
        if kept not in seen:
            seen[kept] = len(values)
            values.append(list(kept))
        remap.append(seen[kept])
    lookup = np.array([*remap, -1], dtype=np.int64)
    matrix = lookup[data.matrix.astype(np.int64)]
    return TaskData(data.name, data.kind, data.annotators, list(order), False, data.items,
                    matrix, values)  # fmt: skip


def hierarchical_f1(data: TaskData) -> dict[str, float | None]:
    """Pair key -> hierarchical F1 over the items both labelled (None: no such item)."""
    if data.kind == "choice":
        sets = [with_ancestors([label]) for label in data.labels]
    else:
        sets = [with_ancestors(value) for value in data.values]
    n = len(sets)
    out: dict[str, float | None] = {}
    matrix = data.matrix.astype(np.int64)
    for a, b in combinations(range(len(data.annotators)), 2):
        both = (matrix[:, a] >= 0) & (matrix[:, b] >= 0)
        keys, counts = np.unique(matrix[both, a] * n + matrix[both, b], return_counts=True)
        shared = sizes = 0
        for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
            left, right = sets[key // n], sets[key % n]
            shared += count * len(left & right)
            sizes += count * (len(left) + len(right))
        key = "|".join(sorted((data.annotators[a], data.annotators[b])))
        out[key] = 2.0 * shared / sizes if sizes else None
    return out


def hierarchy_json(data: TaskData, compute: Any) -> dict[str, Any]:
    """`levels`, `hierarchical_f1` and `hierarchical_f1_mean` for a nested task; `compute` is
    the function that gives a TaskData its section 5 object."""
    levels = {}
    for depth in range(1, max_depth(data) + 1):
        body = dict(compute(at_level(data, depth)))
        for key in ("kind", "annotators"):
            body.pop(key, None)
        levels[str(depth)] = body
    pairs = hierarchical_f1(data)
    defined = [v for v in pairs.values() if v is not None]
    mean = sum(defined) / len(defined) if defined else None
    return {"levels": levels, "hierarchical_f1": pairs, "hierarchical_f1_mean": mean}
