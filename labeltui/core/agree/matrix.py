"""One task's current labels as an item x annotator matrix of integer codes.

The kind of a task comes from the schema when one is given, else from its values
(`annotations.values.task_kind`, the rule every reader shares: the kind of the first value
that shows one): label names (or null) make a `choice` task, lists of label names a
`multi_choice` task, lists of `{start, end, label, text}` a `spans` task and lists of
`{start, end, label}` an `audio_marks` task. A value that does not fit the kind is an error
naming its file and line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from labeltui.core.agree.reading.table import AnnotationTable
from labeltui.core.annotations.values import task_kind, value_kind
from labeltui.errors import LabeltuiError

_WHAT = {
    "choice": "a label name or null",
    "multi_choice": "a list of label names",
    "spans": 'a list of {"start", "end", "label", "text"} spans',
    "audio_marks": 'a list of {"start", "end", "label"} marks (seconds)',
}


@dataclass(slots=True)
class TaskData:
    """What the statistics of one task need."""

    name: str
    kind: str
    annotators: list[str]
    """Sorted names of everyone with a current `done` value for this task."""
    labels: list[str]
    """choice: label order (schema order, else sorted); others: the label names used."""
    ordinal: bool
    items: np.ndarray
    """(rows,) item index (into the table's item ids) of each row, in first-appearance order."""
    matrix: np.ndarray
    """(rows, annotators): choice: label position; other kinds: index into `values`; -1 none."""
    values: list[Any]
    """The distinct non-choice values the matrix refers to."""


def build_task(
    table: AnnotationTable,
    current: np.ndarray,
    name: str,
    schema_task: Any | None = None,
) -> TaskData:
    """The matrix of task `name` from the current records of `table`."""
    column = table.tasks[name]
    codes = column.codes[current]
    has = codes >= 0
    records = current[has]
    codes = codes[has].astype(np.int64)
    n_values = len(column.values)
    distinct, first = first_seen(codes, n_values)
    classes = [_classify(column.values[c]) for c in distinct.tolist()]
    if schema_task is not None:
        kind = schema_task.kind
    else:  # the values in the order the files first show them
        shown = np.argsort(first, kind="stable").tolist()
        kind = task_kind(column.values[int(distinct[at])] for at in shown)
    for cls, at in zip(classes, first.tolist(), strict=True):
        misfit = cls != kind and (cls != "empty" or kind == "choice")
        if cls == "bad" or misfit:
            path, line = table.where(int(records[at]))
            raise LabeltuiError(
                f"task {name!r}: this value does not fit a {kind} task (expected {_WHAT[kind]})",
                path,
                line,
            )
    allowed = list(schema_task.label_names) if schema_task is not None else None
    used = _labels_used(kind, [column.values[c] for c in distinct.tolist()])
    if allowed is not None:
        place = {label: i for i, label in enumerate(allowed)}  # thousands of labels: no scans
        unknown = [label for label in used if label not in place]
        if unknown:
            bad = unknown[0]
            for c, at in zip(distinct.tolist(), first.tolist(), strict=True):
                if bad in _labels_used(kind, [column.values[c]]):
                    path, line = table.where(int(records[at]))
                    raise LabeltuiError(
                        f"task {name!r}: label {bad!r} is not in the schema "
                        f"(known: {', '.join(allowed)})",
                        path,
                        line,
                    )
        # choice keeps every schema label (their positions weigh ordinal statistics); the
        # other kinds list the labels used, in schema order
        labels = allowed if kind == "choice" else sorted(used, key=place.__getitem__)
    else:
        labels = sorted(used)
    ann_codes = np.flatnonzero(np.bincount(table.ann[records], minlength=len(table.annotators)))
    names = sorted(table.annotators[c] for c in ann_codes.tolist())
    ann_col = np.full(len(table.annotators), -1, dtype=np.int64)
    for col, who in enumerate(names):
        ann_col[table.annotators.index(who)] = col
    item_of = table.item[records]
    present = np.zeros(len(table.item_ids), dtype=bool)
    present[item_of] = True
    items = np.flatnonzero(present)
    row = (np.cumsum(present) - 1)[item_of]
    if kind == "choice":
        position = {label: i for i, label in enumerate(labels)}
        # a list among the values (a line that is not current) has no position, and no hash
        where = [position.get(v, -1) if type(v) is str else -1 for v in column.values]
        lookup = np.array([*where, -1], dtype=np.int64)
        cells = lookup[codes]
        values: list[Any] = []
    else:
        local = np.full(n_values, -1, dtype=np.int64)
        local[distinct] = np.arange(len(distinct))
        cells = local[codes]
        values = [column.values[c] for c in distinct.tolist()]
    dtype = np.int8 if max(len(labels), len(values)) < 127 else np.int32
    matrix = np.full((len(items), len(names)), -1, dtype=dtype)
    matrix[row, ann_col[table.ann[records]]] = cells
    return TaskData(
        name=name,
        kind=kind,
        annotators=names,
        labels=labels,
        ordinal=bool(getattr(schema_task, "ordinal", False)),
        items=items,
        matrix=matrix,
        values=values,
    )


def first_seen(codes: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct value codes among `codes`, the position of each one's first occurrence):
    the values in the order the files first show them, as the kind inference wants them."""
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    distinct = np.flatnonzero(np.bincount(codes, minlength=n_values))
    if len(distinct) <= 64:  # a few label names: one pass each
        first = np.array([np.argmax(codes == v) for v in distinct.tolist()], dtype=np.int64)
    else:
        at = np.full(n_values, len(codes), dtype=np.int64)
        np.minimum.at(at, codes, np.arange(len(codes), dtype=np.int64))
        first = at[distinct]
    return distinct, first


def _classify(value: Any) -> str:
    """The kind a value shows (`value_kind`), "empty" for [], "bad" for a value that
    shows no kind or is not a valid value of its kind."""
    kind = value_kind(value)
    if kind is None:
        return "empty" if type(value) is list and not value else "bad"
    if kind == "multi_choice" and len(set(value)) != len(value):
        return "bad"
    if kind == "spans" and not all(map(_is_span, value)):
        return "bad"
    if kind == "audio_marks" and not all(map(_is_mark, value)):
        return "bad"
    return kind


def _is_int(x: Any) -> bool:
    return type(x) is int


def _is_span(v: dict[str, Any]) -> bool:
    return (
        "text" in v
        and _is_int(v.get("start"))
        and _is_int(v.get("end"))
        and 0 <= v["start"] <= v["end"]
        and type(v.get("label")) is str
        and type(v["text"]) is str
    )


def _is_mark(v: dict[str, Any]) -> bool:
    start: Any = v.get("start")
    end: Any = v.get("end")
    return (
        "text" not in v
        and type(start) in (int, float)
        and type(end) in (int, float)
        and math.isfinite(start)
        and math.isfinite(end)
        and start <= end
        and type(v.get("label")) is str
    )


def _labels_used(kind: str, values: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if kind == "choice":
            seen[value] = None
        elif kind == "multi_choice":
            seen.update(dict.fromkeys(value))
        else:
            seen.update(dict.fromkeys(v["label"] for v in value))
    return list(seen)
