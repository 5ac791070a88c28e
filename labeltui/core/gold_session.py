"""The annotate session with gold items mixed in (`annotate --gold GOLD --gold-every N`).

`GoldSession` is a `Session` whose positions are queue positions (`core.gold_queue.GoldPlan`):
the dataset's items with the gold items among them. What it decides, besides the plan:

- A gold item shows the gold line's own fields, never its labels, and no pre-annotations; its
  answer is saved like any other line with `"_gold": true` added. After a `done` save that
  differs from gold, `expected` holds the expected answer (one line) for the screen.
- A gold id that is also a dataset id is one item to the store (one `_id`): either place
  it appears is treated as gold (`_gold: true`, the expected answer shown), and it is asked
  once: resume, ctrl+u and the move after a save pass a gold item that already has a line.
- Progress counts queue positions: the total, the position and the done count include the
  gold items (the counts must add up, and the annotator is not told which items are gold).
- Resume is the first queue position without a line: the same queue on every run, so gold
  items answered before are not asked again. Undo goes back to the undone item's position.
- Go to: a number is a queue position (as the status line counts); an id finds a gold item as
  well as a dataset item (the header shows the id, typing it must go there). Search looks at
  gold items too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeltui.core.dataset import DatasetIndex
from labeltui.core.gold_queue import GoldItem, GoldPlan, expected_answer, read_gold_items
from labeltui.core.items import Item
from labeltui.core.moving import _NUMBER
from labeltui.core.schema import Schema
from labeltui.core.session import Session
from labeltui.core.store import AnnotationStore


@dataclass
class GoldSession(Session):
    """A session over the dataset with gold items mixed in."""

    gold: list[GoldItem] = field(default_factory=list)
    plan: GoldPlan = field(default_factory=lambda: GoldPlan(0, 2, ""))
    gold_ids: dict[str, GoldItem] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.gold_ids = {g.id: g for g in self.gold}

    # -- the queue -------------------------------------------------------------------------------

    def item_count(self) -> int:
        return self.plan.length(len(self.index))

    def total_for(self, lines: int) -> int:
        return self.plan.length(lines)

    def gold_at(self, k: int) -> GoldItem:
        return self.gold[self.plan.order[k]]

    def item_id(self, position: int) -> str:
        is_gold, n = self.plan.slot(position)
        return self.gold_at(n).id if is_gold else self.index.item(n).id

    def item(self) -> Item:
        return self.item_at(self.position)

    def item_at(self, position: int) -> Item:
        is_gold, n = self.plan.slot(position)
        if not is_gold:
            return self.index.item(n)
        gold = self.gold_at(n)
        text = gold.data.get(self.schema.text_field) if self.schema.text_field else None
        if text is not None and not isinstance(text, str):
            text = str(text)
        audio = gold.data.get(self.schema.audio_field) if self.schema.audio_field else None
        if isinstance(audio, str) and audio:
            audio = audio if Path(audio).is_absolute() else str(self.index.path.parent / audio)
        else:
            audio = None
        return Item(index=-1, id=gold.id, data=gold.data, text=text, audio=audio)

    def is_gold(self, item: Item | None = None) -> bool:
        """The item (default: the shown one) is a gold item, wherever it is in the queue."""
        return (item or self.item()).id in self.gold_ids

    def gold_positions(self) -> list[int]:
        """Queue positions of the gold slots in the queue so far."""
        length = self.item_count()
        return [p for k in range(self.plan.count) if (p := self.plan.position_of_gold(k)) < length]

    # -- saving ----------------------------------------------------------------------------------

    def save_extra(self, item: Item) -> dict[str, Any] | None:
        return {"_gold": True} if self.is_gold(item) else None

    def after_save(self, item: Item, labels: dict[str, Any], status: str) -> None:
        gold = self.gold_ids.get(item.id)
        self.expected = None
        if gold is not None and status == "done":
            self.expected = expected_answer(self.schema, gold.labels, labels)

    def next(self) -> bool:
        """The next position, passing gold items that already have a line (each is asked once)."""
        moved = False
        for _ in range(self.item_count()):
            if not self.go(self.position + 1):
                return moved
            moved = True
            if not (self.is_gold() and self.store.is_done(self.item().id)):
                return True
        return moved

    def counted(self, item_id: str) -> bool:
        """A gold id counts among the dataset's ids only when the dataset has it."""
        return item_id not in self.gold_ids or self.index.find(item_id) is not None

    def position_of(self, item_id: str) -> int | None:
        for position in self.gold_positions():
            if self.item_id(position) == item_id:
                return position
        found = self.index.find(item_id)
        return None if found is None else self.plan.position_of_item(found)

    # -- opening ---------------------------------------------------------------------------------

    def resume(self) -> int:
        """The first queue position without a line (the last one when every position has one)."""
        super().resume()  # the first dataset item without a line (scans up to it)
        dataset_first = self.position
        if len(self.index) and not self.store.is_done(self.index.item(dataset_first).id):
            first = self.plan.position_of_item(dataset_first)
        else:
            first = self.item_count()
        for position in self.gold_positions():
            if position < first and not self.store.is_done(self.item_id(position)):
                first = position
                break
        self.position = min(first, max(0, self.item_count() - 1))
        return self.position

    # -- progress ----------------------------------------------------------------------------------

    def _gold_lines(self, status: str | None = None) -> int:
        """Gold slots in the queue so far with a line (of `status`, when given)."""
        count = 0
        for position in self.gold_positions():
            record = self.store.current.get(self.item_id(position))
            if record is not None and (status is None or record.status == status):
                count += 1
        return count

    def done_count(self) -> int:
        if self._done is None and not self.index.complete:
            # The store's count stands in for the dataset's until the index is complete: the
            # answers to gold items are counted below, not there.
            current = self.store.current
            answered_gold = sum(1 for ident in self.gold_ids if ident in current)
            dataset = min(len(current) - answered_gold, max(len(self.index), 1))
            return dataset + self._gold_lines()
        return super().done_count() + self._gold_lines()

    def skipped_count(self) -> int:
        return super().skipped_count() + self._gold_lines("skipped")

    # -- going to an item and searching -------------------------------------------------------

    def locate(self, answer: str, read: bool = True) -> int | str | None:
        """As `IndexedMoving.locate`, over queue positions: a gold id goes to its gold item, a
        number is a queue position."""
        text = answer.strip()
        if not text:
            return "Type an item number or an id."
        if not text.startswith("#"):
            for ident in dict.fromkeys((answer, text)):
                for position in self.gold_positions():
                    if self.item_id(position) == ident:
                        return position
        found = super().locate(answer, read)
        if found is None:
            return None
        is_id = isinstance(found, int) and self.index.item(found).id in (answer, text)
        if is_id and not text.startswith("#"):
            assert isinstance(found, int)
            return self.plan.position_of_item(found)
        number_text = text[1:].strip() if text.startswith("#") else text
        if not _NUMBER.fullmatch(number_text):
            return found if isinstance(found, str) else "No item has that id."
        number = int(number_text)
        if number > self.item_count() and self.still_reading and read:
            self.index.scan_all()
        total = self.item_count()
        if 1 <= number <= total:
            return number - 1
        if total == 0:
            return "The dataset has no items."
        return f"Item numbers go from 1 to {total}."

    def find_next(self, needle: str | None = None) -> int | None:
        """As `IndexedMoving.find_next`, over queue positions (gold items too). Reads the whole
        dataset first (the screen calls it from a thread while the index is reading)."""
        if needle is not None:
            self.last_search = needle
        wanted = self.last_search.casefold()
        if not wanted or not len(self.index):
            return None
        if self.still_reading:
            self.index.scan_all()
        total = self.item_count()
        for step in range(1, total + 1):
            candidate = (self.position + step) % total
            is_gold, n = self.plan.slot(candidate)
            if is_gold:
                item = self.item_at(candidate)
                if wanted in item.id.casefold() or wanted in (item.text or "").casefold():
                    return candidate
            elif self.matches(n, wanted):
                return candidate
        return None


def gold_session(
    index: DatasetIndex,
    schema: Schema,
    store: AnnotationStore,
    gold_path: str | Path,
    every: int,
) -> GoldSession:
    """A `GoldSession` over `index` with the gold file's items, seeded by the annotator."""
    plan_check = GoldPlan(0, every, "")  # --gold-every must be 2 or more: said before reading
    del plan_check
    gold = read_gold_items(gold_path)
    plan = GoldPlan(len(gold), every, store.annotator)
    return GoldSession(index=index, schema=schema, store=store, gold=gold, plan=plan)
