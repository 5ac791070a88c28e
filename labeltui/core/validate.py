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
    """Load the schema (and check every line of the dataset); raise on the first problem."""
    schema = load_schema(schema_path)
    report = Report(schema)
    if dataset_path is None:
        return report
    index = DatasetIndex(dataset_path, schema.text_field, schema.audio_field)
    try:
        index.scan_all()
        kinds = {task.kind for task in schema.tasks}
        for i in range(len(index)):
            item = index.item(i)
            if "spans" in kinds and not isinstance(item.data.get(schema.text_field), str):
                raise LabeltuiError(
                    f"item has no text field {schema.text_field!r}, which spans tasks need",
                    index.path,
                    item.line,
                )
            if "audio_marks" in kinds and item.audio is None:
                raise LabeltuiError(
                    f"item has no audio field {schema.audio_field!r}, which audio_marks tasks need",
                    index.path,
                    item.line,
                )
            labels = item.data.get("labels")
            if labels is None:
                continue
            if not isinstance(labels, dict):
                raise LabeltuiError("'labels' must be an object", index.path, item.line)
            report.prefilled += 1
            for task in schema.tasks:
                problem = check_value(task, labels.get(task.name), item.text)
                if problem:
                    raise LabeltuiError(problem, index.path, item.line)
        report.dataset = index.path
        report.items = len(index)
        report.duplicates = index.duplicates
    finally:
        index.close()
    return report


def summarize(report: Report) -> str:
    """A few plain lines: the schema's tasks, labels and keys, and the dataset's size."""
    schema = report.schema
    lines = [f"schema {schema.path}: OK" + (f" ({schema.title})" if schema.title else "")]
    for task in schema.tasks:
        labels = ", ".join(f"{label.name} [{label.key}]" for label in task.labels)
        lines.append(f"  task {task.name} ({task.kind}): {labels}")
    if report.dataset is not None:
        extra = []
        if report.duplicates:
            extra.append(f"{report.duplicates} duplicate ids dropped")
        if report.prefilled:
            extra.append(f"{report.prefilled} pre-annotated")
        suffix = f" ({'; '.join(extra)})" if extra else ""
        lines.append(f"dataset {report.dataset}: OK, {report.items} items{suffix}")
    return "\n".join(lines)
