"""Nested labels at 80x24 and 60x20 (issue 17): the drill-down and the picker, as snapshots
and as the text the terminal shows. Update after an intended change with
`pytest tests/ui/test_snapshots_taxonomy.py --snapshot-update` and look at the SVGs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from test_snapshots_small import key_line_quits, quiet, snapshot_and_text  # noqa: F401
from test_taxonomy_keys import tree

from labeltui.ui.app import make_app

SIZES = [(80, 24), (60, 20)]
ROWS = [{"id": "N1", "text": "Coral genes that repair heat-damaged DNA were mapped."}]


@pytest.mark.parametrize("size", SIZES)
def test_drill_down(snap_compare, make_session: Callable, size):
    app = make_app(make_session(tree(), rows=ROWS))
    matches, lines = snapshot_and_text(snap_compare, app, size, press=("s", "2", "1"))
    screen = "\n".join(lines)
    assert "▸ science/biology" in screen and "⌫ up" in screen
    assert "1  [x] genetics" in screen and "2  [ ] ecology" in screen
    assert "✓ science/biology/genetics" in screen
    key_line_quits(lines)
    assert matches


@pytest.mark.parametrize("size", SIZES)
def test_picker(snap_compare, make_session: Callable, size):
    app = make_app(make_session(tree(), rows=ROWS))
    matches, lines = snapshot_and_text(snap_compare, app, size, press=("ctrl+l", *"gen"))
    screen = "\n".join(lines)
    assert "Find a label of topic (6 labels)" in screen
    assert "science/biology/genetics" in screen and "1 found" in screen
    assert "esc Cancel" in lines[-1]
    assert matches
