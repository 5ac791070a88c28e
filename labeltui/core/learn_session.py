"""The annotate session with a model learning in the loop (`annotate --learn`, issue 18 item 3).

`LearnSession` is a `Session` that, after every save, hands the save to a model in a background
process (`core.learn`) and, when the model's scores come back, shows its suggestion (agent
`model`, with its probability) beside each scored item without an answer, pre-filled there as
any suggestion is (FORMAT section 9). Nothing waits for the model: its newest results are
taken when the annotator moves; until it has scores (it needs two different answers first),
the session behaves as a plain one.

How moving works:

- After a save (or skip), the next item is the most uncertain scored item without a line (the
  model's measure: entropy by default, least confidence, or margin); without scores, the next
  item without a line in file order (ctrl+u's search), else simply the next one.
- `next` without a save (pagedown) moves on in file order, as usual.
- `previous` (pageup) goes back to the item shown before the current one, in the order the
  annotator saw them (the queue jumps, so "the item above" would be a stranger); with nothing
  to go back to, the item above.
- Going to an item, searching, ctrl+u and undo work as in a plain session.

The model scores at most `SAMPLE` items without a line from the front of the queue (the first
such position, moving on as they get answered), never the whole file.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from labeltui.core.items import Item
from labeltui.core.learn.model import AGENT, TaskSpec, learnable, model_text
from labeltui.core.learn.uncertainty import check_strategy
from labeltui.core.learn.worker import SEED_LIMIT, SPAN, Job, Result, Setup, Window
from labeltui.core.schema import load_schema
from labeltui.core.session import Progress, Session, open_session
from labeltui.errors import LabeltuiError

TRAIL = 1000
"""Items `previous` can go back through."""


@dataclass
class LearnSession(Session):
    """A session whose queue follows the model's uncertainty after each save."""

    learner: Any = None
    """`core.learn.client.LearnerProcess` (the app) or `InlineLearner` (tests)."""
    strategy: str = "entropy"
    learn_error: str | None = None
    """The model's last failure (one line), or None: the session goes on without it."""
    fitted_on: int = 0
    """Saves the newest model was fitted on (0: none yet)."""
    _model: dict[str, tuple[float, list[tuple[str, Any, float]]]] = field(default_factory=dict)
    """Per scored item id: (uncertainty, [(task, value, score)]) from the newest result."""
    _order: list[tuple[int, str]] = field(default_factory=list)
    """(position, id) of the scored items, most uncertain first (the worker sorted them)."""
    _next_in_order: int = 0
    """Entries of `_order` before this one have been answered since."""
    _front: int = 0
    """Where the window the model scores starts (the first position without a line seen)."""
    _generation: int = 0
    _sent_window: tuple[int, int] = (-1, -1)
    """(first, end) of the window last sent (a job repeats it as None)."""
    _answered_generation: int = 0
    """The newest job a result has come back for."""
    _saved: bool = False
    """The next `next` follows a save: go to the most uncertain item."""
    _saved_ids: list[str] = field(default_factory=list)
    """Ids of this session's saves, the last last (what `undo` takes back)."""
    _trail: list[int] = field(default_factory=list)
    _going_back: bool = False

    # -- the model's side ------------------------------------------------------------------------

    def start(self) -> None:
        """Send the first job: the seed (earlier saves) is fitted and the window scored."""
        self._front = self.position
        self._submit([], [])

    def _window(self) -> Window | None:
        index = self.index
        first = self._front
        end = min(len(index), first + SPAN)
        if first >= end or (first, end) == self._sent_window:
            return None
        self._sent_window = (first, end)
        # The index's offset arrays only grow (or are replaced whole once, when a sorted
        # session's scan completes, before the session exists): a slice is a snapshot.
        starts = index._starts[first:end]
        lengths = index._lengths[first:end]
        return Window(first, starts.tobytes(), lengths.tobytes())

    def _submit(
        self,
        examples: list[tuple[str, str | None, dict[str, Any] | None]],
        answered: list[tuple[str, bool]],
    ) -> None:
        if self.learner is None:
            return
        self._generation += 1
        self.learner.submit(Job(self._generation, examples, answered, self._window()))

    def poll(self) -> bool:
        """Take the model's results that have arrived (never waits); True when there were."""
        if self.learner is None:
            return False
        results = self.learner.poll()
        for result in results:
            self._take(result)
        if not self.learner.alive and not self.learner.closed and self.learn_error is None:
            self.learn_error = "the model's process stopped; labelling goes on without it"
        return bool(results)

    def wait_for_model(self, timeout: float = 10.0) -> bool:
        """Block until the result of the newest job has arrived (tests and benchmarks only:
        the app never waits); False when it did not within `timeout` seconds."""
        if self.learner is None:
            return False
        deadline = time.monotonic() + timeout
        while self._answered_generation < self._generation:
            left = deadline - time.monotonic()
            if left <= 0 or not self.learner.alive:
                return False
            for result in self.learner.wait(left):
                self._take(result)
        return True

    def _take(self, result: Result) -> None:
        self._answered_generation = max(self._answered_generation, result.generation)
        if result.error is not None:
            self.learn_error = result.error
            return
        self.learn_error = None
        self.fitted_on = result.fitted_on
        if result.first_open is not None:
            self._front = max(self._front, result.first_open)
        elif result.window_end:
            self._front = max(self._front, result.window_end)
        self._model = {ident: (unsure, found) for _, ident, unsure, found in result.scored}
        self._order = [(position, ident) for position, ident, _, _ in result.scored]
        self._next_in_order = 0

    def _most_uncertain(self) -> int | None:
        """The position of the most uncertain scored item without a line, or None."""
        order = self._order
        while self._next_in_order < len(order):
            position, ident = order[self._next_in_order]
            if (
                not self.store.is_done(ident)
                and position != self.position
                and position < self.item_count()
                and self.item_id(position) == ident
            ):
                return position
            self._next_in_order += 1
        return None

    def model_status(self) -> str:
        """One line on the model for the status line."""
        if self.learn_error:
            return f"model: {self.learn_error}"
        if not self.fitted_on or not self._model:
            return "model: learning (needs two different answers)"
        return f"model: {self.fitted_on} answers, {len(self._model)} items scored"

    # -- the session's hooks ---------------------------------------------------------------------

    def progress(self) -> Progress:
        """A model that stopped or failed is said on the status line (labelling goes on)."""
        progress = super().progress()
        if self.learn_error:
            progress.connection = self.model_status()
        return progress

    def more_suggestions(self, item: Item) -> dict[str, list[dict[str, Any]]]:
        """The model's suggestion per task for a scored item without a line."""
        entry = self._model.get(item.id)
        if entry is None or self.store.is_done(item.id):
            return {}
        return {
            task: [{"value": value, "score": score, "agent": AGENT}]
            for task, value, score in entry[1]
        }

    def after_save(self, item: Item, labels: dict[str, Any], status: str) -> None:
        super().after_save(item, labels, status)
        self._saved = True
        self._saved_ids.append(item.id)
        learned = labels if status == "done" else None
        self._submit([(item.id, model_text(item.text), learned)], [(item.id, True)])

    def undo(self) -> bool:
        if not super().undo():
            return False
        self._saved = False
        if not self._saved_ids:
            return True
        ident = self._saved_ids.pop()
        record = self.store.current.get(ident)
        text = None
        if record is not None and record.status == "done":
            position = self.index.find(ident)
            text = None if position is None else self.index.item(position).text
        labels = record.labels if record is not None and record.status == "done" else None
        self._submit([(ident, model_text(text), labels)], [(ident, record is not None)])
        return True

    # -- moving ----------------------------------------------------------------------------------

    def go(self, position: int, poll: bool = True) -> bool:
        old = self.position
        changed = super().go(position)
        if changed and not self._going_back:
            self._trail.append(old)
            del self._trail[:-TRAIL]
        if poll:
            self.poll()
        return changed

    def next(self) -> bool:
        """After a save: the most uncertain scored item, else the next without a line; else
        (pagedown) the next item in file order."""
        if self._saved:
            self._saved = False
            self.poll()
            target = self._most_uncertain()
            if target is not None:
                return self.go(target, poll=False)
            if self.next_unanswered():
                return True
        return super().next()

    def previous(self) -> bool:
        """The item shown before this one (see the module's docstring)."""
        self._going_back = True
        try:
            while self._trail:
                back = self._trail.pop()
                if back != self.position and back < self.item_count():
                    return self.go(back)
            return super().previous()
        finally:
            self._going_back = False

    def close(self) -> None:
        if self.learner is not None:
            self.learner.close()
        super().close()


def learn_tasks(schema: Any) -> list[TaskSpec]:
    """The schema's tasks the model answers."""
    return [
        TaskSpec(task.name, task.kind, task.label_names)
        for task in schema.tasks
        if learnable(task.kind)
    ]


def open_learn_session(
    dataset: str | Path,
    schema_path: str | Path,
    annotator: str,
    out: str | Path | None = None,
    where: list[str] | None = None,
    sort: str | None = None,
    strategy: str = "entropy",
    gold: str | Path | None = None,
    inline: bool = False,
) -> LearnSession:
    """`open_session` (everything it checks, it still checks), then the model: `annotate
    --learn [--uncertainty entropy|least|margin]`.

    Refused in one line, before any file is made: an unknown measure, `--gold` (both decide
    the queue's order: the gold plan's fixed positions and the model's jumps do not mix), a
    schema without a `choice` or `multi_choice` task or without a text field, and
    scikit-learn missing. `inline` runs the model in this thread (tests, benchmarks).
    """
    check_strategy(strategy)
    if gold is not None:
        raise LabeltuiError("--learn does not go with --gold: choose one of them")
    schema = load_schema(schema_path)
    tasks = learn_tasks(schema)
    if not tasks:
        raise LabeltuiError(
            "--learn needs a choice or multi_choice task; this schema has none",
            schema_path,
        )
    if not schema.text_field:
        raise LabeltuiError(
            "--learn reads the items' text: the schema has no text_field", schema_path
        )
    if importlib.util.find_spec("sklearn") is None:
        raise LabeltuiError(
            "--learn needs scikit-learn: install labeltui[learn] (pip install 'labeltui[learn]')"
        )
    plain = open_session(dataset, schema_path, annotator, out, where, sort)
    session = LearnSession(
        **{f.name: getattr(plain, f.name) for f in fields(Session) if f.init},
        strategy=strategy,
    )
    try:
        store = session.store
        done = [(i, r.labels) for i, r in store.current.items() if r.status == "done"]
        setup = Setup(
            dataset=str(session.index.path),
            text_field=schema.text_field,
            audio_field=schema.audio_field,
            tasks=tasks,
            strategy=strategy,
            answered=list(store.current),
            seed=dict(done[-SEED_LIMIT:]),
            seed_path=str(store.path),
            annotator=store.annotator,
        )
        from labeltui.core.learn.client import InlineLearner, LearnerProcess

        session.learner = InlineLearner(setup) if inline else LearnerProcess(setup)
        session.start()
    except BaseException:
        session.close()
        raise
    return session
