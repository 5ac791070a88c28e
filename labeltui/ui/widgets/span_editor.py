"""The editor for `spans` tasks: the item's text, a token cursor, and labelled spans.

This widget owns the state (`core.span_edit.SpanEdit`), the keys and the value; the text is
drawn by `span_text.SpanText`, the legend and the info line come from `span_info`, and the
colours from `span_style`. A key press changes the state, then asks the text view to repaint
the one or two rows it touched.

A stored or pre-filled value is loaded as it is: spans with an unknown label or overlapping
where the task forbids it are drawn (and flagged by the screen, through `problems`) until the
annotator removes or relabels them; entries that cannot be drawn (outside the text, offsets
that are not integers, a `text` that is not the text at the offsets) are held aside, flagged,
and returned by `value` so they are never saved as they are; `backspace` drops them. An item
whose text field is not a string takes no spans (as `labeltui validate` says).

Label keys, `enter` and `ctrl+z` are not bound here: they bubble to the annotate screen, which
calls `press_label` and `undo`.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from labeltui.core.answer_check import missing_text, value_problems
from labeltui.core.schema import Task
from labeltui.core.span_edit import SpanEdit, split_entries
from labeltui.ui.widgets import span_info, span_style
from labeltui.ui.widgets.span_style import UNKNOWN_COLOR, on_color, span_colors
from labeltui.ui.widgets.span_text import SpanText
from labeltui.ui.widgets.status_bar import Fitted
from labeltui.ui.widgets.task_editor import TaskEditor

# The footer is shared with the screen's keys (help, save): arrows stay out of it, and the four
# boundary keys share one entry. The help screen lists every binding with its description.
_SELECT = Binding.Group("Select")
_EDGES = Binding.Group("Span edges")


class SpanEditor(TaskEditor):
    """Label character ranges of the item's text by keyboard (or by mouse drag)."""

    DEFAULT_CSS = """
    SpanEditor {
        height: 1fr;
        min-height: 6;
        layout: vertical;
        padding: 0 1;
    }
    SpanEditor > #span-legend {
        height: auto;
        max-height: 3;
    }
    SpanEditor > #span-info {
        height: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("left", "cursor(-1)", "Previous token", show=False),
        Binding("right", "cursor(1)", "Next token", show=False),
        Binding("up", "vertical(-1)", "Token on the line above", show=False),
        Binding("down", "vertical(1)", "Token on the line below", show=False),
        Binding("home", "first", "First token", show=False),
        Binding("end", "last", "Last token", show=False),
        Binding(
            "shift+left", "extend(-1)", "Extend selection left", group=_SELECT, key_display="⇧←"
        ),
        Binding(
            "shift+right", "extend(1)", "Extend selection right", group=_SELECT, key_display="⇧→"
        ),
        Binding("escape", "clear", "Clear selection", show=False),
        Binding("backspace,delete", "remove", "Remove span", key_display="⌫"),
        Binding(
            "ctrl+left,left_square_bracket",
            "boundary('start', -1)",
            "Span start one token left",
            group=_EDGES,
            key_display="^←",
        ),
        Binding(
            "ctrl+right",
            "boundary('start', 1)",
            "Span start one token right",
            group=_EDGES,
            key_display="^→",
        ),
        Binding(
            "ctrl+shift+left",
            "boundary('end', -1)",
            "Span end one token left",
            group=_EDGES,
            key_display="^⇧←",
        ),
        Binding(
            "ctrl+shift+right,right_square_bracket",
            "boundary('end', 1)",
            "Span end one token right",
            group=_EDGES,
            key_display="^⇧→",
        ),
    ]
    """Label keys, `enter` and `ctrl+z` are the screen's. `[` and `]` (reserved in the schema)
    are there for terminals that do not send ctrl+arrows: they grow a span at either end."""

    SELECTED = span_style.SELECTED
    CURSOR = span_style.CURSOR
    CURSOR_UNFOCUSED = span_style.CURSOR_UNFOCUSED

    def __init__(self, task: Task, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(task, id=id, classes=classes)
        self.state = SpanEdit("", tokenizer=task.tokenizer, allow_overlap=task.allow_overlap)
        self.held: list[Any] = []
        """Loaded entries that cannot be spans of this text, kept (flagged) until `backspace`."""
        self.no_text: str | None = None
        """Why this item takes no spans (its text field is not a string), else None."""
        self.label_colors = span_colors(task)
        self._span_styles: dict[tuple[str, int], Style] = {}
        self._goal_column: int | None = None
        self.view = SpanText(self)

    def compose(self) -> ComposeResult:
        yield Static(self.legend(), id="span-legend")
        yield self.view
        yield Static(id="span-info")

    def on_mount(self) -> None:
        self.view.rewrap()
        self.after_move()

    # -- the contract -------------------------------------------------------------------------

    def set_value(self, value: Any) -> None:
        item = self.item
        self.no_text = None
        if item is not None and self.schema is not None:
            self.no_text = missing_text(self.schema, item.data)
        text = item.text if item is not None and item.text is not None else ""
        spans, self.held = split_entries(value, "" if self.no_text else text)
        self.state = SpanEdit(
            "" if self.no_text else text,
            spans,
            tokenizer=self.task.tokenizer,
            allow_overlap=self.task.allow_overlap,
        )
        self._goal_column = None
        if self.is_mounted:
            self.view.rewrap()
            self.view.scroll_to(y=0, animate=False)
            self.after_move()

    def value(self) -> list[Any]:
        return [*self.state.value(), *self.held]

    def problems(self) -> list[str]:
        if self.no_text is not None:
            return [f"{self.task.name}: spans refused: {self.no_text}"] if self.held else []
        return value_problems(self.task, self.value(), self.state.text)

    def press_label(self, key: str) -> bool:
        label = self.task.label_for_key(key)
        if label is None:
            return False
        self._edited(self.state.label(label.name))
        return True

    def undo(self) -> bool:
        if not self.state.undo():
            return False
        self._edited(True)
        return True

    # -- styles -------------------------------------------------------------------------------

    def span_style(self, label: str) -> Style:
        theme = self.app.ansi_theme if self.is_attached else None
        style = self._span_styles.get((label, id(theme)))
        if style is None:
            color = self.label_colors.get(label, UNKNOWN_COLOR)
            style = self._span_styles[label, id(theme)] = on_color(color, theme)
        return style

    def name_style(self, label: str) -> Style:
        return Style(color=self.label_colors.get(label, UNKNOWN_COLOR), bold=True)

    # -- actions ------------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        self._goal_column = None
        self.state.move(delta)
        self.after_move()

    def action_first(self) -> None:
        self._goal_column = None
        self.state.home()
        self.after_move()

    def action_last(self) -> None:
        self._goal_column = None
        self.state.end()
        self.after_move()

    def action_vertical(self, direction: int) -> None:
        self.view.sync()
        wrapped, cursor = self.view.wrapped, self.state.cursor_range()
        if wrapped is None or cursor is None:
            return
        if self._goal_column is None:
            self._goal_column = wrapped.locate(cursor[0])[1]
        self.state.vertical(wrapped, direction, self._goal_column)
        self.after_move()

    def action_extend(self, delta: int) -> None:
        self._goal_column = None
        self.state.extend(delta)
        self.after_move()

    def action_clear(self) -> None:
        if not self.state.clear_selection():
            raise SkipAction()
        self.after_move()

    def action_remove(self) -> None:
        """Remove the span under the cursor; while entries that cannot be drawn are held
        (flagged on screen), remove those first."""
        if self.held:
            n, self.held = len(self.held), []
            self.state.message = f"Removed {n} stored span(s) that do not fit this text."
            self.notify(self.state.message, timeout=3)
            self.view.relabel()
            self.notify_changed()
            self.after_move()
            return
        self._edited(self.state.remove())

    def action_boundary(self, edge: str, delta: int) -> None:
        self._edited(self.state.move_boundary(edge, delta))

    # -- refreshing ---------------------------------------------------------------------------

    def _edited(self, changed: bool) -> None:
        self.view.sync()
        if changed:
            self.view.relabel()
            self.notify_changed()
        elif self.state.message:
            self.notify(self.state.message, severity="warning", timeout=3)
        self.after_move()

    def after_move(self) -> None:
        """Repaint the visible rows and the info line, and keep the cursor in view."""
        if not self.is_mounted:
            return
        self.view.sync()
        self.view.refresh_marks()
        self.view.follow_cursor()
        self.query_one("#span-info", Static).update(self.info(), layout=False)

    def on_focus(self) -> None:
        self.view.refresh()

    def on_blur(self) -> None:
        self.view.refresh()

    # -- text around the text -----------------------------------------------------------------

    def legend(self) -> Text:
        """The labels with their keys and colours (names also shown plainly)."""
        return span_info.legend(self.task, self.span_style)

    def info(self) -> Fitted:
        """One line on what the keys would act on, with exact offsets, laid out for the width
        it is drawn in (`info_text`)."""
        return Fitted(self.info_text)

    def info_text(self, width: int = 1000) -> Text:
        """The info line for `width` cells (see `span_info.info_text`)."""
        return span_info.info_text(
            self.state,
            has_item=self.item is not None,
            no_text=self.no_text,
            name_style=self.name_style,
            width=width,
        )
