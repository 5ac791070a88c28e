"""The span editor's text: the item's text soft-wrapped, with spans, selection and cursor.

Its own widget so that drawing (and the mouse) live apart from the key handling and the value
of `SpanEditor`, which owns it and tells it when the state changed. A line-API `ScrollView`
drawn from a `core.offsets.Wrapped` layout, so only the visible rows are rendered and a key
press never re-wraps the text. The layout is measured with Rich's own `cell_len`, so the
columns this widget computes are the columns Textual draws.

For a huge item the layout covers only the state's window (`core.span_window`: the chunks
around the cursor, some 50,000 characters); when the window moves, `sync` lays out the new one
and keeps the cursor's line on its screen row. The scroll bar and the mouse wheel cover the
window; the keys cover the whole text.

Each span is shown in its label's colour and underlined, with the label's name on a row under
the text (readable without colour); the selection and the cursor are in reverse video. Dataset
text and label names are only ever put in `Segment` objects, never parsed as markup, and
control characters are drawn as stand-ins, so nothing in an item reaches the terminal as a
command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from labeltui.core.display import visible
from labeltui.core.offsets import Wrapped
from labeltui.core.span_edit import Span
from labeltui.ui.widgets.span_style import CURSOR, CURSOR_UNFOCUSED, SELECTED

if TYPE_CHECKING:
    from labeltui.ui.widgets.span_editor import SpanEditor

MAX_NAME_ROWS = 3


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
        """Where a mouse drag started: the offset of its first token."""
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
        state = self.editor.state
        window = state.window
        self.wrapped = Wrapped(
            state.text,
            self.text_width(),
            measure=cell_len,
            start=window.start,
            end=window.end,
            breaks=window.breaks,
        )
        self.relabel()

    def sync(self) -> None:
        """Lay out the state's window when it moved (a huge text; see `core.span_window`),
        keeping the cursor's line on the same screen row."""
        wrapped, window = self.wrapped, self.editor.state.window
        if wrapped is None or (wrapped.start, wrapped.end) == (window.start, window.end):
            return
        cursor = self.editor.state.cursor_range()
        at = None if cursor is None else cursor[0]
        row = None
        if at is not None and wrapped.start <= at < wrapped.end:
            row = self.line_row[wrapped.line_of(at)] - self.scroll_offset.y
        self.rewrap()
        if at is not None and self.wrapped is not None and self.line_row:
            top = self.line_row[self.wrapped.line_of(at)] - (row if row is not None else 0)
            self.scroll_to(y=max(0, top), animate=False, immediate=True)

    def relabel(self) -> None:
        """Recompute the rows of label names after the spans changed (no re-wrapping)."""
        wrapped = self.wrapped
        if wrapped is None:
            return
        self.line_spans = {}
        lo, hi = wrapped.start, wrapped.end
        for span in self.editor.state.spans:
            if span.end <= lo or span.start >= hi:
                continue  # outside the window laid out
            first = wrapped.line_of(max(span.start, lo))
            last = wrapped.line_of(min(span.end, hi) - 1)
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
                style += SELECTED
            if cursor:
                style += CURSOR if focused else CURSOR_UNFOCUSED
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
        self._drag = self.editor.state.units[unit][0]
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
        drag = state.unit_at(self._drag)
        if drag is None or (unit == drag and state.anchor is None):
            return
        if state.select(drag, unit):
            self.editor.after_move()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag is not None:
            self._drag = None
            self.release_mouse()
