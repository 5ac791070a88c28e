"""The label picker: type to filter a task's labels, `enter` picks (FORMAT section 8).

Every keystroke filters with `core.label_search.LabelIndex` (names, paths, aliases and hints;
prefix and substring first, then typo-tolerant), fast enough for one frame on 10,000 labels.
Each hit shows its path, cut from the left when long (`…/biology/genetics`), and the alias or
hint that matched when there is room. `up`/`down` move, `enter` picks the highlighted label,
`escape` closes with nothing picked. The typo index is built in a thread when the picker opens.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from labeltui.core import taxonomy
from labeltui.core.display import visible
from labeltui.core.label_search import LabelIndex
from labeltui.core.schema import Label as TaskLabel
from labeltui.core.schema import Task
from labeltui.ui.widgets.key_bar import KeyBar

SHOWN_HITS = 50
"""At most this many hits are listed (the best first)."""


class LabelPicker(ModalScreen[str | None]):
    """Answers the picked label's path, or None (escape)."""

    DEFAULT_CSS = """
    LabelPicker {
        align: center middle;
    }
    LabelPicker > Vertical {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        padding: 0 1;
        background: $surface;
    }
    LabelPicker Input {
        margin: 0;
    }
    LabelPicker OptionList {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
    }
    LabelPicker #picker-count {
        color: $text-muted;
    }
    LabelPicker > KeyBar {
        dock: bottom;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel", key_display="esc"),
        Binding("enter", "pick", "Pick", id="picker.pick"),
        Binding("up", "move(-1)", "Up", id="picker.up", show=False),
        Binding("down", "move(1)", "Down", id="picker.down", show=False),
        Binding("pageup", "move(-10)", "Page up", id="picker.page_up", show=False),
        Binding("pagedown", "move(10)", "Page down", id="picker.page_down", show=False),
    ]

    def __init__(self, task: Task, index: LabelIndex) -> None:
        super().__init__()
        self.task_ = task
        self.index = index
        self.hits: list[TaskLabel] = []
        self.shown_query: str | None = None
        """The query the listed hits are for (`enter` never picks from an older list)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            count = len(self.task_.labels)
            title = f"Find a label of {visible(self.task_.name)} ({count:,} labels)"
            yield Label(title, markup=False)
            yield Input(placeholder="type a name, a path or an alias", id="picker-query")
            yield Label("", id="picker-count", markup=False)
            yield OptionList(id="picker-hits")
        yield KeyBar(id="picker-key-bar")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.prepare()
        self.call_after_refresh(self.refilter)  # once the list has its width

    def refilter(self) -> None:
        self.filter(self.query_one(Input).value)

    @work(thread=True, exclusive=True, group="picker", exit_on_error=False)
    def prepare(self) -> None:
        """Build the typo-tolerant index now, while the person starts typing."""
        self.index.prepare()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_pick()

    def filter(self, query: str) -> None:
        """List the labels `query` finds, best first."""
        hits = [hit.label for hit in self.index.search(query, SHOWN_HITS)]
        self.hits, self.shown_query = hits, query
        options = self.query_one(OptionList)
        width = max(20, (options.content_size.width or options.size.width or 70) - 1)
        options.set_options([Option(self.line(label, width)) for label in hits])
        if hits:
            options.highlighted = 0
        if not hits:
            said = "nothing matches"
        elif len(hits) >= SHOWN_HITS:
            said = f"the first {SHOWN_HITS}: type more to narrow"
        else:
            said = f"{len(hits)} found"
        self.query_one("#picker-count", Label).update(said)

    def line(self, label: TaskLabel, width: int) -> Text:
        """One hit: its path (cut from the left), then its aliases or hint when they fit."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(visible(taxonomy.abbreviate(label.name, width, cell_len)), style="bold")
        if label.inner and self.task_.leaf_only:
            text.append(" ▸ (opens)", style="dim")
        elif label.inner:
            text.append(" ▸", style="dim")
        extra = ", ".join(label.aliases) or label.hint
        room = width - text.cell_len - 2
        if extra and room > 6:
            text.append("  " + visible(extra)[:room], style="dim")
        return text

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.hits:
            return
        at = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self.hits) - 1, at + step))

    def action_pick(self) -> None:
        if self.shown_query != self.query_one(Input).value:
            self.refilter()  # keys typed faster than the list was drawn
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.hits:
            self.app.bell()
            return
        self.dismiss(self.hits[options.highlighted].name)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on a hit picks it."""
        event.stop()
        if 0 <= event.option_index < len(self.hits):
            self.dismiss(self.hits[event.option_index].name)

    def action_cancel(self) -> None:
        self.dismiss(None)
