"""The status line: position, items done and skipped, a bar, rate, time left, annotator.

One-line texts here and on the review and span screens are laid out for the width they are
drawn in (`Fitted`): what matters most (position, counts) always shows, and the rest is dropped
or shortened whole, never cut mid-word, so an 80- or 60-column terminal reads cleanly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from labeltui.core.display import visible
from labeltui.core.session import Progress

#: The narrowest progress bar worth drawing.
MIN_BAR = 5


def duration(seconds: float) -> str:
    """`42s`, `17m`, `3h05m`."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def bar(fraction: float, width: int) -> str:
    """A text progress bar that reads the same without colour."""
    fraction = max(0.0, min(1.0, fraction))
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def counts_text(progress: Progress) -> str:
    """`done 40 · skipped 2` (`done 40` without skips): a skip is not an answer."""
    text = f"done {progress.done}"
    return f"{text} · skipped {progress.skipped}" if progress.skipped else text


def status_text(progress: Progress, annotator: str, width: int = 78) -> Text:
    """The status line laid out for `width` columns.

    Always: the position and the counts with the share of items dealt with (done or skipped),
    and in team mode what the server has not received yet (`Progress.connection`).
    Then, while they fit, in this order: a bar (5 to 20 cells), the time left, the annotator
    and the rate; whatever does not fit is left out whole.
    """
    total = progress.total
    share = progress.annotated / total if total else 0.0
    head = Text(no_wrap=True, overflow="ellipsis")
    approx = "" if progress.total_known else "~"
    head.append(f"{progress.position}/{approx}{total}", style="bold")
    if not progress.total_known:
        head.append(" indexing…", style="dim")
    head.append(f"  {counts_text(progress)}  ")
    if progress.connection:  # team mode: `offline, 3 to send` always shows
        head.append(visible(progress.connection), style="bold reverse")
        head.append("  ")
    percent = f"{share:.0%}"
    extras: dict[str, str] = {}
    if progress.remaining_seconds is not None:
        extras["left"] = f"  ~{duration(progress.remaining_seconds)} left"
    extras["who"] = f"  · {visible(annotator)}"
    if progress.rate_per_hour:
        extras["rate"] = f"  {progress.rate_per_hour:.0f}/h"
    room = width - head.cell_len - len(percent)
    chosen = set()
    for name, part in extras.items():  # in priority order, each only with room for the bar
        if room - cell_len(part) >= MIN_BAR + 1:
            chosen.add(name)
            room -= cell_len(part)
    bar_width = min(20, room - 1)
    if bar_width >= MIN_BAR:
        head.append(bar(share, bar_width) + " ")
    head.append(percent)
    for name in ("rate", "left"):
        if name in chosen:
            head.append(extras[name])
    if "who" in chosen:
        head.append(extras["who"], style="dim")
    return head


class Fitted:
    """A one-line renderable laid out by `layout(width)` for the width it is drawn in.

    A Static holding it re-lays it out when the terminal is resized; a test that prints it on
    a wide console gets the full line.
    """

    def __init__(self, layout: Callable[[int], Text]) -> None:
        self.layout = layout

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.layout(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, self.layout(options.max_width).cell_len)

    def __str__(self) -> str:
        return self.layout(1000).plain


def first_fitting(width: int, candidates: Iterable[Text]) -> Text:
    """The first of `candidates` (longest first) that fits `width` cells, else the last one
    (cut with an ellipsis)."""
    last = Text()
    for last in candidates:
        if last.cell_len <= width:
            return last
    last.no_wrap, last.overflow = True, "ellipsis"
    return last


class Line(Static):
    """A one-line widget (the header, the status line) whose content is the reactive `line`.

    A screen binds it to a reactive of its own (`data_bind(line=Screen.status)`) and sets
    that: the widget follows, and the screen never queries it.
    """

    line: reactive[RenderableType] = reactive(Text, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(markup=False, id=id)

    def watch_line(self, line: RenderableType) -> None:
        self.update(line)
