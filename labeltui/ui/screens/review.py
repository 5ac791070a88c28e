"""The review screen: the item, every annotator's answer side by side, and the gold editors.

`core.review.session.Review` decides; this screen composes and routes keys. The task editors,
the layout and the keys it shares with the annotate screen come from
`labelling.LabellingScreen`; the editors are pre-filled with the gold line when the item was
reviewed before, else with the majority answer. Label keys edit them as when annotating. Taking
an annotator's answer uses keys no schema can hold: `alt+1`…`alt+9`, or `ctrl+a` then `1`…`9`
for terminals whose alt key does not reach the app; digits stay free for label keys.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Key

from labeltui.core.display import visible
from labeltui.core.review.session import Review
from labeltui.core.schema import Task
from labeltui.ui.screens.labelling import LabellingScreen, labelling_bindings
from labeltui.ui.widgets.review_panel import ReviewPanel
from labeltui.ui.widgets.status_bar import Fitted, first_fitting
from labeltui.ui.widgets.task_editor import TaskEditor

_MODIFIERS = ("alt+", "ctrl+", "meta+", "super+", "hyper+")
#: What alt+1…alt+9 arrive as through most terminals: they send ESC and the digit, which Textual
#: reads as the characters macOS's Option key gives (so Option+digit on a Mac works too).
ALT_CHARS = "¡™£¢∞§¶•ª"
#: Those characters' key names (as Textual names them: `trade_mark_sign`) -> annotator number.
ALT_DIGITS = {
    unicodedata.name(char).lower().replace("-", "_").replace(" ", "_"): n
    for n, char in enumerate(ALT_CHARS, start=1)
}

_TAKE = Binding.Group("Take answer")
_ACCEPT = [
    Binding(
        f"alt+{n}",
        f"accept({n})",
        f"Take annotator {n}'s answer",
        id=f"review.accept{n}",
        show=n == 1,
        key_display="alt+N" if n == 1 else None,
        group=_TAKE,
    )
    for n in range(1, 10)
]


def from_text(sources: list[str]) -> str:
    """`_from` as the status line and the save message both show it: the names, or `[]
    (edited)` when no annotator gave the answer (the same words as the file, `"_from": []`)."""
    return ", ".join(map(visible, sources)) if sources else "[] (edited)"


class ReviewScreen(LabellingScreen):
    """Shows the review's current item and writes the reviewer's answers to the gold file."""

    BINDINGS = labelling_bindings(
        "review.",
        "Next unreviewed",
        after_save=[
            *_ACCEPT,
            Binding(
                "ctrl+a",
                "accept_prefix",
                "Take answer: ctrl+a, then the annotator's number",
                id="review.prefix",
                key_display="^a N",
                group=_TAKE,
            ),
        ],
    )

    def __init__(self, review: Review) -> None:
        super().__init__(review)
        self.review = review
        self.pending_accept = False
        """`ctrl+a` was pressed: the next key is an annotator's number."""
        self.taken: str | None = None
        """Whose answer the editors hold since `alt+N` (None: the pre-filled one)."""
        self.panel = ReviewPanel(
            self.schema, review.annotators, review.loaded.tolerance, id="review-panel"
        )

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield from self.compose_text()
        with VerticalScroll(id="review-scroll") as answers:
            answers.border_title = "answers: alt+N or ctrl+a N takes one · ≠ differs"
            answers.border_subtitle = "✓ = what enter saves now"
            yield self.panel
        yield from self.compose_editors(self.editor_title)

    def editor_title(self, task: Task) -> str:
        kind = task.kind.replace("_", " ")
        return f"gold {task.name} ({kind}): label keys edit, enter saves"

    def mounted(self) -> None:
        if self.review.remaining() == 0:
            self.notify("Every item in the queue is reviewed already.", timeout=5)

    # -- showing ----------------------------------------------------------------------------

    def show_item(self) -> None:
        """Show the current item: text, every annotator's answer, and the gold editors."""
        self.taken = None
        super().show_item()

    def item_shown(self) -> None:
        self.query_one("#review-scroll", VerticalScroll).scroll_home(animate=False)
        self.refresh_answers()

    def refresh_answers(self) -> None:
        """The panel's `✓` marks, the header and the status line follow the editors."""
        self.panel.show(self.review.item(), self.review.sources(self.labels()))
        self.refresh_status()

    def refresh_status(self) -> None:
        review = self.review
        item = review.item()
        left = review.remaining()
        queued = len(review.queue)
        state = review.status(item) or "new"
        title = visible(self.schema.title or "labeltui")
        item_id = visible(item.id)

        def header(width: int) -> Text:
            """The disagreement and the item come before the title: the title goes first."""

            def line(sep: str, *parts: tuple[str, str]) -> Text:
                text = Text(no_wrap=True, overflow="ellipsis")
                for n, (part, style) in enumerate(parts):
                    text.append(sep if n else "")
                    text.append(part, style=style)
                return text

            new = "" if state == "new" else "bold"
            score = f"disagreement {item.score:.2f}"
            full = [("review", ""), (f"{left} of {queued} left", "bold")]
            full += [(f"item {item_id}", ""), (state, new), (score, "")]
            short = [(f"{left}/{queued} left", "bold"), (item_id, ""), (state, new)]
            short.append((f"disagr. {item.score:.2f}", ""))
            return first_fitting(
                width,
                [
                    line("  ·  ", (title, "bold"), *full),
                    line(" · ", (title, "bold"), *full),
                    line(" · ", *full),
                    line(" · ", *short),
                ],
            )

        self.heading = Fitted(header)
        position = Text(f"{review.position + 1}/{queued}", style="bold")
        if self.pending_accept:
            count = min(9, len(review.annotators))
            what = Text(f"  take whose answer? press 1–{count} (other keys cancel)", style="bold")
        else:
            sources = review.sources(self.labels())
            what = Text(f"  enter saves _from: {from_text(sources)}")
        saved = Text(f"  · saved {review.saves}", style="dim")
        reviewer = Text(f"  · reviewer {visible(review.store.annotator)}", style="dim")

        def status(width: int) -> Text:
            """The position and what enter saves stay; the counts go first."""
            return first_fitting(
                width,
                [
                    Text.assemble(position, what, saved, reviewer),
                    Text.assemble(position, what, saved),
                    Text.assemble(position, what),
                ],
            )

        self.status = Fitted(status)

    # -- keys -------------------------------------------------------------------------------

    def on_key(self, event: Key) -> None:
        """alt+digit as most terminals send it, and the key after `ctrl+a` (before bindings)."""
        char = event.character or ""
        number = ALT_DIGITS.get(event.key)
        if number is not None and not self._is_label_key(ALT_CHARS[number - 1]):
            self.pending_accept = False
            event.stop()
            event.prevent_default()
            self.action_accept(number)
            return
        if not self.pending_accept or event.key == "ctrl+a":
            return
        self.pending_accept = False
        event.stop()
        event.prevent_default()
        if len(char) == 1 and "1" <= char <= "9" and event.key == char:
            self.action_accept(int(char))
        else:
            self.refresh_status()
            self.notify("Cancelled: ctrl+a takes an annotator's number.", timeout=2)

    def _is_label_key(self, char: str) -> bool:
        return any(task.label_for_key(char) is not None for task in self.schema.tasks)

    def label_key(self, event: Key) -> None:
        """A label's key (called by the app once the keys typed before it have acted)."""
        if not event.key.startswith(_MODIFIERS):  # alt+1 carries "1", but is not a label key
            self.press_label_key(event)

    @on(TaskEditor.Changed)
    def editor_changed(self) -> None:
        self.refresh_answers()

    # -- actions ------------------------------------------------------------------------------

    def action_accept(self, number: int) -> None:
        """Fill the editors with annotator `number`'s answer (1-based); enter saves it."""
        annotators = self.review.annotators
        if not 1 <= number <= len(annotators):
            self.notify(f"There are {len(annotators)} annotators.", severity="warning", timeout=3)
            return
        name = annotators[number - 1]
        answer = self.review.answer(name)
        if answer is None:
            self.notify(f"{visible(name)} has no answer for this item.", timeout=3)
            return
        for editor in self.editors:
            editor.set_value(answer.get(editor.task.name))
        self.taken = name
        self.refused = ""  # the answer changed: a refusal of the one before no longer applies
        self.refresh_problems()  # a value no task can hold is flagged at once, before enter
        self.refresh_answers()
        self.notify(f"Took {visible(name)}'s answer; enter saves it.", timeout=2)

    def value_source(self) -> str:
        """The problem line says whose answer a flagged value came from."""
        return f"{visible(self.taken)}'s" if self.taken else "pre-filled"

    def action_accept_prefix(self) -> None:
        self.pending_accept = True
        self.refresh_status()

    def saved(self, status: str, sources: list[str], moved: bool) -> None:
        if status == "done":
            message = f"Saved; _from: {from_text(sources)}."
        else:
            message = "Skipped; _from: [] (a skip credits nobody)."
        if self.review.remaining() == 0:
            message += " Every item in the queue is reviewed (ctrl+q quits)."
        self.notify(message, timeout=3)

    def all_answered(self) -> str:
        return "Every item in the queue is reviewed."

    def item_keys(self) -> tuple[str, list[tuple[str, str]]]:
        count = len(self.review.annotators)
        review = self.binding_keys(skip=lambda b: b.group is _TAKE)
        names = ", ".join(
            f"{n}={visible(a)}" for n, a in enumerate(self.review.annotators[:9], start=1)
        )
        review[1:1] = [
            (f"alt+1…alt+{min(count, 9)}", f"Take that annotator's answer ({names})"),
            ("^a then 1…9", "The same, for terminals whose alt key does not reach the app"),
        ]
        return "Review", review
