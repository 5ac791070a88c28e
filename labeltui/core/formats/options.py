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
