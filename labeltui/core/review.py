"""Review (adjudication): several annotators' answers side by side, and a gold file.

Pure and UI-free. `load_review` reads annotation files line by line (never whole), keeps the
current line per (`_annotator`, `_id`) (the last one wins) and counts it only when its
`_status` is `done`; items are joined by `_id`. Each item gets a disagreement score in [0, 1]:
the mean over the schema's tasks of

- `choice`, `multi_choice`: 1 − the share of annotator pairs that gave the same answer;
- `spans`: 1 − the mean pairwise F1 of exact (start, end, label) matches;
- `audio_marks`: 1 − the mean pairwise F1 of marks matched one to one (closest first) with
  equal labels and both ends within `tolerance` seconds.

F1 of two answers is 2·matches / (|A| + |B|), and 1 when both are empty. An item with fewer
than two answers scores 0. The queue holds the items to review, most disagreement first (ties
in the order the items first appear), and `Review` walks it, writing the reviewer's answers to
an `AnnotationStore` with `_from`: every annotator whose whole answer equals the saved labels.

Memory holds, per answer, its place in its file and a compact form of its labels; an item's
text and raw labels are read back (`os.pread`) only when it is shown.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, NamedTuple

from labeltui.core.formats.files import type_name
from labeltui.core.ids import BadId, item_id
from labeltui.core.items import Item
from labeltui.core.moving import Moving
from labeltui.core.schema import Schema, Task
from labeltui.core.selection import SortKey, Where
from labeltui.core.store import META_KEYS, AnnotationStore
from labeltui.errors import LabeltuiError

DEFAULT_TOLERANCE = 0.5
"""Seconds: how far apart two marks' ends may be and still match (as `agree --tolerance`)."""
_EPS = 1e-9
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
        if path.is_dir():
            raise LabeltuiError("is a folder, not a JSONL annotation file", path)
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below; read line by line
            self._fds[index] = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            raise LabeltuiError("file not found", path) from None
        except OSError as exc:
            raise LabeltuiError(f"cannot read file: {exc.strerror or exc}", path) from None
        offset = 0
        with handle:
            for number, raw in enumerate(handle, start=1):
                start, length = offset, len(raw)
                offset += length
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw, start, length = raw[3:], start + 3, length - 3
                raw = raw.strip()
                if not raw:
                    continue
                yield LineRef(index, start, length, number), _decode(raw, path, number)

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
            obj = json.loads(raw)
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


def _decode(raw: bytes, path: Path, number: int) -> dict[str, Any]:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise LabeltuiError("the line is not valid UTF-8", path, number) from None
    except ValueError as exc:
        msg = getattr(exc, "msg", None) or str(exc)
        col = getattr(exc, "colno", None)
        reason = f"{msg} at column {col}" if col else msg
        raise LabeltuiError(f"not valid JSON ({reason})", path, number) from None
    if not isinstance(obj, dict):
        raise LabeltuiError(f"expected a JSON object, found {type_name(obj)}", path, number)
    return obj


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
    norms: dict[str, tuple] = field(default_factory=dict)
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


# -- comparing answers ---------------------------------------------------------------------------


def norm(task: Task, value: Any) -> Any:
    """A hashable form of one task's value, equal exactly when the answers mean the same."""
    if task.kind == "choice":
        return value if isinstance(value, str) else None
    items = value if isinstance(value, list) else []
    if task.kind == "multi_choice":
        order = {name: i for i, name in enumerate(task.label_names)}
        names = {v for v in items if isinstance(v, str)}
        return tuple(sorted(names, key=lambda n: (order.get(n, len(order)), n)))
    out = set()
    for entry in items:
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
            continue
        start, end = entry.get("start"), entry.get("end")
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (start, end)):
            continue
        if task.kind == "spans":
            if isinstance(start, int) and isinstance(end, int):
                out.add((start, end, entry["label"]))
        else:
            lo, hi = sorted((round(float(start), 3) + 0.0, round(float(end), 3) + 0.0))
            out.add((lo, hi, entry["label"]))
    return tuple(sorted(out))


def norm_labels(schema: Schema, labels: dict[str, Any]) -> tuple:
    """The whole answer (every task of the schema) in comparable form."""
    return tuple(norm(task, labels.get(task.name)) for task in schema.tasks)


def _close(a: tuple, b: tuple, tolerance: float) -> bool:
    return (
        a[2] == b[2]
        and abs(a[0] - b[0]) <= tolerance + _EPS
        and abs(a[1] - b[1]) <= tolerance + _EPS
    )


def matches(task: Task, a: tuple, b: tuple, tolerance: float = DEFAULT_TOLERANCE) -> int:
    """How many elements of two normalised span/mark answers match one to one."""
    if task.kind == "spans":
        return len(set(a) & set(b))
    pairs = sorted(
        (abs(x[0] - y[0]) + abs(x[1] - y[1]), i, j)
        for i, x in enumerate(a)
        for j, y in enumerate(b)
        if _close(x, y, tolerance)
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, i, j in pairs:  # closest pairs first
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def f1(task: Task, a: tuple, b: tuple, tolerance: float = DEFAULT_TOLERANCE) -> float:
    """2·matches / (|A| + |B|); two empty answers agree fully."""
    if not a and not b:
        return 1.0
    return 2 * matches(task, a, b, tolerance) / (len(a) + len(b))


def task_disagreement(task: Task, values: list[Any], tolerance: float = DEFAULT_TOLERANCE) -> float:
    """0 when every answer agrees, up to 1 (see the module docstring); values are normalised."""
    pairs = list(combinations(values, 2))
    if not pairs:
        return 0.0
    if task.kind in ("choice", "multi_choice"):
        return 1.0 - sum(a == b for a, b in pairs) / len(pairs)
    return 1.0 - sum(f1(task, a, b, tolerance) for a, b in pairs) / len(pairs)


def disagreement(schema: Schema, norms: list[tuple], tolerance: float) -> float:
    """An item's score: the mean of its tasks' disagreement (answers as `norm_labels` gives)."""
    if len(norms) < 2 or not schema.tasks:
        return 0.0
    scores = [
        task_disagreement(task, [n[i] for n in norms], tolerance)
        for i, task in enumerate(schema.tasks)
    ]
    return sum(scores) / len(scores)


def outvoted(values: list[Any]) -> list[bool]:
    """For whole answers: True for each one that no strict majority of the annotators gave."""
    counts = Counter(values)
    split = len(counts) > 1
    return [split and counts[v] * 2 <= len(values) for v in values]


def outvoted_elements(
    task: Task, mine: tuple, answers: list[tuple], tolerance: float = DEFAULT_TOLERANCE
) -> list[bool]:
    """For a span/mark answer: True for each element no strict majority of `answers` has.

    `answers` are every annotator's normalised answers, `mine` included; a mark counts as
    given when an answer has one with the same label and both ends within `tolerance`.
    """
    sets = [set(a) for a in answers]
    out = []
    for element in mine:
        if task.kind == "spans":
            count = sum(element in s for s in sets)
        else:
            count = sum(any(_close(element, x, tolerance) for x in a) for a in answers)
        out.append(count * 2 <= len(answers))
    return out


def majority(schema: Schema, answers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per task, the answer given by most annotators (ties: the earliest annotator's)."""
    out: dict[str, Any] = {}
    for task in schema.tasks:
        values = [(norm(task, a.get(task.name)), a.get(task.name)) for a in answers.values()]
        counts = Counter(n for n, _ in values)
        best = max(counts.values(), default=0)
        out[task.name] = next((raw for n, raw in values if counts[n] == best), None)
    return out


# -- loading ---------------------------------------------------------------------------------------


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
    for index, path in enumerate(lines.paths):
        for ref, obj in lines.scan(index):
            annotator = obj.get("_annotator")
            if not isinstance(annotator, str) or not annotator:
                raise LabeltuiError(
                    "no '_annotator' on this line; review reads annotation files "
                    "(labeltui annotate writes them)",
                    path,
                    ref.line,
                )
            ident = obj.get("_id")
            if not isinstance(ident, str):
                try:
                    ident = item_id(obj, text_field, audio_field)
                except BadId as exc:
                    raise LabeltuiError(str(exc), path, ref.line) from None
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
            if obj.get("_status") != "done":  # the current line, and it does not count
                item.refs.pop(annotator, None)
                item.norms.pop(annotator, None)
                continue
            labels = obj.get("labels")
            labels = labels if isinstance(labels, dict) else {}
            item.refs[annotator] = ref
            item.norms[annotator] = norm_labels(schema, labels)
            problem = _unknown_label(schema, labels)
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
        if (not only_disagreements or item.score > _EPS) and keep.get(item.id, True)
    ]
    queue.sort(key=lambda item: (-round(item.score, 9), item.order))
    if key is not None:  # stable: ties keep the disagreement order
        queue = [queue[i] for i in key.order([sort_values[item.id] for item in queue])]
    return Loaded(schema, annotators, joined, queue, only_disagreements, tolerance, lines)


def _unknown_label(schema: Schema, labels: dict[str, Any]) -> str | None:
    """A choice answer must name one of the schema's labels (else the schema is the wrong one)."""
    for task in schema.tasks:
        if task.kind not in ("choice", "multi_choice"):
            continue
        value = labels.get(task.name)
        names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        for name in names:
            if isinstance(name, str) and name not in task.label_names:
                return (
                    f"unknown label {name!r} for task {task.name!r} "
                    "(is this the schema these files were annotated with?)"
                )
    return None


# -- the review session --------------------------------------------------------------------------


def default_gold(first: str | Path) -> Path:
    """`<stem>.gold.jsonl` beside the first file; stem: its name up to the first dot."""
    first = Path(first)
    stem = first.name.split(".")[0] or "review"
    return first.with_name(f"{stem}.gold.jsonl")


@dataclass
class Review(Moving):
    """The reviewer walking the queue; every save is on disk before the next item shows."""

    loaded: Loaded
    store: AnnotationStore
    position: int = 0
    saves: int = 0
    shown_at: float = field(default_factory=time.monotonic)

    @property
    def schema(self) -> Schema:
        return self.loaded.schema

    @property
    def annotators(self) -> list[str]:
        return self.loaded.annotators

    @property
    def queue(self) -> list[ReviewItem]:
        return self.loaded.queue

    @property
    def empty(self) -> bool:
        return not self.queue

    def item(self) -> ReviewItem:
        return self.queue[self.position]

    def editor_item(self, item: ReviewItem | None = None) -> Item:
        """The item as the task editors take it (text and resolved audio path)."""
        item = item or self.item()
        text = item.data.get(self.schema.text_field) if self.schema.text_field else None
        if text is not None and not isinstance(text, str):
            text = json.dumps(text, ensure_ascii=False)
        audio = item.data.get(self.schema.audio_field) if self.schema.audio_field else None
        if isinstance(audio, str) and audio:
            audio = audio if os.path.isabs(audio) else os.path.join(item.folder, audio)
        else:
            audio = None
        return Item(self.position, item.id, item.data, text=text, audio=audio)

    def reviewed(self, item: ReviewItem | None = None) -> str | None:
        """The gold line's status for the item (`done`, `skipped`), or None."""
        record = self.store.current.get((item or self.item()).id)
        return None if record is None else record.status

    def remaining(self) -> int:
        """Items of the queue without a gold line yet."""
        return sum(not self.store.is_done(item.id) for item in self.queue)

    def answer(self, annotator: str, item: ReviewItem | None = None) -> dict[str, Any] | None:
        """An annotator's `labels` for the item as they wrote them (None: no answer)."""
        return (item or self.item()).answers.get(annotator)

    def values(self, item: ReviewItem | None = None) -> dict[str, Any]:
        """What the editors start with: the gold line when there is one, else the majority."""
        item = item or self.item()
        record = self.store.current.get(item.id)
        if record is not None:
            return {task.name: record.labels.get(task.name) for task in self.schema.tasks}
        return majority(self.schema, item.answers)

    def sources(self, labels: dict[str, Any], item: ReviewItem | None = None) -> list[str]:
        """`_from`: the annotators whose whole answer equals `labels`, in annotator order."""
        item = item or self.item()
        wanted = norm_labels(self.schema, labels)
        return [a for a, normed in item.norms.items() if normed == wanted]

    # -- moving --------------------------------------------------------------------------------

    def item_count(self) -> int:
        return len(self.queue)

    def item_id(self, position: int) -> str:
        return self.queue[position].id

    def next_unreviewed(self) -> bool:
        """Go to the next queue item without a gold line (after this one, then wrapping)."""
        return self.next_without_line()

    def resume(self) -> int:
        """Start at the first queue item without a gold line (the last item when none)."""
        for i, item in enumerate(self.queue):
            if not self.store.is_done(item.id):
                self.position = i
                break
        else:
            self.position = max(0, len(self.queue) - 1)
        self.shown_at = time.monotonic()
        return self.position

    # -- saving --------------------------------------------------------------------------------

    def save(self, labels: dict[str, Any], status: str = "done") -> list[str]:
        """Write the gold line (on disk when this returns), go to the next unreviewed item.

        Returns `_from`.
        """
        item = self.item()
        sources = self.sources(labels, item)
        elapsed = int((time.monotonic() - self.shown_at) * 1000)
        self.store.save(
            item.data, item.id, labels, status=status, ms=elapsed, extra={"_from": sources}
        )
        self.saves += 1
        self.next_unreviewed()
        return sources

    def undo(self) -> bool:
        """Take back this session's last gold save and show its item again."""
        ident = self.store.undo()
        if ident is None:
            return False
        self.saves = max(0, self.saves - 1)
        for i, item in enumerate(self.queue):
            if item.id == ident:
                self.go(i)
                self.shown_at = time.monotonic()
                break
        return True

    def close(self) -> None:
        self.store.close()
        self.loaded.close()


def check_reviewer(name: str) -> None:
    if not name or any(c in name for c in "/\\\0") or name.strip() != name:
        raise LabeltuiError(
            f"reviewer name {name!r} must be non-empty, without slashes or outer spaces"
        )


def open_review(
    loaded: Loaded, paths: list[str | Path], reviewer: str, out: str | Path | None = None
) -> Review:
    """Open the gold file (append, lock, replay) and resume at the first unreviewed item."""
    try:
        check_reviewer(reviewer)
    except LabeltuiError:
        loaded.close()
        raise
    out_path = Path(out) if out is not None else default_gold(paths[0])
    resolved = out_path.resolve()
    for path in paths:
        if Path(path).resolve() == resolved:
            loaded.close()
            raise LabeltuiError(
                "the gold file is also one of the files under review; pass another --out", out_path
            )
    try:
        store = AnnotationStore(out_path, reviewer)
    except BaseException:
        loaded.close()
        raise
    review = Review(loaded, store)
    review.resume()
    return review
