"""The status line: position, items done with a bar, rate and time left."""

from __future__ import annotations

from rich.text import Text

from labeltui.core.display import visible
from labeltui.core.session import Progress


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


def status_text(progress: Progress, annotator: str, width: int = 78) -> Text:
    total = progress.total
    approx = "" if progress.total_known else "~"
    share = progress.done / total if total else 0.0
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{progress.position}/{approx}{total}", style="bold")
    if not progress.total_known:
        text.append(" indexing…", style="dim")
    text.append(f"  done {progress.done} ({share:.0%}) ")
    bar_width = max(0, min(20, width - 60))
    if bar_width >= 5:
        text.append(bar(share, bar_width))
    if progress.rate_per_hour:
        text.append(f"  {progress.rate_per_hour:.0f}/h")
    if progress.remaining_seconds is not None:
        text.append(f"  ~{duration(progress.remaining_seconds)} left")
    text.append(f"  · {visible(annotator)}", style="dim")
    return text
