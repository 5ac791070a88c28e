"""Run the app for `labeltui annotate` and report what was saved."""

from __future__ import annotations

import gc
import sys
from typing import Protocol

from labeltui.core.session import Session
from labeltui.core.store import AnnotationStore
from labeltui.errors import LabeltuiError


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


class _Opened(Protocol):
    store: AnnotationStore

    def close(self) -> None: ...


def check_terminal(command: str, opened: _Opened) -> None:
    """`require_terminal`; without a terminal also close the session, removing its annotation
    file if it was created just now and is empty (the refusal leaves nothing behind)."""
    try:
        require_terminal(command)
    except LabeltuiError:
        opened.store.discard_if_unused()
        opened.close()
        raise


def collect_from_now_on() -> None:
    """Turn garbage collection back on (`entry.main` turns it off for the imports), after
    moving everything alive now into the permanent generation so collections stay cheap."""
    gc.freeze()
    gc.enable()


def run_app(session: Session) -> None:
    """Run the app until the annotator quits; every save is already on disk by then."""
    from labeltui.ui.app import make_app

    check_terminal("annotate", session)
    try:
        app = make_app(session)
        collect_from_now_on()
        app.run()
    finally:
        saves = session.saves
        store = session.store
        # Nothing saved into a file this session created (an empty dataset, or quitting at
        # once): the file is removed, so no empty annotation file is left behind.
        store.discard_if_unused()
        session.close()
    for notice in store.notices:  # the file was deleted or replaced and written again
        print(f"labeltui: {notice}", file=sys.stderr)
    noun = "annotation" if saves == 1 else "annotations"
    print(f"labeltui: {saves} {noun} saved this session to {store.path}", file=sys.stderr)
