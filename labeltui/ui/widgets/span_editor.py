"""The editor for `spans` tasks: the item's text, a token cursor, and labelled spans.

The text is drawn by a line-API `ScrollView` from a `core.offsets.Wrapped` layout, so only the
visible rows are rendered and a key press never re-wraps the text (a 20,000-character item moves
its cursor in well under a frame). The layout is measured with Rich's own `cell_len`, so the
columns this widget computes are the columns Textual draws. Each span is shown in its label's
colour and underlined, with the label's name on a row under the text (readable without
colour); the selection and the cursor are in reverse video. Dataset text and label names are
only ever put in `rich.text.Text` / `Segment` objects, never parsed as markup, and control
characters are drawn as stand-ins, so nothing in an item reaches the terminal as a command.

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

from rich.cells import cell_len
from rich.color import Color, ColorParseError
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from labeltui.core.answer_check import missing_text, value_problems
from labeltui.core.display import visible
from labeltui.core.offsets import Wrapped
from labeltui.core.schema import Task
from labeltui.core.span_edit import Span, SpanEdit, split_entries
from labeltui.ui.widgets.status_bar import Fitted, first_fitting
from labeltui.ui.widgets.task_editor import TaskEditor

PALETTE = ("green", "cyan", "magenta", "yellow", "blue", "red", "bright_green", "bright_cyan")
UNKNOWN_COLOR = "grey50"
MAX_NAME_ROWS = 3

# The footer is shared with the screen's keys (help, save): arrows stay out of it, and the four
# boundary keys share one entry. The help screen lists every binding with its description.
_SELECT = Binding.Group("Select")
_EDGES = Binding.Group("Span edges")


def span_colors(task: Task) -> dict[str, str]:
    """Each label's colour: the schema's when Rich knows it, else one from a fixed palette."""
    colors = {}
    for i, label in enumerate(task.labels):
        color = PALETTE[i % len(PALETTE)]
        if label.color:
            try:
                Color.parse(label.color)
                color = label.color
            except ColorParseError:
                pass
        colors[label.name] = color
    return colors


def _on_color(color: str, theme: TerminalTheme | None = None) -> Style:
    """A span's style: its colour behind black or white text (whichever reads), underlined.

    `theme` is the ANSI palette Textual draws with, so that "green" is judged as shown.
    """
    parsed = Color.parse(color)
    r, g, b = parsed.get_truecolor(theme)
    ink = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 128 else "white"
    return Style(color=ink, bgcolor=parsed, underline=True)


class SpanText(ScrollView, can_focus=False):
    """The wrapped text with spans, selection and cursor; rows of label names under spans."""

    DEFAULT_CSS = """
    SpanText {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, editor: SpanEditor) -> None:
        super().__init__()
        self.editor = editor
        self.wrapped: Wrapped | None = None
        self.rows: list[tuple[int, int]] = []
        """Each row: (visual line, -1) for text, (visual line, n) for the n-th row of names."""
        self.line_row: list[int] = []
        self.line_spans: dict[int, list[Span]] = {}
        self.name_rows: dict[int, list[list[tuple[int, str, Style]]]] = {}
        self._drag: int | None = None
        self._styles: dict[tuple, Style] = {}
        self._marked: set[int] = set()

    # -- layout -------------------------------------------------------------------------------

    def text_width(self) -> int:
        return max(4, self.scrollable_content_region.width)

    def rewrap(self) -> None:
        """Wrap the text again (new item or new width); cheap key presses never call this."""
        if not self.size.width:  # not laid out yet: on_resize wraps
            self.wrapped = None
            return
        self.wrapped = Wrapped(self.editor.state.text, self.text_width(), measure=cell_len)
        self.relabel()

    def relabel(self) -> None:
        """Recompute the rows of label names after the spans changed (no re-wrapping)."""
        wrapped = self.wrapped
        if wrapped is None:
            return
        self.line_spans = {}
        for span in self.editor.state.spans:
            first, last = wrapped.line_of(span.start), wrapped.line_of(span.end - 1)
            for line in range(first, last + 1):
                self.line_spans.setdefault(line, []).append(span)
        self.name_rows = {line: self._place_names(line) for line in self.line_spans}
        self.rows, self.line_row = [], []
        for line in range(wrapped.line_count):
            self.line_row.append(len(self.rows))
            self.rows.append((line, -1))
            self.rows.extend((line, n) for n in range(len(self.name_rows.get(line, ()))))
        self.virtual_size = Size(self.text_width(), len(self.rows))
        self._marked = self.marks()
        self.refresh()

    def _place_names(self, line: int) -> list[list[tuple[int, str, Style]]]:
        """Put each span's name under its first column on this line, stacking on collisions."""
        wrapped = self.wrapped
        assert wrapped is not None
        a, b = wrapped.line_span(line)
        width = self.text_width()
        rows: list[list[tuple[int, str, Style]]] = []
        ends: list[int] = []
        parts = []
        for span in self.line_spans[line]:
            start, end = max(span.start, a), min(span.end, b)
            if start >= end:
                continue
            c0 = wrapped.locate(start)[1]
            last = wrapped.cluster_of(end - 1)
            c1 = wrapped.locate(wrapped.starts[last])[1] + wrapped.cells[last]
            name = ("…" if span.start < a else "") + visible(span.label)
            name = name + "─" * max(0, c1 - c0 - cell_len(name))
            parts.append((c0, name, self.editor.name_style(span.label)))
        for c0, name, style in sorted(parts, key=lambda p: p[0]):
            free = [n for n, end in enumerate(ends) if end < c0]
            if free:
                n = free[0]
            elif len(rows) < MAX_NAME_ROWS:
                rows.append([])
                ends.append(-1)
                n = len(rows) - 1
            else:  # crowded: the name goes after the one that ends first
                n = min(range(len(ends)), key=ends.__getitem__)
                c0 = ends[n] + 1
            if c0 < width:
                rows[n].append((c0, name, style))
                ends[n] = c0 + cell_len(name)
        return rows

    def on_resize(self, event: events.Resize) -> None:
        if self.wrapped is None or self.wrapped.width != self.text_width():
            self.rewrap()
            self.follow_cursor()

    # -- rendering ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.wrapped is None or row >= len(self.rows):
            return Strip.blank(width, base)
        line, sub = self.rows[row]
        if sub < 0:
            strip = self._text_strip(line, base)
        else:
            strip = self._names_strip(self.name_rows[line][sub], base)
        return strip.crop_extend(0, width, base)

    def _text_strip(self, line: int, base: Style) -> Strip:
        """One visual line: runs of clusters with the same (span, selected, cursor) state."""
        wrapped = self.wrapped
        assert wrapped is not None
        state = self.editor.state
        selection = state.selection() or (-1, -1)
        cursor = state.cursor_range() or (-1, -1)
        spans = self.line_spans.get(line, ())
        focused = self.editor.has_focus
        starts, shown = wrapped.starts, wrapped.shown
        segments: list[Segment] = []
        text, key_now = "", None
        for k in wrapped.line_clusters(line):
            if not shown[k]:
                continue
            s0, s1 = starts[k], starts[k + 1]
            label, length = None, 0
            for span in spans:
                if (
                    span.start < s1
                    and s0 < span.end
                    and (label is None or span.end - span.start < length)
                ):
                    label, length = span.label, span.end - span.start
            key = (
                label,
                selection[0] < s1 and s0 < selection[1],
                cursor[0] < s1 and s0 < cursor[1],
            )
            if key == key_now:
                text += shown[k]
            else:
                if text:
                    segments.append(Segment(text, self._style(base, key_now, focused)))
                text, key_now = shown[k], key
        if text:
            segments.append(Segment(text, self._style(base, key_now, focused)))
        return Strip(segments)

    def _style(self, base: Style, key: tuple | None, focused: bool) -> Style:
        full = (base, key, focused)
        style = self._styles.get(full)
        if style is None:
            label, selected, cursor = key or (None, False, False)
            editor = self.editor
            style = base
            if label is not None:
                style += editor.span_style(label)
            if selected:
                style += editor.SELECTED
            if cursor:
                style += editor.CURSOR if focused else editor.CURSOR_UNFOCUSED
            if len(self._styles) > 512:
                self._styles.clear()
            self._styles[full] = style
        return style

    def marks(self) -> set[int]:
        """The visual lines that show the cursor or the selection."""
        state, wrapped = self.editor.state, self.wrapped
        out: set[int] = set()
        if wrapped is None:
            return out
        for rng in (state.cursor_range(), state.selection()):
            if rng is not None:
                out.update(range(wrapped.line_of(rng[0]), wrapped.line_of(rng[1] - 1) + 1))
        return out

    def refresh_marks(self) -> None:
        """Repaint only the lines whose cursor or selection changed (a key is one or two lines)."""
        now = self.marks()
        for line in sorted(now | self._marked):
            if line < len(self.line_row):
                self.refresh_lines(self.line_row[line])
        self._marked = now

    def _names_strip(self, names: list[tuple[int, str, Style]], base: Style) -> Strip:
        segments = []
        col = 0
        for c0, name, style in names:
            if c0 > col:
                segments.append(Segment(" " * (c0 - col), base))
            segments.append(Segment(name, base + style))
            col = c0 + cell_len(name)
        return Strip(segments)

    # -- scrolling ----------------------------------------------------------------------------

    def follow_cursor(self) -> None:
        """Scroll so that the cursor's line and the names under it are visible."""
        cursor = self.editor.state.cursor_range()
        if self.wrapped is None or cursor is None or not self.line_row:
            return
        first = self.line_row[self.wrapped.line_of(cursor[0])]
        last_line = self.wrapped.line_of(cursor[1] - 1)
        last = self.line_row[last_line] + len(self.name_rows.get(last_line, ()))
        height = max(1, self.scrollable_content_region.height)
        top = self.scroll_offset.y
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif last >= top + height:
            self.scroll_to(
                y=max(first, last - height + 1) if last - first < height else first, animate=False
            )

    # -- mouse --------------------------------------------------------------------------------

    def unit_at_mouse(self, event: events.MouseEvent) -> int | None:
        if self.wrapped is None or not self.rows:
            return None
        offset = event.get_content_offset_capture(self)
        row = max(0, min(offset.y + self.scroll_offset.y, len(self.rows) - 1))
        line = self.rows[row][0]
        return self.editor.state.unit_on_line(self.wrapped, line, max(0, offset.x))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        unit = self.unit_at_mouse(event)
        if unit is None:
            return
        self._drag = unit
        self.capture_mouse()
        self.editor.state.goto(unit)
        self.editor.after_move()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag is None:
            return
        unit = self.unit_at_mouse(event)
        if unit is None:
            return
        state = self.editor.state
        if unit == self._drag and state.anchor is None:
            return
        if state.select(self._drag, unit):
            self.editor.after_move()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag is not None:
            self._drag = None
            self.release_mouse()


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

    SELECTED = Style(reverse=True)
    CURSOR = Style(reverse=True, bold=True, underline=True)
    CURSOR_UNFOCUSED = Style(underline=True, bold=True)

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
            style = self._span_styles[label, id(theme)] = _on_color(color, theme)
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
        text = Text(no_wrap=False)
        for label in self.task.labels:
            text.append(f" {label.key} ", style="reverse bold")
            text.append(" ")
            text.append(visible(label.name), style=self.span_style(label.name))
            text.append("  ")
        text.append("^z undo", style="dim")
        return text

    def info(self) -> Fitted:
        """One line on what the keys would act on, with exact offsets, laid out for the width
        it is drawn in (`info_text`)."""
        return Fitted(self.info_text)

    def info_text(self, width: int = 1000) -> Text:
        """The info line for `width` cells: what is under the cursor and the span count always;
        the key hints while they fit, whole; then the quoted text is shortened."""
        state = self.state
        out = Text(no_wrap=True, overflow="ellipsis")
        if self.no_text is not None:
            out.append(f"{self.no_text}: skip it (ctrl+k)")
            return out
        if self.item is None or not state.text:
            out.append("This item has no text to label.")
            return out
        if state.cursor is None:
            out.append("The text has no tokens.")
            return out
        selection = state.selection()
        span = state.current_span()
        hints: list[str] = []
        if selection is not None:
            start, end = selection
            what = Text(f"selection {start}–{end} ", style="bold")
            hints = ["a label key labels it"]
        elif span is not None:
            start, end = span.start, span.end
            what = Text()
            what.append(visible(span.label), style=self.name_style(span.label))
            what.append(f" {start}–{end} ")
            hints = ["⌫ remove", "^←/^→ start", "^⇧←/^⇧→ end"]
        else:
            start, end = state.cursor_range() or (0, 0)
            what = Text(f"token {start}–{end} ")
        count = len(state.spans)
        counted = f"  · {count} span{'' if count == 1 else 's'}"
        candidates = []
        for shown in range(len(hints), -1, -1):  # every hint, then fewer, then none
            line = Text.assemble(what, _quote(state.text[start:end]), (counted, "dim"))
            if shown:
                line.append("  · " + " · ".join(hints[:shown]), style="dim")
            candidates.append(line)
        for limit in (16, 6):  # then a shorter quote
            candidates.append(
                Text.assemble(what, _quote(state.text[start:end], limit), (counted, "dim"))
            )
        fitted = first_fitting(width, candidates)
        out.append_text(fitted)
        return out


def _quote(text: str, limit: int = 40) -> str:
    """The text in quotes, at most `limit` characters of it (then `…`)."""
    shown = visible(text).replace("\n", "⏎")
    return "“" + (shown if len(shown) <= limit else shown[: limit - 1] + "…") + "”"
