"""Review (adjudication): several annotators' answers side by side, and a gold file.

Pure and UI-free. `load.load_review` reads and joins the annotators' files and builds
the queue (scores: `compare`); `check_answers` refuses files with an answer that does not
fit the schema; `Review` walks the queue, writing the reviewer's answers to an `AnnotationStore`.

Every gold line carries `_from` (possibly `[]`): that key is what marks it as a review's gold line
rather than the same person's own annotation (FORMAT section 11), so the gold store replays only
`_from` lines (`review=True`), and `annotate`, `agree`, `stats` and `export` tell them apart.
`_from` lists every annotator whose whole answer equals the saved one exactly
(`compare.norm`); a skipped item credits nobody.

`Review` is a `core.queue.ItemQueue`, as the annotate session is: the screens see only that.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeltui.core.answer_check import value_problems
from labeltui.core.display import visible
from labeltui.core.items import Item
from labeltui.core.moving import Moving
from labeltui.core.review.compare import is_invalid, majority, norm_labels
from labeltui.core.review.load import Items, Loaded, ReviewItem
from labeltui.core.schema import Schema
from labeltui.core.store import AnnotationStore, check_output_path
from labeltui.errors import LabeltuiError


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
    def queue(self) -> Items:
        """Items made when asked for, by position (`load.Items`)."""
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

    def status(self, item: ReviewItem | None = None) -> str | None:
        """The gold line's status for the item (`done`, `skipped`), or None."""
        record = self.store.current.get((item or self.item()).id)
        return None if record is None else record.status

    def remaining(self) -> int:
        """Items of the queue without a gold line yet."""
        return len(self.queue) - self.queue.count_among(self.store.current)

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
        """`_from`: the annotators whose whole answer equals `labels`, in annotator order.

        Equal means equal per task as `compare.norm` says; an answer that does not fit
        its task equals nothing.
        """
        item = item or self.item()
        wanted = norm_labels(self.schema, labels)
        if any(is_invalid(n) for n in wanted):
            return []
        return [a for a, normed in item.norms.items() if normed == wanted]

    # -- moving --------------------------------------------------------------------------------

    def item_count(self) -> int:
        return len(self.queue)

    def item_id(self, position: int) -> str:
        return self.queue.id(position)

    def resume(self) -> int:
        """Start at the first queue item without a gold line (the last item when none)."""
        for i in range(len(self.queue)):
            if not self.store.is_done(self.queue.id(i)):
                self.position = i
                break
        else:
            self.position = max(0, len(self.queue) - 1)
        self.shown_at = time.monotonic()
        return self.position

    # -- saving --------------------------------------------------------------------------------

    def save(self, labels: dict[str, Any], status: str = "done") -> list[str]:
        """Write the gold line (on disk when this returns), go to the next unanswered item.

        Returns `_from`, which every gold line carries: `[]` when nobody gave this answer, and
        for a skip (a skipped item has no gold answer to credit anyone for).
        """
        item = self.item()
        sources = self.sources(labels, item) if status == "done" else []
        elapsed = int((time.monotonic() - self.shown_at) * 1000)
        self.store.save(
            item.data, item.id, labels, status=status, ms=elapsed, extra={"_from": sources}
        )
        self.saves += 1
        self.next_unanswered()
        return sources

    def undo(self) -> bool:
        """Take back this session's last gold save and show its item again."""
        ident = self.store.undo()
        if ident is None:
            return False
        self.saves = max(0, self.saves - 1)
        position = self.queue.position(ident)
        if position is not None:
            self.go(position)
            self.shown_at = time.monotonic()
        return True

    def close(self) -> None:
        self.store.close()
        self.loaded.close()


if TYPE_CHECKING:
    from labeltui.core.queue import ItemQueue

    def _is_a_queue(review: Review) -> ItemQueue:  # mypy checks Review satisfies it
        return review


def check_answers(loaded: Loaded) -> None:
    """Refuse the files when a current `done` answer does not fit its task (a wrong type, an
    unknown label, a bad span or mark), naming the first such line, as `agree` does.

    `load_review` keeps such an answer's form as `Invalid` (`compare.norm`), so this looks
    at the codes in memory only; the one line reported is read back to say what is wrong.
    """
    first = loaded.first_invalid()
    if first is None:
        return
    item, annotator, index = first
    task = loaded.schema.tasks[index]
    value = item.answers[annotator].get(task.name)
    text = item.data.get(loaded.schema.text_field) if loaded.schema.text_field else None
    problems = value_problems(task, value, text if isinstance(text, str) else None)
    reason = problems[0] if problems else f"{task.name}: the value does not fit a {task.kind} task"
    path, line = item.where(annotator)
    who = visible(annotator).replace("\n", "⏎").replace("\t", "␉")
    raise LabeltuiError(f"{who}'s answer does not fit the schema: {reason}", Path(path), line)


def check_reviewer(name: str) -> None:
    if not name or any(c in name for c in "/\\\0") or name.strip() != name:
        raise LabeltuiError(
            f"reviewer name {name!r} must be non-empty, without slashes or outer spaces"
        )


def open_review(
    loaded: Loaded, paths: list[str | Path], reviewer: str, out: str | Path | None = None
) -> Review:
    """Open the gold file (append, lock, replay its `_from` lines by `reviewer`) and resume
    at the first unreviewed item."""
    try:
        check_answers(loaded)
        check_reviewer(reviewer)
    except LabeltuiError:
        loaded.close()
        raise
    out_path = Path(out) if out is not None else default_gold(paths[0])
    try:
        check_output_path(out_path)  # a link loop, FIFO or device: one line, before resolve()
    except LabeltuiError:  # would raise RuntimeError on a loop
        loaded.close()
        raise
    resolved = out_path.resolve()
    for path in paths:
        if Path(path).resolve() == resolved:
            loaded.close()
            raise LabeltuiError(
                "the gold file is also one of the files under review; pass another --out", out_path
            )
    try:
        store = AnnotationStore(out_path, reviewer, review=True)
    except BaseException:
        loaded.close()
        raise
    review = Review(loaded, store)
    review.resume()
    return review
