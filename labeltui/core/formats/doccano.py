"""doccano sequence-labelling JSONL: `{"text": ..., "label": [[start, end, "LABEL"], ...]}`.

Read: the spans are under `label` (doccano 1.2 and later), `labels` (older exports), or
`entities` as `{"start_offset", "end_offset", "label"}` objects (exports of projects with
relations). Offsets are code points. Overlapping and nested spans are kept. A line without any
of these keys is an item without pre-annotations. Every other field (`id`, `meta`,
`annotation_approver`, `relations`, ...) is kept as it is.

Write: the item's own fields with `label` as triples, in the place of the `labels` object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import dump_line, json_lines, type_name
from labeltui.core.formats.options import ExportJob, ImportOptions, text_of
from labeltui.core.formats.values import sort_spans, span, stored_spans, with_labels, without_meta
from labeltui.errors import LabeltuiError

KEYS = ("label", "labels", "entities")


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """Dataset lines with the file's spans under `labels[opts.task]`."""
    items = []
    for number, obj in json_lines(path):
        text = obj.get(opts.text_field)
        if not isinstance(text, str):
            raise LabeltuiError(
                f"the line has no '{opts.text_field}' field with the text", path, number
            )
        key = next((k for k in KEYS if isinstance(obj.get(k), list)), None)
        if key is None:
            bad = next((k for k in ("label", "entities") if k in obj), None)
            if bad is not None:
                raise LabeltuiError(
                    f"'{bad}' must be a list of spans, not {type_name(obj[bad])}", path, number
                )
            items.append(obj)
            continue
        spans = [_span(text, entry, key, i, path, number) for i, entry in enumerate(obj[key], 1)]
        items.append(with_labels(obj, key, opts.task, sort_spans(spans)))
    return items


def _span(text: str, entry: Any, key: str, index: int, path: Path, line: int) -> dict[str, Any]:
    what = f"'{key}' entry {index}"
    if key == "entities":
        if not isinstance(entry, dict):
            raise LabeltuiError(
                f"{what} must be an object with start_offset, end_offset and label", path, line
            )
        missing = [k for k in ("start_offset", "end_offset", "label") if k not in entry]
        if missing:
            raise LabeltuiError(f"{what} has no {', '.join(missing)}", path, line)
        return span(
            text, entry["start_offset"], entry["end_offset"], entry["label"], path, line, what
        )
    if not isinstance(entry, list) or len(entry) != 3:
        hint = " (this looks like a text classification export)" if isinstance(entry, str) else ""
        raise LabeltuiError(f'{what} must be [start, end, "LABEL"]{hint}', path, line)
    return span(text, entry[0], entry[1], entry[2], path, line, what)


def write(entries: list[Entry], job: ExportJob) -> str:
    """doccano JSONL for the current lines."""
    out = []
    for entry in entries:
        text = text_of(entry, job)
        spans = stored_spans(entry.labels.get(job.task), text, job.task, job.source, entry.line)
        triples = [[s["start"], s["end"], s["label"]] for s in spans]
        out.append(dump_line(without_meta(entry.data, "label", triples)))
    return "".join(out)
