"""The audio screen at 80x24 (a default SSH terminal) and 60x20: nothing that matters is cut.

Issue 14, item 5: the no-sound-device message wraps between phrases so its `pip install`
command is whole on one line; the marks list keeps its header on one line and shows its
rows; the waveform and the key line stay. Item 7: a mark over the whole file ends in `]`,
not `›`. The screen is read as the terminal would show it (the compositor's lines).
"""

from __future__ import annotations

import json
import re

import pytest
from audio_helpers import SCHEMA, tone_bursts, write

from labeltui.core.session import open_session
from labeltui.ui.app import make_app

SIZES = [(80, 24), (60, 20)]
PIP = "(pip install 'labeltui[playback]')"


@pytest.fixture
def session(tmp_path, silent_player, monkeypatch):
    from labeltui.ui.widgets import audio_editor

    monkeypatch.setattr(audio_editor, "_shared_player", silent_player)
    write(tmp_path / "one.wav", tone_bursts(10.0))
    (tmp_path / "data.jsonl").write_text(json.dumps({"id": "one", "audio": "one.wav"}) + "\n")
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    s = open_session(tmp_path / "data.jsonl", tmp_path / "schema.yaml", "ann")
    s.index.scan_all()
    yield s
    s.close()


def screen_lines(app) -> list[str]:
    """The screen as the terminal shows it, one string per row."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def braille_rows(lines: list[str]) -> int:
    return sum(1 for line in lines if sum("⠀" <= c <= "⣿" for c in line) > len(line) // 2)


THREE_MARKS = [*["right"] * 5, "c", "left_square_bracket", *["right"] * 20, "s"]
THREE_MARKS += ["shift+right", "m"]


@pytest.mark.parametrize("size", SIZES)
async def test_the_no_device_message_keeps_its_pip_command_and_every_mark_row_shows(session, size):
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        await pilot.press(*THREE_MARKS, "space")
        await pilot.pause()
        lines = screen_lines(app)
        shown = "\n".join(lines)
        assert any(PIP in line for line in lines), shown  # whole, on one line
        assert any("no sound device" in line for line in lines), shown
        head = [line for line in lines if "#  label" in line]
        assert len(head) == 1 and head[0].rstrip().endswith("end"), shown  # one line
        for row in ("1  click", "2  speech", "3  music"):
            assert any(row in line for line in lines), shown
        assert braille_rows(lines) >= 4, shown
        assert "Quit" in lines[-1] and "…" not in lines[-1], shown


@pytest.mark.parametrize("size", SIZES)
async def test_many_marks_keep_several_rows_and_a_short_count(session, size):
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        for _ in range(9):
            await pilot.press("right", "right", "c")
        await pilot.pause()
        lines = screen_lines(app)
        shown = "\n".join(lines)
        rows = [line for line in lines if re.search(r"\d  click +0:0\d\.\d{3}  0:0", line)]
        assert len(rows) >= 4, shown
        assert any("#  label" in line and "of 9, tab walks them" in line for line in lines), shown
        assert braille_rows(lines) >= 4, shown


@pytest.mark.parametrize("size", SIZES)
async def test_a_mark_over_the_whole_file_ends_in_its_bracket(session, size):
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        await pilot.press("left_square_bracket", "end", "s")
        await pilot.pause()
        lines = screen_lines(app)
        lane = [line for line in lines if "[speech" in line]
        assert len(lane) == 1, "\n".join(lines)
        assert lane[0].endswith("]") and "›" not in lane[0], "\n".join(lines)
        (saved,) = [app.screen.query_one("AudioEditor").value()]
        assert saved == [{"start": 0.0, "end": 10.0, "label": "speech"}]
