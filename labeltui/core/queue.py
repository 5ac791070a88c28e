"""The one interface the labelling screens work through: a queue of items to answer.

`labeltui annotate` walks a dataset (`core.session.Session`) and `labeltui review` walks a
queue of items several annotators answered (`core.review.session.Review`). To the screens both
are the same thing, with the same names for the same ideas: a position in a sequence of items,
the values the editors start with, the status of the shown item's current line, saving (on
disk before the next item shows) and undoing saves, and the next item without a current line.
`ItemQueue` says so once; mypy checks that both satisfy it (the assignments at the end of
`core/session.py` and `core/review/session.py`), and the UI types against it alone.
"""

from __future__ import annotations

from typing import Any, Protocol

from labeltui.core.items import Item
from labeltui.core.schema import Schema
from labeltui.core.store import AnnotationStore


class ItemQueue(Protocol):
    """Items to answer one after another, each answer appended to `store`."""

    position: int
    """0-based position of the shown item."""
    saves: int
    """Lines written this session (an undo takes one back)."""

    @property
    def store(self) -> AnnotationStore:
        """The file the answers go to (the annotation file, or the gold file)."""
        ...

    @property
    def schema(self) -> Schema: ...

    @property
    def empty(self) -> bool:
        """There is no item to show."""
        ...

    def editor_item(self) -> Item:
        """The shown item as the task editors take it (text and resolved audio path)."""
        ...

    def values(self) -> dict[str, Any]:
        """The value per task the editors start with for the shown item."""
        ...

    def status(self) -> str | None:
        """The shown item's current line: `done`, `skipped`, or None (no line yet)."""
        ...

    def remaining(self) -> int:
        """Items (among those known so far) without a current line."""
        ...

    # -- moving ----------------------------------------------------------------------------

    def go(self, position: int) -> bool:
        """Show item `position` (clamped); True when the shown item changed."""
        ...

    def next(self) -> bool: ...

    def previous(self) -> bool: ...

    def next_unanswered(self) -> bool:
        """Go to the next item without a current line, wrapping around once; False: none."""
        ...

    # -- saving ----------------------------------------------------------------------------

    def save(self, labels: dict[str, Any], status: str = "done") -> list[str]:
        """Write the shown item's line (on disk when this returns) and move on.

        Returns the annotators the line credits (a gold line's `_from`; an annotator's own
        line credits nobody: `[]`). Raises a `LabeltuiError` when nothing was written.
        """
        ...

    def undo(self) -> bool:
        """Take back this session's last save and show its item; False: nothing to undo."""
        ...

    def close(self) -> None: ...
