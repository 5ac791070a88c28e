"""Reading annotators' files for a review and joining their answers by item.

`load_review` reads annotation files line by line (never whole), keeps the current line per
(`_annotator`, `_id`) (the last one wins) and counts it only when it is an answer (the one
`_status` rule, `annotations.line.line_done`: `done`, or no `_status` at all); items are joined
by `_id` and scored (`compare.disagreement`). The queue holds the items to
review, most disagreement first (ties in the order the items first appear).

Memory holds, per answer, its place in its file and a compact form of its labels; an item's
text and raw labels are read back (`os.pread`) only when it is shown.

Lines are read by the one line iterator (`core.annotations.lines`) and checked as every reader
checks them (`AnnotationLine`): regular files only, lines judged by `parse_line`, a
half-written last line left out with a note, a bad `_status`, `_id` or `labels` an error naming
the line. A review (gold) line from an earlier review counts as its own annotator,
"<reviewer> (gold)", never as the reviewer's own answer.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from labeltui.core.annotations.files import open_regular
from labeltui.core.annotations.line import AnnotationLine
from labeltui.core.annotations.lines import LineScanner
from labeltui.core.annotations.parse import BadLine, parse_line
from labeltui.core.review.compare import DEFAULT_TOLERANCE, EPS, disagreement, norm_labels
from labeltui.core.schema import Schema
from labeltui.core.selection import SortKey, Where
from labeltui.core.store import META_KEYS
from labeltui.errors import LabeltuiError

_DROP = META_KEYS


class LineRef(NamedTuple):
    """Where a line is: file (index into the paths), byte offset and length, line number."""

    file: int
    offset: int
    length: int
    line: int


class Lines:
    """The annotation files, read back one line at a time by offset (a small LRU of lines)."""

    CACHE = 256

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self._fds: dict[int, int] = {}
        self._cache: OrderedDict[tuple[int, int], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def scan(self, index: int) -> Iterator[tuple[LineRef, dict[str, Any]]]:
        """Each non-blank line of file `index` with its place; a bad line stops with file:line."""
        path = self.paths[index]
        fd = open_regular(path, "file", "JSONL annotation file")  # no pipes, no devices
        self._fds[index] = fd  # kept open: lines are read back by offset when shown
        for number, offset, length, obj in LineScanner(fd, path):
            yield LineRef(index, offset, length, number), obj

    def read(self, ref: LineRef) -> dict[str, Any]:
        """The decoded line (`{}` if the file changed under it since it was scanned)."""
        key = (ref.file, ref.offset)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        try:
            raw = os.pread(self._fds[ref.file], ref.length, ref.offset)
            obj = parse_line(raw.strip())
        except (OSError, KeyError, ValueError):
            obj = None
        obj = obj if isinstance(obj, dict) else {}
        with self._lock:
            self._cache[key] = obj
            if len(self._cache) > self.CACHE:
                self._cache.popitem(last=False)
        return obj

    def close(self) -> None:
        for fd in self._fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds.clear()


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


@dataclass(slots=True)
class Loaded:
    """What `load_review` read: annotators in order of first appearance and the joined items."""

    schema: Schema
    annotators: list[str]
    items: list[ReviewItem]
    queue: list[ReviewItem]
    only_disagreements: bool
    tolerance: float
    lines: Lines | None = field(default=None, repr=False)

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
    open (read by offset when an item is shown) until `Loaded.close()` or `Review.close()`.
    """
    if not paths:
        raise LabeltuiError("review needs one or more annotation files (FILE...)")
    if tolerance < 0:
        raise LabeltuiError(f"--tolerance must be 0 or more seconds, not {tolerance}")
    filters, key = Where.parse(where), SortKey.parse(sort)
    lines = Lines([Path(p) for p in paths])
    try:
        return _load(lines, schema, only_disagreements, filters, key, tolerance)
    except BaseException:
        lines.close()
        raise


def _load(
    lines: Lines,
    schema: Schema,
    only_disagreements: bool | None,
    filters: Where | None,
    key: SortKey | None,
    tolerance: float,
) -> Loaded:
    text_field, audio_field = schema.text_field, schema.audio_field
    items: dict[str, ReviewItem] = {}
    keep: dict[str, bool] = {}
    sort_values: dict[str, float] = {}
    problems: dict[tuple[str, str], tuple[str, LineRef]] = {}
    """Current answers naming a label the schema does not have (reported once all is read)."""
    seen_annotators: dict[str, None] = {}
    choices = {t.name: frozenset(t.label_names) for t in schema.tasks
               if t.kind in ("choice", "multi_choice")}  # fmt: skip
    for index, path in enumerate(lines.paths):
        for ref, obj in lines.scan(index):
            try:
                line = AnnotationLine.of(obj, text_field, audio_field)
            except BadLine as exc:
                raise LabeltuiError(exc.message, path, ref.line) from None
            annotator, ident = line.annotator, line.id
            if annotator is None:
                raise LabeltuiError(
                    "no '_annotator' on this line; review reads annotation files "
                    "(labeltui annotate writes them)",
                    path,
                    ref.line,
                )
            seen_annotators.setdefault(annotator)
            item = items.get(ident)
            if item is None:
                item = items[ident] = ReviewItem(ident, len(items), ref, lines)
                if filters is not None or key is not None:
                    fields = _item_fields(obj)
                    keep[ident] = filters is None or filters.matches(fields)
                    if key is not None:
                        sort_values[ident] = key.value(fields)
            problems.pop((annotator, ident), None)
            if not line.done:  # the current line, and it does not count
                item.refs.pop(annotator, None)
                item.norms.pop(annotator, None)
                continue
            labels = line.labels
            item.refs[annotator] = ref
            item.norms[annotator] = norm_labels(schema, labels)
            problem = _unknown_label(choices, labels)
            if problem is not None:
                problems[annotator, ident] = (problem, ref)
    if problems:
        problem, ref = min(problems.values(), key=lambda p: (p[1].file, p[1].offset))
        raise LabeltuiError(problem, lines.paths[ref.file], ref.line)
    answered = {a for item in items.values() for a in item.refs}
    annotators = [a for a in seen_annotators if a in answered]
    for ident in [ident for ident, item in items.items() if not item.refs]:
        del items[ident]
    for item in items.values():  # answers in annotator order
        if len(item.refs) > 1 and list(item.refs) != [a for a in annotators if a in item.refs]:
            item.refs = {a: item.refs[a] for a in annotators if a in item.refs}
            item.norms = {a: item.norms[a] for a in annotators if a in item.norms}
    if not items:
        names = ", ".join(str(p) for p in lines.paths)
        raise LabeltuiError(f"no annotation with _status 'done' in {names}; nothing to review")
    joined = list(items.values())
    for item in joined:
        item.score = disagreement(schema, list(item.norms.values()), tolerance)
    if only_disagreements is None:
        only_disagreements = len(annotators) >= 2
    queue = [
        item
        for item in joined
        if (not only_disagreements or item.score > EPS) and keep.get(item.id, True)
    ]
    queue.sort(key=lambda item: (-round(item.score, 9), item.order))
    if key is not None:  # stable: ties keep the disagreement order
        queue = [queue[i] for i in key.order([sort_values[item.id] for item in queue])]
    return Loaded(schema, annotators, joined, queue, only_disagreements, tolerance, lines)


def _unknown_label(choices: dict[str, frozenset[str]], labels: dict[str, Any]) -> str | None:
    """A choice answer must name one of the schema's labels (else the schema is the wrong one);
    `choices`: each choice and multi_choice task's label names."""
    for task, known in choices.items():
        value = labels.get(task)
        names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        for name in names:
            if isinstance(name, str) and name not in known:
                return (
                    f"unknown label {name!r} for task {task!r} "
                    "(is this the schema these files were annotated with?)"
                )
    return None
