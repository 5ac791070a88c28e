"""The current line per item of a dataset or an annotation file: what `export` exports.

An annotation file is append-only and its last line for an item is the current one (FORMAT
section 3): a line with `_status` replaces what came before. A dataset line (no `_status`:
a dataset, or an imported file) counts as an answer too (the one `_status` rule,
`annotations.line`), but, as when a dataset is loaded (FORMAT section 1), a later dataset line
with the same id is a duplicate: the first wins, and the duplicates are counted. Items keep
the order in which they first appeared. Items whose current line is `skipped` have no answer
and are left out, but counted. Lines are checked as every reader checks them
(`AnnotationLine`): a bad `_status`, `_annotator`, `_id` or `labels` is an error naming the
line.

A file that several annotators share would give each item its last line whoever wrote it;
`annotator` keeps one annotator's lines, and `Current.annotators` tells who wrote the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeltui.core.annotations.line import AnnotationLine
from labeltui.core.annotations.lines import read_lines
from labeltui.core.annotations.parse import BadLine
from labeltui.errors import LabeltuiError


@dataclass(frozen=True, slots=True)
class Entry:
    """One item's current line."""

    id: str
    data: dict[str, Any]
    line: int
    """1-based line number in the file (for messages)."""
    labels: dict[str, Any] = field(default_factory=dict)
    """The line's `labels` object (`{}` when it has none)."""


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
    latest: dict[str, tuple[Entry, bool]] = {}  # insertion order is first appearance
    annotators: dict[str, None] = {}
    duplicates = 0
    for number, _, _, obj in read_lines(path):
        try:
            line = AnnotationLine.of(obj, text_field, audio_field)
        except BadLine as exc:
            raise LabeltuiError(exc.message, path, number) from None
        who = line.annotator
        if who is not None:
            annotators.setdefault(who)
        if annotator is not None and who != annotator:
            continue
        if "_status" not in obj and line.id in latest:
            duplicates += 1  # a dataset line: the first wins
            continue
        latest[line.id] = (Entry(line.id, obj, number, line.labels), line.done)
    if annotator is not None and annotator not in annotators:
        found = ", ".join(annotators) if annotators else "none"
        raise LabeltuiError(f"no line by annotator {annotator!r} (annotators: {found})", path)
    current = Current(path, annotators=list(annotators), duplicates=duplicates)
    for entry, done in latest.values():
        if done:
            current.entries.append(entry)
        else:
            current.skipped += 1
    return current
