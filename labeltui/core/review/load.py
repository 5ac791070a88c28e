"""Reading annotators' files for a review and joining their answers by item.

`load_review` reads the files into an integer table of every line (annotator, item, status,
file, line number, a code per task value) and joins it with arrays (`join.Joined`): the
current line per (`_annotator`, `_id`) is the last one, and it counts only when it is an
answer (the one `_status` rule, `annotations.line.line_done`: `done`, or no `_status` at all);
items are joined by `_id` and scored (`compare.disagreement`'s values). The queue holds the
items to review, most disagreement first (ties in the order the items first appear).

Two readers fill the table:

- the shared one of `agree` and `stats` (`core.agree.reading`: forked workers, orjson, codes),
  for ordinary files: 3 x 1,000,000 lines in a few seconds and a few hundred MB;
- a line-by-line one with exactly review's rules (`AnnotationLine`), for what the shared one
  judges otherwise: any line it refuses (review decides: it may be no error for review, e.g.
  a line without `_id`), review (gold) lines, which review counts as their own annotator
  "<reviewer> (gold)", never as the reviewer's own answer, a skipped line with a `labels` that
  is not an object, and `NaN`/`Infinity` (review refuses them, the shared reader lets them pass).

Memory holds no object per line or per item: a `ReviewItem` is made when asked for (by
position in `items` or `queue`), its text and raw labels read back from the files by line
number (`lines.Lines`) only when shown. Lines are checked as every reader checks them:
regular files only, lines judged by `parse_line`, a half-written last line left out with a
note, a bad `_status`, `_id` or `labels` an error naming the line.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import numpy as np

from labeltui.core.agree.reading import AnnotationTable, read_annotation_files
from labeltui.core.agree.reading.extras import ReadOptions
from labeltui.core.annotations.notes import INCOMPLETE, note
from labeltui.core.review.careful import careful_table
from labeltui.core.review.compare import DEFAULT_TOLERANCE, EPS
from labeltui.core.review.join import Joined
from labeltui.core.review.lines import LineRef, Lines
from labeltui.core.schema import Schema
from labeltui.core.selection import SortKey, Where
from labeltui.core.store import META_KEYS
from labeltui.errors import LabeltuiError

__all__ = ["LineRef", "Lines", "Loaded", "ReviewItem", "load_review"]

_DROP = META_KEYS


@dataclass(slots=True)
class ReviewItem:
    """One item with the current `done` answer of each annotator who gave one."""

    id: str
    order: int
    """First appearance over all files (ties in the queue keep this order)."""
    source: LineRef
    """The first line that names the item: its own fields (text, audio, ...) come from it."""
    lines: Lines = field(repr=False)
    refs: dict[str, LineRef] = field(default_factory=dict)
    """Annotator -> their current `done` line, in annotator order."""
    norms: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Annotator -> their answer in comparable form (`norm_labels`), in annotator order."""
    score: float = 0.0

    @property
    def data(self) -> dict[str, Any]:
        """The item's own fields, without labels or the annotation format's `_` keys."""
        return _item_fields(self.lines.read(self.source))

    @property
    def folder(self) -> str:
        """The folder of the item's first line's file (relative audio paths start there)."""
        return str(self.lines.paths[self.source.file].parent)

    @property
    def answers(self) -> dict[str, dict[str, Any]]:
        """Annotator -> their `labels` object as written, read from the files."""
        out = {}
        for annotator, ref in self.refs.items():
            labels = self.lines.read(ref).get("labels")
            out[annotator] = labels if isinstance(labels, dict) else {}
        return out

    def where(self, annotator: str) -> tuple[str, int]:
        """(file, line) of an annotator's answer, for messages."""
        ref = self.refs[annotator]
        return str(self.lines.paths[ref.file]), ref.line


class Items(Sequence[ReviewItem]):
    """Items by position, each made when asked for (`Loaded.item`); ids without making one."""

    def __init__(self, loaded: Loaded, at: np.ndarray) -> None:
        self._loaded = loaded
        self._at = at
        """Positions in `Loaded.joined.items`."""
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._at)

    @overload
    def __getitem__(self, index: int) -> ReviewItem: ...
    @overload
    def __getitem__(self, index: slice) -> list[ReviewItem]: ...
    def __getitem__(self, index: int | slice) -> ReviewItem | list[ReviewItem]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._loaded.item(int(self._at[index]))

    def __iter__(self) -> Iterator[ReviewItem]:
        return (self._loaded.item(int(at)) for at in self._at)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def id(self, index: int) -> str:
        return self._loaded.item_id(int(self._at[index]))

    def position(self, ident: str) -> int | None:
        """Where the item with this id is (ids are decoded once, on the first call)."""
        if self._positions is None:
            self._positions = {self.id(i): i for i in range(len(self))}
        return self._positions.get(ident)

    def count_among(self, ids: Any) -> int:
        """How many of `ids` (distinct) are items here."""
        if not ids:
            return 0
        return sum(self.position(ident) is not None for ident in ids)


class Loaded:
    """What `load_review` read: annotators in order of first appearance, the joined items
    (`items`, in order of first appearance) and the `queue` (positions into them)."""

    CACHE = 1024

    def __init__(
        self,
        schema: Schema,
        joined: Joined,
        only_disagreements: bool,
        tolerance: float,
        lines: Lines | None,
        queue: np.ndarray,
    ) -> None:
        self.schema = schema
        self.joined = joined
        self.only_disagreements = only_disagreements
        self.tolerance = tolerance
        self.lines = lines
        self.items = Items(self, np.arange(len(joined.items)))
        self.queue = Items(self, queue)
        self._cache: OrderedDict[int, ReviewItem] = OrderedDict()

    @property
    def annotators(self) -> list[str]:
        return self.joined.annotators

    def item_id(self, at: int) -> str:
        return self.joined.table.item_ids[int(self.joined.items[at])]

    def item(self, at: int) -> ReviewItem:
        """The item at position `at` of `items` (a small cache keeps the last ones made)."""
        made = self._cache.get(at)
        if made is not None:
            self._cache.move_to_end(at)
            return made
        made = self._make(at)
        self._cache[at] = made
        if len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return made

    def _make(self, at: int) -> ReviewItem:
        joined, table = self.joined, self.joined.table
        assert self.lines is not None
        code = int(joined.items[at])
        first = int(joined.first[code])
        item = ReviewItem(
            self.item_id(at),
            at,
            LineRef(int(table.file[first]), int(table.line[first])),
            self.lines,
            score=float(joined.scores[at]),
        )
        for position in range(int(joined.starts[code]), int(joined.starts[code + 1])):
            record = int(joined.records[position])
            who = joined.annotators[int(joined.rank[int(table.ann[record])])]
            item.refs[who] = LineRef(int(table.file[record]), int(table.line[record]))
            item.norms[who] = tuple(t.forms[int(t.codes[position])] for t in joined.tasks)
        return item

    def first_invalid(self) -> tuple[ReviewItem, str, int] | None:
        """The first current answer (in file order) whose value does not fit its task:
        (item, annotator, task index)."""
        found = self.joined.first_invalid()
        if found is None:
            return None
        position, task = found
        joined = self.joined
        code = int(np.searchsorted(joined.starts, position, side="right")) - 1
        at = int(np.flatnonzero(joined.items == code)[0])
        record = int(joined.records[position])
        who = joined.annotators[int(joined.rank[int(joined.table.ann[record])])]
        return self.item(at), who, task

    def close(self) -> None:
        if self.lines is not None:
            self.lines.close()


def _item_fields(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in _DROP}


def load_review(
    paths: list[str | Path],
    schema: Schema,
    only_disagreements: bool | None = None,
    where: list[str] | None = None,
    sort: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Loaded:
    """Read the files, join the answers by item, score them, and build the review queue.

    `only_disagreements` None means: on when two or more annotators are loaded. The files stay
    open (read by line when an item is shown) until `Loaded.close()` or `Review.close()`.
    """
    if not paths:
        raise LabeltuiError("review needs one or more annotation files (FILE...)")
    if tolerance < 0:
        raise LabeltuiError(f"--tolerance must be 0 or more seconds, not {tolerance}")
    filters, key = Where.parse(where), SortKey.parse(sort)
    lines = Lines([Path(p) for p in paths])
    try:
        table = _fast_table(lines, schema)
        if table is None:
            lines.close()
            lines = Lines(lines.paths)
            table = careful_table(lines, schema)
        return _load(lines, table, schema, only_disagreements, filters, key, tolerance)
    except BaseException:
        lines.close()
        raise


def _fast_table(lines: Lines, schema: Schema) -> AnnotationTable | None:
    """The shared reader's table, or None where review's rules may judge the files otherwise
    (see the module docstring); its notes (a half-written last line) are said here."""
    try:
        lines.open_all()
        if lines.has_nonfinite():  # first: then the shared reader's read is not wasted
            return None
        options = ReadOptions(
            text_field=schema.text_field or "text",
            audio_field=schema.audio_field or "audio",
            gold_answers=True,  # an answer to a gold item is an answer (notes: not said)
        )
        table = read_annotation_files([str(p) for p in lines.paths], options=options)
    except LabeltuiError:
        return None
    if any(INCOMPLETE not in text for text in table.notes):  # review (gold) lines left out
        return None
    for record in np.flatnonzero(~table.done).tolist():  # skipped lines: labels unchecked
        obj = lines.read(LineRef(int(table.file[record]), int(table.line[record])))
        labels = obj.get("labels")
        if labels is not None and type(labels) is not dict:
            return None
    for text in table.notes:
        note(text)
    return table


def _load(
    lines: Lines,
    table: AnnotationTable,
    schema: Schema,
    only_disagreements: bool | None,
    filters: Where | None,
    key: SortKey | None,
    tolerance: float,
) -> Loaded:
    joined = Joined.of(table, schema, tolerance)
    problem = joined.first_problem()
    if problem is not None:
        record, message = problem
        raise LabeltuiError(message, lines.paths[int(table.file[record])], int(table.line[record]))
    if not len(joined.items):
        names = ", ".join(str(p) for p in lines.paths)
        raise LabeltuiError(f"no annotation with _status 'done' in {names}; nothing to review")
    if only_disagreements is None:
        only_disagreements = len(joined.annotators) >= 2
    scores = joined.scores
    chosen = np.flatnonzero(scores > EPS) if only_disagreements else np.arange(len(scores))
    fields: dict[int, dict[str, Any]] = {}
    if filters is not None or key is not None:
        fields = _source_fields(lines, table, joined, chosen)
        if filters is not None:
            chosen = np.array([at for at in chosen.tolist() if filters.matches(fields[at])])
            chosen = chosen.astype(np.int64)
    distinct, inverse = np.unique(scores[chosen], return_inverse=True)
    rounded = np.array([-round(s, 9) for s in distinct.tolist()], dtype=np.float64)
    queue = chosen[np.lexsort((chosen, rounded[inverse.reshape(-1)]))]
    if key is not None:  # stable: ties keep the disagreement order
        values = [key.value(fields[at]) for at in queue.tolist()]
        queue = queue[np.array(key.order(values), dtype=np.int64)] if len(queue) else queue
    return Loaded(schema, joined, only_disagreements, tolerance, lines, queue)


def _source_fields(
    lines: Lines, table: AnnotationTable, joined: Joined, chosen: np.ndarray
) -> dict[int, dict[str, Any]]:
    """For --where and --sort: the fields of each chosen item's first line, read back in file
    order (about 3 us an item)."""
    first = joined.first[joined.items[chosen]]
    order = np.lexsort((table.line[first], table.file[first]))
    out: dict[int, dict[str, Any]] = {}
    for i in order.tolist():
        record = int(first[i])
        obj = lines.read(LineRef(int(table.file[record]), int(table.line[record])))
        out[int(chosen[i])] = _item_fields(obj)
    return out
