"""doccano JSONL, every layout its exporters have written.

Read, spans (sequence labelling):
- `"label": [[start, end, "LABEL"], ...]` (doccano 1.2 and later), `labels` (older exports);
- `"entities": [[start, end, "LABEL"], ...]` (intent detection and slot filling projects, with
  the intent under `cats`);
- `"entities": [{"id", "label", "start_offset", "end_offset"}]` with `"relations": [{"id",
  "from_id", "to_id", "type"}]` (projects with relations): each span keeps its entity id as
  `doccano_id`, so that the kept `relations` still point at their entities on export;
- doccano 1.0 (`JSONPainter`): `"annotations": [{"label": 3, "start_offset", "end_offset",
  "user": 1, ...}]`, labels and users by numeric id (later 1.x add `label_name`, `user_name`).
  A label id is named by `label_name`, else by the project's label file (`--labels FILE`,
  doccano's label export: a JSON list of `{"id", "text", ...}`), else kept as its number.
  `--user NAME` (a name or a numeric id) imports that user's annotations as pre-annotations;
  without it a file annotated by one user gives pre-annotations, and a file annotated by
  several gives one annotator line per item and user (`_annotator`, `_status: "done"`), the
  layout of a labeltui annotation file, ready for `agree`; items nobody annotated are then
  left out, counted in the summary.
Read, classification: `"label": ["bug", ...]` (a list of names), `cats` (intent detection), and
1.0 `annotations` without offsets. They go under the classification task (`class_task`).
Offsets are code points. Overlapping and nested spans are kept. A line without any of these
keys is an item without pre-annotations. Every other field is kept as it is.

Write: the item's own fields with `label` as `[start, end, "LABEL"]` triples in the place of
the `labels` object; a line with `relations` (or spans with a `doccano_id`) gets `entities`
objects with their ids instead, as doccano's relation projects export them. A `choice` or
`multi_choice` task is written as doccano text classification: `"label": ["bug"]`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import dump_line, json_lines, read_bytes, type_name
from labeltui.core.formats.options import ExportJob, ImportOptions, text_of
from labeltui.core.formats.values import (
    check_imported_text,
    class_value,
    refuse_other_unit,
    sort_spans,
    span,
    stored_classes,
    stored_spans,
    with_labels,
    without_meta,
)
from labeltui.core.ids import BadId, item_id
from labeltui.errors import LabeltuiError

KEYS = ("label", "labels", "entities")
ID_KEY = "doccano_id"


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """Dataset lines with the file's spans under `labels[opts.task]` and its categories under
    `labels[opts.class_task]`."""
    rows = list(json_lines(path))
    names = _label_file(opts.label_file) if opts.label_file is not None else None
    per_user = _per_user(rows, path, opts)
    items: list[dict[str, Any]] = []
    for number, obj in rows:
        text = obj.get(opts.text_field)
        if not isinstance(text, str):
            raise LabeltuiError(
                f"the line has no '{opts.text_field}' field with the text", path, number
            )
        if isinstance(obj.get("annotations"), list):
            items += _read_annotations(obj, text, names, per_user, path, number, opts)
            continue
        items.append(_read_line(obj, text, path, number, opts))
    return items


def _read_line(
    obj: dict[str, Any], text: str, path: Path, number: int, opts: ImportOptions
) -> dict[str, Any]:
    out = obj
    if opts.class_task is not None and opts.class_task == opts.task:  # a classification schema
        key = None
        class_key = next((k for k in ("cats", "label", "labels") if _names(obj.get(k))), None)
    else:
        key = next((k for k in KEYS if isinstance(obj.get(k), list) and _spans_list(obj[k])), None)
        class_key = next(
            (k for k in ("cats", "label", "labels") if k != key and _names(obj.get(k), True)), None
        )
    if key is None and class_key is None:
        bad = next((k for k in ("label", "entities") if k in obj), None)
        if bad is not None and not isinstance(obj[bad], list):
            raise LabeltuiError(
                f"'{bad}' must be a list of spans, not {type_name(obj[bad])}", path, number
            )
        if bad is not None and obj[bad]:  # a list of something else
            entry = obj[bad][0]
            _span(text, entry, bad, 1, path, number, opts)  # raises with what is wrong
        if bad is not None:
            return with_labels(obj, bad, opts.task, [])
        return obj
    if key is not None:
        spans = [_span(text, e, key, i, path, number, opts) for i, e in enumerate(obj[key], 1)]
        out = with_labels(out, key, opts.task, sort_spans(spans))
    if class_key is not None:
        value = class_value(obj[class_key], opts, path, number)
        out = with_labels(out, class_key, opts.class_task or "category", value)
    return out


def _spans_list(value: list[Any]) -> bool:
    """A list of spans (or an empty list): anything but a non-empty list of names."""
    return not (value and all(isinstance(v, str) for v in value))


def _names(value: Any, non_empty: bool = False) -> bool:
    """A list of label names (doccano text classification)."""
    if not isinstance(value, list) or (non_empty and not value):
        return False
    return all(isinstance(v, str) for v in value)


def _span(
    text: str, entry: Any, key: str, index: int, path: Path, line: int, opts: ImportOptions
) -> dict[str, Any]:
    what = f"'{key}' entry {index}"
    if isinstance(entry, dict):
        missing = [k for k in ("start_offset", "end_offset", "label") if k not in entry]
        if missing:
            raise LabeltuiError(f"{what} has no {', '.join(missing)}", path, line)
        offsets = {"start": entry["start_offset"], "end": entry["end_offset"]}
        refuse_other_unit({**entry, **offsets}, text, path, line, what)
        made = span(
            text, entry["start_offset"], entry["end_offset"], entry["label"], path, line, what
        )
        check_imported_text(entry, made, text, path, line, what, opts)
        if "id" in entry:
            made[ID_KEY] = entry["id"]
        return made
    if not isinstance(entry, list) or len(entry) != 3:
        hint = " (this looks like a text classification export)" if isinstance(entry, str) else ""
        shape = '[start, end, "LABEL"] or {start_offset, end_offset, label}'
        raise LabeltuiError(f"{what} must be {shape}{hint}", path, line)
    return span(text, entry[0], entry[1], entry[2], path, line, what)


# -- doccano 1.0: `annotations`, one entry per annotation, users and labels by id -------------


def _user(entry: dict[str, Any]) -> str:
    name = entry.get("user_name")
    if isinstance(name, str) and name:
        return name
    return f"user {entry.get('user')}" if "user" in entry else "unknown user"


def _per_user(rows: list[tuple[int, dict[str, Any]]], path: Path, opts: ImportOptions) -> bool:
    """Whether 1.0 annotations become annotator lines (several users and no `--user`)."""
    users: dict[str, None] = {}
    ids: set[str] = set()
    for _, obj in rows:
        for entry in obj.get("annotations") or []:
            if isinstance(entry, dict):
                users.setdefault(_user(entry))
                ids.add(str(entry.get("user")))
    if opts.user is not None:
        if opts.user not in users and opts.user not in ids:
            found = ", ".join(users) or "none"
            raise LabeltuiError(f"no annotation by user {opts.user!r} (users: {found})", path)
        return False
    return len(users) > 1


def _label_file(path: Path) -> dict[str, str]:
    """doccano's label export: `[{"id": 1, "text": "ORG", ...}, ...]` as {"1": "ORG"}."""
    try:
        data = json.loads(read_bytes(path, "label file").decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise LabeltuiError(f"the label file is not JSON: {exc}", path) from None
    if not isinstance(data, list):
        raise LabeltuiError('the label file must be a list of {"id", "text"}', path)
    names = {}
    for index, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or "id" not in entry:
            raise LabeltuiError(f'label {index} must be an object with "id" and "text"', path)
        name = entry.get("text", entry.get("name"))
        if not isinstance(name, str) or not name:
            raise LabeltuiError(f"label {index} has no name (its 'text')", path)
        names[str(entry["id"])] = name
    return names


def _read_annotations(
    obj: dict[str, Any],
    text: str,
    names: dict[str, str] | None,
    per_user: bool,
    path: Path,
    number: int,
    opts: ImportOptions,
) -> list[dict[str, Any]]:
    spans: dict[str, list[dict[str, Any]]] = {}
    classes: dict[str, list[str]] = {}
    order: dict[str, None] = {}
    for index, entry in enumerate(obj["annotations"], 1):
        what = f"'annotations' entry {index}"
        if not isinstance(entry, dict) or "label" not in entry:
            raise LabeltuiError(f"{what} must be an object with a label", path, number)
        user = _user(entry)
        if opts.user is not None and opts.user not in (user, str(entry.get("user"))):
            continue
        order.setdefault(user)
        label = _label_name(entry, names, path, number, what, opts)
        if "start_offset" in entry or "end_offset" in entry:
            made = _span(text, {**entry, "label": label}, "annotations", index, path, number, opts)
            made.pop(ID_KEY, None)  # annotation ids are not entity ids: no relation uses them
            spans.setdefault(user, []).append(made)
        else:
            classes.setdefault(user, []).append(label)
    base = {k: v for k, v in obj.items() if k != "annotations"}
    if per_user and not order:
        opts.note("items nobody annotated left out (--user NAME keeps every item)")
        return []
    if not per_user:
        found = sort_spans([s for user in order for s in spans.get(user, [])])
        chosen = [c for user in order for c in classes.get(user, [])]
        out = with_labels(obj, "annotations", opts.task, found)
        if chosen:
            out["labels"][opts.class_task or "category"] = class_value(chosen, opts, path, number)
            if not found:  # a text classification project
                del out["labels"][opts.task]
        return [out]
    try:
        ident = item_id(base, opts.text_field, opts.audio_field)
    except BadId as exc:
        raise LabeltuiError(str(exc), path, number) from None
    lines = []
    for user in order:
        labels: dict[str, Any] = {}
        if user in spans:
            labels[opts.task] = sort_spans(spans[user])
        if user in classes:
            labels[opts.class_task or "category"] = class_value(classes[user], opts, path, number)
        line = {**base, "labels": labels, "_id": ident, "_annotator": user, "_status": "done"}
        lines.append(line)
    opts.note("annotator lines (one per item and user; --user NAME imports one user)", len(lines))
    return lines


def _label_name(
    entry: dict[str, Any],
    names: dict[str, str] | None,
    path: Path,
    number: int,
    what: str,
    opts: ImportOptions,
) -> str:
    given = entry.get("label_name")
    if isinstance(given, str) and given:
        return given
    label = entry["label"]
    if isinstance(label, str) and label and not label.isdigit():
        return label
    if isinstance(label, bool) or not isinstance(label, (int, str)):
        raise LabeltuiError(f"{what}: the label must be a label id or name", path, number)
    if names is None:
        opts.note("labels kept as doccano label ids (give --labels FILE to name them)")
        return str(label)
    if str(label) not in names:
        raise LabeltuiError(f"{what}: label id {label} is not in the label file", path, number)
    return names[str(label)]


# -- write ------------------------------------------------------------------------------------


def write(entries: list[Entry], job: ExportJob) -> str:
    """doccano JSONL for the current lines."""
    out = []
    for entry in entries:
        if job.kind in ("choice", "multi_choice"):
            value = stored_classes(entry.labels.get(job.task), job, entry)
            out.append(dump_line(without_meta(entry.data, "label", value)))
            continue
        text = text_of(entry, job)
        raw = entry.labels.get(job.task)
        spans = stored_spans(raw, text, job.task, job.source, entry.line)
        ids = _entity_ids(raw) if isinstance(raw, list) else []
        if "relations" in entry.data or any(i is not None for i in ids):
            out.append(dump_line(without_meta(entry.data, "entities", _entities(raw, spans))))
            continue
        triples = [[s["start"], s["end"], s["label"]] for s in spans]
        out.append(dump_line(without_meta(entry.data, "label", triples)))
    return "".join(out)


def _entity_ids(raw: list[Any]) -> list[Any]:
    return [e.get(ID_KEY) if isinstance(e, dict) else None for e in raw]


def _entities(raw: Any, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """doccano's relation layout; a span without an id (added in labeltui) gets a new one."""
    by_span: dict[tuple[int, int, str], list[Any]] = {}
    for e in raw if isinstance(raw, list) else []:
        if isinstance(e, dict):
            key = (e.get("start"), e.get("end"), e.get("label"))
            by_span.setdefault(key, []).append(e.get(ID_KEY))  # type: ignore[arg-type]
    used = Counter(i for ids in by_span.values() for i in ids if i is not None)
    fresh = max([i for i in used if isinstance(i, int)], default=0)
    out = []
    for s in spans:
        ids = by_span.get((s["start"], s["end"], s["label"]), [])
        ident = ids.pop(0) if ids else None
        if ident is None:
            fresh += 1
            ident = fresh
        out.append(
            {"id": ident, "label": s["label"], "start_offset": s["start"], "end_offset": s["end"]}
        )
    return out
