"""Moving over a sequence of items, for the annotate session and the review alike."""

from __future__ import annotations

import time


class Moving:
    """`go`, `next`, `previous` and the wrap-around search for an item without a current line.

    The class using it has `position`, `shown_at` (when the item appeared, for `_ms`) and
    `store` (an AnnotationStore), and says how many items there are and what their ids are.
    """

    position: int
    shown_at: float

    def item_count(self) -> int:
        raise NotImplementedError

    def item_id(self, position: int) -> str:
        raise NotImplementedError

    def go(self, position: int) -> bool:
        """Show item `position` (clamped to the items there are); True when it changed."""
        total = self.item_count()
        if total == 0:
            return False
        position = max(0, min(position, total - 1))
        changed = position != self.position
        self.position = position
        if changed:
            self.shown_at = time.monotonic()
        return changed

    def next(self) -> bool:
        return self.go(self.position + 1)

    def previous(self) -> bool:
        return self.go(self.position - 1)

    def next_without_line(self) -> bool:
        """Go to the next item without a current line in the store, wrapping around once."""
        total = self.item_count()
        for step in range(1, total + 1):
            candidate = (self.position + step) % total
            if not self.store.is_done(self.item_id(candidate)):  # type: ignore[attr-defined]
                return self.go(candidate)
        return False
