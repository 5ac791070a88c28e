"""Labelling functions in Python (`--functions FILE.py`, FORMAT section 9).

This runs code, so it happens only when the flag names the file: nothing else ever imports it.
The file's functions named `lf_*` (in the order they are defined) each take the item as a dict
and return a label (choice and multi_choice tasks), a list of spans (spans tasks: dicts with
`start`, `end` and `label`, or `(start, end, label)` tuples), or None to abstain.

Which task a function votes on: its `task` attribute when it sets one
(`lf_refund.task = "team"`), else the schema's only task that votes (choice, multi_choice or
spans); with several such tasks and no attribute, the file is refused with the function's line.

A function that raises on an item, or returns something that is not a known label or a valid
span, does not stop the run: the vote is an abstain, and the failure is counted and reported
with the item id (`Failures`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeltui.core.schema import Schema, Task
from labeltui.core.suggest.rules import VOTING_KINDS
from labeltui.errors import LabeltuiError


class BadVote(ValueError):
    """A function's return value that is not a vote (the reason in plain words)."""


@dataclass(frozen=True)
class LabelFunction:
    name: str
    task: str
    kind: str
    labels: frozenset[str]
    function: Any
    line: int

    def vote(self, item: dict[str, Any], text: Any) -> Any:
        """The function's vote on `item`; `BadVote` or the function's own exception."""
        value = self.function(item)
        if value is None:
            return None
        if self.kind != "spans":
            if not isinstance(value, str) or value not in self.labels:
                raise BadVote(f"returned {value!r}, not a label of task {self.task!r}")
            return value
        return self._spans(value, text)

    def _spans(self, value: Any, text: Any) -> list[dict[str, Any]] | None:
        if not isinstance(value, (list, tuple)):
            raise BadVote(f"returned {type(value).__name__}, not a list of spans")
        if not isinstance(text, str):
            raise BadVote("returned spans for an item without text")
        spans = []
        for span in value:
            if isinstance(span, dict):
                start, end, label = span.get("start"), span.get("end"), span.get("label")
            elif isinstance(span, (list, tuple)) and len(span) == 3:
                start, end, label = span
            else:
                raise BadVote(f"returned {span!r}, not a span (start, end, label)")
            if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
                raise BadVote(f"returned a span with bad offsets {start!r}..{end!r}")
            if label not in self.labels:
                raise BadVote(f"returned a span with label {label!r}, not one of {self.task!r}")
            spans.append({"start": start, "end": end, "label": label, "text": text[start:end]})
        spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        return spans or None


@dataclass
class Failures:
    """How often each function failed, and the first item and reason of each."""

    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, name: str, item_id: str, reason: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1
        self.first.setdefault(name, (item_id, reason))

    def merge(self, other: Failures) -> None:
        for name, count in other.counts.items():
            self.counts[name] = self.counts.get(name, 0) + count
            self.first.setdefault(name, other.first[name])


def describe(exc: BaseException) -> str:
    """An exception as a short phrase for a one-line report."""
    if isinstance(exc, BadVote):
        return str(exc)
    text = " ".join(str(exc).split())
    return f"raised {type(exc).__name__}" + (f" ({text[:120]})" if text else "")


def load_functions(path: str | Path, schema: Schema) -> list[LabelFunction]:
    """Import `path` (it is code: called only for `--functions`) and collect its `lf_*`."""
    path = Path(path)
    if not path.is_file():
        raise LabeltuiError("functions file not found", path)
    name = f"labeltui_functions_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LabeltuiError("cannot load as a Python file", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise LabeltuiError(f"syntax error: {exc.msg}", path, exc.lineno) from None
    except Exception as exc:  # the file's own code failed while loading
        raise LabeltuiError(
            f"the file failed while loading: {describe(exc)}", path, _failing_line(exc, path)
        ) from None
    voting = [t for t in schema.tasks if t.kind in VOTING_KINDS]
    out = []
    for attr, value in vars(module).items():
        if not attr.startswith("lf_") or not callable(value):
            continue
        code = getattr(value, "__code__", None)
        line = code.co_firstlineno if code is not None else None
        task = _task_of(value, attr, voting, schema, path, line)
        labels = frozenset(n for n in task.label_names if task.answerable(n))
        out.append(LabelFunction(attr, task.name, task.kind, labels, value, line or 0))
    if not out:
        raise LabeltuiError("no functions named lf_* in this file", path)
    return out


def _task_of(
    function: Any, name: str, voting: list[Task], schema: Schema, path: Path, line: int | None
) -> Task:
    wanted = getattr(function, "task", None)
    if wanted is None:
        if len(voting) != 1:
            raise LabeltuiError(
                f"{name}: the schema has {len(voting)} tasks a function can vote on; "
                f'say which with {name}.task = "TASK"',
                path,
                line,
            )
        return voting[0]
    for task in voting:
        if task.name == wanted:
            return task
    known = ", ".join(t.name for t in voting)
    raise LabeltuiError(f"{name}: unknown task {wanted!r} (known: {known})", path, line)


def _failing_line(exc: BaseException, path: Path) -> int | None:
    tb = exc.__traceback__
    line = None
    real = os.path.realpath(path)
    while tb is not None:
        if os.path.realpath(tb.tb_frame.f_code.co_filename) == real:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
