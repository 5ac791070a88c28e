"""Label statistics of annotation files and pre-annotated datasets, for `labeltui stats`.

Pure: returns a plain dict (the `--json` object, shape documented in `label_stats`). Files are
read line by line; for each (annotator, item) only the current line's compact summary is kept
(FORMAT section 3: the last line wins), so memory grows with the number of items, not lines.

- A line with `_annotator` is an annotation line: its item is `_id` (else the item id of
  FORMAT section 1), its status `_status` (`done` when absent).
- A line without `_annotator` is a dataset line: when it has a `labels` object it is a
  pre-annotation, counted as `done` for the pseudo-annotator "<file stem> (pre-annotations)",
  item id `id` or the content hash; the first line of an item wins, as the dataset loader does.
- Task kinds come from the schema or from the values: a string (or null) is a `choice`, a list
  of strings `multi_choice`, a list of objects with `text` `spans`, a list of objects with
  numeric `start`/`end` and no `text` `audio_marks`. Keys of `labels` starting with `_` (such as
  `_scores`) are not tasks.
- A review (gold) line (`_from`, written by `labeltui review`) counts for its own row,
  "<reviewer> (gold)", never as the reviewer's own answers.
- Lines are judged by `jsonl.parse_line` as in every reader; a half-written last line is left
  out with a note; only regular files are read.
"""

from __future__ import annotations

import json
import math
import os
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from labeltui.core.ids import BadId, item_id
from labeltui.core.jsonl import (
    BOM,
    GOLD_SUFFIX,
    BadLine,
    incomplete_last_line,
    is_review_line,
    open_lines,
    parse_line,
    printable,
    type_name,
)
from labeltui.errors import LabeltuiError

try:  # optional: much faster per line than json.loads (as in annotation_read.py)
    if os.environ.get("LABELTUI_NO_ORJSON"):  # for measuring the fallback
        raise ImportError
    import orjson

    _fast_loads: Callable[..., Any] = orjson.loads
except ImportError:
    _fast_loads = parse_line

KINDS = ("choice", "multi_choice", "spans", "audio_marks")
PRE_SUFFIX = " (pre-annotations)"

_ABSENT = object()
"""A task the line's `labels` does not mention (counts as empty)."""
_STATUS = {"done": True, "skipped": False}
_NUMBER = (int, float)


class _Annotator:
    __slots__ = ("first", "gold", "items", "last", "ms_total", "name", "pre")

    def __init__(self, name: str, pre: bool, gold: bool = False) -> None:
        self.name = name
        self.pre = pre
        self.gold = gold
        self.items: dict[str, tuple[bool, float | None, tuple[Any, ...]]] = {}
        """item id -> (done, `_ms` or None, compact value per task index)."""
        self.ms_total = 0.0
        """Sum of `_ms` over every line (revisions and skips included)."""
        self.first: tuple[datetime, str] | None = None
        self.last: tuple[datetime, str] | None = None


class LabelStats:
    """Reads files one after the other (`add_file`), then `result()` gives the dict."""

    def __init__(self, schema: Any = None) -> None:
        self.schema = schema
        self.text_field = getattr(schema, "text_field", "text")
        self.audio_field = getattr(schema, "audio_field", "audio")
        self.files: list[str] = []
        self.annotators: dict[str, _Annotator] = {}
        self.tasks: list[str] = []
        self.task_index: dict[str, int] = {}
        self.kinds: dict[str, str | None] = {}
        self.order: dict[str, list[str]] = {}
        """Schema label order per task."""
        self._strings: dict[str, str] = {}
        self._tuples: dict[tuple, tuple] = {}
        if schema is not None:
            for task in schema.tasks:
                self._task(task.name, task.kind)
                self.order[task.name] = list(task.label_names)

    # ------------------------------------------------------------------------------------------
    # Reading

    def add_file(self, path: str | Path) -> None:
        path = Path(path)
        self.files.append(str(path))
        pseudo = path.stem + PRE_SUFFIX
        for number, obj in _objects(path):
            try:
                self._line(obj, pseudo)
            except _LineError as exc:
                raise LabeltuiError(str(exc), path, number) from None

    def _line(self, obj: dict[str, Any], pseudo: str) -> None:
        name = obj.get("_annotator")
        labels = obj.get("labels")
        if labels is not None and type(labels) is not dict:
            raise _LineError("'labels' must be an object of task names to values")
        if name is None:  # a dataset line: a pre-annotation when it has labels
            if labels is None:
                return
            who = self.annotators.get(pseudo)
            if who is None:
                who = self.annotators[pseudo] = _Annotator(pseudo, True)
            first = self._item_id(obj)
            if first not in who.items:  # the first line of an item wins (FORMAT section 1)
                who.items[first] = (True, None, self._compact(labels))
            return
        if type(name) is not str or not name:
            raise _LineError("'_annotator' must be a non-empty string")
        gold = is_review_line(obj)
        if gold:
            name += GOLD_SUFFIX
        who = self.annotators.get(name)
        if who is None:
            who = self.annotators[name] = _Annotator(name, False, gold)
        ident: Any = obj.get("_id")
        if type(ident) is not str:
            if type(ident) is int:
                ident = str(ident)
            elif ident is None:
                ident = self._item_id(obj)
            else:
                raise _LineError("'_id' must be a string")
        status = obj.get("_status", "done")
        done = _STATUS.get(status) if type(status) is str else None
        if done is None:
            raise _LineError(f'\'_status\' must be "done" or "skipped", not {_show(status)}')
        ms: Any = obj.get("_ms")
        if type(ms) in _NUMBER and math.isfinite(ms) and ms >= 0:
            who.ms_total += ms
        else:
            ms = None
        ts = obj.get("_ts")
        if type(ts) is str:
            when = _parse_ts(ts)
            if when is not None:
                if who.first is None or when < who.first[0]:
                    who.first = (when, ts)
                if who.last is None or when >= who.last[0]:
                    who.last = (when, ts)
        values = self._compact(labels) if done and labels else ()
        who.items[ident] = (done, ms, values)

    def _item_id(self, obj: dict[str, Any]) -> str:
        try:
            return item_id(obj, self.text_field, self.audio_field)
        except BadId as exc:
            raise _LineError(str(exc)) from None

    def _task(self, name: str, kind: str | None) -> int:
        index = self.task_index.get(name)
        if index is None:
            index = self.task_index[name] = len(self.tasks)
            self.tasks.append(name)
            self.kinds[name] = kind
        return index

    def _compact(self, labels: dict[str, Any]) -> tuple[Any, ...]:
        """The line's values, one per task index, reduced to what the counts need."""
        out = [_ABSENT] * len(self.tasks)
        for task, value in labels.items():
            if task.startswith("_"):
                continue
            index = self.task_index.get(task)
            if index is None:
                index = self._task(task, None)
                out.append(_ABSENT)
            out[index] = self._value(task, value)
        return tuple(out)

    def _value(self, task: str, value: Any) -> Any:
        if value is None:
            return None
        kind = self.kinds[task]
        if kind is None:
            kind = _infer(value)
            if kind is None:
                if value == []:
                    return ()
                raise _LineError(f"task {task!r}: cannot tell the kind of {_show(value)}")
            self.kinds[task] = kind
        strings = self._strings
        if kind == "choice":
            if type(value) is str:
                return strings.setdefault(value, value)
            raise _LineError(f"task {task!r} (choice): expected a label name or null, "
                             f"found {_show(value)}")  # fmt: skip
        if type(value) is not list:
            raise _LineError(f"task {task!r} ({kind}): expected a list, found {_show(value)}")
        if not value:
            return ()
        key: Any
        if kind == "multi_choice":
            if not all(type(v) is str for v in value):
                raise _LineError(f"task {task!r} (multi_choice): expected a list of label "
                                 f"names, found {_show(value)}")  # fmt: skip
            key = tuple(value)
        elif kind == "spans":
            try:
                key = tuple(v["label"] for v in value)
            except (TypeError, KeyError):
                key = None
            if key is None or not all(type(v) is str for v in key):
                raise _LineError(f"task {task!r} (spans): expected a list of spans with a "
                                 f"'label', found {_show(value)}")  # fmt: skip
        else:  # audio_marks: (label, seconds) pairs; a point mark lasts 0 s
            try:
                key = tuple((v["label"], float(v["end"]) - float(v["start"])) for v in value)
            except (TypeError, KeyError, ValueError):
                key = None
            if key is None or not all(type(v[0]) is str and math.isfinite(v[1]) for v in key):
                raise _LineError(f"task {task!r} (audio_marks): expected a list of marks with "
                                 f"'start', 'end' and 'label', found {_show(value)}")  # fmt: skip
            return tuple((strings.setdefault(a, a), b) for a, b in key)
        key = tuple(strings.setdefault(v, v) for v in key)
        return self._tuples.setdefault(key, key)

    # ------------------------------------------------------------------------------------------
    # Counting

    def result(self) -> dict[str, Any]:
        """The statistics as one JSON-ready dict (no NaN: undefined numbers are None)."""
        names = sorted(self.annotators)
        annotators: dict[str, Any] = {}
        done_values: dict[str, list[tuple[Any, ...]]] = {}
        for name in names:
            who = self.annotators[name]
            done_ms: list[float] = []
            values: list[tuple[Any, ...]] = []
            skipped = 0
            for is_done, ms, vals in who.items.values():
                if not is_done:
                    skipped += 1
                    continue
                values.append(vals)
                if ms is not None:
                    done_ms.append(ms)
            done_values[name] = values
            done = len(values)
            hours = who.ms_total / 3_600_000
            wall = None
            if who.first is not None and who.last is not None:
                wall = (who.last[0] - who.first[0]).total_seconds() / 3600
            annotators[name] = {
                "done": done,
                "skipped": skipped,
                "median_seconds": statistics.median(done_ms) / 1000 if done_ms else None,
                "seconds_on_screen": who.ms_total / 1000 if not who.pre else None,
                "per_hour_on_screen": done / hours if hours > 0 else None,
                "per_hour_wall": done / wall if wall else None,
                "first_ts": who.first[1] if who.first else None,
                "last_ts": who.last[1] if who.last else None,
                "pre_annotations": who.pre,
                "gold": who.gold,
            }
        tasks = {}
        for index, task in enumerate(self.tasks):
            tasks[task] = self._task_result(task, index, names, done_values)
        return {"files": list(self.files), "annotators": annotators, "tasks": tasks}

    def _task_result(
        self, task: str, index: int, names: list[str], done_values: dict[str, list[tuple]]
    ) -> dict[str, Any]:
        kind = self.kinds[task] or "choice"  # only nulls and empty lists seen: nothing to count
        counts: dict[str, Counter[str]] = {}
        seconds: dict[str, float] = {}
        empty: dict[str, int] = {}
        answered: dict[str, int] = {}
        for name in names:
            per_value = Counter(
                vals[index] if index < len(vals) else _ABSENT for vals in done_values[name]
            )
            labels: Counter[str] = Counter()
            blank = 0
            value: Any
            for value, n in per_value.items():
                if value is None or value is _ABSENT or value == () or value == "":
                    blank += n
                elif type(value) is str:
                    labels[value] += n
                elif kind == "audio_marks":
                    for label, length in value:
                        labels[label] += n
                        seconds[label] = seconds.get(label, 0.0) + length * n
                else:
                    for label in value:
                        labels[label] += n
            counts[name] = labels
            empty[name] = blank
            answered[name] = len(done_values[name]) - blank
        totals: Counter[str] = Counter()
        for labels in counts.values():
            totals.update(labels)
        order = list(self.order.get(task, []))
        known = set(order)
        rest = sorted((label for label in totals if label not in known),
                      key=lambda label: (-totals[label], label))  # fmt: skip
        grand = sum(totals.values())
        label_out: dict[str, Any] = {}
        for label in order + rest:
            entry: dict[str, Any] = {
                "total": totals[label],
                "share": totals[label] / grand if grand else None,
                "by_annotator": {name: counts[name][label] for name in names},
                "share_by_annotator": {
                    name: (counts[name][label] / s if (s := sum(counts[name].values())) else None)
                    for name in names
                },
            }
            if kind == "audio_marks":
                entry["seconds"] = round(seconds.get(label, 0.0), 3)
            label_out[label] = entry
        return {
            "kind": kind,
            "total": grand,
            "labels": label_out,
            "answered": answered,
            "empty": empty,
        }


def label_stats(paths: Iterable[str | Path], schema: Any = None) -> dict[str, Any]:
    """Statistics of annotation files / datasets, as one JSON-ready dict.

    Shape (README, "labeltui stats"):
    `{"files": [path, ...],
      "annotators": {name: {"done", "skipped", "median_seconds", "seconds_on_screen",
                            "per_hour_on_screen", "per_hour_wall", "first_ts", "last_ts",
                            "pre_annotations", "gold"}},
      "tasks": {task: {"kind", "total", "labels": {label: {"total", "share", "by_annotator",
                        "share_by_annotator"[, "seconds"]}}, "answered": {name: n},
                        "empty": {name: n}}}}`
    """
    paths = list(paths)
    if not paths:
        raise LabeltuiError("no files given (labeltui stats FILE...)")
    stats = LabelStats(schema)
    for path in paths:
        stats.add_file(path)
    return stats.result()


# ----------------------------------------------------------------------------------------------
# Helpers


class _LineError(Exception):
    """A problem with one line; `add_file` adds the file and line number."""


def _objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) per non-blank line, read one line at a time."""
    handle = open_lines(path)  # a folder, a pipe or a device: refused before reading
    loads = _fast_loads
    with handle:
        number = 0
        try:
            for raw in handle:
                number += 1
                try:
                    obj = loads(raw)
                except ValueError:
                    try:
                        obj = _careful(raw, path, number)
                    except LabeltuiError:
                        if raw.endswith(b"\n"):
                            raise
                        incomplete_last_line(path, number)  # a save in progress
                        continue
                    if obj is None:
                        continue
                if type(obj) is not dict:
                    raise LabeltuiError(
                        f"expected a JSON object, found {type_name(obj)}", path, number
                    )
                if type(obj.get("id")) is float:  # orjson reads integers past 64 bits as floats
                    obj = _careful(raw, path, number)
                yield number, obj
        except OSError as exc:
            raise LabeltuiError(f"cannot read file: {exc.strerror or exc}", path) from None


def _careful(raw: bytes, path: Path, number: int) -> Any:
    """The line orjson refused: blank (None), a BOM, or what `jsonl.parse_line` says."""
    if number == 1 and raw.startswith(BOM):
        raw = raw[3:]
    raw = raw.strip()
    if not raw:
        return None
    try:
        return parse_line(raw, allow_nan=True)  # a NaN field is harmless here
    except BadLine as exc:
        raise LabeltuiError(exc.message, path, number) from None


def _infer(value: Any) -> str | None:
    """The kind a value shows (None: it does not tell)."""
    if type(value) is str:
        return "choice"
    if type(value) is not list or not value:
        return None
    first = value[0]
    if type(first) is str:
        return "multi_choice"
    if type(first) is dict:
        if "text" in first:
            return "spans"
        if type(first.get("start")) in _NUMBER and type(first.get("end")) in _NUMBER:
            return "audio_marks"
    return None


def _parse_ts(text: str) -> datetime | None:
    """An ISO 8601 time (a trailing Z allowed; no zone means UTC), or None."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:  # orjson reads 1024 levels, json writes fewer
        return "(a value nested too deeply to show)"
    text = printable(text)  # a lone surrogate as its escape: the message must print
    return text if len(text) <= 40 else text[:39] + "…"
