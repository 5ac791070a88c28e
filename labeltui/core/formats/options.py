"""What a reader or writer is told, and what it reports back, shared by every format.

Kept apart from the registry so that format modules can use these without importing it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.errors import LabeltuiError


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to read another tool's file into dataset lines."""

    task: str
    """The task the annotations go under (TextGrid: only this tier when `only_task`)."""
    audio: str | None = None
    """The audio field's value for one-item-per-file formats (TextGrid, Audacity)."""
    text_field: str = "text"
    audio_field: str = "audio"
    only_task: bool = False
    """TextGrid: `--task` was given, so import that tier alone."""
    user: str | None = None
    """doccano 1.0 `annotations`: import this user's annotations only (name or numeric id)."""
    label_file: Path | None = None
    """doccano 1.0: the project's label file (JSON list of `{"id", "text"}`) naming label ids."""
    class_task: str | None = None
    """Where classification answers go (`choice`/`multi_choice`), default `category`."""
    class_kind: str | None = None
    """`choice` or `multi_choice` when the schema says which (else: `multi_choice`)."""
    kinds: dict[str, str] = field(default_factory=dict)
    """The schema's task kinds by name (`--schema`), for formats with a task per tier/tag."""
    notes: Counter[str] = field(default_factory=Counter)
    """Things the reader left out or changed, counted, for the command's summary."""
    warnings: list[str] = field(default_factory=list)
    """Things the user must know (printed on stderr)."""
    stale: list[str] = field(default_factory=list)
    """Where a span's own `text` is not the text at its offsets (imported by its offsets)."""

    def note(self, what: str, count: int = 1) -> None:
        if count:
            self.notes[what] += count


@dataclass(slots=True)
class ExportJob:
    """How to write current lines in another tool's format; collects notes while it does."""

    source: Path
    tasks: tuple[str, ...]
    """The tasks to export: one, except for TextGrid (a tier per task)."""
    text_field: str = "text"
    audio_field: str = "audio"
    tokenizer: str = "words"
    """CoNLL: the tokenizer mode of the spans task (`words` or `chars`)."""
    notes: Counter[str] = field(default_factory=Counter)
    """Things the format could not say exactly, counted, for the command's summary."""
    kind: str = "spans"
    """The kind of the task(s) written: a format that carries several kinds writes this one."""
    labels: tuple[str, ...] = ()
    """The task's label names from the schema (classification `options`), when known."""
    kinds: dict[str, str] = field(default_factory=dict)
    """The kind of each task written, for formats that write several tasks (Label Studio)."""
    annotators: dict[str, list[Entry]] = field(default_factory=dict)
    """Each annotator's current lines, for a format that keeps them apart (Label Studio: one
    annotation each); empty when the file has one annotator or `--annotator` chose one."""

    @property
    def task(self) -> str:
        return self.tasks[0]

    def note(self, what: str, count: int = 1) -> None:
        if count:
            self.notes[what] += count


def text_of(entry: Entry, job: ExportJob) -> str:
    """The item's text, or an error naming its line."""
    value: Any = entry.data.get(job.text_field)
    if not isinstance(value, str):
        raise LabeltuiError(
            f"item {entry.id!r} has no text: its '{job.text_field}' field is missing or not a "
            "string (use --schema if the text is in another field)",
            job.source,
            entry.line,
        )
    return value
