"""The Textual application and the factory shared by the CLI and the tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.events import Key, Mount
from textual.notifications import SeverityLevel

from labeltui.core.display import visible
from labeltui.core.session import Session
from labeltui.ui.screens.annotate import AnnotateScreen

if TYPE_CHECKING:
    from labeltui.core.review.session import Review


class LabelApp(App[None]):
    """Shows one session's annotate screen; quitting never loses a confirmed annotation."""

    CSS_PATH = "labeltui.tcss"
    TITLE = "labeltui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        # Every save is on disk before the next item shows, so ctrl+c (what a person types
        # over SSH to leave a program) quits at once instead of Textual's "press ctrl+q" notice.
        Binding("ctrl+c", "quit", "Quit", id="quit_ctrl_c", priority=True, show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        if self.session.store.recovered:
            self.notify(self.session.store.recovered, severity="warning", timeout=10, markup=False)
        self.push_screen(AnnotateScreen(self.session))

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
    """Build the app for a session (the CLI and the tests both call this)."""
    return LabelApp(session)


# -- review (labeltui review) ---------------------------------------------------------------------


class ReviewApp(LabelApp):
    """The review screen over several annotators' answers, writing a gold file."""

    def __init__(self, review: Review) -> None:
        super().__init__(None)  # type: ignore[arg-type]  # no annotate session here
        self.review = review

    def on_mount(self, event: Mount) -> None:
        event.prevent_default()  # LabelApp.on_mount would open the annotate screen
        from labeltui.ui.screens.review import ReviewScreen

        if self.review.store.recovered:
            self.notify(self.review.store.recovered, severity="warning", timeout=10, markup=False)
        self.push_screen(ReviewScreen(self.review))


def make_review_app(review: Review) -> ReviewApp:
    """Build the app for `labeltui review` (the CLI and the tests both call this)."""
    return ReviewApp(review)
