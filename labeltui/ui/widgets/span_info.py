"""The lines around the span editor's text: the legend of labels and the info line.

They say what the keys would act on (with exact offsets) and which key gives which label; they
are plain functions of the editor's state, kept out of the widget so that the widget only
routes keys and the text view only draws.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text

from labeltui.core.display import visible
from labeltui.core.schema import Task
from labeltui.core.span_edit import SpanEdit
from labeltui.ui.widgets.status_bar import first_fitting


def legend(task: Task, span_style: Callable[[str], Style]) -> Text:
    """The labels with their keys and colours (names also shown plainly)."""
    text = Text(no_wrap=False)
    for label in task.labels:
        text.append(f" {label.key} ", style="reverse bold")
        text.append(" ")
        text.append(visible(label.name), style=span_style(label.name))
        text.append("  ")
    text.append("^z undo", style="dim")
    return text


def info_text(
    state: SpanEdit,
    *,
    has_item: bool,
    no_text: str | None,
    name_style: Callable[[str], Style],
    width: int = 1000,
) -> Text:
    """The info line for `width` cells: what is under the cursor and the span count always;
    the key hints while they fit, whole; then the quoted text is shortened."""
    out = Text(no_wrap=True, overflow="ellipsis")
    if no_text is not None:
        out.append(f"{no_text}: skip it (ctrl+k)")
        return out
    if not has_item or not state.text:
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
        what.append(visible(span.label), style=name_style(span.label))
        what.append(f" {start}–{end} ")
        hints = ["⌫ remove", "^←/^→ start", "^⇧←/^⇧→ end"]
    else:
        start, end = state.cursor_range() or (0, 0)
        what = Text(f"token {start}–{end} ")
    quoted = state.text[start : min(end, start + 200)]  # never copies a span of megabytes
    count = len(state.spans)
    counted = f"  · {count} span{'' if count == 1 else 's'}"
    candidates = []
    for shown in range(len(hints), -1, -1):  # every hint, then fewer, then none
        line = Text.assemble(what, quote(quoted), (counted, "dim"))
        if shown:
            line.append("  · " + " · ".join(hints[:shown]), style="dim")
        candidates.append(line)
    for limit in (16, 6):  # then a shorter quote
        candidates.append(Text.assemble(what, quote(quoted, limit), (counted, "dim")))
    out.append_text(first_fitting(width, candidates))
    return out


def quote(text: str, limit: int = 40) -> str:
    """The text in quotes, at most `limit` characters of it (then `…`)."""
    shown = visible(text).replace("\n", "⏎")
    return "“" + (shown if len(shown) <= limit else shown[: limit - 1] + "…") + "”"
