"""Reading audio files in blocks, mixed down to mono float32.

A long recording is never decoded whole: the envelope is built from fixed-size blocks and the
editor reads only the frames it shows at deep zoom. Every failure to open or read a file becomes
an `AudioError` with a plain sentence, which the editor shows on the item instead of crashing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from labeltui.errors import LabeltuiError

#: Frames per read. 256 Ki frames of float32 is 1 MiB per channel: small, and fast to read.
BLOCK_FRAMES = 1 << 18
#: A guard for `read_mono`: callers read a visible range, never a whole long file.
MAX_READ_FRAMES = 1 << 23


class AudioError(LabeltuiError):
    """An audio file that is missing, unreadable, empty or not audio."""


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What the header says, plus the file identity the envelope cache is keyed on."""

    path: str
    frames: int
    samplerate: int
    channels: int
    format: str
    size: int
    mtime_ns: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.samplerate


def probe(path: str | os.PathLike[str]) -> AudioInfo:
    """Open `path`'s header; raise `AudioError` saying why it cannot be used."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise AudioError("audio file not found", path) from None
    except OSError as exc:
        raise AudioError(f"cannot read audio file: {exc.strerror or exc}", path) from None
    if not path.is_file():
        raise AudioError("the audio path is not a file", path)
    try:
        with sf.SoundFile(str(path)) as f:
            frames, rate, channels, fmt = f.frames, f.samplerate, f.channels, f.format
    except (sf.SoundFileError, RuntimeError, OSError, ValueError, TypeError) as exc:
        raise AudioError(f"not a readable audio file ({_reason(exc)})", path) from None
    if rate <= 0 or channels <= 0:
        raise AudioError("the audio header is invalid (no sample rate or channels)", path)
    if frames <= 0:
        raise AudioError("the audio file has no samples", path)
    return AudioInfo(
        str(path), int(frames), int(rate), int(channels), fmt, stat.st_size, stat.st_mtime_ns
    )


def iter_blocks(
    info: AudioInfo, start: int = 0, stop: int | None = None, block: int = BLOCK_FRAMES
) -> Iterator[np.ndarray]:
    """Yield mono float32 blocks of frames `start:stop`, each at most `block` frames long.

    The yielded array is reused for the next block when the file has one channel; copy it to
    keep it. A file shorter than its header claims simply ends early.
    """
    stop = info.frames if stop is None else min(stop, info.frames)
    if start >= stop:
        return
    try:
        with sf.SoundFile(info.path) as f:
            if start:
                f.seek(start)
            buf = np.empty((min(block, stop - start), f.channels), dtype=np.float32)
            left = stop - start
            while left > 0:
                n = min(left, len(buf))
                got = f.read(n, dtype="float32", always_2d=True, out=buf[:n])
                if len(got) == 0:
                    return
                yield got[:, 0] if got.shape[1] == 1 else got.mean(axis=1, dtype=np.float32)
                left -= len(got)
                if len(got) < n:
                    return
    except (sf.SoundFileError, RuntimeError, OSError, ValueError) as exc:
        raise AudioError(f"cannot read audio ({_reason(exc)})", info.path) from None


def read_mono(info: AudioInfo, start: int, stop: int) -> np.ndarray:
    """Frames `start:stop` as one mono float32 array (a visible range, never a whole file)."""
    start, stop = max(0, start), min(stop, info.frames)
    if stop - start > MAX_READ_FRAMES:
        raise ValueError(f"read_mono of {stop - start} frames: read a long range in blocks")
    if stop <= start:
        return np.zeros(0, dtype=np.float32)
    parts = [b.copy() for b in iter_blocks(info, start, stop)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    # libsndfile prefixes its messages with the path; the AudioError names the file already.
    if ": " in text and text.startswith("Error opening"):
        text = text.rsplit(": ", 1)[-1]
    return text or type(exc).__name__
