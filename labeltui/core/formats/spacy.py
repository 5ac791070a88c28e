"""spaCy/Prodigy JSONL (`ner_manual` output): `{"text": ..., "spans": [{"start", "end", "label"}]}`.

Read: offsets are code points; overlapping and nested spans are kept; a span that carries its
own `text` must match the offsets (this catches files that count UTF-16 units, where every
emoji before a span shifts it by one). Extra keys of a span (`token_start`, `source`, ...) are
not kept: the span is `{start, end, label, text}` as FORMAT stores it. Every other field of the
line (`tokens`, `answer`, `meta`, `_input_hash`, ...) is kept. A line without `spans` is an
item without pre-annotations.

Write: `{"start", "end", "label"}` per span, plus `token_start`/`token_end` (inclusive, as
Prodigy has them) when the line has Prodigy `tokens` and the span starts and ends on them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import dump_line, json_lines, type_name
from labeltui.core.formats.options import ExportJob, ImportOptions, text_of
from labeltui.core.formats.values import (
    check_span_text,
    sort_spans,
    span,
    stored_spans,
    with_labels,
    without_meta,
)
from labeltui.errors import LabeltuiError


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """Dataset lines with the file's spans under `labels[opts.task]`."""
    items = []
    for number, obj in json_lines(path):
        text = obj.get(opts.text_field)
        if not isinstance(text, str):
            raise LabeltuiError(
                f"the line has no '{opts.text_field}' field with the text", path, number
            )
        if "spans" not in obj or obj["spans"] is None:
            items.append(obj)
            continue
        raw = obj["spans"]
        if not isinstance(raw, list):
            raise LabeltuiError(
                f"'spans' must be a list of spans, not {type_name(raw)}", path, number
            )
        spans = []
        for index, entry in enumerate(raw, start=1):
            what = f"span {index}"
            if not isinstance(entry, dict):
                raise LabeltuiError(f"{what} must be an object {{start, end, label}}", path, number)
            missing = [k for k in ("start", "end", "label") if k not in entry]
            if missing:
                raise LabeltuiError(f"{what} has no {', '.join(missing)}", path, number)
            made = span(text, entry["start"], entry["end"], entry["label"], path, number, what)
            check_span_text(entry, made, path, number, what)
            spans.append(made)
        items.append(with_labels(obj, "spans", opts.task, sort_spans(spans)))
    return items


def write(entries: list[Entry], job: ExportJob) -> str:
    """spaCy/Prodigy JSONL for the current lines."""
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
