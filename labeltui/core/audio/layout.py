"""The audio editor's lines as styled segments, so its whole layout is tested without a terminal.

A line is a list of `(text, style)` segments; styles are Rich style strings, kept as plain
strings here (the core never imports Rich) and assembled by the widget. Everything reads in
monochrome too: the cursor is reverse video, marks are `[name──]` and `▲name`, the selected mark
is reverse video in its lane and `▶` in the list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from labeltui.core.audio.marks import Mark, MarksModel
from labeltui.core.audio.waveform import View, column_owners, format_time, lane_text, mark_lanes
from labeltui.core.display import visible

Segment = tuple[str, str]
Line = list[Segment]

OPEN_LABEL = "…"
OPEN_STYLE = "on grey30"
EMPTY_HINT = "No marks: [ start, ] end, then a label key; a label key alone marks a point."


def label_text(label: str) -> str:
    """A label as one inert line: control characters, tabs and newlines become stand-ins."""
    return visible(label).replace("\n", "␤").replace("\t", "␉")


def runs(row: str, styles: Sequence[str]) -> Line:
    """`row` with one style per column, merged into runs of equal style."""
    out: Line = []
    start = 0
    for i in range(1, len(row) + 1):
        if i == len(row) or (i < len(styles) and styles[i] != styles[start]):
            out.append((row[start:i], styles[start] if start < len(styles) else ""))
            start = i
    return out


def cursor_column(model: MarksModel, view: View, width: int) -> int:
    """The cursor's column; the very end of the audio shows on the last column."""
    col = view.col(model.cursor, width)
    if col == width and model.cursor <= view.end + 1e-9:
        return width - 1
    return col


def column_styles(
    model: MarksModel, colors: Mapping[str, str], view: View, width: int
) -> list[str]:
    """Per column: the colour of the interval mark there, the open interval, the cursor."""
    marks = model.marks
    styles = [
        ""
        if o is None
        else (colors.get(marks[o].label, "") + (" bold" if o == model.selected else "")).strip()
        for o in column_owners(marks, view, width)
    ]
    span = model.open_span()
    if span is not None:
        first = max(0, view.col(span[0], width))
        for c in range(first, min(width - 1, view.col(span[1], width)) + 1):
            styles[c] = f"{styles[c]} {OPEN_STYLE}".strip()
    cursor = cursor_column(model, view, width)
    if 0 <= cursor < width:
        styles[cursor] = f"{styles[cursor]} reverse".strip()
    return styles


def lane_lines(
    model: MarksModel, colors: Mapping[str, str], view: View, width: int, lanes: int = 2
) -> list[Line]:
    """The marks (and the open interval, as `[…──]`) under the waveform, in their colours."""
    marks = [Mark(m.start, m.end, label_text(m.label)) for m in model.marks]
    span = model.open_span()
    if span is not None:
        marks.append(Mark(span[0], span[1], OPEN_LABEL))
    lines = []
    for pieces in mark_lanes(marks, view, width, lanes=lanes):
        text = lane_text(pieces, width)
        styles = [""] * width
        for piece in pieces:
            if piece.mark == len(model.marks):
                style = "bold"
            else:
                style = colors.get(model.marks[piece.mark].label, "")
                style += " reverse" if piece.mark == model.selected else ""
            for c in range(max(0, piece.col), min(width, piece.col + len(piece.text))):
                styles[c] = style.strip()
        lines.append(runs(text, styles))
    return lines


def status_line(model: MarksModel, view: View | None, step: float, message: str) -> Line:
    """Cursor / duration, the step and zoom (when there is audio), the open `[`, a message."""
    line: Line = [(f"{format_time(model.cursor)} / {format_time(model.duration)}", "bold")]
    if view is not None:
        zoom = model.duration / view.span if view.span else 1.0
        line.append((f"  step {step:g}s  zoom ×{zoom:.3g}", ""))
    if model.open_start is not None:
        line.append((f"  [ {format_time(model.open_start)}", "bold"))
    if message:
        line.append((f"  ·  {label_text(message)}", "italic"))
    return line


def list_lines(model: MarksModel, colors: Mapping[str, str], rows: int) -> list[Line]:
    """A header and up to `rows - 1` marks (label, start, end), kept around the selection."""
    marks = model.marks
    if not marks:
        return [[(EMPTY_HINT, "dim")]]
    names = [label_text(m.label) for m in marks]
    widest = max(5, *(len(n) for n in names))
    head: Line = [(f"   {'#':>3}  {'label':<{widest}}  {'start':>12}  {'end':>12}", "dim")]
    shown = max(1, rows - 1)
    sel = model.selected or 0
    first = min(max(0, sel - shown // 2), max(0, len(marks) - shown))
    lines = [head]
    for i in range(first, min(len(marks), first + shown)):
        m, chosen = marks[i], i == model.selected
        extra = " reverse" if chosen else ""
        lines.append(
            [
                (f"{'▶' if chosen else ' '}  {i + 1:>3}  ", ("bold" + extra).strip()),
                (f"{names[i]:<{widest}}", (colors.get(m.label, "") + extra).strip()),
                (f"  {format_time(m.start):>12}  {format_time(m.end):>12}", extra.strip()),
                ("  point" if m.is_point else "", ("dim" + extra).strip()),
            ]
        )
    if len(marks) > shown:
        head.append((f"   ({len(marks)} marks, tab walks them)", "dim"))
    return lines
