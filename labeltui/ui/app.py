"""The Textual application, and the two factories the CLI and the tests share.

There is one app class: it runs one queue (`core.queue.ItemQueue`) on one first screen.
`make_app` builds it for `labeltui annotate` (a `Session` on the `AnnotateScreen`),
`make_review_app` for `labeltui review` (a `Review` on the `ReviewScreen`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.events import Key
from textual.notifications import SeverityLevel

from labeltui.core.display import visible
from labeltui.core.queue import ItemQueue
from labeltui.ui.screens.annotate import AnnotateScreen

if TYPE_CHECKING:
    from labeltui.core.review.session import Review
    from labeltui.core.session import Session
    from labeltui.ui.screens.labelling import LabellingScreen


class LabelApp(App[None]):
    """Shows a queue's first screen; quitting never loses a confirmed answer."""

    CSS_PATH = "labeltui.tcss"
    TITLE = "labeltui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        # Every save is on disk before the next item shows, so ctrl+c (what a person types
        # over SSH to leave a program) quits at once instead of Textual's "press ctrl+q" notice.
        Binding("ctrl+c", "quit", "Quit", id="quit_ctrl_c", priority=True, show=False),
    ]

    def __init__(self, queue: ItemQueue, first_screen: Callable[[], LabellingScreen]) -> None:
        super().__init__()
        self.queue = queue
        self.first_screen = first_screen

    def on_mount(self) -> None:
        if self.queue.store.recovered:
            self.notify(self.queue.store.recovered, severity="warning", timeout=10)
        self.push_screen(self.first_screen())

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is plain, inert text, whoever sends it (a screen's or a widget's
        `notify` comes here): Textual would read `[...]` in a message (a file name, a search,
        an error quoting file text) as markup, and an ESC in it would reach the terminal.
        labeltui never styles a notification, so `markup` is ignored."""
        kwargs = {} if timeout is None else {"timeout": timeout}
        super().notify(visible(message), title=title, severity=severity, markup=False, **kwargs)

    def on_key(self, event: Key) -> None:
        """Label keys are handled here, after the bindings of the keys typed before them.

        A key event bubbles from the focused widget to the app, where bindings (arrows, `[`)
        run; a label key handled on the way up would overtake arrows typed just before it
        (a fast typist, or pasted keys, would mark the wrong time or token).
        """
        handler = getattr(self.screen, "label_key", None)
        if handler is not None:
            handler(event)


def make_app(session: Session) -> LabelApp:
    """The app for `labeltui annotate` (the CLI and the tests both call this)."""
    return LabelApp(session, lambda: AnnotateScreen(session))


def make_review_app(review: Review) -> LabelApp:
    """The app for `labeltui review` (the CLI and the tests both call this)."""
    from labeltui.ui.screens.review import ReviewScreen

    return LabelApp(review, lambda: ReviewScreen(review))
