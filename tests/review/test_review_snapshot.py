"""What the review screen looks like at 100x30 (pytest-textual-snapshot).

Update after an intended change with `pytest tests/review/test_review_snapshot.py
--snapshot-update` and look at the SVG in `__snapshots__/` before committing it.
"""

from __future__ import annotations

from labeltui.ui.app import make_review_app


def test_choice_and_spans_side_by_side_after_taking_bobs_answer(snap_compare, mixed, make_review):
    # three annotators in one file; bob's answer taken (alt+2): ✓ moves to bob, ≠ marks the
    # answers and spans that no majority gave
    app = make_review_app(make_review(*mixed))
    assert snap_compare(app, terminal_size=(100, 30), press=["alt+2"])
