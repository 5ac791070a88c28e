"""What the waveform editor looks like (pytest-textual-snapshot).

Update after an intended change with `pytest tests/audio/test_audio_snapshot.py
--snapshot-update`, and look at the SVGs in `__snapshots__/` before committing them.
"""

from __future__ import annotations

APP = "snapshot_apps/waveform_app.py"


def test_waveform_with_marks_selection_and_an_open_interval(snap_compare):
    # tab selects `click` (cursor 4.2 s); `[` opens an interval there; 5 steps right.
    press = ["tab", "tab", "left_square_bracket", *["right"] * 5]
    assert snap_compare(APP, terminal_size=(100, 24), press=press)


def test_block_glyphs_zoomed_in(snap_compare):
    assert snap_compare(f"{APP}:blocks_app", terminal_size=(80, 20), press=["end", "plus", "plus"])
