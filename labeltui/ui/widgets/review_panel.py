"""The review panel: every annotator's answer to the shown item, side by side, per task.

One row per annotator: the key that takes their answer, a `✓` when their whole answer equals
what `enter` would save now (they will be in `_from`), their name, and their answer. What
disagrees is marked with `≠` and bold, so the panel reads the same without colour: an answer
(choice, multiple choice), or a span or mark, that no strict majority of the annotators gave
(marks match within the tolerance). When two annotators differ, both sides are marked.

Nested labels (FORMAT section 8) show one path a line, cut from the left when long, and mark
the differences per level: a name on a path is underlined when no strict majority of the
annotators chose that node or one under it (`science/biology/≠genetics` against
`science/biology/ecology`: they agree on the first two levels).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from labeltui.core import taxonomy
from labeltui.core.audio.waveform import format_time
from labeltui.core.display import visible
from labeltui.core.review.compare import outvoted, outvoted_elements, task_disagreement
from labeltui.core.review.load import ReviewItem
from labeltui.core.schema import Schema, Task
from labeltui.ui.widgets.choice_editor import label_style

DIFFERS = "≠"
SAME = "✓"


def accept_key(n: int) -> str:
    """How the key that takes annotator `n` (1-based) is shown; None past the ninth."""
    return f"alt+{n}" if n <= 9 else ""


def _inline(text: str) -> str:
    return visible(text).replace("\n", "⏎").replace("\t", "␉")


class ReviewPanel(Static):
    """All annotators' answers for one item (see the module docstring)."""

    DEFAULT_CSS = """
    ReviewPanel {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, schema: Schema, annotators: list[str], tolerance: float, **kw: Any) -> None:
        super().__init__(**kw)
        self.schema = schema
        self.annotators = annotators
        self.tolerance = tolerance
        self.item: ReviewItem | None = None
        self.sources: list[str] = []

    def show(self, item: ReviewItem, sources: list[str]) -> None:
        """Show `item`'s answers; `sources` get the `✓` (their answer equals the current one)."""
        self.item, self.sources = item, sources
        self.update(self.build())

    def build(self) -> RenderableType:
        item = self.item
        if item is None:
            return Text("")
        parts: list[RenderableType] = []
        for i, task in enumerate(self.schema.tasks):
            values = {a: normed[i] for a, normed in item.norms.items()}
            parts.append(self._title(task, list(values.values())))
            parts.append(self._rows(task, values, item))
        return Group(*parts)

    def _title(self, task: Task, values: list[Any]) -> Text:
        score = task_disagreement(task, values, self.tolerance)
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"{_inline(task.name)} ({task.kind.replace('_', ' ')})", style="bold")
        if len(values) < 2:
            title.append(f"  ·  {len(values)} answer", style="dim")
        elif score <= 1e-9:
            title.append(f"  ·  all {len(values)} agree", style="dim")
        else:
            title.append(f"  ·  {DIFFERS} disagreement {score:.2f}", style="bold")
        return title

    def _rows(self, task: Task, values: dict[str, Any], item: ReviewItem) -> Table:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(no_wrap=True)  # key
        grid.add_column(no_wrap=True, width=1)  # ✓
        grid.add_column(no_wrap=True, max_width=16)  # name
        grid.add_column(ratio=1)  # answer
        given = [a for a in self.annotators if a in values]
        flags = dict(zip(given, outvoted([values[a] for a in given]), strict=True))
        for n, annotator in enumerate(self.annotators, start=1):
            key = accept_key(n)
            key_cell = Text(f" {key} ", style="reverse bold") if key else Text("")
            mark = Text(SAME, style="bold") if annotator in self.sources else Text(" ")
            name = Text(_inline(annotator), style="bold", overflow="ellipsis")
            if annotator not in values:
                grid.add_row(key_cell, mark, name, Text("— no answer", style="dim"))
                continue
            if task.kind in ("choice", "multi_choice") and task.nested:
                answer = self._paths(task, values[annotator], flags[annotator], values)
            elif task.kind in ("choice", "multi_choice"):
                answer = self._choice(task, values[annotator], flags[annotator])
            else:
                answers = [values[a] for a in given]
                answer = self._elements(task, values[annotator], answers, item)
            grid.add_row(key_cell, mark, name, answer)
        return grid

    def _choice(self, task: Task, value: Any, differs: bool) -> Text:
        text = Text()
        text.append(f"{DIFFERS} " if differs else "  ", style="bold")
        names = [value] if isinstance(value, str) else list(value or ())
        labels = {label.name: label for label in task.labels}
        multi = task.kind == "multi_choice"
        if not names:
            text.append(f"{'[ ]' if multi else '( )'} none", style="bold" if differs else "dim")
            return text
        text.append("[x] " if multi else "(•) ", style="bold" if differs else "")
        for i, name in enumerate(names):
            if i:
                text.append(", ")
            color = label_style(labels[name].color) if name in labels else "default"
            style = f"bold {color}" + (" underline" if differs else "")
            text.append(_inline(name), style=style)
        return text

    def _paths(self, task: Task, value: Any, differs: bool, values: dict[str, Any]) -> Text:
        """A nested task's answer: one path a line, each name marked when its level differs."""
        text = Text()
        names = [value] if isinstance(value, str) else list(value or ())
        if not names:
            text.append(f"{DIFFERS} " if differs else "  ", style="bold")
            text.append("none", style="bold" if differs else "dim")
            return text
        held: dict[str, int] = {}
        for other in values.values():
            paths = [other] if isinstance(other, str) else list(other or ())
            for node in taxonomy.with_ancestors(p for p in paths if isinstance(p, str)):
                held[node] = held.get(node, 0) + 1
        room = max(12, (self.size.width or 80) - 28)
        for i, name in enumerate(names):
            if i:
                text.append("\n")
            text.append(f"{DIFFERS} " if differs else "  ", style="bold")
            if not isinstance(name, str):
                text.append(_inline(repr(name)), style="bold")
                continue
            whole = _inline(name)
            shown = taxonomy.abbreviate(whole, room, cell_len)
            kept = shown
            if shown != whole:  # cut from the left: "…/" (or "…" inside the last name)
                lead = "…/" if shown.startswith("…/") else "…"
                text.append(lead, style="dim")
                kept = shown[len(lead) :]
            tail = kept.split(taxonomy.SEPARATOR)
            first = taxonomy.depth_of(name) - len(tail)
            for j, part in enumerate(tail):
                node = taxonomy.cut(name, first + j + 1)
                agreed = held.get(node, 0) * 2 > len(values)
                if j:
                    text.append(taxonomy.SEPARATOR)
                text.append(part, style="bold" if agreed else "bold underline")
        return text

    def _elements(self, task: Task, mine: tuple, answers: list[tuple], item: ReviewItem) -> Text:
        text = Text()
        if not mine:
            text.append("  ")
            text.append(f"(no {'spans' if task.kind == 'spans' else 'marks'})", style="dim")
            return text
        flags = outvoted_elements(task, mine, answers, self.tolerance)
        source = item.data.get(self.schema.text_field)
        for i, (element, differs) in enumerate(zip(mine, flags, strict=True)):
            if i:
                text.append("  ")
            start, end, label = element
            style = "bold underline" if differs else ""
            text.append(f"{DIFFERS} " if differs else "  ", style="bold")
            text.append(_inline(label), style=f"bold {style}".strip())
            if task.kind == "spans":
                quote = source[start:end] if isinstance(source, str) else ""
                quote = _inline(quote if len(quote) <= 30 else quote[:29] + "…")
                text.append(f" “{quote}” {start}–{end}", style=style)
            elif start == end:
                text.append(f" @{format_time(start)}", style=style)
            else:
                text.append(f" {format_time(start)}–{format_time(end)}", style=style)
        return text
