"""The editor for `choice` and `multi_choice` tasks: the labels, their keys, and hints.

Selected labels are marked with `(•)` / `[x]` as well as colour, so the choice reads the same
in a monochrome terminal. Labels flow into as many columns as the width allows.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from labeltui.core.display import visible
from labeltui.ui.widgets.task_editor import TaskEditor


class ChoiceEditor(TaskEditor):
    """Single choice (a key selects, again deselects) or multiple choice (keys toggle)."""

    LOADS_UNMOUNTED = True

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

    @property
    def multi(self) -> bool:
        return self.task.kind == "multi_choice"

    def set_value(self, value: Any) -> None:
        names = self.task.label_names
        if self.multi:
            chosen = set(value) if isinstance(value, list) else set()
            self.selected = [name for name in names if name in chosen]
        else:
            self.selected = [value] if isinstance(value, str) and value in names else []
        self.refresh(layout=True)

    def value(self) -> Any:
        if self.multi:
            return list(self.selected)
        return self.selected[0] if self.selected else None

    def press_label(self, key: str) -> bool:
        label = self.task.label_for_key(key)
        if label is None:
            return False
        if self.multi:
            if label.name in self.selected:
                self.selected.remove(label.name)
            else:
                self.selected.append(label.name)
            order = self.task.label_names
            self.selected.sort(key=order.index)
        else:
            self.selected = [] if self.selected == [label.name] else [label.name]
        self.refresh(layout=True)
        self.notify_changed()
        return True

    def choose(self, name: str) -> None:
        """Select `name` (used by triage, where a key saves at once)."""
        self.selected = [name]
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
