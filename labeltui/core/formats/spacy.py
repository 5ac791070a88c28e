"""spaCy/Prodigy JSONL: `{"text": ..., "spans": [{"start", "end", "label"}]}`, and textcat.

Read, spans: offsets are code points; overlapping and nested spans are kept. Only accepted
spans become pre-annotations: a span's own `answer` (Prodigy's merged binary annotations), else
its line's `answer` (`ner.teach` asks about one suggested span per line; `ner.manual` rejects a
whole example), must be `accept` or absent; the others are counted in the summary. `ner.teach`
lines (`_view_id: "ner"`) that ask about the same input (`_input_hash`) are one item: the first
line's fields with the accepted spans of all of them. A span's own `text` that is not the text
at its offsets is stale: the offsets win and the import warns, counting them; offsets that
count UTF-16 units or UTF-8 bytes (they point at the given text in that unit) are refused,
naming the unit. Extra keys of a span (`token_start`, `source`, ...) are not kept: the span is
`{start, end, label, text}` as FORMAT stores it. Every other field of the line (`tokens`,
`answer`, `meta`, `_input_hash`, ...) is kept. A line without `spans` is an item without
pre-annotations.

Read, classification (`textcat.manual`, choice interface): `accept` (the chosen option ids,
with `options: [{"id", "text"}]`; an answer other than `accept` chooses nothing), else spaCy's
`cats` (`{"LABEL": score}`, chosen when the score is 0.5 or more). They go under the
classification task.

Write, spans: `{"start", "end", "label"}` per span, plus `token_start`/`token_end` (inclusive,
as Prodigy has them) when the line has Prodigy `tokens` and the span starts and ends on them.
Write, `choice`/`multi_choice`: `options` (the schema's labels, else the labels used in the
file), `accept` (the chosen ones), `answer: "accept"` and spaCy's `cats` (1.0 chosen, 0.0 not).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import dump_line, json_lines, type_name
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
from labeltui.errors import LabeltuiError

NOT_ACCEPTED = "suggested spans not accepted (answer {}) left out"
MERGED = "ner.teach lines merged into the item of their input (same _input_hash)"
CLASS_KEYS = ("accept", "cats", "options")


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """Dataset lines with the file's spans under `labels[opts.task]` and its categories under
    `labels[opts.class_task]`."""
    items: list[dict[str, Any]] = []
    binary: dict[Any, dict[str, Any]] = {}  # _input_hash -> the item of a ner.teach input
    for number, obj in json_lines(path):
        text = obj.get(opts.text_field)
        if not isinstance(text, str):
            raise LabeltuiError(
                f"the line has no '{opts.text_field}' field with the text", path, number
            )
        item = _classes(obj, path, number, opts)
        if "spans" not in item or item["spans"] is None:
            items.append(item)
            continue
        spans = _spans(item, text, path, number, opts)
        key = item.get("_input_hash")
        if item.get("_view_id") == "ner" and key is not None and not isinstance(key, (list, dict)):
            first = binary.get((key, text))
            if first is not None:
                merged = first["labels"][opts.task] + spans
                first["labels"][opts.task] = sort_spans(_unique(merged))
                opts.note(MERGED)
                continue
            items.append(with_labels(item, "spans", opts.task, sort_spans(spans)))
            binary[(key, text)] = items[-1]
            continue
        items.append(with_labels(item, "spans", opts.task, sort_spans(spans)))
    return items


def _unique(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for s in spans:
        key = (s["start"], s["end"], s["label"])
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _spans(
    obj: dict[str, Any], text: str, path: Path, number: int, opts: ImportOptions
) -> list[dict[str, Any]]:
    raw = obj["spans"]
    if not isinstance(raw, list):
        raise LabeltuiError(f"'spans' must be a list of spans, not {type_name(raw)}", path, number)
    line_answer = obj.get("answer")
    spans = []
    for index, entry in enumerate(raw, start=1):
        what = f"span {index}"
        if not isinstance(entry, dict):
            raise LabeltuiError(f"{what} must be an object {{start, end, label}}", path, number)
        missing = [k for k in ("start", "end", "label") if k not in entry]
        if missing:
            raise LabeltuiError(f"{what} has no {', '.join(missing)}", path, number)
        refuse_other_unit(entry, text, path, number, what)
        made = span(text, entry["start"], entry["end"], entry["label"], path, number, what)
        check_imported_text(entry, made, text, path, number, what, opts)
        answer = entry.get("answer", line_answer)
        if answer not in (None, "accept"):
            opts.note(NOT_ACCEPTED.format(answer if isinstance(answer, str) else repr(answer)))
            continue
        spans.append(made)
    return spans


def _classes(obj: dict[str, Any], path: Path, number: int, opts: ImportOptions) -> dict[str, Any]:
    """The line with Prodigy's `accept` (or spaCy's `cats`) under the classification task."""
    task = opts.class_task or "category"
    if isinstance(obj.get("accept"), list):
        names = _accepted(obj, path, number)
        if obj.get("answer", "accept") != "accept":
            opts.note(f"classification answers not accepted (answer {obj.get('answer')}) left out")
            names = []
        return with_labels(obj, "accept", task, class_value(names, opts, path, number))
    if "accept" in obj:
        raise LabeltuiError(
            f"'accept' must be a list of option ids, not {type_name(obj['accept'])}", path, number
        )
    cats = obj.get("cats")
    if cats is None:
        return obj
    if not isinstance(cats, dict) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in cats.values()
    ):
        raise LabeltuiError("'cats' must be an object {label: score}", path, number)
    names = [name for name, score in cats.items() if score >= 0.5]
    return with_labels(obj, "cats", task, class_value(names, opts, path, number))


def _accepted(obj: dict[str, Any], path: Path, number: int) -> list[str]:
    """The accepted option ids as label names (an id that is a number: its option's text)."""
    texts = {}
    for option in obj.get("options") or []:
        if isinstance(option, dict) and "id" in option:
            texts[repr(option["id"])] = option.get("text")
    names = []
    for ident in obj["accept"]:
        if isinstance(ident, str) and ident:
            names.append(ident)
        elif isinstance(ident, int) and not isinstance(ident, bool):
            text = texts.get(repr(ident))
            names.append(text if isinstance(text, str) and text else str(ident))
        else:
            raise LabeltuiError(f"'accept' holds {ident!r}, not an option id", path, number)
    return names


def write(entries: list[Entry], job: ExportJob) -> str:
    """spaCy/Prodigy JSONL for the current lines."""
    if job.kind in ("choice", "multi_choice"):
        return _write_classes(entries, job)
    out = []
    for entry in entries:
        text = text_of(entry, job)
        spans = stored_spans(entry.labels.get(job.task), text, job.task, job.source, entry.line)
        starts, ends = _token_bounds(entry.data.get("tokens"))
        written = []
        for s in spans:
            item: dict[str, Any] = {"start": s["start"], "end": s["end"]}
            if s["start"] in starts and s["end"] in ends:
                item["token_start"] = starts[s["start"]]
                item["token_end"] = ends[s["end"]]
            item["label"] = s["label"]
            written.append(item)
        out.append(dump_line(without_meta(entry.data, "spans", written)))
    return "".join(out)


def _write_classes(entries: list[Entry], job: ExportJob) -> str:
    values = [stored_classes(entry.labels.get(job.task), job, entry) for entry in entries]
    names = list(job.labels)
    for value in values:
        names += [n for n in value if n not in names]
    options = [{"id": name, "text": name} for name in names]
    out = []
    for entry, value in zip(entries, values, strict=True):
        line = {k: v for k, v in entry.data.items() if k not in (*CLASS_KEYS, "answer")}
        line = without_meta(line, "options", options)
        line["accept"] = value
        line["answer"] = "accept"
        line["cats"] = {name: 1.0 if name in value else 0.0 for name in names}
        out.append(dump_line(line))
    return "".join(out)


def _token_bounds(tokens: Any) -> tuple[dict[int, int], dict[int, int]]:
    """Prodigy tokens as {start offset: token id} and {end offset: token id}."""
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    if not isinstance(tokens, list):
        return starts, ends
    for index, token in enumerate(tokens):
        if not isinstance(token, dict):
            return {}, {}
        start, end, ident = token.get("start"), token.get("end"), token.get("id", index)
        if type(start) is not int or type(end) is not int or type(ident) is not int:
            return {}, {}
        starts.setdefault(start, ident)
        ends[end] = ident
    return starts, ends
