"""Test audio written with numpy + soundfile, and a tiny app around one AudioEditor.

Imported as a plain module (like `ui_fixtures`); the snapshot app imports it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.screen import Screen

from labeltui.core.items import Item
from labeltui.core.schema import Task, parse_schema
from labeltui.ui.widgets.audio_editor import AudioEditor
from labeltui.ui.widgets.key_bar import KeyBar

SCHEMA = """\
tasks:
  - name: events
    kind: audio_marks
    labels:
      - {name: speech, key: s, color: green}
      - {name: music, key: m, color: magenta}
      - {name: click, key: c}
"""


def task() -> Task:
    return parse_schema(SCHEMA).tasks[0]


def tone_bursts(seconds: float = 10.0, rate: int = 16000) -> np.ndarray:
    """A 220 Hz tone, loud for the first half of each 2 s and quiet for the rest."""
    t = np.arange(int(seconds * rate)) / rate
    envelope = np.where((t % 2.0) < 1.0, 0.8, 0.1) * np.exp(-(t % 1.0) * 2)
    return (np.sin(2 * np.pi * 220 * t) * envelope).astype(np.float32)


def write(path: Path, data: np.ndarray, rate: int = 16000, **kw: Any) -> Path:
    sf.write(str(path), data, rate, **kw)
    return path


class EditorScreen(Screen[None]):
    """What the annotate screen does for an editor: label keys, enter and ctrl+z."""

    BINDINGS = [Binding("enter", "save", "Save"), Binding("ctrl+z", "undo", "Undo")]

    def __init__(self, editor: AudioEditor) -> None:
        super().__init__()
        self.editor = editor
        self.saved: list[Any] = []
        self.undos = 0
        self.changes = 0

    def compose(self) -> ComposeResult:
        yield self.editor
        yield KeyBar()

    def on_key(self, event: Key) -> None:
        char = event.character
        if char and char.isprintable() and self.editor.press_label(char):
            event.stop()

    def on_task_editor_changed(self) -> None:
        self.changes += 1

    def action_save(self) -> None:
        self.saved.append(self.editor.value())

    def action_undo(self) -> None:
        self.undos += 1
        self.editor.undo()


class EditorApp(App[None]):
    """Mounts one AudioEditor on `audio` with `value` loaded and focused."""

    def __init__(self, audio: str | None, value: Any = None, **editor_kw: Any) -> None:
        super().__init__()
        self.editor = AudioEditor(task(), id="editor", **editor_kw)
        self.item = Item(0, "a1", {"audio": audio}, audio=audio)
        self.value = value
        self.editor_screen = EditorScreen(self.editor)

    def on_mount(self) -> None:
        self.push_screen(self.editor_screen)
        self.editor.load(self.item, self.value)
        self.editor.focus()
