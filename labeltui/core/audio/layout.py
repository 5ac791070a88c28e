"""The audio editor's lines as styled segments, so its whole layout is tested without a terminal.

A line is a list of `(text, style)` segments; styles are Rich style strings, kept as plain
strings here (the core never imports Rich) and assembled by the widget. Everything reads in
monochrome too: the cursor is reverse video, marks are `[name──]` and `▲name`, the selected mark
is reverse video in its lane and `▶` in the list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

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


def status_lines(
    model: MarksModel,
    view: View | None,
    step: float,
    message: str,
    width: int,
    measure: Callable[[str], int] = len,
) -> list[Line]:
    """The status line, with the message beside it when it fits in `width` (cells, as
    `measure` counts them), else on lines of its own below, wrapped between phrases (a command
    such as `pip install …` is never cut)."""
    whole = status_line(model, view, step, message)
    if not message or sum(measure(text) for text, _ in whole) <= width:
        return [whole]
    return [status_line(model, view, step, "")] + [
        [(line, "italic")] for line in wrap_message(message, width)
    ]


def rows_for(height: int, wanted: int, status_rows: int = 1) -> tuple[int, int]:
    """(waveform rows, list rows) of an editor `height` rows high.

    The ruler, two lanes, `status_rows` and the legend always show; the list gets the `wanted`
    rows (header and marks) up to about half of what is left, at least three, and the
    waveform the rest, at least two: at 60x20 that is a header and four marks over a
    five-row waveform.
    """
    avail = max(height, 8) - 4 - status_rows
    rows = max(1, min(wanted, max(3, avail - max(3, avail // 2))))
    return max(2, avail - rows), rows


def fit_hints(hints: Sequence[str], room: int) -> str:
    """The first `hints` that fit in `room` columns, joined by ` · `; the rest are left out
    whole, never cut mid-word (help lists every key)."""
    shown = ""
    for hint in hints:
        more = f"{shown} · {hint}" if shown else hint
        if len(more) > room:
            break
        shown = more
    return shown


def wrap_message(text: str, width: int) -> list[str]:
    """`text` on lines of at most `width` cells, broken between phrases where it can.

    A message is wrapped rather than cut, and an instruction in brackets (`(pip install
    'labeltui[playback]')`) or after a colon is kept whole on its line when it fits, so a
    command is never split. Words longer than a line are broken.
    """
    width = max(8, width)
    phrases = [p for p in re.split(r"(?<=:) | (?=\()", label_text(text)) if p]
    lines: list[str] = []
    for phrase in phrases:
        words = [phrase] if len(phrase) <= width else phrase.split(" ")
        for word in words:
            while len(word) > width:
                lines.append(word[:width])
                word = word[width:]
            if lines and len(lines[-1]) + 1 + len(word) <= width:
                lines[-1] += " " + word
            else:
                lines.append(word)
    return lines or [""]


def list_lines(
    model: MarksModel, colors: Mapping[str, str], rows: int, width: int = 200
) -> list[Line]:
    """A header and up to `rows - 1` marks (label, start, end), kept around the selection.

    Every line fits in `width` columns: long label names are cut with `…` (the lanes and the
    annotation file have them whole), the count of marks not shown is short, and with no
    marks the hint wraps onto `rows` lines.
    """
    marks = model.marks
    if not marks:
        return [[(line, "dim")] for line in wrap_message(EMPTY_HINT, width)[: max(1, rows)]]
    names = [label_text(m.label) for m in marks]
    tw = max(5, *(len(format_time(t)) for m in marks for t in (m.start, m.end)))
    room = width - 8 - 2 * (tw + 2) - len("  point")
    widest = max(5, min(max(len(n) for n in names), room))
    names = [n if len(n) <= widest else n[: widest - 1] + "…" for n in names]
    head: Line = [(f"   {'#':>3}  {'label':<{widest}}  {'start':>{tw}}  {'end':>{tw}}", "dim")]
    shown = max(1, rows - 1)
    sel = model.selected or 0
    first = min(max(0, sel - shown // 2), max(0, len(marks) - shown))
    last = min(len(marks), first + shown)
    lines = [head]
    for i in range(first, last):
        m, chosen = marks[i], i == model.selected
        extra = " reverse" if chosen else ""
        lines.append(
            [
                (f"{'▶' if chosen else ' '}  {i + 1:>3}  ", ("bold" + extra).strip()),
                (f"{names[i]:<{widest}}", (colors.get(m.label, "") + extra).strip()),
                (f"  {format_time(m.start):>{tw}}  {format_time(m.end):>{tw}}", extra.strip()),
                ("  point" if m.is_point else "", ("dim" + extra).strip()),
            ]
        )
    if len(marks) > shown:
        head.append((f"  {first + 1}–{last} of {len(marks)}, tab walks them", "dim"))
    return lines
