"""Moving over a sequence of items, for the annotate session and the review alike, and going
to an item by id or number and searching, over a dataset index that may still be growing."""

from __future__ import annotations

import re
import time
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from labeltui.core.display import visible_line

if TYPE_CHECKING:
    from labeltui.core.dataset import DatasetIndex
    from labeltui.core.store import AnnotationStore

_NUMBER = re.compile(r"[0-9]+")
"""An item number: ASCII digits only (`int` would also take `١٢`, `1_000` and `+3`)."""


class Moving(ABC):
    """`go`, `next`, `previous` and `next_unanswered` (the wrap-around search for an item
    without a current line): the moving half of `core.queue.ItemQueue`, written once.

    The class using it has `position`, `shown_at` (when the item appeared, for `_ms`) and
    `store`, and says how many items there are and what their ids are.
    """

    position: int
    shown_at: float
    store: AnnotationStore

    @abstractmethod
    def item_count(self) -> int:
        """How many items there are (so far)."""

    @abstractmethod
    def item_id(self, position: int) -> str:
        """The id of item `position`."""

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

    def next_unanswered(self) -> bool:
        """Go to the next item without a current line in the store (after the shown one,
        wrapping around once); False when there is none."""
        total = self.item_count()
        for step in range(1, total + 1):
            candidate = (self.position + step) % total
            if not self.store.is_done(self.item_id(candidate)):
                return self.go(candidate)
        return False


class IndexedMoving(Moving):
    """Going to an item by id or number, and searching ids and text, over a `DatasetIndex`
    that the background thread may still be reading (`still_reading`).

    The class using it has `index` and `last_search` (the needle `ctrl+f` looks for again).
    """

    index: DatasetIndex
    last_search: str
    index_stopped: str | None
    """Why the background index stopped before the end (it could not read on), or None."""

    @property
    def still_reading(self) -> bool:
        """The background index has not reached the end of the file (nor a bad line, nor a
        read error) yet."""
        return not self.index.complete and self.index.error is None and not self.index_stopped

    def locate(self, answer: str, read: bool = True) -> int | str | None:
        """The position `answer` names, or a message saying why it names none.

        The rule: an item whose id is exactly `answer` (as typed, else without its outer
        spaces) wins; else a whole number is the item's number as the status line counts it
        (1-based, in the order shown); `#12` is always the 12th item, for ids that are numbers.
        Ids are often numbers themselves, and the header shows the id: typing what it shows
        must go there.

        Items the background index has not reached yet are read up to the one asked for
        (`read`; this waits for a scan that is running). With `read=False` nothing is read:
        None means "not among the items read so far, and the file is still being read".
        """
        text = answer.strip()
        if not text:
            return "Type an item number or an id."
        reading = self.still_reading  # first: an index that is complete now stays complete
        if not text.startswith("#"):
            for ident in dict.fromkeys((answer, text)):
                found = self.index.find(ident)
                if found is None and reading:  # it may be further on in the file
                    if not read:
                        return None
                    if self.still_reading:
                        self.index.scan(stop=lambda _, seen: seen == ident)  # noqa: B023
                    found = self.index.find(ident)  # also when the index thread read it
                if found is not None:
                    return found
        number_text = text[1:].strip() if text.startswith("#") else text
        if not _NUMBER.fullmatch(number_text):
            where = " among the items --where selects" if self.index.where is not None else ""
            return f"No item has the id {visible_line(text)!r}{where}."
        number = int(number_text)
        if number > len(self.index) and self.still_reading:
            if not read:
                return None
            self.index.scan(stop=lambda position, _: position + 1 >= number)
        total = len(self.index)
        if 1 <= number <= total:
            return number - 1
        if total == 0:
            return "The dataset has no items."
        return f"Item numbers go from 1 to {total}."

    def matches(self, position: int, needle: str, ident: str | None = None) -> bool:
        """Item `position`'s id or text contains `needle` (casefolded already); `ident`, the
        id when the caller knows it, spares decoding the item when the id matches."""
        if ident is not None and needle in ident.casefold():
            return True
        item = self.index.item(position)
        if needle in item.id.casefold():
            return True
        return item.text is not None and needle in item.text.casefold()

    def find_next(self, needle: str | None = None) -> int | None:
        """The position of the next item (after the shown one, wrapping around once) whose id
        or text contains `needle` (case-insensitive; None: the last needle), or None.

        Items the index has not reached yet are read, in file order, before wrapping around
        (this waits for a scan that is running). Every item looked at is decoded: on a large
        file, call it from a thread.
        """
        if needle is not None:
            self.last_search = needle
        wanted = self.last_search.casefold()
        if not wanted or not len(self.index):
            return None
        checked = self.position + 1  # the next item to look at
        first: list[int] = []  # the first item the last read-on scan indexed
        found: list[int] = []

        def stop(position: int, ident: str) -> bool:
            first[:] = first or [position]
            if self.matches(position, wanted, ident):
                found.append(position)
                return True
            return False

        while True:
            end = len(self.index)  # the index may grow while this looks (the index thread)
            for candidate in range(checked, end):
                if self.matches(candidate, wanted):
                    return candidate
            checked = max(checked, end)
            if not self.still_reading:
                if len(self.index) > checked:
                    continue  # the index thread read to the end meanwhile
                break
            first.clear()
            self.index.scan(stop=stop)
            if first:
                # Another scan may have read the items between `checked` and the first one
                # this scan met; this scan looked at every item from that one on.
                for candidate in range(checked, first[0]):
                    if self.matches(candidate, wanted):
                        return candidate
                if found:
                    return found[0]
                checked = len(self.index)
        for candidate in range(0, min(self.position + 1, len(self.index))):
            if self.matches(candidate, wanted):
                return candidate
        return None
