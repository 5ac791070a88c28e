"""Text drawing: braille and block rows, the ruler, the view, and the mark lanes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labeltui.core.audio.marks import Mark
from labeltui.core.audio.waveform import (
    View,
    block_rows,
    braille_rows,
    column_owners,
    format_time,
    lane_text,
    mark_lanes,
    mark_pieces,
    ruler,
    steps,
)

FULL = chr(0x28FF)  # all 8 dots
BLANK = chr(0x2800)


def arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def test_full_scale_fills_every_dot_and_nan_stays_blank():
    rows = braille_rows(arr(-1, -1, np.nan, np.nan), arr(1, 1, np.nan, np.nan), height=3)
    assert rows == [FULL + BLANK] * 3


def test_silence_is_one_line_in_the_middle():
    rows = braille_rows(arr(0, 0), arr(0, 0), height=2)
    # 8 dot rows; 0 maps to dot row 4: the top dot row of the lower cell, both columns.
    assert rows == [BLANK, chr(0x2800 | 0x01 | 0x08)]


def test_positive_half_only_fills_the_top_and_the_columns_are_separate():
    rows = braille_rows(arr(0.0, -1.0), arr(1.0, 0.0), height=2)
    left = 0x01 | 0x02 | 0x04 | 0x40  # left dot column, all four rows
    right = 0x08 | 0x10 | 0x20 | 0x80
    assert rows[0] == chr(0x2800 | left)
    assert rows[1] == chr(0x2800 | right | 0x01)  # left: the single dot of 0.0 on row 4


def test_scale_stretches_quiet_audio():
    quiet = braille_rows(arr(-0.25, -0.25), arr(0.25, 0.25), height=2)
    stretched = braille_rows(arr(-0.25, -0.25), arr(0.25, 0.25), height=2, scale=0.25)
    assert stretched == [FULL, FULL] and quiet != stretched


def test_block_rows_use_half_blocks():
    rows = block_rows(arr(-1.0, 0.0, 0.0, np.nan), arr(1.0, 1.0, 0.0, np.nan), height=2)
    # 4 half rows: col 0 all, col 1 rows 0-2 (0.0 -> half row 2), col 2 only half row 2
    assert rows == ["██  ", "█▀▀ "]


def test_format_time():
    assert format_time(0) == "0:00.000"
    assert format_time(62.3456) == "1:02.346"
    assert format_time(3723.5, 1) == "1:02:03.5"
    assert format_time(59.9996) == "1:00.000"
    assert format_time(5, 0) == "0:05"


def test_ruler_labels_round_times_at_their_columns():
    line = ruler(View(0.0, 10.0), 80)
    assert len(line) == 80
    assert line.startswith("╵0:00") and line[16:21] == "╵0:02"  # 2 s = 16 columns
    assert "╵0:01" not in line  # labels keep 10 columns apart
    deep = ruler(View(1.0, 0.08), 80)
    assert deep.startswith("╵0:01.00") and "╵0:01.01" in deep


def test_zoom_keeps_the_cursor_in_place_and_respects_limits():
    view = View(0.0, 100.0)
    zoomed = view.zoom(2, cursor=25.0, duration=100.0, min_span=0.08)
    assert zoomed.span == 50.0
    assert zoomed.col(25.0, 80) == view.col(25.0, 80)
    assert View(0.0, 1.0).zoom(100, 0.5, 100.0, min_span=0.08).span == 0.08
    assert view.zoom(0.5, 25.0, 100.0, 0.08) == View(0.0, 100.0)  # never wider than the file


def test_follow_scrolls_just_enough():
    view = View(0.0, 10.0)
    assert view.follow(5.0, 100.0) is view
    moved = view.follow(9.5, 100.0)
    assert moved.start == pytest.approx(0.5) and moved.start <= 9.5 < moved.end
    back = View(50.0, 10.0).follow(20.0, 100.0)
    assert back.start == pytest.approx(19.0)
    assert View(95.0, 10.0).clamp(100.0) == View(90.0, 10.0)


def test_steps_follow_the_zoom():
    assert steps(View(0.0, 10.0), 80) == (0.2, 2.0)
    assert steps(View(0.0, 0.08), 80) == (0.001, 0.01)


def test_mark_pieces_read_in_monochrome():
    view = View(0.0, 10.0)
    piece = mark_pieces(Mark(1.0, 5.0, "speech"), 0, view, 40)
    assert (piece.col, piece.text) == (4, "[speech" + "─" * 9 + "]")  # brackets on cols 4, 20
    assert mark_pieces(Mark(2.0, 2.0, "click"), 3, view, 40).text == "▲click"
    narrow = mark_pieces(Mark(1.0, 1.3, "music"), 0, view, 40)
    assert narrow.text == "[]music" and narrow.col == 4
    cut = mark_pieces(Mark(8.0, 20.0, "long"), 0, view, 40)
    assert cut.text.startswith("[long") and cut.text.endswith("›")
    assert mark_pieces(Mark(20.0, 30.0, "off"), 0, view, 40) is None


def test_overlapping_marks_go_to_separate_lanes():
    view = View(0.0, 10.0)
    marks = [Mark(1.0, 5.0, "speech"), Mark(2.0, 2.0, "click"), Mark(6.0, 9.0, "music")]
    lanes = mark_lanes(marks, view, 40)
    assert [p.mark for p in lanes[0]] == [0, 2] and [p.mark for p in lanes[1]] == [1]
    assert lane_text(lanes[1], 40) == " " * 8 + "▲click" + " " * 26


def test_column_owners_tint_intervals_only():
    owners = column_owners([Mark(1.0, 2.0, "a"), Mark(3.0, 3.0, "p")], View(0.0, 4.0), 8)
    assert owners == [None, None, 0, 0, 0, None, None, None]


def test_a_mark_over_the_whole_file_ends_with_its_bracket_not_off_screen():
    view = View(0.0, 2.0)
    piece = mark_pieces(Mark(0.0, 2.0, "cough"), 0, view, 40)
    assert piece is not None and piece.text.startswith("[cough") and piece.text.endswith("]")
    assert len(piece.text) == 40
    cut = mark_pieces(Mark(0.0, 3.0, "cough"), 0, view, 40)  # really runs past the view
    assert cut is not None and cut.text.endswith("›")


def test_huge_and_infinite_times_never_overflow():
    view = View(0.0, 2.0)
    for t in (1e308, -1e308, math.inf, -math.inf, math.nan):
        col = view.col(t, 80)
        assert -81 <= col <= 161
    assert format_time(math.inf) == "∞" and format_time(1e308) == "1e+308s"
