"""Each annotator against a gold file (`agree --gold`, FORMAT section 11).

The gold file holds one annotator's answers (for example `review`'s output); it is read by the
same reader as the annotation files, with review (`_from`) lines and dataset lines counted (the
`stats` reading), and joined to the annotators' items by item id. Per task and annotator, over
the items both the annotator and the gold file labelled:

- choice: `{items, accuracy, kappa}` (unweighted Cohen's kappa of the annotator against gold),
  with the confusion matrix kept for the readable report;
- multi_choice: `{items, f1}`: F1 per label (present/absent against gold), macro mean over the
  labels that occur in either;
- spans: `{items, f1}` over exact (start, end, label) matches; audio_marks: `{items, f1}` over
  marks within `--tolerance`, matched one to one (the pairwise F1 of `agree`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from labeltui.core.agree import matching as _matching
from labeltui.core.agree.kappa import confusion, kappa_from_confusion, weight_matrix
from labeltui.core.agree.matrix import TaskData, build_task
from labeltui.core.agree.patterns import find_patterns
from labeltui.core.agree.reading.extras import ReadOptions
from labeltui.core.agree.reading.read import read_annotation_files
from labeltui.core.agree.reading.table import AnnotationTable
from labeltui.errors import LabeltuiError


@dataclass(slots=True)
class Gold:
    """The gold file, read once: its table, current records and annotator."""

    path: str
    table: AnnotationTable
    current: np.ndarray
    annotator: str
    rows: dict[str, int] = field(default_factory=dict)


def read_gold(path: str | Path, schema: Any = None) -> Gold:
    options = ReadOptions(
        stats=True,
        text_field=getattr(schema, "text_field", "text"),
        audio_field=getattr(schema, "audio_field", "audio"),
        noun="gold file",
    )
    table = read_annotation_files([path], options=options)
    current = table.current()
    present = np.bincount(table.ann[current], minlength=len(table.annotators))
    people = [table.annotators[c] for c in np.flatnonzero(present).tolist()]
    if len(people) != 1:
        who = ", ".join(people) if people else "no done answers"
        raise LabeltuiError(
            f"a gold file holds one annotator's answers; this one has {len(people)} ({who})",
            path,
        )
    return Gold(str(path), table, current, people[0])


GOLD_COLUMN = "\x00gold"
"""The gold file's column in the joined matrix: no annotator can be called that."""


def joined(main: TaskData, table: AnnotationTable, gold: Gold, schema_task: Any) -> TaskData:
    """The task's matrix with the gold file's answers as one more column (-1: no gold)."""
    g = build_task(gold.table, gold.current, main.name, schema_task)
    if g.kind != main.kind:
        raise LabeltuiError(
            f"task {main.name!r} is {g.kind} in the gold file but {main.kind} in the annotation "
            "files",
            gold.path,
        )
    row_of = {table.item_ids[int(i)]: r for r, i in enumerate(main.items.tolist())}
    column = np.full(len(main.items), -1, dtype=np.int64)
    gold_codes = g.matrix[:, 0].astype(np.int64)
    labels = list(main.labels)
    if main.kind == "choice":
        position = {label: i for i, label in enumerate(labels)}
        for label in g.labels:
            if label not in position:
                position[label] = len(labels)
                labels.append(label)
        recode = np.array([position[label] for label in g.labels] + [-1], dtype=np.int64)
        gold_codes = recode[gold_codes]
        values: list[Any] = []
    else:
        for label in g.labels:
            if label not in labels:
                labels.append(label)
        gold_codes = np.where(gold_codes >= 0, gold_codes + len(main.values), -1)
        values = [*main.values, *g.values]
    for r, i in enumerate(g.items.tolist()):
        row = row_of.get(gold.table.item_ids[int(i)])
        if row is not None:
            column[row] = gold_codes[r]
    matrix = np.concatenate([main.matrix.astype(np.int64), column[:, None]], axis=1)
    return TaskData(main.name, main.kind, [*main.annotators, GOLD_COLUMN], labels, False,
                    main.items, matrix, values)  # fmt: skip


def scores(data: TaskData, tolerance: float) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Per annotator, the scores against the gold column (the last), and for choice tasks the
    (K, K) confusion matrix (annotator rows, gold columns)."""
    g = len(data.annotators) - 1
    out: dict[str, Any] = {}
    confusions: dict[str, np.ndarray] = {}
    for a, name in enumerate(data.annotators[:-1]):
        both = (data.matrix[:, a] >= 0) & (data.matrix[:, g] >= 0)
        items = int(both.sum())
        if data.kind == "choice":
            k = len(data.labels)
            pair = data.matrix[both][:, [a, g]]
            p = find_patterns(pair, k)
            conf = confusion(p, p.point(), 0, 1)[0]
            kappa = kappa_from_confusion(conf[None], weight_matrix(k, None))[0]
            accuracy = float(np.trace(conf) / items) if items else None
            out[name] = {"items": items, "accuracy": accuracy, "kappa": _value(kappa)}
            confusions[name] = np.rint(conf).astype(np.int64)
        elif data.kind == "multi_choice":
            out[name] = {"items": items, "f1": _macro_f1(data, a, g, both)}
        else:
            labels = {label: i for i, label in enumerate(data.labels)}
            flat = _matching.Flat.of(data.values, labels, times=data.kind == "audio_marks")
            rule = "exact" if data.kind == "spans" else "tolerance"
            c = _matching.pair_counts(flat, data.matrix, a, g, rule, tolerance)
            f1 = _matching.f1(c.matched, c.size_a, c.size_b, np.ones((1, len(c.rows))))[0]
            out[name] = {"items": items, "f1": _value(f1)}
    return out, confusions


def _macro_f1(data: TaskData, a: int, g: int, both: np.ndarray) -> float | None:
    position = {label: i for i, label in enumerate(data.labels)}
    member = np.zeros((len(data.values), len(data.labels)), dtype=bool)
    for v, value in enumerate(data.values):
        for label in value:
            member[v, position[label]] = True
    mine, gold = member[data.matrix[both, a]], member[data.matrix[both, g]]
    tp = (mine & gold).sum(axis=0)
    wrong = (mine ^ gold).sum(axis=0)  # false positives + false negatives
    occurs = (2 * tp + wrong) > 0
    if not occurs.any():
        return None
    return float(np.mean(2 * tp[occurs] / (2 * tp[occurs] + wrong[occurs])))


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)
