"""Playback: the no-sound-device path (the usual one over SSH) and a fake device."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from audio_helpers import EditorApp, tone_bursts, write

from labeltui.core.audio import playback
from labeltui.core.audio.decode import probe
from labeltui.core.audio.playback import NO_DEVICE, NoSoundDevice, Player


def fake_sounddevice(device=None, fail_query: bool = False) -> types.ModuleType:
    """A stand-in for `sounddevice` whose stream the test drives by calling its callback."""
    sd = types.ModuleType("sounddevice")

    class CallbackStop(Exception):
        pass

    class OutputStream:
        def __init__(self, samplerate, channels, dtype, callback):
            self.samplerate, self.channels, self.callback = samplerate, channels, callback
            self.active, self.closed, self.latency = False, False, 0.0
            sd.streams.append(self)

        def start(self):
            self.active = True

        def stop(self):
            self.active = False

        def close(self):
            self.closed = True

        def pull(self, frames: int) -> np.ndarray:
            """What the device would fetch next (False `active` once the callback stops)."""
            out = np.full((frames, self.channels), 9.0, dtype=np.float32)
            try:
                self.callback(out, frames, None, None)
            except CallbackStop:
                self.active = False
            return out

    def query_devices(kind=None):
        if fail_query:
            raise RuntimeError("Error querying device -1")
        return device

    sd.CallbackStop, sd.OutputStream, sd.query_devices, sd.streams = (
        CallbackStop,
        OutputStream,
        query_devices,
        [],
    )
    return sd


@pytest.fixture
def audio(tmp_path):
    return write(tmp_path / "a.wav", tone_bursts(4.0), subtype="FLOAT")


def test_without_sounddevice_playback_says_so_and_probes_once(silent_player, monkeypatch, audio):
    calls = []
    real = playback.importlib.import_module
    monkeypatch.setattr(
        playback.importlib, "import_module", lambda name: calls.append(name) or real(name)
    )
    assert not silent_player.available()
    for _ in range(3):
        with pytest.raises(NoSoundDevice) as err:
            silent_player.play(probe(audio), 0.0)
        assert str(err.value).startswith(NO_DEVICE) and "labeltui[playback]" in str(err.value)
    assert calls == ["sounddevice"]
    assert not silent_player.playing
    silent_player.stop()  # harmless


@pytest.mark.parametrize(
    "sd", [fake_sounddevice(fail_query=True), fake_sounddevice({"max_output_channels": 0})]
)
def test_no_output_device(monkeypatch, audio, sd):
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    player = Player()
    with pytest.raises(NoSoundDevice, match=NO_DEVICE):
        player.play(probe(audio), 0.0)
    assert player.problem.startswith(NO_DEVICE) and sd.streams == []


def test_plays_from_a_time_streams_blocks_and_reports_the_position(monkeypatch, audio):
    sd = fake_sounddevice({"max_output_channels": 2})
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    player = Player()
    player.play(probe(audio), 1.0)
    (stream,) = sd.streams
    assert player.playing and player.position() == 1.0
    block = stream.pull(1600)
    np.testing.assert_array_equal(block[:, 0], tone_bursts(4.0)[16000:17600])
    assert player.position() == pytest.approx(1.1)
    while stream.active:
        last = stream.pull(16000)
    assert not player.playing and (last[-1] == 0).all()  # the tail is silence, not junk
    assert player.position() == pytest.approx(4.0)
    player.stop()
    assert stream.closed


async def test_space_in_the_editor_reports_no_sound_device_and_keys_keep_working(
    silent_player, audio
):
    app = EditorApp(str(audio), player=silent_player)
    async with app.run_test(size=(80, 20)) as pilot:
        editor = app.editor
        await pilot.press("space")
        assert editor.message.startswith(NO_DEVICE)
        assert NO_DEVICE in str(editor.render())
        await pilot.press("right", "s")
        assert editor.model.cursor > 0 and len(editor.value()) == 1


async def test_space_plays_the_cursor_follows_and_space_stops(monkeypatch, audio):
    sd = fake_sounddevice({"max_output_channels": 1})
    monkeypatch.setitem(sys.modules, "sounddevice", sd)
    app = EditorApp(str(audio), player=Player())
    async with app.run_test(size=(80, 20)) as pilot:
        editor = app.editor
        await pilot.press("end", "home", "right")
        start = editor.model.cursor
        await pilot.press("space")
        (stream,) = sd.streams
        stream.pull(8000)  # half a second heard
        await pilot.pause(0.15)
        assert editor.model.cursor == pytest.approx(start + 0.5, abs=0.001)
        await pilot.press("space")
        assert stream.closed and not editor.player.playing
        assert editor.message == "stopped"
