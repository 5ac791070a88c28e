"""The annotate screen: one item, one editor per task, and the keys that move and save.

The screen composes and routes; `core.session.Session` decides what each action does to the
data. What it shares with the review screen (keys, layout, label-key routing, moving, saving,
help) is in `labelling.LabellingScreen`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from labeltui.core.dataset import DatasetIndex
from labeltui.core.display import visible_line
from labeltui.core.items import Item
from labeltui.core.schema import Task
from labeltui.core.session import Session
from labeltui.ui.screens.labelling import (
    LabellingScreen,
    compact,
    labelling_bindings,
    one_line,
)
from labeltui.ui.screens.prompt import PromptScreen
from labeltui.ui.widgets.status_bar import status_text
from labeltui.ui.widgets.suggestion_list import SuggestionList
from labeltui.ui.widgets.task_editor import TaskEditor


class AnnotateScreen(LabellingScreen):
    """Shows the session's current item and saves answers."""

    SHOWS_UNMOUNTED = True  # header, text, meta and status are attributes, not queries

    BINDINGS = labelling_bindings(
        "",
        "Next unlabelled",
        after_undo=[
            Binding("ctrl+g", "goto", "Go to item", id="goto", show=False),
            Binding("slash", "search", "Search", id="search"),
            Binding("ctrl+f", "search_again", "Find next", id="search_again", show=False),
        ],
    )

    PROGRESS_EVERY = 0.25
    """Seconds between two `IndexProgress` messages while the background index reads on."""

    @dataclass
    class IndexProgress(Message, bubble=False):
        """The background index read further (posted from its thread, toolong's
        `ScanProgress`): a newer one replaces one not handled yet. `done`: the scan ended
        (the end of the file, or a bad line: `DatasetIndex.error`)."""

        indexed: int
        done: bool = False

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, AnnotateScreen.IndexProgress)

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session
        self.banner = Static(id="banner", markup=False)
        """One line on what stopped the background index (hidden until something does)."""
        self.expected = Static(id="expected-answer", markup=False)
        """A gold item's expected answer after a save that differed (`--gold`), shown until
        the next key."""
        self.expected.display = False
        self.expected.styles.padding = (0, 1)
        self.expected.styles.height = 1
        self.suggestion_list = SuggestionList(self.schema.tasks, id="suggestions")
        """The item's suggestions (FORMAT section 9), above the editors; hidden without."""

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield self.banner
        yield self.expected
        yield from self.compose_text()
        yield self.suggestion_list
        yield from self.compose_editors(self.editor_title)

    def editor_title(self, task: Task) -> str | None:
        """With more than one task, each editor is under its task's name and kind."""
        if len(self.schema.tasks) > 1:
            return f"{task.name} ({task.kind.replace('_', ' ')})"
        return None

    def mounted(self) -> None:
        # Index the rest once the first screen is painted: a scanning thread would compete
        # with the first paint for the interpreter.
        self.call_after_refresh(self.index_rest)
        self.set_interval(1.0, self.refresh_status)  # the rate and the time left

    # -- the background index ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def index_rest(self) -> None:
        """Count lines, then index the rest of the dataset while the annotator works.

        Progress reaches the screen as `IndexProgress` messages; an exception (an `OSError`
        reading the file) ends the worker in error, which the app's one handler turns into
        `background_failed`.
        """
        worker = get_current_worker()
        index = self.session.index
        index.count_lines()
        self.post_message(self.IndexProgress(len(index)))
        last = time.monotonic()

        def progress(_: DatasetIndex) -> None:
            # a few a second: each redraws the screen, which takes the interpreter from the
            # scan (one every 4 MB was 40 a second, and made the index 1.6x slower)
            nonlocal last
            now = time.monotonic()
            if not worker.is_cancelled and now - last >= self.PROGRESS_EVERY:
                last = now
                self.post_message(self.IndexProgress(len(index)))

        index.scan(progress=progress, cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(self.IndexProgress(len(index), done=True))

    @on(IndexProgress)
    def index_progress(self, message: IndexProgress) -> None:
        self.refresh_status()
        if message.done:
            self.index_done()

    def index_done(self) -> None:
        """The scan reached the end of the file or a bad line: say what it left out."""
        index = self.session.index
        name = visible_line(index.path.name)
        if index.error is not None:
            self.show_banner(str(index.error))
        elif index.duplicates:
            n = index.duplicates
            message = f"{name}: dropped {n} line{'s' * (n != 1)} with a duplicate id"
            self.notify(message + " (the first one wins).", timeout=6, markup=False)
        if index.incomplete_line:
            message = (
                f"{name}:{index.incomplete_line}: incomplete last line left out "
                "(a save in progress or a crash)"
            )
            self.notify(message, timeout=8, markup=False)

    def background_failed(self, group: str, error: str) -> bool:
        """The index thread failed (the file cannot be read on): the items indexed so far
        stay, the count becomes exact, and one line says why the rest is missing."""
        if group != "index":
            return False
        self.session.stop_indexing(error)
        name = visible_line(self.session.index.path.name)
        self.show_banner(f"{name}: {error}", "the items read before it are all there is")
        return True

    def show_banner(
        self, error: str, what: str = "items from that line on are not available"
    ) -> None:
        self.banner.update(
            Text(
                f"{visible_line(error)} — {what}; fix the file and reopen (saved work is safe)",
                style="bold",
            )
        )
        self.banner.add_class("shown")
        self.refresh_status()

    # -- showing ----------------------------------------------------------------------------

    def item_body(self, item: Item) -> tuple[str, bool]:
        """The text, else every field; audio items without a text field show none (the meta
        line lists the fields already)."""
        body = item.text if item.text is not None else _fields_text(item.data)
        return body, not (self.audio and item.text is None)

    def meta_prefix(self, item: Item) -> str:
        """The input's pre-annotations, while the item has no line of the annotator's."""
        if self.session.status(item) is not None:
            return ""
        tasks = {task.name for task in self.schema.tasks}
        ours = {k: v for k, v in item.prefilled.items() if k in tasks or k == "_scores"}
        return _prefilled_text(ours, item.data.get("_scores"))

    def item_shown(self) -> None:
        self.refresh_suggestions()
        self.refresh_status()

    def refresh_suggestions(self) -> None:
        """Show the item's suggestions, marking those still pre-filled in their editor."""
        if not self.session.empty:
            self.suggestion_list.show(self.session.suggested(), self.labels())

    def show_empty(self) -> None:
        self.heading = "The dataset has no items."

    def refresh_status(self) -> None:
        """Set `heading` and `status` (the header and the status line follow)."""
        session = self.session
        if session.empty:
            return
        item = session.item()
        progress = session.progress()
        title = self.schema.title or session.index.path.name
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(one_line(title), style="bold")
        header.append(f"  ·  item {one_line(item.id)}")
        state = session.status(item)
        header.append(f"  ·  {state or 'new'}", style="bold" if state else "")
        self.heading = header
        width = self.size.width or self.app.size.width  # before mounting: the terminal's
        self.status = status_text(progress, session.store.annotator, width - 2)

    def value_source(self) -> str:
        """A flagged value is the input's pre-annotation, or the annotator's own saved line."""
        session = self.session
        return "pre-filled" if session.empty or session.status() is None else "saved"

    # -- label keys ---------------------------------------------------------------------------

    def label_key(self, event: Key) -> None:
        """A label's key: the app calls this once the keys typed before it have acted."""
        # Every key that reaches the app comes here: `enter`'s save runs after this (its
        # binding), a label key's below; either way an expected answer on screen is from an
        # earlier key (tests/ui/test_gold_ui.py presses both).
        self.hide_expected()
        if self.session.empty:
            return
        if self.press_label_key(event, first_only=True) and self.schema.is_triage:
            self.action_save()

    @on(TaskEditor.Changed)
    def editor_changed(self) -> None:
        self.refresh_suggestions()
        self.refresh_status()

    # -- actions ------------------------------------------------------------------------------

    def show_expected(self, expected: str | None) -> None:
        """After a gold item's save: its expected answer when the saved one differs."""
        if expected:
            self.expected.update(Text(visible_line(expected), style="bold", no_wrap=True,
                                      overflow="ellipsis"))  # fmt: skip
            self.expected.display = True
        else:
            self.hide_expected()

    def saved(self, status: str, sources: list[str], moved: bool) -> None:
        self.show_expected(self.session.expected)
        if not moved and self.session.index.complete:
            left = self.session.remaining()
            have = "item has" if left == 1 else "items have"
            hint = f"{left} {have} no annotation yet (ctrl+u finds them)." if left > 0 else ""
            self.notify(f"Saved the last item. {hint}".strip(), timeout=5, markup=False)

    def hide_expected(self) -> None:
        self.expected.display = False

    def all_answered(self) -> str:
        return "Every item has an annotation."

    def key_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The shared groups; with suggestions on the item, what enter and the label keys do
        to a pre-filled one."""
        groups = super().key_groups()
        if self.session.empty or not self.session.suggested().ranked:
            return groups
        rows = [
            ("Enter", "Accepts a suggestion marked ★ pre-filled: it is saved as your answer"),
            ("label key", "Replaces a pre-filled suggestion with your own choice"),
        ]
        tasks = len(self.schema.tasks)  # after the tasks' keys, before saving and moving
        return [*groups[:tasks], ("Suggestions (the line above the tasks)", rows), *groups[tasks:]]

    def action_goto(self) -> None:
        """Ask for an item number or id (`Session.locate` has the rule) and go there.

        An item the background index has not reached yet is looked for in a thread: the
        look-up may wait for the index's scan, and the screen must not.
        """
        from labeltui.errors import LabeltuiError

        session = self.session

        def went(found: int | str | None) -> None:
            if isinstance(found, str):
                self.notify(found, severity="warning", timeout=4, markup=False)
            elif found is not None:
                session.go(found)
                self.show_item()

        def read_on(answer: str) -> None:
            try:
                found: int | str | None = session.locate(answer)
            except LabeltuiError as exc:
                found = str(exc)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(went, found)

        def go(answer: str | None) -> None:
            if answer is None or not answer.strip():
                return
            found = session.locate(answer, read=False)
            if found is not None:
                went(found)
                return
            wanted = visible_line(answer.strip())
            self.notify(f"Reading on through the file for {wanted!r}…", timeout=2, markup=False)
            self.run_worker(
                lambda: read_on(answer),
                thread=True,
                group="goto",
                exclusive=True,
                exit_on_error=False,
            )

        numbers = "" if session.still_reading else f" (1–{session.item_count()})"
        example = "" if session.empty else f"e.g. {visible_line(session.item().id)}"
        self.app.push_screen(PromptScreen(f"Go to item number{numbers} or id:", example), go)

    def action_search(self) -> None:
        def find(answer: str | None) -> None:
            if answer:
                self._search(answer)

        prompt = PromptScreen("Search item ids and text for:", value=self.session.last_search)
        self.app.push_screen(prompt, find)

    def action_search_again(self) -> None:
        if self.session.last_search:
            self._search(None)
        else:
            self.action_search()

    def _search(self, needle: str | None) -> None:
        """Go to the next item whose id or text contains `needle` (None: the last one again).

        Each item looked at is decoded, so a search over more than a few thousand items, or
        over a file the index is still reading, runs in a thread.
        """
        from labeltui.errors import LabeltuiError

        session = self.session
        quick = 2_000  # items decoded on the screen's thread at most (about 20 ms)
        if needle is not None:
            session.last_search = needle

        def searched(found: int | str | None) -> None:
            if isinstance(found, str):
                self.notify(found, severity="warning", timeout=4, markup=False)
            elif found is None:
                wanted = visible_line(session.last_search)
                message = f"No item id or text contains {wanted!r}."
                self.notify(message, timeout=3, markup=False)
            else:
                session.go(found)
                self.show_item()

        def look() -> None:
            try:
                found: int | str | None = session.find_next()
            except LabeltuiError as exc:
                found = str(exc)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(searched, found)

        if not session.still_reading and session.item_count() <= quick:
            searched(session.find_next())
            return
        self.notify("Searching…", timeout=2, markup=False)
        self.run_worker(look, thread=True, group="search", exclusive=True, exit_on_error=False)


def _prefilled_text(labels: dict, top_scores: object) -> str:
    """`pre-filled team=bug (0.83)`: the input's pre-annotations with their model scores.

    Scores come from `labels._scores` or the item's `_scores` field: `{"task": 0.83}`.
    """
    scores = labels.get("_scores") if isinstance(labels.get("_scores"), dict) else top_scores
    scores = scores if isinstance(scores, dict) else {}
    parts = []
    for task, value in labels.items():
        if task.startswith("_") or value in (None, []):
            continue
        shown = (
            value
            if isinstance(value, str)
            else f"{len(value)} marked"
            if isinstance(value, list) and value and isinstance(value[0], dict)
            else compact(value)
        )
        score = scores.get(task)
        if isinstance(score, (int, float)) and not isinstance(score, bool):
            shown = f"{shown} ({score:.2f})"
        parts.append(f"{task}={shown}")
    return "pre-filled " + ", ".join(parts) if parts else ""


def _fields_text(data: dict) -> str:
    return "\n".join(f"{k}: {compact(v)}" for k, v in data.items() if k != "labels")
