"""What the annotate screen looks like, at 80x24 and 120x40 (pytest-textual-snapshot).

Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the SVGs in `__snapshots__/` before committing them.
"""

from __future__ import annotations

import pytest
from ui_fixtures import MULTI_SCHEMA

from labeltui.ui.app import make_app

LONG = (
    "Hello, I was charged twice for my subscription this month (order #4471). "
    "Können Sie das bitte prüfen? The second charge appeared on 3 November. "
) * 6


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_triage_screen(snap_compare, make_session, size):
    rows = [
        {"id": "T-1", "text": LONG, "channel": "email", "created": "2026-11-02"},
        {"id": "T-2", "text": "short one"},
    ]
    app = make_app(make_session(rows=rows))
    assert snap_compare(app, terminal_size=size)


def test_multi_task_screen_with_selection(snap_compare, make_session):
    app = make_app(make_session(MULTI_SCHEMA))
    keys = {label.name: label.key for label in app.queue.schema.task("topics").labels}
    assert snap_compare(app, terminal_size=(80, 24), press=[keys["login"], "h"])


def test_help_screen(snap_compare, make_session):
    app = make_app(make_session())
    assert snap_compare(app, terminal_size=(80, 24), press=["question_mark"])
