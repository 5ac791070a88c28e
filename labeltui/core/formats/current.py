"""The current line per item of a dataset or an annotation file: what `export` exports.

An annotation file is append-only and its last line for an item is the current one (FORMAT
section 3): a line with `_status` replaces what came before. A dataset line (no `_status`:
a dataset, or an imported file) counts as an answer too, but, as when a dataset is loaded
(FORMAT section 1), a later dataset line with the same id is a duplicate: the first wins, and
the duplicates are counted. Items keep the order in which they first appeared. Items whose
current line is `skipped` have no answer and are left out, but counted.

A file that several annotators share would give each item its last line whoever wrote it;
`annotator` keeps one annotator's lines, and `Current.annotators` tells who wrote the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeltui.core.formats.files import json_lines
from labeltui.core.ids import BadId, item_id
from labeltui.core.jsonl import GOLD_SUFFIX, is_review_line
from labeltui.errors import LabeltuiError


@dataclass(frozen=True, slots=True)
class Entry:
    """One item's current line."""

    id: str
    data: dict[str, Any]
    line: int
    """1-based line number in the file (for messages)."""

    @property
    def labels(self) -> dict[str, Any]:
        labels = self.data.get("labels")
        return labels if isinstance(labels, dict) else {}


@dataclass(slots=True)
class Current:
    """The current lines of a file, in first-appearance order."""

    path: Path
    entries: list[Entry] = field(default_factory=list)
    skipped: int = 0
    """Items left out because their current line is `_status: skipped`."""
    annotators: list[str] = field(default_factory=list)
    """Every `_annotator` of the file's lines, in order of first appearance."""
    duplicates: int = 0
    """Dataset lines dropped because an earlier line had their id."""


def read_current(
    path: str | Path,
    text_field: str = "text",
    audio_field: str = "audio",
    annotator: str | None = None,
) -> Current:
    """Read `path` and keep the current line of each item (its `_id`, else `item_id`); with
    `annotator`, only the lines whose `_annotator` is that name."""
    path = Path(path)
    latest: dict[str, Entry] = {}  # insertion order is first appearance; values are replaced
    annotators: dict[str, None] = {}
    duplicates = 0
    for number, obj in json_lines(path):
        who = obj.get("_annotator")
        if isinstance(who, str):
            if is_review_line(obj):  # a reviewer's gold line is not their own answer
                who += GOLD_SUFFIX
            annotators.setdefault(who)
        if annotator is not None and who != annotator:
            continue
        ident = obj.get("_id")
        if not isinstance(ident, str):
            try:
                ident = item_id(obj, text_field, audio_field)
            except BadId as exc:
                raise LabeltuiError(str(exc), path, number) from None
        if "_status" not in obj and ident in latest:
            duplicates += 1  # a dataset line: the first wins
            continue
        latest[ident] = Entry(ident, obj, number)
    if annotator is not None and annotator not in annotators:
        found = ", ".join(annotators) if annotators else "none"
        raise LabeltuiError(f"no line by annotator {annotator!r} (annotators: {found})", path)
    current = Current(path, annotators=list(annotators), duplicates=duplicates)
    for entry in latest.values():
        if entry.data.get("_status") == "skipped":
            current.skipped += 1
        else:
            current.entries.append(entry)
    return current
