"""Run the app for `labeltui annotate` and report what was saved."""

from __future__ import annotations

import sys

from labeltui.core.session import Session


def run_app(session: Session) -> None:
    """Run the app until the annotator quits; every save is already on disk by then."""
    from labeltui.ui.app import make_app

    try:
        make_app(session).run()
    finally:
        saves = session.saves
        path = session.store.path
        session.close()
    noun = "annotation" if saves == 1 else "annotations"
    print(f"labeltui: {saves} {noun} saved this session to {path}", file=sys.stderr)
