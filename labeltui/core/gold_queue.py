"""Gold items mixed into the annotate queue (`annotate --gold GOLD --gold-every N`, FORMAT
section 11): where they go, what they hold, and whether an answer matches.

The queue is the dataset's items in their order with one gold item in every block of N
positions (N - 1 dataset items and one gold item), at an offset inside the block drawn from a
generator seeded by the annotator's name: the annotator cannot predict where the gold items are,
yet a rerun gives the same queue (so resuming and undo find the same positions), and two
annotators get different positions and a different order of gold items. Once every gold item
has a place, the rest of the queue is the dataset alone.

The mapping from a queue position to "dataset item d" or "gold item k" is arithmetic (no table
of the dataset's size), so it works while the background index is still reading: a gold item
is in the queue once the dataset items before it in its block are.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labeltui.core.schema import Schema
from labeltui.errors import LabeltuiError


@dataclass(frozen=True, slots=True)
class GoldItem:
    """One gold item: the item's own fields (what the annotator sees) and the expected labels."""

    id: str
    data: dict[str, Any]
    labels: dict[str, Any]


def read_gold_items(path: str | Path) -> list[GoldItem]:
    """The gold file's current `done` lines (the last line per `_id` wins), in file order.

    A gold file is annotation lines (FORMAT section 3), e.g. `labeltui review`'s output. Lines
    that are not `done` (skipped) give no expected answer and are left out.
    """
    path = Path(path)
    found: dict[str, GoldItem | None] = {}
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise LabeltuiError(f"cannot read the gold file ({exc.strerror or exc})", path) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except (ValueError, RecursionError):
                raise LabeltuiError("not a JSON line (a gold file is annotation lines)", path,
                                    number) from None  # fmt: skip
            if not isinstance(obj, dict):
                raise LabeltuiError("a line of the gold file must be a JSON object", path, number)
            ident, labels = obj.get("_id"), obj.get("labels")
            if not isinstance(ident, str) or not ident:
                raise LabeltuiError('a gold line needs an "_id" (a non-empty string)', path,
                                    number)  # fmt: skip
            if not isinstance(labels, dict):
                raise LabeltuiError('a gold line needs a "labels" object', path, number)
            found.pop(ident, None)  # the last line for an id is the current one, in its place
            if obj.get("_status", "done") != "done":
                found[ident] = None
                continue
            data = {k: v for k, v in obj.items() if k != "labels" and not k.startswith("_")}
            found[ident] = GoldItem(ident, data, labels)
    items = [item for item in found.values() if item is not None]
    if not items:
        raise LabeltuiError("the gold file has no done answers", path)
    return items


class GoldPlan:
    """Where gold item k and dataset item d are in the queue, for `count` gold items mixed in
    about once every `every` positions, seeded by `seed` (the annotator's name)."""

    def __init__(self, count: int, every: int, seed: str) -> None:
        if every < 2:
            raise LabeltuiError(f"--gold-every must be 2 or more (got {every})")
        self.every = every
        self.per_block = every - 1
        """Dataset items in a block."""
        rng = random.Random(f"labeltui-gold:{seed}")
        self.order = list(range(count))
        """Gold item shown in block k: `order[k]` (an index into the gold file's items)."""
        rng.shuffle(self.order)
        self.offsets = [rng.randrange(every) for _ in range(count)]
        """Gold item k's offset inside its block (0 .. every - 1)."""

    @property
    def count(self) -> int:
        return len(self.order)

    def length(self, dataset: int) -> int:
        """Queue positions there are with `dataset` items indexed: every dataset item, and each
        gold item whose block has its dataset items before it (none with an empty dataset)."""
        if dataset <= 0:
            return 0
        full = dataset // self.per_block
        golds = min(self.count, full)
        if full < self.count and full * self.per_block + self.offsets[full] <= dataset:
            golds += 1
        return dataset + golds

    def slot(self, position: int) -> tuple[bool, int]:
        """(True, gold item k) or (False, dataset item d) at queue `position`."""
        block, offset = divmod(position, self.every)
        if block < self.count:
            gold_at = self.offsets[block]
            if offset == gold_at:
                return True, block
            return False, block * self.per_block + (offset if offset < gold_at else offset - 1)
        return False, self.count * self.per_block + position - self.count * self.every

    def position_of_item(self, dataset: int) -> int:
        """The queue position of dataset item `dataset`."""
        block, offset = divmod(dataset, self.per_block)
        if block < self.count:
            return block * self.every + (offset if offset < self.offsets[block] else offset + 1)
        return self.count * self.every + dataset - self.count * self.per_block

    def position_of_gold(self, k: int) -> int:
        """The queue position of gold slot `k` (the k-th gold item shown)."""
        return k * self.every + self.offsets[k]

    def golds_in(self, length: int) -> int:
        """Gold slots among the first `length` queue positions."""
        return sum(1 for k in range(self.count) if self.position_of_gold(k) < length)


# -- comparing an answer with gold ------------------------------------------------------------


def _norm(kind: str, value: Any) -> Any:
    """A task's value in a form where equal answers compare equal (order and rounding aside)."""
    if value in (None, []):
        return None
    if kind == "multi_choice" and isinstance(value, list):
        return tuple(sorted(map(str, value)))
    if kind in ("spans", "audio_marks") and isinstance(value, list):
        out = []
        for part in value:
            if not isinstance(part, dict):
                return repr(value)
            start, end = part.get("start"), part.get("end")
            if kind == "audio_marks" and isinstance(start, (int, float)):
                start, end = round(float(start), 3), round(float(end or start), 3)
            out.append((start, end, str(part.get("label"))))
        return tuple(sorted(out, key=repr))
    return value


def _shown(kind: str, value: Any) -> str:
    if value in (None, []):
        return "none"
    if kind == "multi_choice" and isinstance(value, list):
        return ", ".join(map(str, value))
    if kind in ("spans", "audio_marks") and isinstance(value, list):
        parts = []
        for part in value:
            if not isinstance(part, dict):
                continue
            if kind == "spans":
                parts.append(f"{part.get('text', '')!r} {part.get('label')}")
            else:
                start, end = part.get("start"), part.get("end")
                parts.append(f"{start}–{end}s {part.get('label')}")
        return "; ".join(parts) or "none"
    return str(value)


def expected_answer(schema: Schema, gold: dict[str, Any], answer: dict[str, Any]) -> str | None:
    """One line with the expected answer when `answer` differs from `gold` on a task gold has
    an answer for (tasks gold leaves out are not compared); None when it matches."""
    differs = False
    parts = []
    for task in schema.tasks:
        if task.name not in gold:
            continue
        if _norm(task.kind, gold[task.name]) != _norm(task.kind, answer.get(task.name)):
            differs = True
        parts.append((task.name, _shown(task.kind, gold[task.name])))
    if not differs:
        return None
    if len(parts) == 1:
        return f"Expected answer: {parts[0][1]}"
    return "Expected answer: " + " · ".join(f"{name}: {value}" for name, value in parts)
