"""`labeltui validate`: check a schema and a dataset together, then summarise them.

Checks what the index checks (JSON objects, ids) plus what needs the schema: items carry the
fields their tasks need, and pre-annotations fit their task (known labels, valid spans whose
text matches the offsets, marks with start <= end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labeltui.core.dataset import DatasetIndex
from labeltui.core.display import visible_line
from labeltui.core.fit import FitCheck
from labeltui.core.items import Item
from labeltui.core.schema import Schema, Task, load_schema
from labeltui.errors import LabeltuiError


@dataclass
class Report:
    schema: Schema
    dataset: Path | None = None
    items: int = 0
    duplicates: int = 0
    prefilled: int = 0


def check_value(task: Task, value: Any, text: str | None) -> str | None:
    """Why `value` is not a valid answer for `task` (None when it is)."""
    names = set(task.label_names)
    if value is None:
        return None
    if task.kind == "choice":
        if not isinstance(value, str):
            return f"task {task.name!r}: a choice value must be a label name or null"
        if value not in names:
            return f"task {task.name!r}: unknown label {value!r}"
    elif task.kind == "multi_choice":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"task {task.name!r}: a multi_choice value must be a list of label names"
        unknown = [v for v in value if v not in names]
        if unknown:
            return f"task {task.name!r}: unknown label {unknown[0]!r}"
    else:
        if not isinstance(value, list):
            return f"task {task.name!r}: a {task.kind} value must be a list"
        for entry in value:
            problem = _check_entry(task, entry, text)
            if problem:
                return f"task {task.name!r}: {problem}"
    return None


def _check_entry(task: Task, entry: Any, text: str | None) -> str | None:
    if not isinstance(entry, dict) or not {"start", "end", "label"} <= entry.keys():
        return "each entry needs start, end and label"
    if entry["label"] not in task.label_names:
        return f"unknown label {entry['label']!r}"
    start, end = entry["start"], entry["end"]
    if task.kind == "spans":
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            return "span offsets must be integers"
        if text is None or not 0 <= start < end <= len(text):
            return f"span {start}..{end} is outside the text"
        if "text" in entry and entry["text"] != text[start:end]:
            found = text[start:end]
            return f"span {start}..{end} says {entry['text']!r} but the text there is {found!r}"
    else:
        if not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in (start, end)
        ):
            return "mark times must be numbers of seconds (not NaN or infinity)"
        if start < 0 or end < start:
            return f"mark {start}..{end}: times must satisfy 0 <= start <= end"
    return None


def validate_files(schema_path: str | Path, dataset_path: str | Path | None = None) -> Report:
    """Load the schema (and check every line of the dataset); raise on the first problem.

    A dataset none of whose items has a field the schema needs (`core.fit`) is refused as a
    whole, before the first item's own problem is named: the schema is likely for other data.
    """
    schema = load_schema(schema_path)
    report = Report(schema)
    if dataset_path is None:
        return report
    index = DatasetIndex(dataset_path, schema.text_field, schema.audio_field)
    try:
        index.scan_all()
        fit = FitCheck(schema)
        first: LabeltuiError | None = None
        for i in range(len(index)):
            item = index.item(i)
            fit.add(item.data)
            if first is None:
                first = _item_problem(schema, item, index.path, report)
        misfit = fit.error(index.path)
        if misfit is not None:
            raise misfit
        if first is not None:
            raise first
        report.dataset = index.path
        report.items = len(index)
        report.duplicates = index.duplicates
    finally:
        index.close()
    return report


def _item_problem(schema: Schema, item: Item, path: Path, report: Report) -> LabeltuiError | None:
    """What is wrong with one item given the schema (counting it as pre-annotated), or None."""
    kinds = {task.kind for task in schema.tasks}
    if "spans" in kinds and not isinstance(item.data.get(schema.text_field), str):
        return LabeltuiError(
            f"item has no text field {schema.text_field!r}, which spans tasks need",
            path,
            item.line,
        )
    if "audio_marks" in kinds and item.audio is None:
        return LabeltuiError(
            f"item has no audio field {schema.audio_field!r}, which audio_marks tasks need",
            path,
            item.line,
        )
    labels = item.data.get("labels")
    if labels is None:
        return None
    if not isinstance(labels, dict):
        return LabeltuiError("'labels' must be an object", path, item.line)
    report.prefilled += 1
    for task in schema.tasks:
        problem = check_value(task, labels.get(task.name), item.text)
        if problem:
            return LabeltuiError(problem, path, item.line)
    return None


def summarize(report: Report) -> str:
    """A few plain lines: the schema's tasks, labels and keys, and the dataset's size.

    Every name and title comes from a file, so each is shown inertly and on one line
    (`visible_line`: an escape sequence in a label name is printed as "␛[...", never sent).
    """
    schema = report.schema
    show = visible_line
    title = f" ({show(schema.title)})" if schema.title else ""
    lines = [f"schema {show(str(schema.path))}: OK{title}"]
    for task in schema.tasks:
        labels = ", ".join(f"{show(label.name)} [{show(label.key)}]" for label in task.labels)
        lines.append(f"  task {show(task.name)} ({task.kind}): {labels}")
    if report.dataset is not None:
        extra = []
        if report.duplicates:
            extra.append(f"{report.duplicates} duplicate ids dropped")
        if report.prefilled:
            extra.append(f"{report.prefilled} pre-annotated")
        suffix = f" ({'; '.join(extra)})" if extra else ""
        lines.append(f"dataset {show(str(report.dataset))}: OK, {report.items} items{suffix}")
    return "\n".join(lines)
