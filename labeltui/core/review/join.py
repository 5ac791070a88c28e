"""Joining the annotators' answers by item, from the integer table of every line.

`Joined.of(table, schema, tolerance)` takes an `AnnotationTable` (the shared reader's, or the
line-by-line reader's in `load.py`) and works on arrays, never on an object per line:

- the current line per (annotator, item) is the last one, an answer when it is `done`
  (`AnnotationTable.current`); annotators are ordered by their first line, items by the first
  line that names them (the item's `source`, whose own fields it shows);
- per task, each distinct value is normalised once (`compare.norm`), and gets an equality
  class: two answers agree exactly when their classes are equal;
- choice and multi_choice scores are counted with NumPy (the pairs of equal classes per item);
  spans and audio marks are scored per item in Python (`compare.task_disagreement`), except
  where every answer is the same (score 0), so they cost about what they cost before.

The scores are the same floats as `compare.disagreement` gives (the same divisions, tasks
summed in schema order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from labeltui.core.agree.reading import AnnotationTable
from labeltui.core.review.compare import f1, is_invalid, norm, task_disagreement
from labeltui.core.schema import Schema, Task

_SETS = ("choice", "multi_choice")

_dumps: Callable[[Any], Any] = repr
"""A value's JSON text, the key of its form (orjson's, fast, where it is installed)."""
try:
    import orjson

    _dumps = orjson.dumps
except ImportError:  # pragma: no cover - orjson is a dependency
    pass


@dataclass(slots=True)
class TaskForms:
    """One task's values in comparable form: `codes[r]` (per current answer) indexes `forms`;
    the last entry of each list is the form of no value (code -1)."""

    codes: np.ndarray
    forms: list[Any]
    classes: np.ndarray
    invalid: np.ndarray
    problems: list[str | None]


@dataclass(slots=True)
class Joined:
    """The current answers, sorted by item then annotator, and per item its score."""

    table: AnnotationTable
    annotators: list[str]
    rank: np.ndarray
    """Table annotator code -> position in `annotators`."""
    records: np.ndarray
    """Current `done` records (table rows), by item then annotator order."""
    starts: np.ndarray
    """(items + 1,) by table item code: where the item's answers start in `records`."""
    items: np.ndarray
    """Item codes with at least one answer, in order of first appearance."""
    first: np.ndarray
    """By table item code: the first record that names the item."""
    tasks: list[TaskForms]
    scores: np.ndarray
    """By position in `items`."""

    @classmethod
    def of(cls, table: AnnotationTable, schema: Schema, tolerance: float) -> Joined:
        n = len(table.ann)
        current = table.current()
        n_ann = len(table.annotators)
        first_ann = np.full(n_ann, n, dtype=np.int64)
        np.minimum.at(first_ann, table.ann, np.arange(n, dtype=np.int64))
        answered = np.zeros(n_ann, dtype=bool)
        answered[table.ann[current]] = True
        order = [int(a) for a in np.argsort(first_ann, kind="stable") if answered[a]]
        rank = np.full(max(n_ann, 1), n_ann, dtype=np.int64)
        rank[order] = np.arange(len(order))
        item_codes = table.item[current].astype(np.int64)
        sort = np.argsort(item_codes * max(n_ann, 1) + rank[table.ann[current]], kind="stable")
        records = current[sort]
        n_items = len(table.item_ids)
        counts = np.bincount(item_codes, minlength=n_items)
        starts = np.zeros(n_items + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        first = table.first_seen()
        having = np.flatnonzero(counts)
        items = having[np.argsort(first[having], kind="stable")]
        tasks = [_forms(task, table, records) for task in schema.tasks]
        joined = cls(
            table,
            [table.annotators[a] for a in order],
            rank,
            records,
            starts,
            items,
            first,
            tasks,
            np.zeros(0),
        )
        joined.scores = joined._scores(schema, counts, tolerance)
        return joined

    def _scores(self, schema: Schema, counts: np.ndarray, tolerance: float) -> np.ndarray:
        """Per item (in `items` order): the mean of its tasks' disagreement."""
        item_of = self.table.item[self.records].astype(np.int64)
        n = counts[self.items].astype(np.int64)
        pairs = (n * (n - 1) // 2).astype(np.float64)
        total = np.zeros(len(self.items), dtype=np.float64)
        if not schema.tasks:
            return total
        for task, forms in zip(schema.tasks, self.tasks, strict=True):
            classes = forms.classes[forms.codes]
            if task.kind in _SETS:
                score = _set_scores(item_of, classes, counts, self.items, pairs)
            else:
                score = self._pair_scores(task, forms, classes, tolerance)
            total += score
        total /= len(schema.tasks)
        total[n < 2] = 0.0
        return total

    def _pair_scores(
        self,
        task: Task,
        forms: TaskForms,
        classes: np.ndarray,
        tolerance: float,
    ) -> np.ndarray:
        """Spans and marks: per item in Python where the answers differ (or repeat a span)."""
        score = np.zeros(len(self.items), dtype=np.float64)
        if len(classes) == 0:
            return score
        n = np.diff(self.starts)
        having = np.flatnonzero(n)  # item codes with answers: their records are contiguous
        high = np.zeros(len(n), dtype=np.int64)
        low = np.zeros(len(n), dtype=np.int64)
        high[having] = np.maximum.reduceat(classes, self.starts[having])
        low[having] = np.minimum.reduceat(classes, self.starts[having])
        whole_class: dict[int, bool] = {}  # an answer agrees fully with itself (no repeats)
        for form, klass in zip(forms.forms, forms.classes.tolist(), strict=True):
            if klass not in whole_class:
                whole_class[klass] = f1(task, form, form, tolerance) == 1.0
        whole = np.array([whole_class[k] for k in forms.classes.tolist()], dtype=bool)
        first = forms.codes[self.starts[self.items]]
        plain = (high[self.items] == low[self.items]) & whole[first]
        for at in np.flatnonzero(~plain & (n[self.items] >= 2)).tolist():
            item = self.items[at]
            codes = forms.codes[self.starts[item] : self.starts[item + 1]]
            values = [forms.forms[c] for c in codes.tolist()]
            score[at] = task_disagreement(task, values, tolerance)
        return score

    def answers(self, item: int) -> np.ndarray:
        """The item's current records (table rows), in annotator order."""
        return self.records[self.starts[item] : self.starts[item + 1]]

    def first_problem(self) -> tuple[int, str] | None:
        """(record, message) of the first current answer (in file order) naming a label the
        schema does not have; the message is the first such task's, in schema order."""
        best: tuple[int, str] | None = None
        for forms in self.tasks:
            bad = np.array([p is not None for p in forms.problems], dtype=bool)
            hits = np.flatnonzero(bad[forms.codes])
            if len(hits):
                at = int(hits[np.argmin(self.records[hits])])
                record = int(self.records[at])
                if best is None or record < best[0]:
                    best = (record, forms.problems[int(forms.codes[at])] or "")
        return best

    def first_invalid(self) -> tuple[int, int] | None:
        """(position in `records`, task index) of the first current answer (in file order)
        with a value that does not fit its task; the task is its first such, in schema order."""
        best: tuple[int, int, int] | None = None
        for index, forms in enumerate(self.tasks):
            hits = np.flatnonzero(forms.invalid[forms.codes])
            if len(hits):
                at = int(hits[np.argmin(self.records[hits])])
                record = int(self.records[at])
                if best is None or record < best[0]:
                    best = (record, at, index)
        return None if best is None else (best[1], best[2])


def _set_scores(
    item_of: np.ndarray,
    classes: np.ndarray,
    counts: np.ndarray,
    items: np.ndarray,
    pairs: np.ndarray,
) -> np.ndarray:
    """1 − (pairs of equal answers) / (pairs), per item; 0 for an item with one answer."""
    width = int(classes.max()) + 1 if len(classes) else 1
    key = item_of * width + classes
    size = len(counts) * width
    if size <= max(8 * len(key), 1 << 20):
        same = np.bincount(key, minlength=size).reshape(len(counts), width)
        equal = (same * (same - 1) // 2).sum(axis=1)[items]
    else:
        keys, sizes = np.unique(key, return_counts=True)
        equal = np.bincount(keys // width, weights=sizes * (sizes - 1) // 2, minlength=len(counts))
        equal = equal[items]
    out = np.zeros(len(items), dtype=np.float64)
    some = pairs > 0
    out[some] = 1.0 - equal[some].astype(np.float64) / pairs[some]
    return out


def _plain(value: Any) -> Any:
    """A value as the file has it (the shared reader keeps a list of strings as a tuple)."""
    return list(value) if type(value) is tuple else value


def _forms(task: Task, table: AnnotationTable, records: np.ndarray) -> TaskForms:
    column = table.tasks.get(task.name)
    if column is None:
        codes = np.full(len(records), -1, dtype=np.int32)
        values: list[Any] = []
    else:
        codes = column.codes[records]
        values = [_plain(v) for v in column.values]
    values.append(None)  # code -1
    forms = _norm_all(task, values)
    index: dict[Any, int] = {}
    classes = np.array([index.setdefault(f, len(index)) for f in forms], dtype=np.int64)
    invalid = np.array([is_invalid(f) for f in forms], dtype=bool)
    problems = [unknown_label(task, v) for v in values]
    codes = np.where(codes < 0, len(values) - 1, codes)
    return TaskForms(codes, forms, classes, invalid, problems)


def _norm_all(task: Task, values: list[Any]) -> list[Any]:
    """`norm` of each value, once per distinct value: a span or mark answer (a list of
    objects, its own entry in the reader's codes) is keyed by its JSON text."""
    done: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            key = value if type(value) is str else _dumps(value)
        except (TypeError, ValueError):
            out.append(norm(task, value))
            continue
        form = done.get(key, done)
        if form is done:
            form = done[key] = norm(task, value)
        out.append(form)
    return out


def unknown_label(task: Task, value: Any) -> str | None:
    """A choice answer must name one of the schema's labels (else the schema is the wrong
    one)."""
    if task.kind not in _SETS:
        return None
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    known = set(task.label_names) if names else set()
    for name in names:
        if isinstance(name, str) and name not in known:
            return (
                f"unknown label {name!r} for task {task.name!r} "
                "(is this the schema these files were annotated with?)"
            )
    return None
