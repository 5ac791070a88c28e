"""Run the app for `labeltui annotate` and `labeltui review`, and report what was saved."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from labeltui.core.display import visible_line
from labeltui.core.queue import ItemQueue
from labeltui.errors import LabeltuiError
from labeltui.startup import collect_from_now_on

if TYPE_CHECKING:
    from labeltui.ui.app import LabelApp

Q = TypeVar("Q", bound=ItemQueue)


def require_terminal(command: str) -> None:
    """Refuse to start the app without a terminal to read keys from and draw on.

    Without one (a pipe, `/dev/null`, a CI job) Textual would wait forever for keys that
    never come, spinning a core; one clear line is better.
    """
    if not (sys.stdin.isatty() and sys.__stderr__ is not None and sys.__stderr__.isatty()):
        raise LabeltuiError(
            f"{command} needs a terminal: standard input and standard error must be one "
            "(run it in a terminal, in tmux, or over `ssh -t`)"
        )


def check_terminal(command: str, queue: ItemQueue) -> None:
    """`require_terminal`; without a terminal also close the queue, removing its output file
    if it was created just now and is empty (the refusal leaves nothing behind)."""
    try:
        require_terminal(command)
    except LabeltuiError:
        queue.store.discard_if_unused()
        queue.close()
        raise


def run_app(queue: Q, make: Callable[[Q], LabelApp], command: str, what: tuple[str, str]) -> None:
    """Run the app `make(queue)` builds until the user quits (every save is on disk by
    then), close the queue, and say on stderr how many lines this session saved where.

    `command` names the command in the no-terminal refusal; `what` is the (singular, plural)
    of what a saved line is: `("annotation", "annotations")`.
    """
    check_terminal(command, queue)
    try:
        app = make(queue)
        collect_from_now_on()
        app.run()
    finally:
        saves = queue.saves
        store = queue.store
        # Nothing saved into a file this session created (an empty dataset, or quitting at
        # once): the file is removed, so no empty annotation or gold file is left behind.
        store.discard_if_unused()
        queue.close()
    for notice in store.notices:  # the file was deleted or replaced and written again
        print(f"labeltui: {visible_line(notice)}", file=sys.stderr)
    noun = what[0] if saves == 1 else what[1]
    where = visible_line(str(store.path))
    print(f"labeltui: {saves} {noun} saved this session to {where}", file=sys.stderr)
    unsent = getattr(queue, "unsent", 0)  # team mode: lines the server has not received
    if unsent:
        print(
            f"labeltui: {unsent} not sent yet (the server could not be reached); they are sent "
            "on the next start",
            file=sys.stderr,
        )
