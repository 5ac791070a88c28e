"""Span and mark values (FORMAT section 3), checked where they enter or leave labeltui.

Importers build values with `span()` and `mark()`, exporters read stored values back with
`stored_spans()` and `stored_marks()`; both check offsets and types and name the file and line
of any bad entry, so a converted file is either right or refused. Spans and marks are sorted by
(start, end, label), a deterministic refinement of FORMAT's "sorted by start".
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from labeltui.core.jsonl import value_kind
from labeltui.core.store import META_KEYS
from labeltui.errors import LabeltuiError

LABELS = "labels"


def ms(seconds: float) -> float:
    """Seconds rounded to the millisecond, as FORMAT stores marks (never -0.0)."""
    return round(seconds, 3) + 0.0


def span(
    text: str, start: Any, end: Any, label: Any, path: Path, line: int | None, what: str
) -> dict[str, Any]:
    """A checked span `{start, end, label, text}`; `what` names the entry in messages."""
    for name, value in (("start", start), ("end", end)):
        if type(value) is not int:
            raise LabeltuiError(f"{what}: '{name}' must be an integer, not {value!r}", path, line)
    if not isinstance(label, str) or not label:
        raise LabeltuiError(f"{what}: the label must be a non-empty string", path, line)
    if not 0 <= start < end:
        raise LabeltuiError(
            f"{what}: start {start} and end {end} do not make a span (need 0 <= start < end)",
            path,
            line,
        )
    if end > len(text):
        raise LabeltuiError(
            f"{what}: end {end} is past the end of the text ({len(text)} characters)",
            path,
            line,
        )
    return {"start": start, "end": end, "label": label, "text": text[start:end]}


def check_span_text(
    entry: dict[str, Any], made: dict[str, Any], path: Path, line: int | None, what: str
) -> None:
    """Refuse offsets that do not point at the text the file itself gives for the span.

    This catches files whose offsets count UTF-16 units or bytes instead of code points.
    """
    given = entry.get("text")
    if isinstance(given, str) and given != made["text"]:
        raise LabeltuiError(
            f"{what}: the file says the span is {given!r} but offsets {made['start']}-"
            f"{made['end']} give {made['text']!r} (offsets must count code points)",
            path,
            line,
        )


def sort_spans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))


def mark(start: float, end: float, label: str) -> dict[str, Any]:
    """A mark `{start, end, label}` rounded to milliseconds (a point when `end == start`)."""
    return {"start": ms(start), "end": ms(end), "label": label}


def sort_marks(marks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(marks, key=lambda m: (m["start"], m["end"], m["label"]))


def stored_spans(value: Any, text: str, task: str, path: Path, line: int) -> list[dict[str, Any]]:
    """The spans of a dataset or annotation line, checked against its text."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise LabeltuiError(f"labels[{task!r}] must be a list of spans", path, line)
    out = []
    for number, entry in enumerate(value, start=1):
        what = f"span {number} of task {task!r}"
        if not isinstance(entry, dict):
            raise LabeltuiError(f"{what} must be an object {{start, end, label}}", path, line)
        made = span(
            text, entry.get("start"), entry.get("end"), entry.get("label"), path, line, what
        )
        check_span_text(entry, made, path, line, what)
        out.append(made)
    return sort_spans(out)


def stored_marks(value: Any, task: str, path: Path, line: int) -> list[dict[str, Any]]:
    """The marks of a dataset or annotation line, rounded and sorted."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise LabeltuiError(f"labels[{task!r}] must be a list of marks", path, line)
    out = []
    for number, entry in enumerate(value, start=1):
        what = f"mark {number} of task {task!r}"
        if not isinstance(entry, dict):
            raise LabeltuiError(f"{what} must be an object {{start, end, label}}", path, line)
        start: Any = entry.get("start")
        end: Any = entry.get("end")
        label = entry.get("label")
        for name, t in (("start", start), ("end", end)):
            if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
                raise LabeltuiError(f"{what}: '{name}' must be a number of seconds", path, line)
        if not isinstance(label, str):
            raise LabeltuiError(f"{what}: the label must be a string", path, line)
        if end < start:
            raise LabeltuiError(f"{what}: end {end} is before start {start}", path, line)
        out.append(mark(start, end, label))
    return sort_marks(out)


def kind_of(value: Any) -> str | None:
    """`spans`, `audio_marks` or None: what a stored value looks like, for files without a schema.

    The shared inference (`jsonl.value_kind`): spans always carry `text` (FORMAT section 3) and
    marks never do; an empty list says nothing.
    """
    kind = value_kind(value)
    return kind if kind in ("spans", "audio_marks") else None


def with_labels(obj: dict[str, Any], consumed: str | None, task: str, value: Any) -> dict[str, Any]:
    """`obj` with `labels[task] = value`, in place of the source key `consumed`.

    The labels object takes the position of the key it replaces (or of an existing `labels`
    object, which keeps its other tasks), so imported lines keep their key order.
    """
    existing = obj.get(LABELS)
    labels = dict(existing) if isinstance(existing, dict) else {}
    labels[task] = value
    out: dict[str, Any] = {}
    for key, field_value in obj.items():
        if key in (consumed, LABELS):
            out[LABELS] = labels
        else:
            out[key] = field_value
    out.setdefault(LABELS, labels)
    return out


def without_meta(obj: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """An exported line: the item's own fields, with `key = value` where `labels` was.

    labeltui's own keys (`labels`, `_id`, `_annotator`, ...) are left out; other tools' keys
    that start with `_` (Prodigy's `_input_hash`, `_task_hash`) are kept.
    """
    out: dict[str, Any] = {}
    for field_key, field_value in obj.items():
        if field_key in (LABELS, key):
            out[key] = value
        elif field_key not in META_KEYS:
            out[field_key] = field_value
    out.setdefault(key, value)
    return out
