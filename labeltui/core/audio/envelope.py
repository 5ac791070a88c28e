"""The waveform envelope: min, max and RMS per bucket, as a pyramid, cached per file.

Level 0 holds one (min, max, mean square) triple per `BUCKET` frames, computed from block reads
(memory stays at a few block sizes whatever the file's length). Each further level merges
`FANOUT` buckets of the one below, so drawing a whole hour at terminal width touches a few
thousand numbers. Level 0 is cached in `cache_dir()/waveforms`, keyed by the file's path, size
and mtime, so the second visit of a one-hour file is a 3 MB read. At deep zoom (fewer than
`RAW_BELOW` frames per column) the visible range is read from the file itself, which makes the
drawing exact down to single samples.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labeltui.core.audio.decode import BLOCK_FRAMES, AudioInfo, iter_blocks, read_mono
from labeltui.paths import cache_dir

BUCKET = 256
FANOUT = 8
RAW_BELOW = 4 * BUCKET
CACHE_VERSION = 1

assert BLOCK_FRAMES % BUCKET == 0


class Cancelled(Exception):
    """The build was cancelled (the annotator moved to another item)."""


@dataclass(frozen=True, slots=True)
class Level:
    """One pyramid level: `size` frames per bucket."""

    size: int
    mins: np.ndarray
    maxs: np.ndarray
    ms: np.ndarray
    """Mean square per bucket (RMS squared), so merged buckets average correctly."""


@dataclass(frozen=True, slots=True)
class Columns:
    """The envelope of `n` screen columns; NaN where a column lies past the end of the file."""

    mins: np.ndarray
    maxs: np.ndarray
    rms: np.ndarray
    exact: bool
    """True when read from the samples themselves (deep zoom), not from the pyramid."""


class Envelope:
    """A file's peak pyramid, and the columns of any time range at any width."""

    def __init__(self, info: AudioInfo, mins: np.ndarray, maxs: np.ndarray, ms: np.ndarray) -> None:
        self.info = info
        self.levels: list[Level] = [Level(BUCKET, mins, maxs, ms)]
        while len(self.levels[-1].mins) > 1:
            self.levels.append(_merge(self.levels[-1]))
        top = self.levels[-1]
        self.peak = float(max(abs(top.mins.min(initial=0.0)), abs(top.maxs.max(initial=0.0))))
        """The largest absolute sample value in the file (for scaling quiet recordings)."""

    @property
    def nbytes(self) -> int:
        return sum(lv.mins.nbytes + lv.maxs.nbytes + lv.ms.nbytes for lv in self.levels)

    def columns(self, start: float, end: float, n: int) -> Columns:
        """Min, max and RMS of `n` equal columns between `start` and `end` seconds."""
        rate = self.info.samplerate
        return self.frame_columns(round(start * rate), round(end * rate), n)

    def frame_columns(self, f0: int, f1: int, n: int) -> Columns:
        """Like `columns`, in frames: column i covers frames `edges[i]:edges[i+1]`."""
        n = max(1, int(n))
        f1 = max(f1, f0 + 1)
        edges = f0 + np.round(np.arange(n + 1) * ((f1 - f0) / n)).astype(np.int64)
        edges = np.maximum(edges, 0)
        frames = self.info.frames
        valid = int(np.count_nonzero(edges[:-1] < frames))
        out = [np.full(n, np.nan, dtype=np.float32) for _ in range(3)]
        spc = (f1 - f0) / n
        exact = spc < RAW_BELOW
        if valid:
            last = min(int(edges[valid]), frames)
            if exact:
                lo = int(edges[0])
                x = read_mono(self.info, lo, last)
                if len(x):
                    starts = np.minimum(edges[:valid] - lo, len(x) - 1)
                    mins, maxs, ms = _reduce(x, x, x * x, starts, len(x))
                    _fill(out, valid, mins, maxs, ms)
            else:
                level = self.levels[0]
                for candidate in self.levels[1:]:
                    if candidate.size * 4 > spc:
                        break
                    level = candidate
                starts = edges[:valid] // level.size
                stop = min(-(-last // level.size), len(level.mins))
                mins, maxs, ms = _reduce(level.mins, level.maxs, level.ms, starts, stop)
                _fill(out, valid, mins, maxs, ms)
        return Columns(out[0], out[1], out[2], exact)


def _reduce(
    mins: np.ndarray, maxs: np.ndarray, ms: np.ndarray, starts: np.ndarray, stop: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """reduceat over segments `starts[i]:starts[i+1]` (the last one ends at `stop`)."""
    lo = int(starts[0])
    idx = (starts - lo).astype(np.intp)
    a, b, c = mins[lo:stop], maxs[lo:stop], ms[lo:stop]
    counts = np.diff(np.append(idx, len(a))).clip(min=1)
    return (
        np.minimum.reduceat(a, idx),
        np.maximum.reduceat(b, idx),
        np.add.reduceat(c.astype(np.float64), idx) / counts,
    )


def _fill(
    out: list[np.ndarray], k: int, mins: np.ndarray, maxs: np.ndarray, ms: np.ndarray
) -> None:
    out[0][:k] = mins
    out[1][:k] = maxs
    out[2][:k] = np.sqrt(np.maximum(ms, 0.0))


def _merge(level: Level) -> Level:
    idx = np.arange(0, len(level.mins), FANOUT)
    counts = np.diff(np.append(idx, len(level.mins)))
    return Level(
        level.size * FANOUT,
        np.minimum.reduceat(level.mins, idx),
        np.maximum.reduceat(level.maxs, idx),
        (np.add.reduceat(level.ms, idx, dtype=np.float64) / counts).astype(np.float32),
    )


# -- building and caching -------------------------------------------------------------------


def build(
    info: AudioInfo,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Envelope:
    """Read the whole file once, block by block, into level 0 of the pyramid."""
    nb = -(-info.frames // BUCKET)
    mins = np.empty(nb, dtype=np.float32)
    maxs = np.empty(nb, dtype=np.float32)
    ms = np.empty(nb, dtype=np.float32)
    pos = done = 0
    for block in iter_blocks(info):
        full = len(block) // BUCKET * BUCKET
        if full:
            grid = block[:full].reshape(-1, BUCKET)
            m = len(grid)
            grid.min(axis=1, out=mins[pos : pos + m])
            grid.max(axis=1, out=maxs[pos : pos + m])
            ms[pos : pos + m] = np.einsum("ij,ij->i", grid, grid) / BUCKET
            pos += m
        if full < len(block) and pos < nb:  # the last, partial bucket
            tail = block[full:]
            mins[pos], maxs[pos] = tail.min(), tail.max()
            ms[pos] = float(np.dot(tail, tail)) / len(tail)
            pos += 1
        done += len(block)
        if progress is not None:
            progress(min(1.0, done / info.frames))
        if cancelled is not None and cancelled():
            raise Cancelled
    if pos < nb:  # the file is shorter than its header says
        mins, maxs, ms = mins[:pos].copy(), maxs[:pos].copy(), ms[:pos].copy()
        if pos == 0:
            mins = maxs = ms = np.zeros(1, dtype=np.float32)
    return Envelope(info, mins, maxs, ms)


def cache_path(info: AudioInfo) -> Path:
    """Where a file's envelope is cached: a hash of its absolute path, size and mtime."""
    key = f"{os.path.abspath(info.path)}\0{info.size}\0{info.mtime_ns}\0{BUCKET}\0{CACHE_VERSION}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:40]
    return cache_dir() / "waveforms" / f"{digest}.npz"


def load_cached(info: AudioInfo) -> Envelope | None:
    """The cached envelope of `info`'s file, or None (absent, stale or damaged)."""
    path = cache_path(info)
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = [int(v) for v in z["meta"]]
            if meta != [CACHE_VERSION, info.frames, info.samplerate, BUCKET]:
                return None
            mins, maxs, ms = z["mins"], z["maxs"], z["ms"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    if not (len(mins) == len(maxs) == len(ms) > 0):
        return None
    return Envelope(info, mins, maxs, ms)


def save_cached(env: Envelope) -> Path | None:
    """Write level 0 atomically (a reader never sees half a file); None when the cache is
    not writable, which only costs the next visit a rebuild."""
    path = cache_path(env.info)
    level = env.levels[0]
    meta = np.array([CACHE_VERSION, env.info.frames, env.info.samplerate, BUCKET], np.int64)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, meta=meta, mins=level.mins, maxs=level.maxs, ms=level.ms)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return None
    return path


def open_envelope(
    info: AudioInfo,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Envelope:
    """The envelope from the cache, else built from the file and cached."""
    env = load_cached(info)
    if env is None:
        env = build(info, progress, cancelled)
        save_cached(env)
    return env
