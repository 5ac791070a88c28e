"""The audio editor's edge keys in the real command under tmux: times on disk (issue 14, item 7).

A mark is placed with `[`, `]` and a label key; ctrl+arrows move its start and end by the
cursor's step, alt+arrows by the fine step (a tenth of it), ctrl+e moves the nearer edge to the
cursor, ctrl+z takes a move back, and the annotation file holds the times to the millisecond.
The sound device is stubbed away as in test_tmux_spans_audio.py, so the run is the same
everywhere.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import soundfile as sf
from test_tmux_annotate import lines
from test_tmux_spans_audio import AUDIO, NO_DEVICE
from tmux_driver import needs_tmux

from labeltui.core.audio.marks import nice_step
from labeltui.core.audio.waveform import format_time

pytestmark = [pytest.mark.e2e, needs_tmux]


def test_edge_keys_move_snap_and_undo_and_the_file_has_the_times(tmp_path, tmux_factory):
    rate = 16000
    t_axis = np.arange(3 * rate) / rate
    sf.write(tmp_path / "clip.wav", 0.5 * np.sin(2 * np.pi * 440 * t_axis), rate)
    (tmp_path / "audio.jsonl").write_text(
        json.dumps({"id": "a1", "audio": "clip.wav"}) + "\n" + json.dumps({"id": "a2"}) + "\n"
    )
    (tmp_path / "audio.yaml").write_text(AUDIO)
    (tmp_path / "nosound").mkdir()
    (tmp_path / "nosound" / "sounddevice.py").write_text(NO_DEVICE)
    args = ["annotate", "audio.jsonl", "-s", "audio.yaml", "-a", "ann"]
    t = tmux_factory(args, tmp_path, env={"PYTHONPATH": str(tmp_path / "nosound")})
    screen = t.wait_for("0:00.000 / 0:03.000")
    step = float(re.search(r"step ([\d.]+)s", screen).group(1))
    fine = nice_step(step / 10)
    assert fine < step

    def at(n: float) -> float:
        return round(n, 3)

    def shown(start: float, end: float) -> str:
        return f"speech now {format_time(start)}–{format_time(end)}"

    t.send(*["Right"] * 10, "[", *["Right"] * 10, "]", "s")
    t.wait_for(f"marked speech {format_time(at(10 * step))}–{format_time(at(20 * step))}")
    start, end = at(9 * step), at(20 * step)
    t.send("C-Left")  # the start back one step
    t.wait_for(shown(start, end))
    end = at(21 * step)
    t.send("C-S-Right")  # the end on one step
    t.wait_for(shown(start, end))
    start = at(start + fine)
    t.send("M-Right")  # the start on one fine step
    t.wait_for(shown(start, end))
    end = at(end - fine)
    t.send("M-S-Left")  # the end back one fine step
    t.wait_for(shown(start, end))
    t.send("Home", *["Right"] * 5, "C-e")  # the cursor before the mark: its start snaps there
    t.wait_for(shown(at(5 * step), end))
    t.send("C-z")  # undo takes the snap back
    t.wait_for("undone", f"{format_time(start)}  {format_time(end)}")
    t.send("Enter")
    t.wait_for("item a2")
    t.send("C-q")
    assert t.exit_status() == 0
    (saved,) = lines(tmp_path / "audio.ann.jsonl")
    assert saved["labels"]["events"] == [{"start": start, "end": end, "label": "speech"}]
