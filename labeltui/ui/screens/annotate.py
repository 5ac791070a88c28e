"""The annotate screen: one item, one editor per task, and the keys that move and save.

The screen composes and routes; `core.session.Session` decides what each action does to the
data. Label keys are printable characters no widget consumed: they bubble up here and go to the
focused editor when its task has the key, else to the first editor whose task has it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Key
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from labeltui.core.dataset import DatasetIndex
from labeltui.core.display import visible
from labeltui.core.schema import RESERVED_KEYS, Task
from labeltui.core.session import Session
from labeltui.errors import LabeltuiError
from labeltui.ui.screens.help import key_label
from labeltui.ui.screens.labelling import LabellingScreen
from labeltui.ui.screens.prompt import PromptScreen
from labeltui.ui.widgets.status_bar import status_text
from labeltui.ui.widgets.task_editor import TaskEditor


def editor_for(task: Task) -> TaskEditor:
    """The editor widget for a task's kind (imported on demand)."""
    if task.kind in ("choice", "multi_choice"):
        from labeltui.ui.widgets.choice_editor import ChoiceEditor

        return ChoiceEditor(task, id=f"task-{task.name}")
    if task.kind == "spans":
        from labeltui.ui.widgets.span_editor import SpanEditor

        return SpanEditor(task, id=f"task-{task.name}")
    from labeltui.ui.widgets.audio_editor import AudioEditor

    return AudioEditor(task, id=f"task-{task.name}")


class AnnotateScreen(LabellingScreen):
    """Shows the session's current item and saves answers."""

    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", id="help", key_display="?"),
        Binding("enter", "save", "Save+next", id="save"),
        Binding("pagedown", "next", "Next", id="next"),
        Binding("pageup", "previous", "Prev", id="previous", show=False),
        Binding("ctrl+u", "next_unlabelled", "Next unlabelled", id="next_unlabelled", show=False),
        Binding("ctrl+k", "skip", "Skip", id="skip"),
        Binding("ctrl+z", "undo", "Undo", id="undo"),
        Binding("ctrl+g", "goto", "Go to item", id="goto", show=False),
        Binding("slash", "search", "Search", id="search"),
        Binding("ctrl+f", "search_again", "Find next", id="search_again", show=False),
        Binding("up", "scroll_text(-1)", "Scroll text up", id="scroll_up", show=False),
        Binding("down", "scroll_text(1)", "Scroll text down", id="scroll_down", show=False),
    ]

    @property
    def navigator(self) -> Session:
        return self.session

    def __init__(self, session: Session) -> None:
        super().__init__(session.schema)
        self.session = session

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="header", markup=False)
        yield Static(id="banner", markup=False)
        if not self.text_in_editor:
            with VerticalScroll(id="item-scroll", classes="short" if self.audio else ""):
                yield Static(id="item-text", markup=False)
        yield Static(id="meta", markup=False)
        fills = self.text_in_editor or self.audio
        with Vertical(id="editors", classes="fill" if fills else ""):
            for task, editor in zip(self.schema.tasks, self.editors, strict=True):
                if len(self.schema.tasks) > 1:
                    title = f"{task.name} ({task.kind.replace('_', ' ')})"
                    yield Static(Text(visible(title)), classes="editor-title")
                yield editor
        yield Static(id="status", markup=False)
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.show_item()
        if self.editors:
            self.editors[0].focus()
        # Index the rest once the first screen is painted: a scanning thread would compete
        # with the first paint for the interpreter.
        self.call_after_refresh(self.index_rest)
        self.set_interval(1.0, self.refresh_status)

    # -- the background index ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def index_rest(self) -> None:
        """Count lines, then index the rest of the dataset while the annotator works."""
        worker = get_current_worker()
        index = self.session.index
        index.count_lines()
        self.app.call_from_thread(self.refresh_status)

        def progress(_: DatasetIndex) -> None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.refresh_status)

        index.scan(progress=progress, cancelled=lambda: worker.is_cancelled)
        if worker.is_cancelled:
            return
        if index.error is not None:
            self.app.call_from_thread(self.show_index_error)
        elif index.duplicates:
            n = index.duplicates
            message = f"{index.path.name}: dropped {n} line{'s' * (n != 1)} with a duplicate id"
            self.app.call_from_thread(self.notify, message + " (the first one wins).", timeout=6)

    def show_index_error(self) -> None:
        error = self.session.index.error
        banner = self.query_one("#banner", Static)
        banner.update(
            Text(
                f"{error} — items from that line on are not available; "
                "fix the file and reopen (saved work is safe)",
                style="bold",
            )
        )
        banner.add_class("shown")
        self.refresh_status()

    # -- showing ----------------------------------------------------------------------------

    def show_item(self) -> None:
        """Show the session's current item in every widget."""
        session = self.session
        if session.empty:
            self.query_one("#header", Static).update("The dataset has no items.")
            return
        item = session.item()
        values = session.values(item)
        for task, editor in zip(self.schema.tasks, self.editors, strict=True):
            editor.load(item, values.get(task.name))
        if not self.text_in_editor:
            body = item.text if item.text is not None else _fields_text(item.data)
            self.query_one("#item-text", Static).update(Text(visible(body)))
            scroll = self.query_one("#item-scroll", VerticalScroll)
            scroll.scroll_home(animate=False)
            # Audio items without a text field: the meta line already lists the fields.
            scroll.display = not (self.audio and item.text is None)
        meta = _meta_text(item.data, self.schema.text_field, self.schema.audio_field)
        if session.status(item) is None:
            tasks = {task.name for task in self.schema.tasks}
            ours = {k: v for k, v in item.prefilled.items() if k in tasks or k == "_scores"}
            prefilled = _prefilled_text(ours, item.data.get("_scores"))
            meta = f"{prefilled}  ·  {meta}" if prefilled and meta else prefilled or meta
        self.query_one("#meta", Static).update(
            Text(visible(meta), no_wrap=True, overflow="ellipsis")
        )
        self.refresh_status()

    def refresh_status(self) -> None:
        if not self.is_mounted:
            return
        session = self.session
        if session.empty:
            return
        item = session.item()
        progress = session.progress()
        title = self.schema.title or session.index.path.name
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(visible(title), style="bold")
        header.append(f"  ·  item {visible(item.id)}")
        state = session.status(item)
        header.append(f"  ·  {state or 'new'}", style="bold" if state else "")
        self.query_one("#header", Static).update(header)
        self.query_one("#status", Static).update(
            status_text(progress, session.store.annotator, self.size.width - 2)
        )

    # -- label keys ---------------------------------------------------------------------------

    def label_key(self, event: Key) -> None:
        """A label's key: the app calls this once the keys typed before it have acted."""
        char = event.character
        if not char or not char.isprintable() or char in RESERVED_KEYS:
            return
        if self.session.empty:
            return
        focused = self.focused
        ordered = sorted(self.editors, key=lambda e: e is not focused)
        for editor in ordered:
            if editor.task.label_for_key(char) is None:
                continue
            if editor.press_label(char):
                event.stop()
                event.prevent_default()
                if self.schema.is_triage:
                    self.action_save()
                return

    @on(TaskEditor.Changed)
    def editor_changed(self) -> None:
        self.refresh_status()

    # -- actions ------------------------------------------------------------------------------

    def action_save(self) -> None:
        self._save("done")

    def action_skip(self) -> None:
        self._save("skipped")

    def _save(self, status: str) -> None:
        if self.session.empty:
            return
        before = self.session.position
        try:
            self.session.save(self.labels(), status=status)
        except LabeltuiError as exc:  # e.g. a full disk: nothing was saved, say so and stay
            self.notify(str(exc), severity="error", timeout=15)
            return
        self.show_item()
        if self.session.position == before and self.session.index.complete:
            left = len(self.session.index) - self.session.progress().done
            hint = f"{left} items have no annotation yet (ctrl+u finds them)." if left > 0 else ""
            self.notify(f"Saved the last item. {hint}".strip(), timeout=5)

    def action_next_unlabelled(self) -> None:
        if self.session.next_unlabelled():
            self.show_item()
        else:
            self.notify("Every item has an annotation.", timeout=3)

    def action_goto(self) -> None:
        total = len(self.session.index)

        def go(answer: str | None) -> None:
            if not answer:
                return
            try:
                number = int(answer.strip())
            except ValueError:
                self.notify(f"Not an item number: {answer!r}", severity="warning")
                return
            if not 1 <= number <= total:
                self.notify(f"Item numbers go from 1 to {total}.", severity="warning")
                return
            self.session.go(number - 1)
            self.show_item()

        self.app.push_screen(PromptScreen(f"Go to item number (1–{total}):"), go)

    def action_search(self) -> None:
        def find(answer: str | None) -> None:
            if answer:
                self._search(answer)

        prompt = PromptScreen("Search item text for:", value=self.session.last_search)
        self.app.push_screen(prompt, find)

    def action_search_again(self) -> None:
        if self.session.last_search:
            self._search(None)
        else:
            self.action_search()

    def _search(self, needle: str | None) -> None:
        if self.session.search(needle):
            self.show_item()
        else:
            self.notify(f"No item contains {self.session.last_search!r}.", timeout=3)

    def key_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every key the annotator can press, grouped, for the help screen."""
        groups = []
        app_keys = [(key_label(b.key), b.description) for b in self.BINDINGS]  # type: ignore[union-attr]
        app_keys.append(("^q", "Quit (every save is already on disk)"))
        groups.append(("Items", app_keys))
        groups.extend(self.task_key_groups())
        return groups


def _meta_text(data: dict, text_field: str, audio_field: str) -> str:
    """The item's other fields on one compact line."""
    parts = []
    for key, value in data.items():
        if key in (text_field, "labels") or key.startswith("_"):
            continue
        shown = value if isinstance(value, str) else _compact(value)
        parts.append(f"{key}: {shown}")
    return "  ·  ".join(parts)


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
            else _compact(value)
        )
        score = scores.get(task)
        if isinstance(score, (int, float)) and not isinstance(score, bool):
            shown = f"{shown} ({score:.2f})"
        parts.append(f"{task}={shown}")
    return "pre-filled " + ", ".join(parts) if parts else ""


def _fields_text(data: dict) -> str:
    return "\n".join(f"{k}: {_compact(v)}" for k, v in data.items() if k != "labels")


def _compact(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
