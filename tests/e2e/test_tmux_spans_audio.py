"""The real command in tmux for the span and audio editors: offsets and times on disk."""

from __future__ import annotations

import json
import re
import time

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


NO_DEVICE = """\
# Stands in for sounddevice on a machine without an output device (PortAudio finds none), so
# the test is the same on a laptop with speakers as over SSH or in CI.
class PortAudioError(Exception):
    pass


def query_devices(*args, **kwargs):
    raise PortAudioError("Error querying device -1")
"""

#: The audio editor's cursor steps (core/audio/marks.py): a 1-2-5 series of seconds.
NICE = sorted({round(m * 10**e, 3) for e in range(-3, 3) for m in (1, 2, 5)})


def cursor_time(screen: str) -> float:
    """The cursor time of the status line, `0:01.150 / 0:03.000`, in seconds."""
    match = re.search(r"(\d+):(\d\d\.\d{3}) / 0:03\.000", screen)
    assert match, screen
    return int(match.group(1)) * 60 + float(match.group(2))


def test_audio_marks_by_keys_are_saved_at_the_cursor_times(tmp_path, tmux_factory):
    rate = 16000
    t_axis = np.arange(3 * rate) / rate
    sf.write(tmp_path / "clip.wav", (0.5 * np.sin(2 * np.pi * 440 * t_axis)), rate)
    (tmp_path / "audio.jsonl").write_text(
        json.dumps({"id": "a1", "audio": "clip.wav"}) + "\n" + json.dumps({"id": "a2"}) + "\n"
    )
    (tmp_path / "audio.yaml").write_text(AUDIO)
    (tmp_path / "nosound").mkdir()
    (tmp_path / "nosound" / "sounddevice.py").write_text(NO_DEVICE)
    env = {"PYTHONPATH": str(tmp_path / "nosound")}
    args = ["annotate", "audio.jsonl", "-s", "audio.yaml", "-a", "ann"]
    t = tmux_factory(args, tmp_path, env=env)
    screen = t.wait_for("0:00.000 / 0:03.000")
    # The small step is about one screen column (3 s over ~100 columns); the status line says
    # which one the editor chose, and the large step is the next 1-2-5 value of ten of them.
    step = float(re.search(r"step ([\d.]+)s", screen).group(1))
    assert step in NICE and 3.0 / 200 <= step <= 3.0 / 40, step
    large = min(s for s in NICE if s >= 10 * step - 1e-9)
    t.send("Right", "Right", "Right", "c")  # a click point at 3 steps
    t.wait_for("marked click")
    t.send("[", "Right", "Right", "]", "s")  # speech from 3 to 5 steps
    t.wait_for("marked speech")
    t.send("S-Right")  # one large step on
    five = round(5 * step, 3)
    assert cursor_time(t.wait_for(f"{five + large:.3f} / 0:03")) == pytest.approx(five + large)
    t.send("c")
    t.wait_for("marked click at")

    # No sound device: space says so in the status line, once, and everything goes on.
    t.send("Space")
    screen = t.wait_for("no sound device")
    t.send("Space")
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:  # the second press adds no second message or toast
        screen = t.screen()
        assert screen.count("no sound device") == 1, screen
        time.sleep(0.05)
    assert "Traceback" not in screen
    t.send("Left")  # still working: the cursor moves and the message goes
    t.wait_for(f"{five + large - step:.3f} / 0:03")
    t.wait_gone("no sound device")
    t.send("Enter")
    t.wait_for("item a2")
    t.send("C-q")
    assert t.exit_status() == 0
    (saved,) = lines(tmp_path / "audio.ann.jsonl")
    three = round(3 * step, 3)
    far = round(five + large, 3)
    assert saved["labels"]["events"] == [
        {"start": three, "end": three, "label": "click"},
        {"start": three, "end": five, "label": "speech"},
        {"start": far, "end": far, "label": "click"},
    ]
