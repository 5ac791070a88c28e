"""The audio editor on a generated 10 s file with three marks, for the snapshot tests.

`python tests/audio/snapshot_apps/waveform_app.py` shows it in a terminal.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for audio_helpers

from audio_helpers import EditorApp, tone_bursts, write

from labeltui.core.audio.playback import Player

MARKS = [
    {"start": 1.0, "end": 2.5, "label": "speech"},
    {"start": 4.2, "end": 4.2, "label": "click"},
    {"start": 6.0, "end": 9.0, "label": "music"},
]


def audio_file() -> str:
    """The same samples every run, written atomically (parallel test workers share it)."""
    folder = Path(tempfile.gettempdir()) / "labeltui-audio-snapshot"
    folder.mkdir(exist_ok=True)
    tmp = folder / f"bursts.{os.getpid()}.wav"
    write(tmp, tone_bursts(10.0))
    os.replace(tmp, folder / "bursts.wav")
    return str(folder / "bursts.wav")


AUDIO = audio_file()
app = EditorApp(AUDIO, value=MARKS, player=Player())
blocks_app = EditorApp(AUDIO, value=MARKS, player=Player(), glyphs="blocks")

if __name__ == "__main__":
    app.run()
