"""The annotation session: where the annotator is and what each key does to the data.

The screen routes keys; the session decides. It owns the position, the values shown for an
item (the annotator's current line, else the input's pre-annotations and the best
suggestions), saving, skipping, undo of saves, jumping, searching and finding the next
unanswered item. It knows nothing of Textual.
It is a `core.queue.ItemQueue`, as the review is: the screens see only that.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeltui.core.answer_check import label_problems, missing_answer, missing_text
from labeltui.core.dataset import DatasetIndex
from labeltui.core.items import Item
from labeltui.core.moving import IndexedMoving
from labeltui.core.schema import Schema, load_schema
from labeltui.core.selection import SortKey, Where
from labeltui.core.store import AnnotationStore, default_output
from labeltui.core.suggestions import Suggested, suggested_for
from labeltui.errors import LabeltuiError


@dataclass
class Progress:
    """Counts for the status line."""

    position: int
    """1-based position of the shown item."""
    total: int
    total_known: bool
    done: int
    """Items whose current line is `done` (a skip is not counted here)."""
    saved_this_session: int
    rate_per_hour: float | None
    remaining_seconds: float | None
    skipped: int = 0
    """Items whose current line is `skipped`."""
    connection: str | None = None
    """What the status line always shows: the server in team mode (`offline, 3 to send`), a
    failed model with `--learn`; None when all is well."""

    @property
    def annotated(self) -> int:
        """Items with a current line, done or skipped (what ctrl+u does not stop at)."""
        return self.done + self.skipped


class AnswerRefused(LabeltuiError):
    """A save the session will not make, and why: nothing was written.

    `problems` are values no task can hold (an unknown label, overlapping spans, a mark past
    the audio: FORMAT section 3); `missing` names required tasks without an answer (saving as
    done only); `unusable` says why the item can only be skipped (its audio cannot be read, or
    it has no text for spans).
    """

    def __init__(
        self, problems: list[str], missing: list[str], unusable: str | None = None
    ) -> None:
        parts = list(problems)
        if missing:
            parts.append(f"no answer for {', '.join(missing)}: pick a label or skip the item")
        if unusable:
            parts.append(f"{unusable}: this item can only be skipped")
        super().__init__("; ".join(parts))
        self.problems = problems
        self.missing = missing
        self.unusable = unusable


@dataclass
class Session(IndexedMoving):
    """One annotator working through one dataset."""

    index: DatasetIndex
    schema: Schema
    store: AnnotationStore
    position: int = 0
    started: float = field(default_factory=time.monotonic)
    shown_at: float = field(default_factory=time.monotonic)
    saves: int = 0
    last_search: str = ""
    index_stopped: str | None = None
    """Why the background index stopped before the end (`stop_indexing`), or None."""
    _done: int | None = None
    """Items of this dataset with a current line, counted once the index is complete and then
    kept up to date by save and undo (the store may hold ids the dataset does not have)."""
    expected: str | None = None
    """After a save: the expected answer (one line) when the item was gold and the answer
    differed (`core.gold_session`); None otherwise."""

    # -- opening -----------------------------------------------------------------------------

    def resume(self) -> int:
        """Scan just far enough to find the first item without a current line, and go there.

        When every item has one, stay on the last item.
        """
        found: list[int] = []
        if self.index.sort is not None:  # the order is known only once everything is indexed
            self.index.scan()
            first = next(  # items are decoded up to the first one to label, not all of them
                (
                    i
                    for i in range(len(self.index))
                    if not self.store.is_done(self.index.item(i).id)
                ),
                None,
            )
            found = [] if first is None else [first]
        else:

            def stop(index: int, ident: str) -> bool:
                if not self.store.is_done(ident):
                    found.append(index)
                    return True
                return False

            self.index.scan(stop=stop)
        if found:
            self.position = found[0]
        else:
            self.position = max(0, len(self.index) - 1)
        self.shown_at = time.monotonic()
        return self.position

    # -- the shown item ------------------------------------------------------------------------

    @property
    def empty(self) -> bool:
        return len(self.index) == 0

    def item(self) -> Item:
        return self.index.item(self.position)

    def editor_item(self, item: Item | None = None) -> Item:
        """The item as the task editors take it: the dataset's item itself."""
        return item or self.item()

    def values(self, item: Item | None = None) -> dict[str, Any]:
        """The value per task shown for an item: the annotator's current line; else the
        input's `labels`, and for a task without a `labels` value the best suggestion.

        A current line is the annotator's answer for every task, a `null` in it too: nothing
        is pre-filled over it (a revisit followed by enter must not change what they chose).
        """
        item = item or self.item()
        record = self.store.current.get(item.id)
        if record is not None:
            return {task.name: record.labels.get(task.name) for task in self.schema.tasks}
        values = {task.name: item.prefilled.get(task.name) for task in self.schema.tasks}
        for name, suggestion in self.suggested(item).prefilled.items():
            values[name] = suggestion.value
        return values

    def suggested(self, item: Item | None = None) -> Suggested:
        """The item's suggestions (its `suggestions` field and `more_suggestions`) checked and
        ranked per task, and which of them `values` pre-fills (`core.suggestions`).

        A field of the wrong shape does not stop the session: it is ignored, and `error` says
        why in one line with the file and line (the extra suggestions still count).
        """
        item = item or self.item()
        answered = item.id in self.store.current
        more = self.more_suggestions(item)
        return suggested_for(self.schema.tasks, item, more, self.index.path, answered)

    def suggestions(self, item: Item | None = None) -> dict[str, list[dict[str, Any]]]:
        """Per task, the item's suggestions and `more_suggestions` merged, best first
        (`{value, score, agent}`, and `problem` when the task cannot hold the value)."""
        ranked = self.suggested(item).ranked
        return {name: [s.as_dict() for s in found] for name, found in ranked.items()}

    def more_suggestions(self, item: Item) -> dict[str, list[dict[str, Any]]]:
        """Suggestions for `item` besides the dataset's own, per task (`{value, score, agent}`
        each, FORMAT section 9): none here; `annotate --learn` adds its model's."""
        return {}

    def status(self, item: Item | None = None) -> str | None:
        """`done`, `skipped`, or None when the item has no current line."""
        record = self.store.current.get((item or self.item()).id)
        return None if record is None else record.status

    # -- moving --------------------------------------------------------------------------------

    def item_count(self) -> int:
        return len(self.index)

    def item_id(self, position: int) -> str:
        return self.index.item(position).id

    # -- going to an item and searching ----------------------------------------------------------

    def goto(self, answer: str) -> str | None:
        """Go to the item `answer` names (see `locate`); None, or why it could not."""
        found = self.locate(answer)
        if isinstance(found, str):
            return found
        assert found is not None  # locate reads on, so it always answers
        self.go(found)
        return None

    def search(self, needle: str | None = None) -> bool:
        """Go to the next item whose id or text contains `needle` (see `find_next`); True when
        one does (it may be the shown item itself, the only one that matches)."""
        found = self.find_next(needle)
        if found is None:
            return False
        self.go(found)
        return True

    # -- saving --------------------------------------------------------------------------------

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.shown_at) * 1000)

    def unusable(self, item: Item | None = None) -> str | None:
        """Why an item can only be skipped: spans need a text it lacks, or its audio cannot be
        read (missing, not a file, not audio). None when it can be answered."""
        item = item or self.item()
        no_text = missing_text(self.schema, item.data)
        if no_text is not None:
            return no_text
        return self._audio(item)[1]

    def _audio(self, item: Item) -> tuple[float | None, str | None]:
        """(the item's audio length in seconds, why it cannot be read); (None, None) when the
        schema has no audio task."""
        if not any(task.kind == "audio_marks" for task in self.schema.tasks):
            return None, None
        if item.audio is None:
            return None, f"item has no audio field {self.schema.audio_field!r}"
        from labeltui.core.audio.decode import AudioError, probe

        try:
            return probe(item.audio).duration, None
        except AudioError as exc:
            return None, f"its audio cannot be read ({exc})"

    def refusal(
        self, labels: dict[str, Any], status: str = "done", item: Item | None = None
    ) -> AnswerRefused | None:
        """Why saving `labels` with `status` is refused, or None when it may be saved.

        A value a task cannot hold is refused whatever the status; a required task without an
        answer, and an item that cannot be answered, only when saving as done (skipping stays
        open).
        """
        item = item or self.item()
        duration, no_audio = self._audio(item)
        no_text = missing_text(self.schema, item.data)
        unusable = (no_text or no_audio) if status == "done" else None
        problems = label_problems(self.schema, labels, item.data, item.text, duration)
        missing = []
        if status == "done" and unusable is None:
            missing = [t.name for t in self.schema.tasks if missing_answer(t, labels.get(t.name))]
        if problems or missing or unusable:
            return AnswerRefused(problems, missing, unusable)
        return None

    def save(self, labels: dict[str, Any], status: str = "done") -> list[str]:
        """Save the shown item (on disk when this returns) and move to the next one.

        Raises `AnswerRefused` (nothing written, no move) when `refusal` says why not. Returns
        whom the line credits (`ItemQueue.save`): an annotator's own line, nobody.
        """
        item = self.item()
        refused = self.refusal(labels, status, item)
        if refused is not None:
            raise refused
        new = not self.store.is_done(item.id)
        extra = self.save_extra(item)
        self.store.save(
            item.data, item.id, labels, status=status, ms=self.elapsed_ms(), extra=extra
        )
        self.saves += 1
        if new and self._done is not None and self.counted(item.id):
            self._done += 1
        self.after_save(item, labels, status)
        self.next()
        return []

    def save_extra(self, item: Item) -> dict[str, Any] | None:
        """More keys for the saved line (a gold item's `"_gold": true`)."""
        return None

    def after_save(self, item: Item, labels: dict[str, Any], status: str) -> None:
        """What a save does besides writing (`expected`, for gold items)."""

    def counted(self, item_id: str) -> bool:
        """Whether a line for `item_id` counts in the dataset's done count (`_done`)."""
        return True

    def position_of(self, item_id: str) -> int | None:
        """The position of the item `item_id` among those indexed, or None."""
        return self.index.find(item_id)

    def skip(self) -> None:
        """Save the shown item as skipped (with whatever labels it has) and move on."""
        self.save(self.values(), status="skipped")

    def undo(self) -> bool:
        """Take back the last save of this session and go back to its item."""
        item_id = self.store.undo()
        if item_id is None:
            return False
        self.saves = max(0, self.saves - 1)
        if self._done is not None and not self.store.is_done(item_id) and self.counted(item_id):
            self._done -= 1
        self.expected = None
        position = self.position_of(item_id)
        if position is not None:
            self.go(position)
            self.shown_at = time.monotonic()
        return True

    def close(self) -> None:
        self.store.close()
        self.index.close()

    # -- progress ------------------------------------------------------------------------------

    def done_count(self) -> int:
        """Items with a current line, done or skipped: exact once indexed, the store's count
        until then (save and undo keep it up to date)."""
        if self._done is None:
            if not self.index.complete:
                return min(len(self.store.current), max(len(self.index), 1))
            self._done = self.index.count_ids(self.store.current)
        return self._done

    def remaining(self) -> int:
        """Items indexed so far without a current line."""
        return max(0, self.item_count() - self.done_count())

    def skipped_count(self) -> int:
        """Items whose current line is `skipped`, so that "done" means answered.

        Counted from the store each time the status line is drawn (about 40 ms for a million
        annotation lines, nothing to notice for thousands; only the skipped ids are looked up in
        the index), so save and undo need not track it.
        """
        skipped = [
            ident for ident, record in self.store.current.items() if record.status == "skipped"
        ]
        if not skipped:
            return 0
        if not self.index.complete:
            return min(len(skipped), self.done_count())
        return self.index.count_ids(skipped)

    def total_for(self, lines: int) -> int:
        """The queue's length for a dataset of `lines` items (its estimate while indexing)."""
        return lines

    def stop_indexing(self, why: str) -> None:
        """The background index failed (the file cannot be read on): the items indexed so
        far are all there is, and the counts say so (no "indexing…" for ever)."""
        self.index_stopped = why or "the file cannot be read on"

    def progress(self) -> Progress:
        total = self.item_count()
        # A bad line or a read error stops the index: the items before it are all there is
        # (the banner says why).
        known = self.index.complete or self.index.error is not None or bool(self.index_stopped)
        lines = None if known else self.index.estimated_lines()
        if lines:
            total = max(total, self.total_for(lines))
        annotated = self.done_count()
        skipped = min(self.skipped_count(), annotated)
        done = annotated - skipped
        elapsed = time.monotonic() - self.started
        rate = self.saves / elapsed * 3600 if self.saves and elapsed > 0 else None
        remaining = None
        if rate:
            remaining = max(0, total - annotated) / rate * 3600
        return Progress(
            position=self.position + 1,
            total=total,
            total_known=known,
            done=done,
            saved_this_session=self.saves,
            rate_per_hour=rate,
            remaining_seconds=remaining,
            skipped=skipped,
        )


def open_session(
    dataset: str | Path,
    schema_path: str | Path,
    annotator: str,
    out: str | Path | None = None,
    where: list[str] | None = None,
    sort: str | None = None,
    gold: str | Path | None = None,
    gold_every: int | None = None,
) -> Session:
    """Load the schema, open the dataset index and the annotator's store, and resume.

    Everything that can be wrong with the input is raised here, before any screen appears:
    also a schema that does not fit the dataset (no item among the first has a field it needs,
    `core.fit`), a `--where` that matches no item and a `--sort` field no item has a number in.
    A refusal leaves no annotation file behind that this call created.
    """
    from labeltui.core.fit import check_head
    from labeltui.core.store import check_output_path

    if (gold is None) != (gold_every is None):
        raise LabeltuiError("--gold and --gold-every go together: give both or neither")
    schema = load_schema(schema_path)
    if not annotator or any(c in annotator for c in "/\\\0") or annotator.strip() != annotator:
        raise LabeltuiError(
            f"annotator name {annotator!r} must be non-empty, without slashes or outer spaces"
        )
    index = DatasetIndex(
        dataset,
        schema.text_field,
        schema.audio_field,
        where=Where.parse(where),
        sort=SortKey.parse(sort, schema),
    )
    try:
        check_head(schema, index.path)
        out_path = Path(out) if out is not None else default_output(dataset, annotator)
        check_output_path(out_path)  # a FIFO, a device, a folder, a symbolic link loop
        try:
            same = out_path.resolve() == Path(dataset).resolve()
        except (OSError, RuntimeError):  # a link loop made after the check
            raise LabeltuiError(
                "cannot resolve the path (a symbolic link loop?); give the annotation file's "
                "real path",
                out_path,
            ) from None
        if same:
            raise LabeltuiError(
                "the annotation file would overwrite the dataset; pass another --out"
            )
        store = AnnotationStore(out_path, annotator)
    except BaseException:
        index.close()
        raise
    session: Session
    if gold is not None and gold_every is not None:
        from labeltui.core.gold_session import gold_session

        try:
            session = gold_session(index, schema, store, gold, gold_every)
        except BaseException:
            store.discard_if_unused()
            index.close()
            raise
    else:
        session = Session(index=index, schema=schema, store=store)
    try:
        session.resume()
        if index.error is not None and (len(index) == 0 or index.sort is not None):
            raise index.error
        if index.complete and index.error is None:
            # A selection that shows nothing says why, instead of an empty screen.
            total = index.filtered_out + len(index)
            if index.where is not None and not len(index) and total:
                raise LabeltuiError(index.where.why_none(total), index.path)
            if index.sort is not None and len(index) and not index.sort_numeric:
                raise LabeltuiError(index.sort.why_none(len(index), index.item(0).data), index.path)
    except BaseException:
        store.discard_if_unused()
        session.close()
        raise
    return session


if TYPE_CHECKING:
    from labeltui.core.queue import ItemQueue

    def _is_a_queue(session: Session) -> ItemQueue:  # mypy checks Session satisfies it
        return session
