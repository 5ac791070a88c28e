"""What the annotate and review screens share: bindings, layout, editors, moving, saving, help.

The screen works through one core interface, `core.queue.ItemQueue` (`queue`: the annotate
`Session` or the `Review`): it moves, saves, skips and undoes through it alone. A subclass adds
what only it shows (`item_body`, `item_shown`, what it says once a line is `saved`, its own
keys). State reaches the one-line widgets by reactives: the screen sets `heading` and
`status`, and the header and status line are bound to them (`data_bind`).

Label keys are printable characters no widget consumed: the app hands them to `label_key` once
the keys typed before them have acted, and they go to the focused editor when its task has the
key, else to the first editor whose task has it.

What the editors hold is checked (`core.answer_check`, through `TaskEditor.problems`): a
pre-filled value no task can hold is flagged on the problem line above the status line, and a
save the core refuses (an unknown label, a required task without an answer, an item whose
audio cannot be read) is explained there too; nothing is written until it is fixed or skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.events import Key
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from labeltui.core.display import visible, visible_line
from labeltui.core.items import Item
from labeltui.core.queue import ItemQueue
from labeltui.core.schema import RESERVED_KEYS, Task
from labeltui.core.session import AnswerRefused
from labeltui.errors import LabeltuiError
from labeltui.ui.screens.help import HelpScreen, key_label
from labeltui.ui.widgets.key_bar import KeyBar
from labeltui.ui.widgets.status_bar import Line
from labeltui.ui.widgets.task_editor import TaskEditor

QUIT_KEY = ("^q", "Quit (every save is already on disk)")

SHOWN_CHARS = 200_000
"""At most this many characters of an item's text are put on screen (about 65 screens of
100x30): laying out a 100 MB one-line text would take minutes and gigabytes. The rest is kept
(and saved) as it is; a line under the text says how much is not shown. Spans editors draw the
text themselves and are not cut."""
META_VALUE_CHARS = 500
"""A field on the one-line meta line is cut to this many characters (the line ends in "…"
at the screen's edge anyway)."""


def labelling_bindings(
    prefix: str,
    unseen: str,
    after_save: list[Binding] | None = None,
    after_undo: list[Binding] | None = None,
) -> list[BindingType]:
    """The keys both screens have, in footer order; binding ids start with `prefix`.

    `unseen` is ctrl+u's description: it goes to the next item without an answer.
    """
    return [
        Binding("question_mark,f1", "help", "Help", id=f"{prefix}help", key_display="?"),
        Binding("enter", "save", "Save+next", id=f"{prefix}save"),
        *(after_save or []),
        Binding("pagedown", "next", "Next", id=f"{prefix}next"),
        Binding("pageup", "previous", "Prev", id=f"{prefix}previous", show=False),
        Binding("ctrl+u", "next_unanswered", unseen, id=f"{prefix}next_unanswered", show=False),
        Binding("ctrl+k", "skip", "Skip", id=f"{prefix}skip"),
        Binding("ctrl+z", "undo", "Undo", id=f"{prefix}undo"),
        *(after_undo or []),
        Binding("up", "scroll_text(-1)", "Scroll text up", id=f"{prefix}scroll_up", show=False),
        Binding(
            "down", "scroll_text(1)", "Scroll text down", id=f"{prefix}scroll_down", show=False
        ),
    ]


def editor_id(task: Task) -> str:
    """A widget id for a task's editor: any name YAML allows (spaces, dots, any script) maps
    to a valid Textual identifier; plain names keep their readable `task-NAME` form."""
    import re

    if re.fullmatch(r"[A-Za-z0-9_-]+", task.name):
        return f"task-{task.name}"
    return "tasku-" + task.name.encode("utf-8").hex()  # never a plain `task-` id


def editor_for(task: Task) -> TaskEditor:
    """The editor widget for a task's kind (imported on demand)."""
    if task.kind in ("choice", "multi_choice"):
        from labeltui.ui.widgets.choice_editor import ChoiceEditor
        from labeltui.ui.widgets.choice_tree import TreeChoiceEditor, needs_tree

        kind = TreeChoiceEditor if needs_tree(task) else ChoiceEditor
        return kind(task, id=editor_id(task))
    if task.kind == "spans":
        from labeltui.ui.widgets.span_editor import SpanEditor

        return SpanEditor(task, id=editor_id(task))
    from labeltui.ui.widgets.audio_editor import AudioEditor

    return AudioEditor(task, id=editor_id(task))


class LabellingScreen(Screen[None]):
    """A screen with one editor per task over the items of a queue (`core.queue.ItemQueue`)."""

    SHOWS_UNMOUNTED = False
    """`show_item` works before the screen's widgets are mounted (`mount_composed_widgets`)."""

    heading: reactive[RenderableType] = reactive(Text, init=False, always_update=True)
    """The header line's content (the header is bound to it)."""
    status: reactive[RenderableType] = reactive(Text, init=False, always_update=True)
    """The status line's content (the status line is bound to it). Both repaint on every
    set, equal or not, as `Static.update` does."""

    def __init__(self, queue: ItemQueue) -> None:
        super().__init__()
        self.queue = queue
        self.schema = schema = queue.schema
        self.editors: list[TaskEditor] = [editor_for(task) for task in schema.tasks]
        for editor in self.editors:
            editor.schema = schema
        self.text_in_editor = any(task.kind == "spans" for task in schema.tasks)
        """A spans task draws the text itself, in its editor."""
        self.audio = any(task.kind == "audio_marks" for task in schema.tasks)
        self.header = Line(id="header")
        self.item_scroll = VerticalScroll(id="item-scroll", classes="short" if self.audio else "")
        self.item_text = Static(id="item-text", markup=False)
        self.meta = Static(id="meta", markup=False)
        self.status_line = Line(id="status")
        self.problem_line = Static(id="answer-problems", markup=False)
        """What is wrong with the answer on screen (hidden when nothing is)."""
        self.problem_line.display = False
        self.problem_line.styles.padding = (0, 1)
        self.problem_line.styles.max_height = 6
        self.refused: str = ""
        """Why the last save was refused, shown until the answer changes or the item does."""
        self._shown = False
        """The first item is on the widgets already (`mount_composed_widgets`)."""

    def item_body(self, item: Item) -> tuple[str, bool]:
        """(the text shown above the editors, whether to show it at all) for `item`."""
        return item.text or "", item.text is not None

    def meta_prefix(self, item: Item) -> str:
        """What the meta line says before the item's other fields."""
        return ""

    def item_shown(self) -> None:
        """What a screen does once an item is on the editors (its header, status, panels)."""

    def show_empty(self) -> None:
        """What a screen shows when the queue has no item."""

    def saved(self, status: str, sources: list[str], moved: bool) -> None:
        """What a screen says once a line is saved and the next item shows: `sources` is
        whom the line credits (`ItemQueue.save`); `moved`, whether another item shows."""

    def item_keys(self) -> tuple[str, list[tuple[str, str]]]:
        """The help screen's first group: its title and (key, what it does) rows."""
        return "Items", self.binding_keys()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a failed background job of the screen ends up (each runs with
        `exit_on_error=False`): the index thread, a look-up, a search. (A waveform build is
        the audio editor's, which shows its error on the item.)

        The error becomes one line: the screen may say it its own way and keep what it has
        (`background_failed`: the index keeps the items it read), else a notification says
        it. The app goes on either way; nothing saved is lost, nothing waits for ever.
        """
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        line = visible_line(str(error) or type(error).__name__)
        group = event.worker.group
        if not self.background_failed(group, line):
            what = f"{group} failed" if group else "a background job failed"
            self.notify(f"{what}: {line}", severity="error", timeout=15, markup=False)

    def background_failed(self, group: str, error: str) -> bool:
        """A job of `group` failed with `error` (one line): True when the screen said so
        itself; False, and a notification says it."""
        return False

    def labels(self) -> dict:
        return {editor.task.name: editor.value() for editor in self.editors}

    # -- layout ------------------------------------------------------------------------------

    def compose_header(self) -> ComposeResult:
        """The header line, fed by `heading`."""
        yield self.header.data_bind(line=LabellingScreen.heading)

    def compose_text(self) -> ComposeResult:
        """The item's text (unless an editor draws it) and its other fields on one line."""
        if not self.text_in_editor:
            with self.item_scroll:
                yield self.item_text
        yield self.meta

    def compose_editors(self, title: Callable[[Task], str | None]) -> ComposeResult:
        """The task editors (each under `title(task)` unless None), the status line, footer."""
        fills = self.text_in_editor or self.audio
        with Vertical(id="editors", classes="fill" if fills else ""):
            for task, editor in zip(self.schema.tasks, self.editors, strict=True):
                heading = title(task)
                if heading is not None:
                    yield Static(Text(visible(heading)), classes="editor-title")
                yield editor
        yield self.problem_line
        yield self.status_line.data_bind(line=LabellingScreen.status)
        yield KeyBar(id="keys")

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        """Show the first item on the new widgets before they are mounted, when every editor
        can load an item unmounted: their first layout then has their content, and the first
        frame is the whole screen (content given in `on_mount` comes a frame later for some
        widgets, about 10 ms, measured with benchmarks/open_large.py)."""
        if self.SHOWS_UNMOUNTED and all(editor.LOADS_UNMOUNTED for editor in self.editors):
            self.show_item()
            self.first_lines()
            self._shown = True
        await super().mount_composed_widgets(widgets)

    def first_lines(self) -> None:
        """Give the header and the status line the first item's content now.

        `data_bind` connects a widget to the screen's reactive only once the widget is
        mounted (`call_later`), after the first layout: without this, the first layout would
        lack the header and the status line.
        """
        self.header.line = self.heading
        self.status_line.line = self.status

    def repaint(self) -> None:
        """Draw the whole screen again after the first frame.

        Textual drops the frame it paints while the screen mounts (inside a batch update);
        the next frames draw only what changed since, so widgets given their content before
        (the header, the status line, the review's answers) would stay blank until the next
        full layout (measured in tmux: up to half a second on a loaded machine).
        """
        for widget in self.walk_children(Widget):
            widget.refresh()

    def on_mount(self) -> None:
        if not self._shown:
            self.show_item()
            self.first_lines()
        self.call_after_refresh(self.repaint)
        if self.editors:
            if self._shown:  # after the first frame: focusing now would hold the editor back
                self.call_after_refresh(self.editors[0].focus)  # from it (a frame later)
            else:
                self.editors[0].focus()
        self.mounted()

    def mounted(self) -> None:
        """What a screen does once the first item shows."""

    # -- showing -----------------------------------------------------------------------------

    def show_item(self) -> None:
        """Show the queue's current item in every widget."""
        queue = self.queue
        if queue.empty:
            self.show_empty()
            return
        item = queue.editor_item()
        body, text_shown = self.item_body(item)
        self.show_fields(item, queue.values(), body, text_shown, self.meta_prefix(item))
        self.item_shown()

    def show_fields(
        self, item: Item, values: dict, body: str, text_shown: bool, meta_prefix: str = ""
    ) -> None:
        """Load the editors, show `body` as the item's text and the item's other fields."""
        for task, editor in zip(self.schema.tasks, self.editors, strict=True):
            editor.load(item, values.get(task.name))
        if not self.text_in_editor:
            self.item_text.update(shown_text(body))
            if self.item_scroll.is_mounted:
                self.item_scroll.scroll_home(animate=False)
            self.item_scroll.display = text_shown
        meta = meta_text(item.data, self.schema.text_field, self.schema.audio_field)
        meta = f"{meta_prefix}  ·  {meta}" if meta_prefix and meta else meta_prefix or meta
        self.meta.update(Text(one_line(meta), no_wrap=True, overflow="ellipsis"))
        self.refused = ""
        self.refresh_problems()

    # -- problems ------------------------------------------------------------------------------

    def value_source(self) -> str:
        """How the problem line names where a flagged value came from."""
        return "pre-filled"

    def answer_problems(self) -> list[str]:
        """Every problem of the values the editors hold now, in task order."""
        return [problem for editor in self.editors for problem in editor.problems()]

    def refresh_problems(self) -> None:
        """Show the problems of the answer on screen (and why a save was refused), or hide."""
        problems = self.answer_problems()
        text = Text()
        for problem in problems[:3]:
            text.append("⚠ ", style="bold")
            text.append(visible(f"{self.value_source()} {problem}").replace("\n", "⏎") + "\n")
        if len(problems) > 3:
            text.append(f"  … and {len(problems) - 3} more\n")
        if problems:
            text.append(
                "  fix it first (a label key, or ⌫ to clear or remove it); then enter or ^k",
                style="dim",
            )
        if self.refused:
            if problems:
                text.append("\n")
            text.append("✗ ", style="bold")
            text.append(visible(self.refused), style="bold")
        text.rstrip()
        self.problem_line.update(text)
        self.problem_line.display = bool(problems or self.refused)

    @on(TaskEditor.Changed)
    def answer_changed(self) -> None:
        self.refused = ""
        self.refresh_problems()

    # -- label keys ----------------------------------------------------------------------------

    def press_label_key(self, event: Key, first_only: bool = False) -> bool:
        """Give a label's key to an editor, the focused one first; True when one used it.

        With `first_only`, only the first editor whose task has the key may use it. Nested
        labels: a key means a label of the level the editor shows (`open_node`), and a key
        that only opened a level returns False (nothing was picked: triage must not save).
        """
        char = event.character
        if not char or not char.isprintable() or char in RESERVED_KEYS:
            return False
        focused = self.focused
        for editor in sorted(self.editors, key=lambda e: e is not focused):
            if editor.task.label_for_key(char, getattr(editor, "open_node", None)) is None:
                continue
            if editor.press_label(char):
                event.stop()
                event.prevent_default()
                return not getattr(editor, "moved_only", False)
            if first_only:
                return False
        return False

    # -- actions -------------------------------------------------------------------------------

    def action_save(self) -> None:
        self._save("done")

    def action_skip(self) -> None:
        self._save("skipped")

    def _save(self, status: str) -> None:
        queue = self.queue
        if queue.empty:
            return
        before = queue.position
        try:
            sources = queue.save(self.labels(), status=status)
        except AnswerRefused as exc:  # nothing was saved: say what to do (on the problem
            self.refused = refusal_text(exc, flagged=bool(self.answer_problems()))  # line)
            self.refresh_problems()
            self.app.bell()
            return
        except LabeltuiError as exc:  # e.g. a full disk: nothing was saved, say so and stay
            self.show_store_notice()  # the file may have been written anew before the failure
            self.notify(str(exc), severity="error", timeout=15, markup=False)
            return
        self.show_item()
        self.saved(status, sources, moved=queue.position != before)
        self.show_store_notice()

    def show_store_notice(self) -> None:
        """Say so when the annotation file was deleted or replaced and written anew (the
        store's notice): the annotator must know where their answers are now."""
        notice = self.queue.store.take_notice()
        if notice:
            self.notify(notice, severity="warning", timeout=15, markup=False)

    def action_next(self) -> None:
        if self.queue.next():
            self.show_item()

    def action_previous(self) -> None:
        if self.queue.previous():
            self.show_item()

    def action_next_unanswered(self) -> None:
        if self.queue.next_unanswered():
            self.show_item()
        else:
            self.notify(self.all_answered(), timeout=3, markup=False)

    def all_answered(self) -> str:
        """What ctrl+u says when every item has a line."""
        return "Every item has an answer."

    def action_undo(self) -> None:
        """Undo the focused editor's last edit; with none left, the last save."""
        focused = self.focused
        if isinstance(focused, TaskEditor) and focused.undo():
            return
        try:
            undone = self.queue.undo()
        except LabeltuiError as exc:  # the file could not be written anew: nothing undone
            self.show_store_notice()
            self.notify(str(exc), severity="error", timeout=15, markup=False)
            return
        if undone:
            self.show_item()
            self.notify("Undid the last save.", timeout=2, markup=False)
        else:
            self.notify("Nothing to undo.", timeout=2, markup=False)
        self.show_store_notice()

    def action_scroll_text(self, lines: int) -> None:
        if not self.text_in_editor:
            self.item_scroll.scroll_relative(y=lines, animate=False)

    # -- help ------------------------------------------------------------------------------

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.schema, self.key_groups()))

    def binding_keys(self, skip: Callable[[Binding], bool] = lambda b: False) -> list:
        """(key, description) of the screen's bindings, as the help screen lists them."""
        return [
            (key_label(b.key), b.description)
            for b in self.BINDINGS
            if isinstance(b, Binding) and not skip(b)
        ]

    def key_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every key the user can press, grouped for the help screen in the order a person
        labelling needs them: the tasks' label and editor keys (the focused editor's task
        first), then saving and moving, then the rest (help, scrolling the text, quit)."""
        _, rows = self.item_keys()
        rest_actions = ("help", "scroll_text(-1)", "scroll_text(1)")
        rest = {
            key_label(b.key)
            for b in self.BINDINGS
            if isinstance(b, Binding) and b.action in rest_actions
        }
        return [
            *self.task_key_groups(),
            ("Save and move", [row for row in rows if row[0] not in rest]),
            ("Other keys", [*(row for row in rows if row[0] in rest), QUIT_KEY]),
        ]

    def task_key_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each task's label keys, what a label key does, and its editor's keys, for the help
        screen: the focused editor's task first, then the others in schema order."""
        then = ", saves it and moves on" if self.schema.is_triage else ""
        label_key_does = {
            "choice": f"Picks that label (again: keeps it){then}",
            "multi_choice": "Turns that label on or off",
            "spans": "Labels the selection, or the token at the cursor (same label again: "
            "removes the span)",
            "audio_marks": "Labels the open interval, or drops a point mark at the cursor",
        }
        focused = self.focused
        pairs = sorted(
            zip(self.schema.tasks, self.editors, strict=True),
            key=lambda pair: pair[1] is not focused,
        )
        groups = []
        for task, editor in pairs:
            rows = [
                (label.key, f"{label.name}" + (f" — {label.hint}" if label.hint else ""))
                for label in task.labels
                if label.key and label.parent is None  # nested: the top level's keys
            ]
            if task.kind in label_key_does:
                rows.append(("label key", label_key_does[task.kind]))
            for binding in getattr(editor, "BINDINGS", []):
                if hasattr(binding, "key"):
                    rows.append((key_label(binding.key), binding.description))
            if task.required:
                rows.append(("", "Required: Enter saves only with an answer (^k skips)"))
            groups.append((f"{task.name} ({task.kind.replace('_', ' ')}) keys", rows))
        return groups


def refusal_text(refused: AnswerRefused, flagged: bool = False) -> str:
    """Why `enter` saved nothing, and what the annotator can do instead (`flagged`: the
    problems are on screen already)."""
    if refused.unusable:
        return f"Not saved: {refused.unusable}. This item can only be skipped (ctrl+k)."
    if refused.problems and flagged:
        return "Not saved: fix what is flagged above first."
    if refused.problems:
        more = len(refused.problems) - 1
        extra = f" (and {more} more)" if more else ""
        return (
            f"Not saved: {refused.problems[0]}{extra}. Fix it first (a label key, or ⌫ to "
            "clear or remove it)."
        )
    tasks = ", ".join(refused.missing)
    verb = "has" if len(refused.missing) == 1 else "have"
    return f"Not saved: {tasks} {verb} no answer. Pick a label, or skip the item (ctrl+k)."


def one_line(text: str) -> str:
    """`text` inert and on one line, for the header and the meta line: `visible` (a lone
    surrogate shows as "�", as in the item's text), newlines as "⏎", tabs as "␉"."""
    return visible(text).replace("\n", "\u23ce").replace("\t", "\u2409")


def shown_text(body: str) -> Text:
    """The item's text as shown: inert (`visible`), and at most `SHOWN_CHARS` characters of
    it, with a line saying how many more there are (the whole text is kept and saved)."""
    hidden = len(body) - SHOWN_CHARS
    if hidden <= 0:
        return Text(visible(body))
    text = Text(visible(body[:SHOWN_CHARS]))  # cut first: `visible` of 100 MB takes seconds
    text.append(
        f"\n\n… {hidden:,} more characters not shown (the whole text is kept and saved)",
        style="bold",
    )
    return text


def meta_text(data: dict, text_field: str, audio_field: str) -> str:
    """The item's other fields on one compact line (each cut to `META_VALUE_CHARS`).

    Numbers and true/false come first: a `score` or `duration` is short and is what an annotator
    weighs, and the line is cut at the screen's edge, so long text fields go last."""
    short: list[str] = []
    rest: list[str] = []
    for key, value in data.items():
        if key in (text_field, "labels", "suggestions") or key.startswith("_"):
            continue
        shown = value if isinstance(value, str) else compact(value)
        if len(shown) > META_VALUE_CHARS:
            shown = shown[: META_VALUE_CHARS - 1] + "…"
        scalar = isinstance(value, (int, float, bool)) or value is None
        (short if scalar else rest).append(f"{key}: {shown}")
    return "  ·  ".join(short + rest)


def compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
