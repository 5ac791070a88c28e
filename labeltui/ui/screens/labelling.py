"""What the annotate and review screens share: editors, moving, undo, scrolling and help.

A subclass names the core object that moves between items and undoes saves as `navigator` (a
`Session` or a `Review`), and defines `show_item` and `key_groups`.
"""

from __future__ import annotations

from typing import Protocol

from textual.containers import VerticalScroll
from textual.screen import Screen

from labeltui.core.schema import Schema
from labeltui.ui.screens.help import HelpScreen, key_label
from labeltui.ui.widgets.task_editor import TaskEditor


class Navigator(Protocol):
    def next(self) -> bool: ...
    def previous(self) -> bool: ...
    def undo(self) -> bool: ...


class LabellingScreen(Screen[None]):
    """A screen with one editor per task over items that a navigator moves between."""

    def __init__(self, schema: Schema) -> None:
        super().__init__()
        from labeltui.ui.screens.annotate import editor_for

        self.schema = schema
        self.editors: list[TaskEditor] = [editor_for(task) for task in schema.tasks]
        self.text_in_editor = any(task.kind == "spans" for task in schema.tasks)
        """A spans task draws the text itself, in its editor."""
        self.audio = any(task.kind == "audio_marks" for task in schema.tasks)

    @property
    def navigator(self) -> Navigator:
        raise NotImplementedError

    def show_item(self) -> None:
        raise NotImplementedError

    def key_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        raise NotImplementedError

    def labels(self) -> dict:
        return {editor.task.name: editor.value() for editor in self.editors}

    def action_next(self) -> None:
        if self.navigator.next():
            self.show_item()

    def action_previous(self) -> None:
        if self.navigator.previous():
            self.show_item()

    def action_undo(self) -> None:
        """Undo the focused editor's last edit; with none left, the last save."""
        focused = self.focused
        if isinstance(focused, TaskEditor) and focused.undo():
            return
        if self.navigator.undo():
            self.show_item()
            self.notify("Undid the last save.", timeout=2)
        else:
            self.notify("Nothing to undo.", timeout=2)

    def action_scroll_text(self, lines: int) -> None:
        if not self.text_in_editor:
            self.query_one("#item-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.schema, self.key_groups()))

    def task_key_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each task's label keys and editor keys, for the help screen."""
        groups = []
        for task, editor in zip(self.schema.tasks, self.editors, strict=True):
            rows = [
                (label.key, f"{label.name}" + (f" — {label.hint}" if label.hint else ""))
                for label in task.labels
            ]
            for binding in getattr(editor, "BINDINGS", []):
                if hasattr(binding, "key"):
                    rows.append((key_label(binding.key), binding.description))
            groups.append((f"Task {task.name} ({task.kind.replace('_', ' ')})", rows))
        return groups
