"""The colours and styles of spans, shared by the span editor's text, legend and info line.

Kept apart from the widgets so that the text view and the editor agree on one colour per label
without importing each other for it.
"""

from __future__ import annotations

from rich.color import Color, ColorParseError
from rich.style import Style
from rich.terminal_theme import TerminalTheme

from labeltui.core.schema import Task

PALETTE = ("green", "cyan", "magenta", "yellow", "blue", "red", "bright_green", "bright_cyan")
UNKNOWN_COLOR = "grey50"

SELECTED = Style(reverse=True)
CURSOR = Style(reverse=True, bold=True, underline=True)
CURSOR_UNFOCUSED = Style(underline=True, bold=True)


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


def on_color(color: str, theme: TerminalTheme | None = None) -> Style:
    """A span's style: its colour behind black or white text (whichever reads), underlined.

    `theme` is the ANSI palette Textual draws with, so that "green" is judged as shown.
    """
    parsed = Color.parse(color)
    r, g, b = parsed.get_truecolor(theme)
    ink = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 128 else "white"
    return Style(color=ink, bgcolor=parsed, underline=True)
