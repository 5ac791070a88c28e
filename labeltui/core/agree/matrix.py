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
from itertools import chain, repeat
from operator import le
from typing import Any

import numpy as np

from labeltui.core.agree.reading.table import AnnotationTable
from labeltui.core.annotations.values import show_value, task_kind, value_kind
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
    current: np.ndarray | None,
    name: str,
    schema_task: Any | None = None,
) -> TaskData:
    """The matrix of task `name` from the current records of `table` (None: every record, whose
    columns are then used whole, not gathered)."""
    column = table.tasks[name]
    every = current is None or is_every_record(current, len(table.ann))
    records = None if every else current
    codes = column.codes if records is None else column.codes[records]
    if len(codes) and int(codes.min()) < 0:  # records without a value for this task
        has = codes >= 0
        records = np.flatnonzero(has) if records is None else records[has]
        codes = codes[has]
    n_values = len(column.values)
    distinct, first = first_seen(codes, n_values)
    classes = _classify_all([column.values[c] for c in distinct.tolist()])
    if schema_task is not None:
        kind = schema_task.kind
    else:  # the values in the order the files first show them
        shown = np.argsort(first, kind="stable").tolist()
        kind = task_kind(column.values[int(distinct[at])] for at in shown)
    for cls, at, code in zip(classes, first.tolist(), distinct.tolist(), strict=True):
        misfit = cls != kind and (cls != "empty" or kind == "choice")
        if cls == "bad" or misfit:
            path, line = table.where(at if records is None else int(records[at]))
            raise LabeltuiError(
                f"task {name!r}: this value does not fit a {kind} task (expected "
                f"{_WHAT[kind]}, found {show_value(column.values[code])})",
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
                    path, line = table.where(at if records is None else int(records[at]))
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
    ann = table.ann if records is None else table.ann[records]
    item_of = table.item if records is None else table.item[records]
    if records is None:  # every record, each with a value: every annotator and item is there
        used_ann = np.ones(len(table.annotators), dtype=bool)
        present = np.ones(len(table.item_ids), dtype=bool)
    else:
        used_ann = np.zeros(len(table.annotators), dtype=bool)
        present = np.zeros(len(table.item_ids), dtype=bool)
        for part in _slices(len(codes)):
            used_ann[ann[part]] = True
            present[item_of[part]] = True
    names = sorted(table.annotators[c] for c in np.flatnonzero(used_ann).tolist())
    ann_col = np.full(len(table.annotators), -1, dtype=np.int64)
    for col, who in enumerate(names):
        ann_col[table.annotators.index(who)] = col
    if bool(present.all()):  # every item has a value: rows are item codes
        items, rank = np.arange(len(present)), None
    else:
        items = np.flatnonzero(present)
        rank = np.cumsum(present) - 1
    if kind == "choice":
        position = {label: i for i, label in enumerate(labels)}
        # a list among the values (a line that is not current) has no position, and no hash
        where = [position.get(v, -1) if type(v) is str else -1 for v in column.values]
        lookup = np.array([*where, -1], dtype=np.int64)
        values: list[Any] = []
    else:
        lookup = np.full(n_values, -1, dtype=np.int64)
        lookup[distinct] = np.arange(len(distinct))
        values = [column.values[c] for c in distinct.tolist()]
    dtype = np.int8 if max(len(labels), len(values)) < 127 else np.int32
    matrix = np.full((len(items), len(names)), -1, dtype=dtype)
    _fill(matrix, codes, lookup, item_of, rank, ann, ann_col)
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


#: Records handled at a time when a matrix is filled (small buffers, reused, in the cache).
SLICE = 1 << 18


def _slices(n: int) -> list[slice]:
    return [slice(start, start + SLICE) for start in range(0, n, SLICE)]


def _fill(
    matrix: np.ndarray,
    codes: np.ndarray,
    lookup: np.ndarray,
    item_of: np.ndarray,
    rank: np.ndarray | None,
    ann: np.ndarray,
    ann_col: np.ndarray,
) -> None:
    """`matrix[row, column] = lookup[code]` for each record: its item's row (`rank[item]`, or
    the item itself when `rank` is None) and its annotator's column."""
    columns = matrix.shape[1]
    flat = matrix.reshape(-1)
    cells = lookup.astype(matrix.dtype)
    col = None if _identity(ann_col) else ann_col
    wide = matrix.size >= 2**31
    for part in _slices(len(codes)):
        rows = item_of[part] if rank is None else rank[item_of[part]]
        at: np.ndarray = rows.astype(np.int64 if wide else np.int32)
        at *= columns
        at += ann[part] if col is None else col[ann[part]]
        flat[at] = cells[codes[part]]


def first_seen(codes: np.ndarray, n_values: int) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct value codes among `codes`, the position of each one's first occurrence):
    the values in the order the files first show them, as the kind inference wants them."""
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    distinct = codes_used(codes, n_values)
    if len(distinct) <= 64:  # a few label names: looked for in growing slices from the start
        at = np.full(n_values, len(codes), dtype=np.int64)
        todo, start, size = distinct, 0, 1 << 12
        while len(todo) and start < len(codes):
            part = codes[start : start + size]
            for v in todo.tolist():
                hits = part == v
                if hits.any():
                    at[v] = start + int(np.argmax(hits))
            todo = todo[at[todo] == len(codes)]
            start, size = start + size, size * 4
        first = at[distinct]
    else:
        at = np.full(n_values, len(codes), dtype=np.int64)
        np.minimum.at(at, codes, np.arange(len(codes), dtype=np.int64))
        first = at[distinct]
    return distinct, first


def codes_used(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """The distinct codes (0 <= code < n_codes) among `codes`, in order (a mark per code: no
    counts of a million)."""
    seen = np.zeros(n_codes, dtype=bool)
    seen[codes] = True
    return np.flatnonzero(seen)


def is_every_record(current: np.ndarray, n: int) -> bool:
    """Whether `current` is 0, 1, ..., n-1 (every record counts: columns are used whole)."""
    if len(current) != n:
        return False
    return n == 0 or (int(current[0]) == 0 and bool((current[1:] > current[:-1]).all()))


def _identity(mapping: np.ndarray) -> bool:
    return bool((mapping == np.arange(len(mapping))).all())


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


def _classify_all(values: list[Any]) -> list[str]:
    """`_classify` of each value. Lists of spans (a task's hundreds of thousands of distinct
    values) are checked together: every span's fields taken by C-level maps, four type sets
    and two comparisons, instead of a Python call per span; anything else, value by value."""
    if values and set(map(type, values)) == {list}:
        flat = list(chain.from_iterable(values))
        if flat and set(map(type, flat)) == {dict}:
            starts: list[Any] = list(map(dict.get, flat, repeat("start")))
            ends: list[Any] = list(map(dict.get, flat, repeat("end")))
            if (
                set(map(type, map(dict.get, flat, repeat("text")))) == {str}
                and set(map(type, map(dict.get, flat, repeat("label")))) == {str}
                and set(map(type, starts)) == {int}
                and set(map(type, ends)) == {int}
                and min(starts) >= 0
                and all(map(le, starts, ends))
            ):
                return ["spans" if value else "empty" for value in values]
    return list(map(_classify, values))


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
