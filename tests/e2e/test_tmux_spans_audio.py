"""The real command in tmux for the span and audio editors: offsets and times on disk."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from test_tmux_annotate import lines
from tmux_driver import needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]

NER = """\
tasks:
  - name: entities
    kind: spans
    labels:
      - {name: PERSON, key: p}
      - {name: LOC, key: l}
"""

AUDIO = """\
tasks:
  - name: events
    kind: audio_marks
    labels:
      - {name: speech, key: s}
      - {name: click, key: c}
"""


def test_a_span_selected_by_keys_is_saved_with_code_point_offsets(tmp_path, tmux_factory):
    text = "Zoë Lefèvre met 👨‍👩‍👧 in 東京 today."
    rows = [{"id": "n1", "text": text}, {"id": "n2", "text": "Next one."}]
    (tmp_path / "ner.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "ner.yaml").write_text(NER)
    t = tmux_factory(["annotate", "ner.jsonl", "-s", "ner.yaml", "-a", "ann"], tmp_path)
    t.wait_for("today")
    t.send("S-Right")  # Zoë + Lefèvre
    t.wait_for("selection 0–11")
    t.send("p")
    t.wait_for("PERSON")
    t.send("End", "Left", "Left")  # "." then "today" then "東京"
    t.wait_for("“東京”")
    t.send("l")
    t.send("Enter")
    t.wait_for("Next one.")
    t.send("C-q")
    assert t.exit_status() == 0
    (saved,) = lines(tmp_path / "ner.ann.jsonl")
    spans = saved["labels"]["entities"]
    tokyo = text.index("東京")
    assert spans == [
        {"start": 0, "end": 11, "label": "PERSON", "text": "Zoë Lefèvre"},
        {"start": tokyo, "end": tokyo + 2, "label": "LOC", "text": "東京"},
    ]
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]


def test_audio_marks_by_keys_are_saved_at_the_cursor_times(tmp_path, tmux_factory):
    rate = 16000
    t_axis = np.arange(3 * rate) / rate
    sf.write(tmp_path / "clip.wav", (0.5 * np.sin(2 * np.pi * 440 * t_axis)), rate)
    (tmp_path / "audio.jsonl").write_text(
        json.dumps({"id": "a1", "audio": "clip.wav"}) + "\n" + json.dumps({"id": "a2"}) + "\n"
    )
    (tmp_path / "audio.yaml").write_text(AUDIO)
    # No sound device here (and sounddevice may be missing): space must say so, not crash.
    t = tmux_factory(["annotate", "audio.jsonl", "-s", "audio.yaml", "-a", "ann"], tmp_path)
    screen = t.wait_for("0:00.000 / 0:03.000")
    step = float(screen.split("step ")[1].split("s")[0])
    t.send("Right", "Right", "Right", "c")  # a click point at 3 steps
    t.wait_for("marked click")
    t.send("[", "Right", "Right", "]", "s")  # speech from 3 to 5 steps
    t.wait_for("marked speech")
    t.send("Space")
    screen = t.wait_for("sound")  # "no sound device" or why playback is unavailable
    assert "Traceback" not in screen
    t.send("Enter")
    t.wait_for("item a2")
    t.send("C-q")
    assert t.exit_status() == 0
    (saved,) = lines(tmp_path / "audio.ann.jsonl")
    three, five = round(3 * step, 3), round(5 * step, 3)
    assert saved["labels"]["events"] == [
        {"start": three, "end": three, "label": "click"},
        {"start": three, "end": five, "label": "speech"},
    ]
