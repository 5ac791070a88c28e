"""Does the dataset hold the fields the schema needs? Asked before any session starts.

A schema written for another dataset otherwise opens without a word and then shows "no audio
field" (or a bare list of fields) on every item. The fields needed:

- `spans` tasks need the text field (`text_field`), holding a string;
- `audio_marks` tasks need the audio field (`audio_field`), holding a path;
- a schema of `choice`/`multi_choice` tasks only shows the text field, so it needs that field
  (with any value) unless the schema sets `text_field: null` (then each item's fields are shown).

It is a fit only when no item at all has a needed field: single items without it are each
item's own problem (`validate` names their lines; the app lets them be skipped). `validate`
feeds every item to a `FitCheck`; `annotate` checks the head of the file (`check_head`: the
first 100 items or 64 KB), which is enough to catch the wrong schema before the first screen.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeltui.core.annotations.parse import BOM, BadLine, parse_line
from labeltui.core.schema import Schema
from labeltui.errors import LabeltuiError

HEAD_ITEMS = 100
"""Items `check_head` reads at most."""
HEAD_BYTES = 64 << 10
"""Bytes `check_head` reads at most, unless the first line is longer (then up to `MAX_LINE`)."""
MAX_LINE = 8 << 20
"""A first line longer than this is not read for the check (the index still reads it)."""
_SHOWN_FIELDS = 12


@dataclass(frozen=True)
class Need:
    """A field the schema needs, and which of its tasks need it."""

    name: str
    """The field's name in each item."""
    setting: str
    """The schema key that names the field: `text_field` or `audio_field`."""
    what: str
    """What the field holds, in words: "text" or "audio"."""
    tasks: tuple[str, ...]
    kinds: str
    """The tasks' kind(s), in words (for the message)."""
    has: Callable[[Any], bool] = field(compare=False)
    """Whether a value of the field is what the tasks need."""
    holds: str = ""
    """What kind of value it must be, for the message (" (a string)"), if any."""
    optional: bool = False
    """The schema may say the items have no such field (`text_field: null`)."""


def needs(schema: Schema) -> tuple[Need, ...]:
    """The fields `schema` needs from the dataset's items (see the module docstring)."""
    found = []
    spans = tuple(t.name for t in schema.tasks if t.kind == "spans")
    audio = tuple(t.name for t in schema.tasks if t.kind == "audio_marks")
    if spans and schema.text_field:
        found.append(
            Need(
                schema.text_field,
                "text_field",
                "text",
                spans,
                "spans",
                has=lambda value: isinstance(value, str),
                holds=" (a string)",
            )
        )
    if audio and schema.audio_field:
        found.append(
            Need(
                schema.audio_field,
                "audio_field",
                "audio",
                audio,
                "audio_marks",
                has=lambda value: isinstance(value, str) and bool(value),
                holds=" (a file path)",
            )
        )
    if not spans and not audio and schema.text_field:
        names = tuple(t.name for t in schema.tasks)
        kinds = "/".join(sorted({t.kind for t in schema.tasks}))
        found.append(
            Need(
                schema.text_field,
                "text_field",
                "text",
                names,
                kinds,
                has=lambda value: value is not None,
                optional=True,
            )
        )
    return tuple(found)


class FitCheck:
    """Counts, over the items it is given, how many have each field the schema needs."""

    def __init__(self, schema: Schema) -> None:
        self.needs = needs(schema)
        self.have = [0] * len(self.needs)
        self.items = 0
        self.fields: dict[str, None] = {}
        """The items' top-level field names, in the order first met (a few, for the message)."""

    def add(self, obj: dict[str, Any]) -> None:
        self.items += 1
        for i, need in enumerate(self.needs):
            if need.has(obj.get(need.name)):
                self.have[i] += 1
        if len(self.fields) < _SHOWN_FIELDS + 1:
            for key in obj:
                self.fields.setdefault(key, None)

    def error(self, path: str | Path, first: bool = False) -> LabeltuiError | None:
        """The fit problem (no item has a needed field), or None.

        `first`: the items were the head of the file, not all of it (said in the message).
        """
        if not self.items:
            return None
        for need, have in zip(self.needs, self.have, strict=True):
            if have:
                continue
            noun = "item" if self.items == 1 else "items"
            checked = f"the first {self.items} {noun}" if first else f"all {self.items} {noun}"
            tasks = ", ".join(repr(name) for name in need.tasks)
            task_word = "task" if len(need.tasks) == 1 else "tasks"
            names = list(self.fields)
            shown = ", ".join(repr(name) for name in names[:_SHOWN_FIELDS])
            if len(names) > _SHOWN_FIELDS:
                shown += ", …"
            hint = f"set '{need.setting}' in the schema to the field that holds the {need.what}"
            if need.optional:
                hint += " (or to null to show each item's fields)"
            return LabeltuiError(
                f"no item has the {need.what} field {need.name!r}{need.holds} that the schema's "
                f"{need.kinds} {task_word} {tasks} need{'s' * (len(need.tasks) == 1)} "
                f"(checked {checked}; their fields: {shown or 'none'}); {hint}",
                path,
            )
        return None


def read_head(path: str | Path) -> tuple[list[dict[str, Any]], bool]:
    """The JSON objects on the first lines of a regular file (up to `HEAD_ITEMS`, or the lines
    within `HEAD_BYTES`; at least the first line when it is under `MAX_LINE`), and whether they
    are all the file holds.

    Lines that are not JSON objects are passed over: the index reports them with their line
    (both judge a line by `annotations.parse.parse_line`). A FIFO, a device or an unreadable
    file gives nothing (the index refuses those). Not the line iterator: this reads a bounded
    head, and a first line over `MAX_LINE` is not read at all.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return [], False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return [], False
        parts = [os.pread(fd, HEAD_BYTES, 0)]
        size = len(parts[0])
        while b"\n" not in parts[-1] and size < min(info.st_size, MAX_LINE):
            more = os.pread(fd, 1 << 20, size)
            if not more:
                break
            parts.append(more)
            size += len(more)
        block = b"".join(parts)
    except OSError:
        return [], False
    finally:
        os.close(fd)
    whole = len(block) >= info.st_size
    lines = block.split(b"\n")
    if not whole:
        lines.pop()  # cut short: not a whole line
    if lines and lines[0].startswith(BOM):
        lines[0] = lines[0][3:]
    objects: list[dict[str, Any]] = []
    for number, raw in enumerate(lines):
        if len(objects) >= HEAD_ITEMS:
            return objects, not any(rest.strip() for rest in lines[number:]) and whole
        if not raw.strip():
            continue
        try:
            obj = parse_line(raw.strip())
        except BadLine:
            continue
        if isinstance(obj, dict):
            objects.append(obj)
    return objects, whole


def check_head(schema: Schema, path: str | Path) -> None:
    """Raise when none of the first items of the dataset has a field the schema needs."""
    check = FitCheck(schema)
    if not check.needs:
        return
    objects, whole = read_head(path)
    for obj in objects:
        check.add(obj)
    problem = check.error(path, first=not whole)
    if problem is not None:
        raise problem
