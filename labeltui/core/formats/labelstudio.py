"""Label Studio JSON export: a list of tasks, or one task object.

Read: each task is one item: its `id`, then its `data` fields as they are (`data.text`,
`data.reviewText`, `data.audio`, numbers and lists too). Each `from_name` of the results is a
task named as it:
- `labels` with a `text` in its value: spans (`start`/`end` are code points, checked against
  `value.text` as Prodigy's are: UTF-16 offsets are refused, a stale text is imported by the
  offsets with a warning); one span per label when a region has several. The text is the data
  field named by the result's `source` (`"$text"`), else the schema's text field;
- `labels` without a text (audio regions): marks, `start`/`end` in seconds;
- `choices`: a `choice` task when every answer of that `from_name` in the file holds one
  choice, else `multi_choice` (the schema's kind wins when given);
- `taxonomy`: each path joined with `/` (FORMAT section 8), a `multi_choice` task (a `choice`
  task when the schema says so).
Only `annotations` (older files: `completions`) count, never `predictions` or `drafts`; a
cancelled annotation (`was_cancelled`) is skipped. The first remaining annotation of a task
gives the pre-annotations; further ones (other annotators) are left out and counted. Other
result types (`rating`, `textarea`, `rectanglelabels`, ...) are left out, counted by type.
`--task` imports one `from_name` alone.

Write: a JSON list of tasks: `id` (the item's `id`), `data` (the item's own fields), and an
annotation whose `result` holds every task of the line (or `--task`); a file of several
annotators (without `--annotator`) gives one annotation per annotator, `completed_by` naming
them, so that Label Studio shows them side by side. Results:
spans as `labels` on `text` (a region per start/end, with its labels), marks as `labels` on
`audio`, `choice`/`multi_choice` as `choices`, nested (taxonomy) tasks as `taxonomy` paths.
Result ids are made from the task name and a number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import read_bytes
from labeltui.core.formats.options import ExportJob, ImportOptions
from labeltui.core.formats.values import LABELS as LABELS_KEY
from labeltui.core.formats.values import (
    check_imported_text,
    class_value,
    mark,
    refuse_other_unit,
    sort_marks,
    sort_spans,
    span,
    stored_classes,
    stored_marks,
    stored_spans,
)
from labeltui.core.store import META_KEYS
from labeltui.errors import LabeltuiError

CLASS_TYPES = ("choices", "taxonomy")


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """One dataset item per Label Studio task."""
    try:
        data = json.loads(read_bytes(path, "Label Studio file").decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise LabeltuiError("the file is not UTF-8 text", path) from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise LabeltuiError(f"not valid JSON ({getattr(exc, 'msg', exc)})", path, line) from None
    tasks = data if isinstance(data, list) else [data]
    kinds = _class_kinds(tasks, opts)
    items = []
    for number, task in enumerate(tasks, 1):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise LabeltuiError(f"task {number} is not a Label Studio task (no 'data')", path)
        items.append(_item(task, number, kinds, path, opts))
    return items


def _annotations(task: dict[str, Any]) -> list[Any]:
    found = task.get("annotations", task.get("completions"))
    return found if isinstance(found, list) else []


def _results(task: dict[str, Any], opts: ImportOptions) -> list[dict[str, Any]]:
    """The results of the first annotation that was not cancelled."""
    kept = [a for a in _annotations(task) if isinstance(a, dict) and not a.get("was_cancelled")]
    opts.note("cancelled annotations skipped", len(_annotations(task)) - len(kept))
    opts.note("further annotations of a task left out (the first is imported)", len(kept) - 1)
    if task.get("predictions"):
        opts.note("tasks with predictions (not imported)")
    if task.get("drafts"):
        opts.note("tasks with drafts (not imported)")
    results = kept[0].get("result") if kept else []
    return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []


def _class_kinds(tasks: list[Any], opts: ImportOptions) -> dict[str, str]:
    """`choice` or `multi_choice` for each classification `from_name` of the file."""
    kinds: dict[str, str] = {}
    for task in tasks:
        if not isinstance(task, dict):
            continue
        for result in _results(task, ImportOptions(task="")):
            name, kind, value = result.get("from_name"), result.get("type"), result.get("value")
            if not isinstance(name, str) or kind not in CLASS_TYPES or not isinstance(value, dict):
                continue
            picked = value.get(kind)
            one = kind == "choices" and isinstance(picked, list) and len(picked) == 1
            if not one or kinds.get(name) == "multi_choice":
                kinds[name] = "multi_choice"
            else:
                kinds[name] = "choice"
    for name, kind in opts.kinds.items():
        if kind in ("choice", "multi_choice"):
            kinds[name] = kind
    return kinds


def _item(
    task: dict[str, Any], number: int, kinds: dict[str, str], path: Path, opts: ImportOptions
) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if "id" in task:
        item["id"] = task["id"]
    for key, value in task["data"].items():
        if key in META_KEYS:
            raise LabeltuiError(
                f"task {number}: the data field {key!r} is one of labeltui's own keys", path
            )
        item.setdefault(key, value)
    labels: dict[str, Any] = {}
    spans: dict[str, list[dict[str, Any]]] = {}
    marks: dict[str, list[dict[str, Any]]] = {}
    classes: dict[str, list[str]] = {}
    for index, result in enumerate(_results(task, opts), 1):
        name, kind, value = result.get("from_name"), result.get("type"), result.get("value")
        what = f"task {number}, result {index}"
        if not isinstance(name, str) or not name or not isinstance(value, dict):
            raise LabeltuiError(f"{what} has no from_name or value", path)
        if opts.only_task and name != opts.task:
            continue
        if kind == "labels" and "text" in value:
            spans.setdefault(name, []).extend(_spans(item, result, value, what, path, opts))
        elif kind == "labels":
            marks.setdefault(name, []).extend(_marks(value, what, path))
        elif kind in CLASS_TYPES:
            picked = value.get(kind)
            if not isinstance(picked, list):
                raise LabeltuiError(f"{what}: '{kind}' must be a list", path)
            names = classes.setdefault(name, [])
            for entry in picked:
                if kind == "taxonomy":
                    if not isinstance(entry, list) or not all(isinstance(p, str) for p in entry):
                        raise LabeltuiError(
                            f"{what}: a taxonomy path must be a list of names", path
                        )
                    entry = "/".join(entry)
                names.append(entry)
        else:
            opts.note(f"'{kind}' results left out (labeltui has no such task)")
    for name, found in spans.items():
        labels[name] = sort_spans(found)
    for name, found_marks in marks.items():
        labels[name] = sort_marks(found_marks)
    for name, names in classes.items():
        one = ImportOptions(task=name, class_task=name, class_kind=kinds.get(name))
        labels[name] = class_value(names, one, path, None)
    if labels:
        item[LABELS_KEY] = labels
    return item


def _spans(
    item: dict[str, Any],
    result: dict[str, Any],
    value: dict[str, Any],
    what: str,
    path: Path,
    opts: ImportOptions,
) -> list[dict[str, Any]]:
    source = result.get("source")
    field = source[1:] if isinstance(source, str) and source.startswith("$") else opts.text_field
    text = item.get(field)
    if not isinstance(text, str):
        raise LabeltuiError(f"{what}: the task has no text field {field!r} for its spans", path)
    refuse_other_unit(value, text, path, None, what)
    out = []
    for label in _labels(value, what, path):
        made = span(text, value.get("start"), value.get("end"), label, path, None, what)
        check_imported_text(value, made, text, path, None, what, opts)
        out.append(made)
    return out


def _marks(value: dict[str, Any], what: str, path: Path) -> list[dict[str, Any]]:
    start, end = value.get("start"), value.get("end")
    for name, t in (("start", start), ("end", end)):
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 <= t < 1e9:
            raise LabeltuiError(f"{what}: '{name}' must be a number of seconds", path)
    if end < start:  # type: ignore[operator]
        raise LabeltuiError(f"{what}: the region ends before it starts", path)
    return [mark(start, end, label) for label in _labels(value, what, path)]  # type: ignore[arg-type]


def _labels(value: dict[str, Any], what: str, path: Path) -> list[str]:
    labels = value.get("labels")
    if (
        not isinstance(labels, list)
        or not labels
        or not all(isinstance(label, str) and label for label in labels)
    ):
        raise LabeltuiError(f"{what}: 'labels' must be a list of label names", path)
    return labels


# -- write ------------------------------------------------------------------------------------


def write(entries: list[Entry], job: ExportJob) -> str:
    """The Label Studio JSON file for the current lines (several annotators: one annotation
    each, `completed_by` naming them)."""
    order: dict[str, Entry] = {entry.id: entry for entry in entries}
    for lines in job.annotators.values():
        for entry in lines:
            order.setdefault(entry.id, entry)
    by_annotator = {
        name: {entry.id: entry for entry in lines} for name, lines in job.annotators.items()
    }
    tasks = []
    for ident, entry in order.items():
        data = {k: v for k, v in entry.data.items() if k not in META_KEYS and k != "id"}
        if by_annotator:
            annotations = [
                {"completed_by": name, "result": _annotation(lines[ident], job)}
                for name, lines in by_annotator.items()
                if ident in lines
            ]
        else:
            annotations = [{"result": _annotation(entry, job)}]
        task_id: Any = entry.data.get("id", ident)
        tasks.append({"id": task_id, "data": data, "annotations": annotations})
    return json.dumps(tasks, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _annotation(entry: Entry, job: ExportJob) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for name in job.tasks:
        value = entry.labels.get(name)
        if value is None and name not in entry.labels:
            continue
        result += _results_of(name, value, entry, job)
    return result


def _results_of(name: str, value: Any, entry: Entry, job: ExportJob) -> list[dict[str, Any]]:
    kind = job.kinds.get(name, "spans")
    rid = _ids(name)
    if kind in ("choice", "multi_choice", "taxonomy"):
        names = stored_classes(value, _Job(name, job), entry)
        if kind == "taxonomy" or any("/" in n for n in names):
            paths = [n.split("/") for n in names]
            return [_result(next(rid), name, "text", "taxonomy", {"taxonomy": paths})]
        return [_result(next(rid), name, "text", "choices", {"choices": names})]
    if kind == "audio_marks":
        marks = stored_marks(value, name, job.source, entry.line)
        return [
            _result(next(rid), name, "audio", "labels", {"start": s, "end": e, "labels": labels})
            for (s, e), labels in _regions(marks).items()
        ]
    text = entry.data.get(job.text_field)
    if not isinstance(text, str):
        raise LabeltuiError(
            f"item {entry.id!r} has no text field {job.text_field!r} for its spans",
            job.source,
            entry.line,
        )
    spans = stored_spans(value, text, name, job.source, entry.line)
    return [
        _result(
            next(rid),
            name,
            "text",
            "labels",
            {"start": s, "end": e, "text": text[s:e], "labels": labels},
        )
        for (s, e), labels in _regions(spans).items()
    ]


def _regions(found: list[dict[str, Any]]) -> dict[tuple[Any, Any], list[str]]:
    """One Label Studio region per (start, end), with every label on it."""
    regions: dict[tuple[Any, Any], list[str]] = {}
    for entry in found:
        labels = regions.setdefault((entry["start"], entry["end"]), [])
        if entry["label"] not in labels:
            labels.append(entry["label"])
    return regions


def _ids(name: str) -> Iterator[str]:
    number = 0
    while True:
        number += 1
        yield f"{name}-{number}"


def _result(rid: str, name: str, to: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": rid, "from_name": name, "to_name": to, "type": kind, "value": value}


class _Job:
    """What `stored_classes` needs to name a task in its messages."""

    def __init__(self, task: str, job: ExportJob) -> None:
        self.task = task
        self.source = job.source
