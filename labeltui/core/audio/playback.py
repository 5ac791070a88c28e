"""Optional playback through `sounddevice` (the `playback` extra).

Over SSH there is usually no sound device, and `sounddevice` (or its PortAudio library) may not
be installed at all: the first attempt finds out, remembers why, and every later attempt gets
the same one-line reason at once, so annotating without sound is never slowed down or noisy.
Audio is streamed from the file in small blocks by the output callback (never decoded whole),
and `position()` tells the editor where playback is, for the cursor to follow.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

import numpy as np
import soundfile as sf

from labeltui.core.audio.decode import AudioInfo

NO_DEVICE = "no sound device"


class NoSoundDevice(Exception):
    """Playback is not possible here; `str()` is the reason, for the status line."""


class Player:
    """Plays one file from a time, stops, and reports the playing position."""

    def __init__(self) -> None:
        self._sd: Any = None
        self.problem: str | None = None
        """Why playback is unavailable, once probed (None: available or not probed yet)."""
        self._probed = False
        self._stream: Any = None
        self._file: sf.SoundFile | None = None
        self._lock = threading.Lock()
        self._max_channels = 0
        self._start = 0.0
        self._rate = 1
        self._played = 0
        self._done = False

    # -- probing -----------------------------------------------------------------------------

    def available(self) -> bool:
        """Whether playback can work here (the module and an output device are probed once)."""
        if not self._probed:
            self._probed = True
            self.problem = self._probe()
        return self.problem is None

    def _probe(self) -> str | None:
        try:
            sd = importlib.import_module("sounddevice")
        except ImportError:
            return f"{NO_DEVICE}: playback needs the extra (pip install 'labeltui[playback]')"
        except OSError:  # sounddevice is installed but the PortAudio library is not
            return f"{NO_DEVICE}: the PortAudio library is not installed"
        try:
            device = sd.query_devices(kind="output")
        except Exception:  # PortAudioError, ValueError: no default output device
            return f"{NO_DEVICE} (playback is off; everything else works)"
        if not device or int(device.get("max_output_channels", 0)) < 1:
            return f"{NO_DEVICE} (playback is off; everything else works)"
        self._sd = sd
        self._max_channels = int(device["max_output_channels"])
        return None

    # -- playing -----------------------------------------------------------------------------

    def play(self, info: AudioInfo, start: float) -> None:
        """Play `info`'s file from `start` seconds; raise `NoSoundDevice` when it cannot."""
        if not self.available():
            raise NoSoundDevice(self.problem)
        self.stop()
        sd = self._sd
        try:
            f = sf.SoundFile(info.path)
            f.seek(min(max(0, round(start * f.samplerate)), max(0, f.frames - 1)))
        except (sf.SoundFileError, RuntimeError, OSError, ValueError) as exc:
            raise NoSoundDevice(f"cannot play: {exc}") from None
        channels = f.channels if f.channels <= self._max_channels else 1
        self._file, self._rate = f, f.samplerate
        self._start, self._played, self._done = f.tell() / f.samplerate, 0, False

        def callback(outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
            with self._lock:
                data = f.read(frames, dtype="float32", always_2d=True) if not f.closed else None
            n = 0 if data is None else len(data)
            if data is not None and n:
                outdata[:n] = data if data.shape[1] == channels else data.mean(1, keepdims=True)
            outdata[n:] = 0
            self._played += n
            if n < frames:
                self._done = True
                raise sd.CallbackStop

        try:
            self._stream = sd.OutputStream(
                samplerate=f.samplerate, channels=channels, dtype="float32", callback=callback
            )
            self._stream.start()
        except Exception as exc:  # PortAudioError: the device went away or refused the format
            self.stop()
            raise NoSoundDevice(f"{NO_DEVICE}: {exc}") from None

    def stop(self) -> None:
        """Stop playing (a no-op when nothing plays)."""
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # a stream that already failed is as good as stopped
                pass
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    @property
    def playing(self) -> bool:
        """True while audio is being played (False once the file has run out)."""
        stream = self._stream
        return stream is not None and not self._done and bool(getattr(stream, "active", True))

    def position(self) -> float:
        """Seconds into the file that are being heard now (output latency accounted for)."""
        latency = float(getattr(self._stream, "latency", 0.0) or 0.0)
        return self._start + max(0.0, self._played / self._rate - latency)
