"""The editor for `choice` and `multi_choice` tasks: the labels, their keys, and hints.

Selected labels are marked with `(•)` / `[x]` as well as colour, so the choice reads the same
in a monochrome terminal. Labels flow into as many columns as the width allows.

A label's key always means "this label": in a single choice it selects the label (pressing it
again keeps it selected, so confirming a pre-filled guess never clears it); in a multiple choice
it toggles the label. Clearing is its own key, `backspace` (or `delete`). A loaded value that is
not an answer of this task (an unknown label) is kept as it is, and flagged by the screen, until
a label key or the clear key replaces it: it is never dropped unseen nor saved.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding

from labeltui.core.answer_check import value_problems
from labeltui.core.display import visible
from labeltui.ui.widgets.task_editor import TaskEditor


class ChoiceEditor(TaskEditor):
    """Single choice (a key selects its label) or multiple choice (keys toggle); `backspace`
    clears."""

    LOADS_UNMOUNTED = True

    BINDINGS = [
        Binding(
            "backspace,delete", "clear", "Clear this task's answer", key_display="⌫", show=False
        )
    ]

    DEFAULT_CSS = """
    ChoiceEditor {
        height: auto;
        padding: 0 1;
    }
    ChoiceEditor:focus {
        background: $boost;
    }
    """

    def __init__(self, task, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(task, id=id, classes=classes)
        self.selected: list[str] = []
        self.raw: Any = None
        """The loaded value while it is not an answer of this task (shown flagged, returned by
        `value` so that it cannot be saved), until a label key or the clear key replaces it."""

    @property
    def multi(self) -> bool:
        return self.task.kind == "multi_choice"

    def set_value(self, value: Any) -> None:
        names = self.task.label_names
        self.raw = value if value_problems(self.task, value) else None
        if self.multi:
            chosen = set(value) if isinstance(value, list) else set()
            self.selected = [name for name in names if name in chosen]
        else:
            self.selected = [value] if isinstance(value, str) and value in names else []
        self.refresh(layout=True)

    def value(self) -> Any:
        if self.raw is not None:
            return self.raw
        if self.multi:
            return list(self.selected)
        return self.selected[0] if self.selected else None

    def press_label(self, key: str) -> bool:
        label = self.task.label_for_key(key)
        if label is None:
            return False
        self.raw = None
        if self.multi:
            if label.name in self.selected:
                self.selected.remove(label.name)
            else:
                self.selected.append(label.name)
            order = self.task.label_names
            self.selected.sort(key=order.index)
        else:
            self.selected = [label.name]  # again: stays selected (clearing is `backspace`)
        self.refresh(layout=True)
        self.notify_changed()
        return True

    def action_clear(self) -> None:
        """Clear this task's answer (`backspace`/`delete`): no label selected."""
        had = bool(self.selected) or self.raw is not None
        self.selected, self.raw = [], None
        self.refresh(layout=True)
        if had:
            self.notify_changed()

    def choose(self, name: str) -> None:
        """Select `name` (used by triage, where a key saves at once)."""
        self.selected, self.raw = [name], None
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        width = max(20, self.size.width - 2 if self.size.width else 78)
        cells = [self._cell(label) for label in self.task.labels]
        widest = max(cell.cell_len for cell in cells) + 2
        columns = max(1, min(len(cells), width // max(widest, 1)))
        grid = Table.grid(padding=(0, 2), expand=False)
        for _ in range(columns):
            grid.add_column(no_wrap=True, overflow="ellipsis", max_width=width // columns)
        for row in range(0, len(cells), columns):
            grid.add_row(*cells[row : row + columns])
        return grid

    def _cell(self, label) -> Text:
        chosen = label.name in self.selected
        if self.multi:
            mark = "[x]" if chosen else "[ ]"
        else:
            mark = "(•)" if chosen else "( )"
        text = Text()
        text.append(f" {label.key} ", style="reverse bold")
        text.append(f" {mark} ", style="bold" if chosen else "")
        text.append(visible(label.name), style="bold underline" if chosen else "bold")
        if label.hint:
            text.append(f"  {visible(label.hint)}", style="dim")
        if chosen:
            text.stylize(label_style(label.color), 4)
        return text


def label_style(color: str | None, default: str = "green") -> str:
    """A label's colour as a Rich style; an unknown colour name falls back to the default."""
    from rich.color import Color, ColorParseError

    if color:
        try:
            Color.parse(color)
            return color
        except ColorParseError:
            pass
    return default
