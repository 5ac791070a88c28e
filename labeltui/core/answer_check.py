"""Whether a value is an answer its task can hold, and whether a required answer is missing.

One place for the rules, so the session (which refuses to save a value with a problem, and a
required task with no answer) and the editors (which show a pre-filled value's problems on
screen, next to the task) can never disagree. Every problem is one plain sentence naming the
task, e.g. `team='shiping' is not a label of this task`; the caller says where the value came
from ("pre-filled", "your saved answer"). Values follow FORMAT section 3.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from labeltui.core.schema import Schema, Task

#: Mark times beyond this many seconds (about 116 days) are no recording's: `1e308` is a typo
#: or an attack, and drawing it would overflow the screen arithmetic.
MAX_SECONDS = 1e7
#: How far past the end of the audio a mark may reach (times are rounded to milliseconds).
END_SLACK = 0.0005


def short(value: Any, limit: int = 40) -> str:
    """`repr(value)`, cut to `limit` characters with an ellipsis."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def missing_text(schema: Schema, data: Mapping[str, Any]) -> str | None:
    """Why an item cannot take spans: its text field is not a string (None when it is, or
    when the schema has no spans task). The same check and words as `labeltui validate`."""
    if not any(task.kind == "spans" for task in schema.tasks):
        return None
    if isinstance(data.get(schema.text_field), str):
        return None
    return f"item has no text field {schema.text_field!r}, which spans tasks need"


def is_empty(value: Any) -> bool:
    """No answer: `null` (any kind) or an empty list (multi_choice, spans, audio_marks)."""
    return value is None or (isinstance(value, list) and not value)


def missing_answer(task: Task, value: Any) -> bool:
    """A required task without an answer: the item can be skipped but not saved as done."""
    return task.required and is_empty(value)


def value_problems(
    task: Task, value: Any, text: str | None = None, duration: float | None = None
) -> list[str]:
    """Every reason `value` is not a valid answer for `task` (empty when it is).

    `text` is the item's text (spans: None when the item has no string text); `duration` the
    audio's length in seconds when known (marks past it are flagged).
    """
    if value is None:
        return []
    if task.kind == "choice":
        return _choice(task, value)
    if task.kind == "multi_choice":
        return _multi(task, value)
    if not isinstance(value, list):
        return [f"{task.name}: the value must be a list of {_entries(task)}, not {short(value)}"]
    if task.kind == "spans":
        return _spans(task, value, text)
    return _marks(task, value, duration)


def label_problems(
    schema: Schema,
    labels: Mapping[str, Any],
    data: Mapping[str, Any],
    text: str | None,
    duration: float | None = None,
) -> list[str]:
    """The problems of a whole `labels` object for one item (every task, in schema order)."""
    out: list[str] = []
    no_text = missing_text(schema, data)
    for task in schema.tasks:
        value = labels.get(task.name)
        if task.kind == "spans" and no_text is not None:
            if not is_empty(value):
                out.append(f"{task.name}: spans refused: {no_text}")
            continue
        out.extend(value_problems(task, value, text, duration))
    return out


def _entries(task: Task) -> str:
    return "spans" if task.kind == "spans" else "marks"


def _choice(task: Task, value: Any) -> list[str]:
    if not isinstance(value, str):
        return [f"{task.name}={short(value)} is not a label name"]
    if value not in task.label_names:
        return [f"{task.name}={short(value)} is not a label of this task"]
    if task.leaf_only and not task.answerable(value):
        return [f"{task.name}={short(value)} {_INNER}"]
    return []


_INNER = "has labels under it; this task takes only labels without children (leaf_only)"


def _multi(task: Task, value: Any) -> list[str]:
    if not isinstance(value, list):
        return [f"{task.name}: the value must be a list of label names, not {short(value)}"]
    out = []
    seen: set[str] = set()
    for entry in value:
        if not isinstance(entry, str):
            out.append(f"{task.name}: {short(entry)} is not a label name")
        elif entry not in task.label_names:
            out.append(f"{task.name}: {short(entry)} is not a label of this task")
        elif entry in seen:
            out.append(f"{task.name}: {short(entry)} is listed twice")
        elif task.leaf_only and not task.answerable(entry):
            out.append(f"{task.name}: {short(entry)} {_INNER}")
        else:
            seen.add(entry)
    return out


def _entry_problem(task: Task, n: int, entry: Any) -> str | None:
    """The shape every span and mark shares: an object with a known label."""
    if not isinstance(entry, dict) or "start" not in entry or "label" not in entry:
        what = "{start, end, label}"
        return f"{task.name}: entry {n} is not {what}: {short(entry)}"
    label = entry["label"]
    if not isinstance(label, str) or label not in task.label_names:
        return f"{task.name}: entry {n} has label {short(label)}, not a label of this task"
    return None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _spans(task: Task, value: list[Any], text: str | None) -> list[str]:
    out: list[str] = []
    good: list[tuple[int, int, str]] = []
    length = len(text) if text is not None else 0
    for n, entry in enumerate(value, start=1):
        problem = _entry_problem(task, n, entry)
        if problem is None and "end" not in entry:
            problem = f"{task.name}: entry {n} has no end"
        if problem is not None:
            out.append(problem)
            continue
        start, end = entry["start"], entry["end"]
        where = f"{task.name}: span {short(start, 20)}..{short(end, 20)}"
        if not (_is_int(start) and _is_int(end)):
            out.append(f"{where}: offsets must be whole numbers")
        elif start < 0:
            out.append(f"{where} starts before the text")
        elif start >= end:
            out.append(f"{where} is empty or reversed (start must be before end)")
        elif end > length:
            out.append(f"{where} is past the end of the text ({length} characters)")
        elif "text" in entry and entry["text"] != text[start:end]:  # type: ignore[index]
            found = text[start:end]  # type: ignore[index]
            out.append(f"{where} says {short(entry['text'])} but the text there is {short(found)}")
        else:
            span = (start, end, entry["label"])
            if span in good:
                out.append(f"{where} ({entry['label']}) is listed twice")
            else:
                good.append(span)
    if not task.allow_overlap:
        good.sort()
        reach: tuple[int, int, str] | None = None  # the span reaching furthest so far
        for b in good:
            if reach is not None and b[0] < reach[1]:
                a = reach
                out.append(
                    f"{task.name}: spans {a[0]}..{a[1]} ({a[2]}) and {b[0]}..{b[1]} ({b[2]}) "
                    "overlap, which this task does not allow"
                )
            if reach is None or b[1] > reach[1]:
                reach = b
    return out


def _marks(task: Task, value: list[Any], duration: float | None) -> list[str]:
    out: list[str] = []
    for n, entry in enumerate(value, start=1):
        problem = _entry_problem(task, n, entry)
        if problem is not None:
            out.append(problem)
            continue
        start, end = entry["start"], entry.get("end", entry["start"])
        where = f"{task.name}: mark {n}"
        times = (start, end)
        if not all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in times):
            out.append(f"{where}: times must be numbers of seconds, not {short(start, 20)}")
        elif not all(math.isfinite(t) for t in times):
            out.append(f"{where}: {_num(start)}..{_num(end)} is not a finite time")
        elif start < 0 or end < 0:
            out.append(f"{where} starts before the audio ({_num(start)}..{_num(end)} s)")
        elif end < start:
            out.append(f"{where} ends ({_num(end)} s) before it starts ({_num(start)} s)")
        elif end > MAX_SECONDS:
            out.append(f"{where}: {_num(end)} s is longer than any recording")
        elif duration is not None and end > duration + END_SLACK:
            out.append(
                f"{where} ends at {_num(end)} s, after the end of the audio ({_num(duration)} s)"
            )
    return out


def _num(t: float) -> str:
    return f"{t:.6g}"
