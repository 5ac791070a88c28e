"""The Textual application, and the three factories the CLI and the tests share.

There is one app class: it runs one queue (`core.queue.ItemQueue`) on one first screen.
`make_app` builds it for `labeltui annotate` (a `Session` on the `AnnotateScreen`),
`make_review_app` for `labeltui review` (a `Review` on the `ReviewScreen`), and
`make_team_app` for `labeltui annotate --db` (a `TeamQueue` on `TeamScreen`, the annotate
screen with what team mode adds: the server's state on the status line, and a waiting state).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import App
from textual.binding import Binding
from textual.events import Key
from textual.message import Message
from textual.notifications import SeverityLevel

from labeltui.core.display import visible, visible_line
from labeltui.core.queue import ItemQueue
from labeltui.ui.screens.annotate import AnnotateScreen
from labeltui.ui.screens.labelling import one_line
from labeltui.ui.widgets.status_bar import status_text

if TYPE_CHECKING:
    from labeltui.core.review.session import Review
    from labeltui.core.session import Session
    from labeltui.core.team.queue import TeamQueue
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


def make_team_app(queue: TeamQueue) -> LabelApp:
    """The app for `labeltui annotate --db` (the CLI and the tests both call this)."""
    return LabelApp(queue, lambda: TeamScreen(queue))


class TeamScreen(AnnotateScreen):
    """The annotate screen over a team project's items (`core.team.queue.TeamQueue`).

    What it adds: the status line says `offline, N to send` while lines wait for the server;
    with no item to show (the next one not fetched yet, the server away, nothing left) the
    editors give way to one line saying why, and the item shows as soon as it arrives (the
    queue's thread posts `Changed`; a one-second timer checks too).
    """

    @dataclass
    class Changed(Message, bubble=False):
        """The queue's thread got an item, or the connection changed (posted from it)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TeamScreen.Changed)

    def __init__(self, queue: TeamQueue) -> None:
        super().__init__(cast(Any, queue))
        self.team = queue
        queue.on_change = self._changed

    def _changed(self) -> None:
        """From the queue's thread: redraw soon. Once the app has gone (quitting, the queue
        not closed yet) there is nothing to redraw."""
        with contextlib.suppress(Exception):
            self.post_message(self.Changed())

    def mounted(self) -> None:
        if self.team.empty:
            self.show_empty()
        self.set_interval(1.0, self.tick)

    @on(Changed)
    def tick(self) -> None:
        """Show an item that arrived while waiting; keep the status line current."""
        failure, self.team.failure = self.team.failure, None
        if failure:
            self.notify(f"team server: {visible_line(failure)}", severity="error", timeout=15)
        if self.team.poll():
            self.show_item()
        else:
            self.refresh_status()

    def _show_editors(self, shown: bool) -> None:
        for widget in self.query("#editors"):
            widget.display = shown
        if not shown:
            self.item_scroll.display = False

    def show_empty(self) -> None:
        self._show_editors(False)
        self.meta.update(Text(one_line(self.team.waiting), style="bold"))
        self.refresh_status()

    def item_shown(self) -> None:
        self._show_editors(True)
        if self.is_mounted and self.focused is None and self.editors:
            self.call_after_refresh(self.editors[0].focus)  # hiding them took the focus
        super().item_shown()

    def refresh_status(self) -> None:
        queue = self.team
        project = queue.client.project.name
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(one_line(self.schema.title or f"project {project}"), style="bold")
        if queue.empty:
            header.append("  ·  waiting" if not queue.exhausted else "  ·  nothing left")
            if self.is_mounted:
                self.meta.update(Text(one_line(queue.waiting), style="bold"))
        else:
            item = queue.item()
            header.append(f"  ·  item {one_line(item.id)}")
            state = queue.status(item)
            header.append(f"  ·  {state or 'new'}", style="bold" if state else "")
        self.heading = header
        width = self.size.width or self.app.size.width
        self.status = status_text(queue.progress(), queue.store.annotator, width - 2)

    def saved(self, status: str, sources: list[str], moved: bool) -> None:
        self.show_expected(self.team.expected)

    def all_answered(self) -> str:
        return "Every item of this session has an annotation; the next one comes from the server."
