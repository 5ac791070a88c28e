"""The contract between the annotate screen and the editor of one task.

The screen owns item navigation, saving and label-key routing; an editor owns how one task's
value is shown and edited. A printable key that the focused editor does not consume bubbles up
to the screen, which calls `press_label` on the editor whose task has that key (the focused one
first). `enter` (save and advance), `ctrl+z` (undo) and the app keys are the screen's: an
editor must let them bubble. `undo` lets `ctrl+z` undo edits on the item before it undoes saves.
`problems` says what is wrong with the value the editor holds (a pre-filled unknown label,
overlapping spans, a mark past the audio): the screen shows it, and the session refuses to save
it until the annotator fixes it.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message
from textual.widget import Widget

from labeltui.core.answer_check import value_problems
from labeltui.core.items import Item
from labeltui.core.schema import Schema, Task


class TaskEditor(Widget, can_focus=True):
    """Base class: one task's answer for the current item."""

    LOADS_UNMOUNTED = False
    """`load` works before the editor is mounted (it only sets state; no workers, no size)."""

    class Changed(Message):
        """The editor's value changed (the screen refreshes counts and the footer)."""

        def __init__(self, editor: TaskEditor) -> None:
            super().__init__()
            self.editor = editor

    def __init__(self, task: Task, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._schema_task = task
        self.item: Item | None = None
        self.schema: Schema | None = None
        """The whole schema (its text and audio fields), set by the screen."""

    @property
    def task(self) -> Task:  # type: ignore[override]
        """The schema task this editor answers.

        This shadows `MessagePump.task` (the asyncio task of a pump), which Textual only uses
        on the App, never on widgets.
        """
        return self._schema_task

    def load(self, item: Item, value: Any) -> None:
        """Show `item` with `value` (its current annotation or pre-annotation, or None)."""
        self.item = item
        self.set_value(value)

    def set_value(self, value: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def value(self) -> Any:  # pragma: no cover - abstract
        """The JSON value to store under `labels[task.name]` (FORMAT section 3)."""
        raise NotImplementedError

    def problems(self) -> list[str]:
        """What is wrong with the value this editor would save (plain sentences, FORMAT 3)."""
        text = self.item.text if self.item is not None else None
        return value_problems(self.task, self.value(), text)

    def press_label(self, key: str) -> bool:
        """A label key for this task was pressed; return True when it was used."""
        return False

    def undo(self) -> bool:
        """Undo the last edit on this item; return False when there is nothing to undo."""
        return False

    def notify_changed(self) -> None:
        self.post_message(self.Changed(self))
