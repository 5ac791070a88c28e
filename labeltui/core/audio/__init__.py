"""Audio for `audio_marks` tasks: decoding, the cached waveform envelope, drawing, marks, playback.

Everything here is pure Python + numpy + soundfile (no UI imports); `playback` imports
`sounddevice` only when asked to play.
"""

from __future__ import annotations

from labeltui.core.audio.decode import AudioError, AudioInfo, probe

__all__ = ["AudioError", "AudioInfo", "probe"]
