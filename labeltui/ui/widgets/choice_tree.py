"""The choice editor for nested labels and large label sets (FORMAT section 8).

Keys come per level: the editor has an open node (None: the top level) and shows that node's
children with their keys, and the path above them. A key means the label shown beside it at
that moment, and nothing else:

- the key of a label with labels under it (marked `▸`) opens it: its children and their keys
  show instead (nothing is picked, nothing is saved, in triage too);
- the key of a label without children picks it (choice: selects; multi_choice: toggles);
- `space` picks the open node itself (unless the task is `leaf_only`); `enter` stays "save and
  next", so a key meant to go down a level never saves;
- `backspace` goes up one level; at the top level it clears the answer, as in a flat task
  (`delete` always clears);
- `ctrl+l` opens the picker (`screens.label_picker`): type to filter, `enter` picks.

A value is the picked label's path: choosing a node implies its ancestors, so they are never
listed with it (picking a node drops its ancestors from a multiple choice; a node already
implied by a chosen descendant is left as it is). The chosen paths show one a line under the
level, cut from the left when long (`…/biology/genetics`).

A flat task whose labels outnumber the free keys uses this editor too: the labels without a
key are reached with the picker.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding

from labeltui.core import taxonomy
from labeltui.core.display import visible
from labeltui.core.schema import Label, Task
from labeltui.ui.widgets.choice_editor import ChoiceEditor, label_style

SHOWN_CHOSEN = 4
"""At most this many chosen paths are listed (the rest are counted on one line)."""
SHOWN_LEVEL = 62
"""At most this many labels of one level are shown (those with keys come first)."""


def needs_tree(task: Task) -> bool:
    """A task whose keys do not reach every label at one level: nested, or keyless labels."""
    return task.nested or any(not label.key for label in task.labels)


class TreeChoiceEditor(ChoiceEditor, inherit_bindings=False):
    """A choice editor that drills down a tree of labels and has the picker."""

    BINDINGS = [
        Binding("backspace", "back", "Up one level (at the top: clear the answer)", show=False),
        Binding("delete", "clear", "Clear this task's answer", show=False),
        Binding("space", "pick_open", "Pick the open label itself", key_display="space"),
        Binding("ctrl+l", "find", "Find label", key_display="^l"),
    ]

    def __init__(self, task, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(task, id=id, classes=classes)
        self.open_node: str | None = None
        """The label whose children the keys pick now (None: the top level)."""
        self.moved_only = False
        """The last key only opened a level (nothing picked): the screen must not save."""
        self.by_name: dict[str, Label] = {label.name: label for label in task.labels}
        self.levels: dict[str | None, list[Label]] = {}
        for label in task.labels:
            self.levels.setdefault(label.parent, []).append(label)
        self.order = {label.name: i for i, label in enumerate(task.labels)}
        self._index: Any = None

    # -- state -----------------------------------------------------------------------------

    def set_value(self, value: Any) -> None:
        self.open_node = None  # a new item (or another answer) starts at the top level
        super().set_value(value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick_open":
            return self.open_node is not None and not self.task.leaf_only
        return True

    def label_for_key(self, key: str) -> Label | None:
        """The label `key` picks now: among the open node's children."""
        return self.task.label_for_key(key, self.open_node)

    def press_label(self, key: str) -> bool:
        label = self.label_for_key(key)
        self.moved_only = False
        if label is None:
            return False
        if label.inner:
            self.open(label.name)
            self.moved_only = True
            if not self.has_focus:
                self.focus()  # backspace and space now act on this level
            return True
        self.pick(label, toggle=True)
        return True

    def open(self, name: str | None) -> None:
        self.open_node = name
        self.refresh(layout=True)
        self.refresh_bindings()

    def pick(self, label: Label, toggle: bool = False) -> None:
        """Choose `label` (its ancestors are implied); in a multiple choice, `toggle` turns a
        chosen one off again."""
        if self.task.leaf_only and label.inner:
            self.notify(
                f"{visible(label.name)} has labels under it; this task takes only labels "
                "without children",
                severity="warning",
                timeout=3,
            )
            return
        self.raw = None
        name = label.name
        if not self.multi:
            self.selected = [name]
        elif name in self.selected:
            if toggle:
                self.selected.remove(name)
        elif any(s.startswith(name + taxonomy.SEPARATOR) for s in self.selected):
            self.notify(f"{visible(name)} is chosen already: a label under it is", timeout=3)
            return
        else:
            above = set(taxonomy.ancestors(name))
            self.selected = [s for s in self.selected if s not in above] + [name]
            self.selected.sort(key=lambda s: self.order.get(s, -1))
        self.refresh(layout=True)
        self.notify_changed()

    # -- actions -----------------------------------------------------------------------------

    def action_back(self) -> None:
        """Up one level; at the top level, clear the answer (as `backspace` does in a flat
        task)."""
        if self.open_node is None:
            self.action_clear()
        else:
            self.open(taxonomy.parent_of(self.open_node))

    def action_pick_open(self) -> None:
        """Pick the open node itself (`space`): `enter` stays "save and next"."""
        if self.open_node is not None and self.open_node in self.by_name:
            self.pick(self.by_name[self.open_node])

    def action_find(self) -> None:
        """Open the picker; what it picks is chosen here, and its level opens."""
        from labeltui.ui.screens.label_picker import LabelPicker

        if self._index is None:
            from labeltui.core.label_search import LabelIndex

            self._index = LabelIndex(self.task.labels)
        self.app.push_screen(LabelPicker(self.task, self._index), self.picked)

    def picked(self, name: str | None) -> None:
        label = self.by_name.get(name) if name is not None else None
        if label is None:
            return
        if label.inner and self.task.leaf_only:
            self.open(label.name)  # not an answer: show its children instead
            return
        self.open(label.parent)  # the picked label is on the level shown
        if self.multi and label.name in self.selected:
            return  # the picker picks; it never turns a label off
        self.pick(label)

    # -- drawing -----------------------------------------------------------------------------

    def render(self) -> RenderableType:
        width = max(20, self.size.width - 2 if self.size.width else 78)
        parts: list[RenderableType] = [self._where(width)]
        level = self.levels.get(self.open_node, [])
        keyed = [label for label in level if label.key]
        shown = (keyed + [label for label in level if not label.key])[:SHOWN_LEVEL]
        if shown:
            cells = [self._cell(label) for label in shown]
            widest = max(cell.cell_len for cell in cells) + 2
            columns = max(1, min(len(cells), width // max(widest, 1)))
            grid = Table.grid(padding=(0, 2), expand=False)
            for _ in range(columns):
                grid.add_column(no_wrap=True, overflow="ellipsis", max_width=width // columns)
            for row in range(0, len(cells), columns):
                grid.add_row(*cells[row : row + columns])
            parts.append(grid)
        hidden = len(level) - len(shown)
        if hidden > 0 or len(keyed) < len(level):
            more = len(level) - len(keyed)
            parts.append(Text(f"  {more} more without a key here: ^l finds them", style="dim"))
        parts.append(self._chosen(width))
        return Group(*parts)

    def _where(self, width: int) -> Text:
        """The path above the level shown, and what `backspace` and `space` do there."""
        text = Text()
        if self.open_node is None:
            text.append("▸ top", style="bold")
            text.append("  ^l find a label", style="dim")
            return text
        keys = "  ⌫ up" + ("" if self.task.leaf_only else " · space picks it") + " · ^l find"
        room = max(8, width - cell_len(keys) - 2)
        text.append("▸ ", style="bold")
        text.append(visible(taxonomy.abbreviate(self.open_node, room, cell_len)), style="bold")
        text.append(keys, style="dim")
        text.truncate(width, overflow="ellipsis")
        return text

    def _chosen(self, width: int) -> Text:
        """The chosen paths, one a line, cut from the left when long."""
        text = Text()
        if self.raw is not None:
            return text
        if not self.selected:
            text.append("  chosen: nothing", style="dim")
            return text
        for n, name in enumerate(self.selected[:SHOWN_CHOSEN]):
            if n:
                text.append("\n")
            text.append("  ✓ ", style="bold")
            label = self.by_name.get(name)
            shown = taxonomy.abbreviate(visible(name), max(8, width - 4), cell_len)
            text.append(shown, style=label_style(label.color if label else None) + " bold")
        if len(self.selected) > SHOWN_CHOSEN:
            text.append(f"\n  … and {len(self.selected) - SHOWN_CHOSEN} more chosen", style="dim")
        return text

    def _cell(self, label: Label) -> Text:
        name = label.name
        chosen = name in self.selected
        below = label.inner and any(s.startswith(name + taxonomy.SEPARATOR) for s in self.selected)
        if self.multi:
            mark = "[x]" if chosen else "[~]" if below else "[ ]"
        else:
            mark = "(•)" if chosen else "(~)" if below else "( )"
        text = Text()
        text.append(f" {label.key or ' '} ", style="reverse bold" if label.key else "")
        text.append(f" {mark} ", style="bold" if chosen or below else "")
        short = name.rsplit(taxonomy.SEPARATOR, 1)[-1] if self.task.nested else name
        text.append(visible(short), style="bold underline" if chosen else "bold")
        if label.inner:
            text.append(" ▸", style="bold")
        if label.hint:
            text.append(f"  {visible(label.hint)}", style="dim")
        if chosen:
            text.stylize(label_style(label.color), 4)
        return text
