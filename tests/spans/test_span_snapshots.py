"""What the span editor looks like (pytest-textual-snapshot).

Update after an intended change with `pytest tests/spans/test_span_snapshots.py --snapshot-update`
and look at the SVG in `__snapshots__/` before committing it.
"""

from __future__ import annotations

from pathlib import Path

APP = Path(__file__).parent / "snapshot_apps" / "spans_app.py"


def test_highlighted_spans_with_cursor_and_selection(snap_compare):
    # cursor to "met", then select "met Emmanuel" (overlap with PERSON is only attempted later)
    press = ["right", "right", "shift+right"]
    assert snap_compare(APP, terminal_size=(80, 24), press=press)
