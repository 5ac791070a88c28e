"""`labeltui validate`: check a schema and a dataset together, then summarise them.

Checks what the index checks (JSON objects, ids) plus what needs the schema: items carry the
fields their tasks need, and pre-annotations fit their task (known labels, valid spans whose
text matches the offsets, marks with start <= end). The value rules are
`core.answer_check`'s, the ones the app flags on screen and refuses to save, so `validate` and
the app can never disagree about a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labeltui.core.answer_check import missing_text, value_problems
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
    """Why `value` is not a valid answer for `task` (None when it is): the first of
    `answer_check.value_problems`, the same rules and words the app uses on screen."""
    problems = value_problems(task, value, text)
    return problems[0] if problems else None


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
        for item in index.items():
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
    no_text = missing_text(schema, item.data)
    if no_text is not None:
        return LabeltuiError(no_text, path, item.line)
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
            return LabeltuiError(f"pre-annotation does not fit: {problem}", path, item.line)
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
