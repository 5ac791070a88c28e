"""Label statistics of annotation files and pre-annotated datasets, for `labeltui stats`.

Pure: returns a plain dict (the `--json` object, shape documented in `label_stats`). The files
are read by the reader `agree` uses (`core/agree/reading/`, asked for `stats`' extras: the time
on screen, first and last times, dataset and gold lines), so `stats` costs what `agree` costs:
one parse of each line, forked over the cores for big inputs, every value an integer code;
the counts are NumPy passes over the codes, and each distinct value is looked at once.

- A line with `_annotator` is an annotation line: its item is `_id` (else the item id of
  FORMAT section 1), its status `_status` (`annotations.line.line_done`: `done` when
  absent). For each (annotator, item) the last line counts (FORMAT section 3).
- A line without `_annotator` is a dataset line: when it has a `labels` object it is a
  pre-annotation, counted as `done` for the pseudo-annotator "<file stem> (pre-annotations)",
  item id `id` or the content hash; the first line of an item wins, as the dataset loader does.
- Task kinds come from the schema or from the values (`annotations.values.task_kind`, the
  inference `agree` and `export` use: the first value in the files that shows a kind): a
  string (or null) is a `choice`, a list of strings `multi_choice`, a list of objects with
  `text` `spans`, a list of objects with numeric `start`/`end` and no `text` `audio_marks`.
  Keys of `labels` starting with `_` (such as `_scores`) are not tasks. Every `done` line's
  values are checked against the kind.
- A review (gold) line (`_from`, written by `labeltui review`) counts for its own row,
  "<reviewer> (gold)", never as the reviewer's own answers.
- Lines are judged by `annotations.parse.parse_line` as in every reader; a half-written last
  line is left out with a note; only regular files are read.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from labeltui.core.agree.matrix import first_seen
from labeltui.core.agree.reading.extras import PRE_SUFFIX, ReadOptions
from labeltui.core.agree.reading.read import read_annotation_files
from labeltui.core.agree.reading.table import AnnotationTable
from labeltui.core.annotations.line import is_task_key
from labeltui.core.annotations.values import show_value, task_kind, value_kind
from labeltui.core.taxonomy import with_ancestors
from labeltui.errors import LabeltuiError

__all__ = ["PRE_SUFFIX", "label_stats"]

_CHUNK = 1 << 18
"""Records counted at a time (`_task`)."""
_BLANK = (None, (), "")
"""Compact values that count as no answer."""


class _ValueError(Exception):
    """A value that does not fit its task; the caller adds the file and line."""


class _Bad(NamedTuple):
    """The first bad value of a task: its record and the message."""

    record: int
    message: str


def label_stats(
    paths: Iterable[str | Path], schema: Any = None, gold: str | Path | None = None
) -> dict[str, Any]:
    """Statistics of annotation files / datasets, as one JSON-ready dict.

    Shape (README, "labeltui stats"):
    `{"files": [path, ...],
      "annotators": {name: {"done", "skipped", "median_seconds", "seconds_on_screen",
                            "per_hour_on_screen", "per_hour_wall", "first_ts", "last_ts",
                            "pre_annotations", "gold"}},
      "tasks": {task: {"kind", "total", "labels": {label: {"total", "share", "by_annotator",
                        "share_by_annotator"[, "seconds"]}}, "answered": {name: n},
                        "empty": {name: n}}}}`
    With `gold` (a gold file), also `"gold_accuracy"`: each annotator's accuracy on the gold
    items, overall and over the first and last 50 by `_ts` (`core.gold_accuracy`).
    """
    names = [str(Path(p)) for p in paths]
    if not names:
        raise LabeltuiError("no files given (labeltui stats FILE...)")
    options = ReadOptions(
        stats=True,
        text_field=getattr(schema, "text_field", "text"),
        audio_field=getattr(schema, "audio_field", "audio"),
        noun="JSONL file",
    )
    table = read_annotation_files(list(names), options=options)
    result = _Stats(table, schema).result(names)
    if gold is not None:
        from labeltui.core.gold_accuracy import gold_accuracy

        result["gold_accuracy"] = gold_accuracy(list(names), gold, schema)
    return result


def per_annotator(ann: np.ndarray, mask: np.ndarray | None, n: int) -> np.ndarray:
    """Records per annotator code (where `mask`; None: all). With a few annotators, one
    boolean pass each: no record-sized integer array is made (new memory is slow to fault in)."""
    if n > 32:
        return np.bincount(ann if mask is None else ann[mask], minlength=n)
    if mask is None:
        return np.array([np.count_nonzero(ann == k) for k in range(n)], dtype=np.int64)
    return np.array([np.count_nonzero(mask & (ann == k)) for k in range(n)], dtype=np.int64)


class _Stats:
    def __init__(self, table: AnnotationTable, schema: Any) -> None:
        self.table = t = table
        self.schema_kinds: dict[str, str] = {}
        self.order: dict[str, list[str]] = {}
        """Schema label order per task."""
        self.nested: set[str] = set()
        """Tasks whose labels nest (FORMAT section 8): nodes also count their descendants."""
        if schema is not None:
            for task in schema.tasks:
                self.schema_kinds[task.name] = task.kind
                self.order[task.name] = list(task.label_names)
                if getattr(task, "nested", False):
                    self.nested.add(task.name)
        self.tasks = list(self.schema_kinds)
        self.tasks += [n for n in t.tasks if n not in self.schema_kinds and is_task_key(n)]
        n_ann = max(len(t.annotators), 1)
        pre_codes = [i for i, name in enumerate(t.annotators) if name in t.pre]
        self.checked = t.done
        """The records whose values count and are checked: every done line but the repeats of
        a dataset item."""
        self.done_rows: np.ndarray | slice = slice(None)
        """The current done records: all of them (a slice, so columns are views) when every
        record is done and the only line of its annotator and item, as is usual."""
        done_mask = t.done
        current_mask: np.ndarray | None = None
        """The current records (done or not); None: all."""
        if pre_codes or not t.every_current():
            latest = t.latest()
            if pre_codes:  # the first dataset line of an item wins
                self.checked = t.done.copy()
                is_pre = np.isin(t.ann, pre_codes)
                rows = np.flatnonzero(is_pre)
                key = t.item[rows].astype(np.int64) * n_ann + t.ann[rows]
                _, first = np.unique(key, return_index=True)
                firsts = rows[first]
                self.checked[rows] = False
                self.checked[firsts] = True
                latest = np.concatenate([latest[~is_pre[latest]], firsts])
            if len(latest) > 1 and not bool((latest[1:] > latest[:-1]).all()):
                latest = np.sort(latest)
            self.done_rows = latest[t.done[latest]]
            current_mask = np.zeros(len(t.ann), dtype=np.bool_)
            current_mask[latest] = True
            done_mask = current_mask & t.done
        n = len(t.annotators)
        self.done_per = per_annotator(t.ann, done_mask, n)
        current_per = per_annotator(t.ann, current_mask, n)
        self.skipped_per = current_per - self.done_per
        # Milliseconds on screen: whole numbers, so their sum is exact in any order.
        self.ms = t.ms
        self.ms_total = np.zeros(n)
        self.timed_done = done_mask
        """Current done records with a time on screen (for the median)."""
        if self.ms is not None:
            timed = ~np.isnan(self.ms)
            self.ms_total = np.array(
                [np.add.reduce(self.ms, where=timed & (t.ann == k)) for k in range(n)]
            )
            self.timed_done = timed & done_mask

    # ------------------------------------------------------------------------------------------

    def result(self, files: list[str]) -> dict[str, Any]:
        t = self.table
        kinds: dict[str, str] = {}
        compact: dict[str, list[Any]] = {}
        problems: list[tuple[int, int, str]] = []
        for index, task in enumerate(self.tasks):
            found = self._check(task)
            if isinstance(found, _Bad):
                problems.append((found.record, index, found.message))
            else:
                kinds[task], compact[task] = found
        if problems:  # the first bad value in the files
            record, _, message = min(problems)
            path, line = t.where(record)
            raise LabeltuiError(message, path, line)
        names = sorted(t.annotators)
        annotators = {name: self._annotator(name) for name in names}
        tasks = {task: self._task(task, kinds[task], compact[task], names) for task in self.tasks}
        return {"files": list(files), "annotators": annotators, "tasks": tasks}

    def _annotator(self, name: str) -> dict[str, Any]:
        t = self.table
        code = t.annotators.index(name)
        pre = name in t.pre
        done = int(self.done_per[code])
        skipped = int(self.skipped_per[code])
        ms_total = float(self.ms_total[code])
        done_ms = np.zeros(0) if self.ms is None else self.ms[self.timed_done & (t.ann == code)]
        hours = ms_total / 3_600_000
        span = t.times.get(name)
        wall = None
        if span is not None:
            wall = (span.last[0] - span.first[0]).total_seconds() / 3600
        return {
            "done": done,
            "skipped": skipped,
            "median_seconds": float(np.median(done_ms)) / 1000 if len(done_ms) else None,
            "seconds_on_screen": ms_total / 1000 if not pre else None,
            "per_hour_on_screen": done / hours if hours > 0 else None,
            "per_hour_wall": done / wall if wall else None,
            "first_ts": span.first[1] if span is not None else None,
            "last_ts": span.last[1] if span is not None else None,
            "pre_annotations": pre,
            "gold": name in t.gold,
        }

    # ------------------------------------------------------------------------------------------
    # Values: each distinct value checked once, in the order the files first show it

    def _check(self, task: str) -> tuple[str, list[Any]] | _Bad:
        """(kind, compact value per code), or (record, message) of the first bad value."""
        column = self.table.tasks.get(task)
        kind = self.schema_kinds.get(task)
        if column is None:
            return kind or "choice", []  # a schema task nobody answered
        has = self.checked & (column.codes >= 0)
        rows = None if bool(has.all()) else np.flatnonzero(has)  # None: every record
        codes = column.codes if rows is None else column.codes[rows]
        distinct, first = first_seen(codes, len(column.values))
        shown = np.argsort(first, kind="stable").tolist()  # the order the files show them
        guessed = False
        if kind is None:
            values = [column.values[int(distinct[at])] for at in shown]
            kind = task_kind(values)
            guessed = not any(map(value_kind, values))  # nothing showed a kind
        out: list[Any] = [None] * len(column.values)
        for at in shown:
            code = int(distinct[at])
            value = column.values[code]
            try:
                if guessed and value != []:
                    raise _ValueError(f"task {task!r}: cannot tell the kind of {show_value(value)}")
                out[code] = _compact(task, kind, value)
            except _ValueError as exc:
                record = first[at] if rows is None else rows[first[at]]
                return _Bad(int(record), str(exc))
        return kind, out

    def _task(self, task: str, kind: str, compact: list[Any], names: list[str]) -> dict[str, Any]:
        t = self.table
        rows = self.done_rows
        done_per = self.done_per
        column = t.tasks.get(task)
        per_pair: list[tuple[int, int, int]] = []  # (annotator code, value code, count)
        if column is not None:
            width = len(column.values) + 1
            size = len(t.annotators) * width
            anns, codes = t.ann[rows], column.codes[rows]
            if size <= max(4 * len(anns), 1 << 16):
                counted = np.zeros(size, dtype=np.int64)
                for at in range(0, len(anns), _CHUNK):  # small pieces: memory reused, not new
                    key = anns[at : at + _CHUNK] * np.int64(width)
                    key += codes[at : at + _CHUNK]
                    key += 1
                    counted += np.bincount(key, minlength=size)
                keys = np.flatnonzero(counted)
                counts = counted[keys]
            else:
                key = anns.astype(np.int64) * width + codes + 1
                keys, counts = np.unique(key, return_counts=True)
            for k, n in zip(keys.tolist(), counts.tolist(), strict=True):
                per_pair.append((k // width, k % width - 1, n))
        labels_by: dict[str, Counter[str]] = {name: Counter() for name in names}
        with_descendants: Counter[str] = Counter()
        """Nested tasks: items per node where the node or a label under it was chosen."""
        blank: dict[str, int] = dict.fromkeys(names, 0)
        seconds: dict[str, float] = {}
        filled: dict[str, int] = dict.fromkeys(names, 0)
        for ann, code, n in per_pair:
            who = t.annotators[ann]
            value = compact[code] if code >= 0 else None
            if value in _BLANK:
                continue
            filled[who] += n
            if task in self.nested and kind in ("choice", "multi_choice"):
                chosen = [value] if type(value) is str else list(value)
                for node in with_ancestors(chosen):
                    with_descendants[node] += n
            labels = labels_by[who]
            if type(value) is str:
                labels[value] += n
            elif kind == "audio_marks":
                for label, length in value:
                    labels[label] += n
                    seconds[label] = seconds.get(label, 0.0) + length * n
            else:
                for label in value:
                    labels[label] += n
        answered = {}
        for name in names:
            total_done = int(done_per[t.annotators.index(name)])
            blank[name] = total_done - filled[name]
            answered[name] = filled[name]
        totals: Counter[str] = Counter()
        for labels in labels_by.values():
            totals.update(labels)
        order = list(self.order.get(task, []))
        known = set(order)
        rest = sorted((label for label in totals if label not in known),
                      key=lambda label: (-totals[label], label))  # fmt: skip
        grand = sum(totals.values())
        label_out: dict[str, Any] = {}
        sums = {name: sum(labels_by[name].values()) for name in names}
        for label in order + rest:
            entry: dict[str, Any] = {
                "total": totals[label],
                "share": totals[label] / grand if grand else None,
                "by_annotator": {name: labels_by[name][label] for name in names},
                "share_by_annotator": {
                    name: labels_by[name][label] / sums[name] if sums[name] else None
                    for name in names
                },
            }
            if kind == "audio_marks":
                entry["seconds"] = round(seconds.get(label, 0.0), 3)
            if task in self.nested:
                entry["total_with_descendants"] = with_descendants[label]
            label_out[label] = entry
        return {
            "kind": kind,
            "total": grand,
            "labels": label_out,
            "answered": answered,
            "empty": blank,
        }


def _compact(task: str, kind: str, value: Any) -> Any:
    """A value reduced to what the counts need: a label name, a tuple of label names, or for
    audio_marks (label, seconds) pairs; `_ValueError` when it does not fit the kind."""
    if kind == "choice":
        if type(value) is str:
            return value
        raise _ValueError(f"task {task!r} (choice): expected a label name or null, "
                          f"found {show_value(value)}")  # fmt: skip
    if type(value) is not list:
        raise _ValueError(f"task {task!r} ({kind}): expected a list, found {show_value(value)}")
    if not value:
        return ()
    if kind == "multi_choice":
        if not all(type(v) is str for v in value):
            raise _ValueError(f"task {task!r} (multi_choice): expected a list of label "
                              f"names, found {show_value(value)}")  # fmt: skip
        return tuple(value)
    if kind == "spans":
        try:
            key = tuple(v["label"] for v in value)
        except (TypeError, KeyError):
            key = None
        if key is None or not all(type(v) is str for v in key):
            raise _ValueError(f"task {task!r} (spans): expected a list of spans with a "
                              f"'label', found {show_value(value)}")  # fmt: skip
        return key
    try:  # audio_marks: (label, seconds) pairs; a point mark lasts 0 s
        marks = tuple((v["label"], float(v["end"]) - float(v["start"])) for v in value)
    except (TypeError, KeyError, ValueError, OverflowError):
        marks = None
    if marks is None or not all(type(v[0]) is str and math.isfinite(v[1]) for v in marks):
        raise _ValueError(f"task {task!r} (audio_marks): expected a list of marks with "
                          f"'start', 'end' and 'label', found {show_value(value)}")  # fmt: skip
    return marks
