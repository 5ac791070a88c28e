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

from labeltui.core.annotations.values import value_kind
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

    Used where labeltui's own files are read back (export): there a differing `text` means the
    file was edited by hand. The message names what differs (`text_mismatch`).
    """
    given = entry.get("text")
    if isinstance(given, str) and given != made["text"]:
        raise LabeltuiError(f"{what}: {text_mismatch(given, made)}", path, line)


def text_mismatch(given: str, made: dict[str, Any], text: str | None = None) -> str:
    """What differs between a span's own `text` and the text at its offsets, said plainly;
    with the item's `text`, also whether the offsets count UTF-16 units or UTF-8 bytes."""
    start, end = made["start"], made["end"]
    said = f"the file says the span is {given!r} but offsets {start}-{end} give {made['text']!r}"
    unit = other_unit(text, given, start, end) if text is not None else None
    if unit is not None:
        name, (cs, ce) = unit
        return (
            f"{said}: the offsets count {name}, not characters (code points); in characters "
            f"{given!r} is at {cs}-{ce}"
        )
    return f"{said} (the span's own text differs from the text at its offsets)"


_UNITS = (("UTF-16 code units", "utf-16-le", 2), ("UTF-8 bytes", "utf-8", 1))


def other_unit(text: str, given: str, start: int, end: int) -> tuple[str, tuple[int, int]] | None:
    """(unit name, code point offsets) when `start`-`end` counted in UTF-16 code units or in
    UTF-8 bytes point at `given` (a file written by JavaScript or by a byte-counting tool)."""
    for name, codec, width in _UNITS:
        data = text.encode(codec, "surrogatepass")
        try:
            before = data[: start * width].decode(codec)
            piece = data[start * width : end * width].decode(codec)
        except UnicodeDecodeError:
            continue
        if piece == given and given:
            return name, (len(before), len(before) + len(given))
    return None


def refuse_other_unit(
    entry: dict[str, Any], text: str, path: Path, line: int | None, what: str
) -> None:
    """Refuse, before any other check, offsets that point at the span's own `text` only when
    counted in UTF-16 code units or UTF-8 bytes (they may run past the end in code points)."""
    given, start, end = entry.get("text"), entry.get("start"), entry.get("end")
    if not isinstance(given, str) or type(start) is not int or type(end) is not int:
        return
    if 0 <= start < end and text[start:end] == given:
        return
    if other_unit(text, given, start, end) is not None:
        found = {"start": start, "end": end, "text": text[start:end]}
        raise LabeltuiError(f"{what}: {text_mismatch(given, found, text)}", path, line)


STALE_TEXT = "spans whose own 'text' differs from the text at their offsets (offsets kept)"


def check_imported_text(
    entry: dict[str, Any],
    made: dict[str, Any],
    text: str,
    path: Path,
    line: int | None,
    what: str,
    opts: Any,
) -> None:
    """An imported span's own `text` against its offsets.

    Offsets that count UTF-16 units or UTF-8 bytes (they point at the given text in that
    unit) are refused: every span after a wide character would be shifted. Any other
    difference is a stale `text` (edited text, a tool that kept an old copy): the offsets win,
    and the import counts the spans and warns with the first of them (`opts.stale`).
    """
    given = entry.get("text")
    if not isinstance(given, str) or given == made["text"]:
        return
    if other_unit(text, given, made["start"], made["end"]) is not None:
        raise LabeltuiError(f"{what}: {text_mismatch(given, made, text)}", path, line)
    opts.note(STALE_TEXT)
    where = f"{path}:{line}" if line is not None else str(path)
    opts.stale.append(
        f"{where}: {what}: the file says {given!r}, the text at {made['start']}-{made['end']} "
        f"is {made['text']!r}"
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

    The shared inference (`annotations.values.value_kind`): spans always carry `text` (FORMAT
    section 3) and marks never do; an empty list says nothing.
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


def class_value(names: Any, opts: Any, path: Path, line: int | None) -> Any:
    """The value of a classification task from a file's list of label names: a name (or null)
    for a `choice` task, a list of names for `multi_choice` (the default without a schema)."""
    task = opts.class_task or "category"
    if not isinstance(names, list):
        raise LabeltuiError(f"the categories must be a list of names, not {names!r}", path, line)
    out: list[str] = []
    for name in names:
        if not isinstance(name, str) or not name:
            raise LabeltuiError(
                f"category {name!r} of task {task!r} is not a label name", path, line
            )
        if name not in out:
            out.append(name)
    if (opts.class_kind or "multi_choice") == "multi_choice":
        return out
    if len(out) > 1:
        raise LabeltuiError(
            f"{len(out)} categories ({', '.join(out)}) for the choice task {task!r}, which "
            "takes one (use a multi_choice task)",
            path,
            line,
        )
    return out[0] if out else None


def stored_classes(value: Any, job: Any, entry: Any) -> list[str]:
    """A `choice` or `multi_choice` value of a dataset or annotation line as a list of names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise LabeltuiError(
        f"labels[{job.task!r}] must be a label name or a list of label names",
        job.source,
        entry.line,
    )
