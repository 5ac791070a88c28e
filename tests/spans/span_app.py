"""A tiny app around one SpanEditor that routes keys the way the annotate screen does."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.events import Key

from labeltui.core.items import Item
from labeltui.core.schema import RESERVED_KEYS, parse_schema
from labeltui.ui.widgets.span_editor import SpanEditor

SCHEMA = """\
tasks:
  - name: entities
    kind: spans
    labels:
      - {name: PERSON, key: p, color: magenta}
      - {name: ORG, key: o, color: cyan}
      - {name: LOC, key: l, color: green}
"""


def schema_task(text: str = SCHEMA, **changes: Any):
    task = parse_schema(text).tasks[0]
    if changes:
        from dataclasses import replace

        task = replace(task, **changes)
    return task


class SpanApp(App[None]):
    """Mounts a SpanEditor; label keys go to `press_label`, ctrl+z to `undo`, enter is counted."""

    BINDINGS = [
        Binding("ctrl+z", "undo", "Undo"),
        Binding("enter", "save", "Save"),
        Binding("escape", "escape", "Escape"),
    ]

    def __init__(self, text: str, value: Any = None, task=None) -> None:
        super().__init__()
        self.task_ = task or schema_task()
        self.item = Item(index=0, id="x", data={"text": text}, text=text)
        self.value = value
        self.saves = 0
        self.undos_passed = 0
        self.escapes = 0
        self.changes = 0
        self.editor = SpanEditor(self.task_, id="task-entities")

    def compose(self) -> ComposeResult:
        yield self.editor

    def on_mount(self) -> None:
        self.editor.load(self.item, self.value)
        self.editor.focus()

    def on_key(self, event: Key) -> None:
        char = event.character
        if not char or not char.isprintable() or char in RESERVED_KEYS:
            return
        if self.editor.press_label(char):
            event.stop()
            event.prevent_default()

    def action_undo(self) -> None:
        if not self.editor.undo():
            self.undos_passed += 1

    def action_save(self) -> None:
        self.saves += 1

    def action_escape(self) -> None:
        self.escapes += 1

    def on_task_editor_changed(self) -> None:
        self.changes += 1


def rows(editor: SpanEditor) -> list[str]:
    """The rows of the text view as plain text (what the terminal shows, without styles)."""
    view = editor.view
    return [
        "".join(seg.text for seg in view.render_line(y)).rstrip() for y in range(view.size.height)
    ]


def marked(editor: SpanEditor, *, reverse: bool | None = None, underline: bool | None = None):
    """The text of the cells drawn with reverse video and/or underline, row by row joined."""
    view = editor.view
    out = []
    for y in range(view.size.height):
        for seg in view.render_line(y):
            style = seg.style
            if style is None:
                continue
            if reverse is not None and bool(style.reverse) != reverse:
                continue
            if underline is not None and bool(style.underline) != underline:
                continue
            out.append(seg.text)
    return "".join(out)
