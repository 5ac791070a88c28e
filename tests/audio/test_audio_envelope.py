"""Decoding and the envelope: exact against numpy, cached, multi-channel, bounded memory."""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest
import soundfile as sf
from audio_helpers import write

from labeltui.core.audio import decode, envelope
from labeltui.core.audio.decode import AudioError, probe, read_mono
from labeltui.core.audio.envelope import BUCKET, build, cache_path, load_cached, open_envelope


def noise(frames: int, channels: int = 1, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = rng.uniform(-0.9, 0.9, size=(frames, channels)).astype(np.float32)
    return data[:, 0] if channels == 1 else data


def test_level0_is_numpy_min_max_rms_per_bucket(tmp_path):
    x = noise(BUCKET * 100 + 37)  # a partial last bucket too
    info = probe(write(tmp_path / "a.wav", x, subtype="FLOAT"))
    level = build(info).levels[0]
    full = x[: BUCKET * 100].reshape(100, BUCKET)
    np.testing.assert_array_equal(level.mins[:100], full.min(axis=1))
    np.testing.assert_array_equal(level.maxs[:100], full.max(axis=1))
    np.testing.assert_allclose(level.ms[:100], (full.astype(np.float64) ** 2).mean(axis=1), 1e-5)
    tail = x[BUCKET * 100 :]
    assert (level.mins[100], level.maxs[100]) == (tail.min(), tail.max())
    assert len(level.mins) == 101


@pytest.mark.parametrize("per_column", [BUCKET * 4, BUCKET * 8 * 4, BUCKET * 64 * 4])
def test_columns_from_the_pyramid_equal_numpy_when_aligned(tmp_path, per_column):
    x = noise(BUCKET * 64 * 4 * 6)
    env = build(probe(write(tmp_path / "a.wav", x, subtype="FLOAT")))
    n = len(x) // per_column
    cols = env.frame_columns(0, n * per_column, n)
    assert not cols.exact
    grid = x[: n * per_column].reshape(n, per_column)
    np.testing.assert_array_equal(cols.mins, grid.min(axis=1))
    np.testing.assert_array_equal(cols.maxs, grid.max(axis=1))
    np.testing.assert_allclose(cols.rms, np.sqrt((grid.astype(np.float64) ** 2).mean(1)), 1e-5)


def test_deep_zoom_reads_the_visible_samples_exactly(tmp_path):
    x = noise(50_000)
    env = build(probe(write(tmp_path / "a.wav", x, subtype="FLOAT")))
    cols = env.frame_columns(12_345, 12_345 + 40 * 25, 40)
    assert cols.exact
    grid = x[12_345 : 12_345 + 1000].reshape(40, 25)
    np.testing.assert_array_equal(cols.mins, grid.min(axis=1))
    np.testing.assert_array_equal(cols.maxs, grid.max(axis=1))


def test_columns_past_the_end_are_nan_and_seconds_map_to_frames(tmp_path):
    x = noise(16000)  # 1 s at 16 kHz
    env = build(probe(write(tmp_path / "a.wav", x, subtype="FLOAT")))
    cols = env.columns(0.512, 0.512 + 1.28, 10)  # 0.128 s = 2048 frames per column
    assert np.isnan(cols.mins[4:]).all() and not np.isnan(cols.mins[:4]).any()
    expected = [x[f : f + 2048].max() for f in range(8192, 16000, 2048)]  # the last is partial
    np.testing.assert_array_equal(cols.maxs[:4], expected)


def test_multi_channel_is_mixed_down(tmp_path):
    left = np.linspace(-0.5, 0.5, 4096, dtype=np.float32)
    right = np.full(4096, 0.25, dtype=np.float32)
    info = probe(write(tmp_path / "st.wav", np.stack([left, right], axis=1), subtype="FLOAT"))
    assert info.channels == 2
    np.testing.assert_allclose(read_mono(info, 0, 4096), (left + right) / 2, atol=1e-7)
    level = build(info).levels[0]
    np.testing.assert_allclose(level.maxs, ((left + right) / 2).reshape(-1, BUCKET).max(1))


@pytest.mark.parametrize(("fmt", "rate"), [("FLAC", 44100), ("OGG", 22050), ("WAV", 8000)])
def test_formats_and_rates(tmp_path, fmt, rate):
    t = np.arange(rate) / rate
    x = (0.5 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    path = write(tmp_path / f"a.{fmt.lower()}", x, rate, format=fmt)
    info = probe(path)
    assert (info.samplerate, info.format) == (rate, fmt)
    assert abs(info.duration - 1.0) < 0.01
    env = open_envelope(info)
    assert 0.45 < env.peak < 0.56  # lossy OGG wobbles a little
    cols = env.columns(0, 1, 20)
    assert np.all(cols.maxs > 0.4) and np.all(cols.mins < -0.4)


def test_cache_hit_skips_decoding(tmp_path, cache_dir, monkeypatch):
    info = probe(write(tmp_path / "a.wav", noise(20_000), subtype="FLOAT"))
    first = open_envelope(info)
    assert cache_path(info).is_file() and cache_path(info).is_relative_to(cache_dir)

    def no_decoding(*_a, **_k):
        raise AssertionError("decoded again despite the cache")

    monkeypatch.setattr(envelope, "iter_blocks", no_decoding)
    second = open_envelope(info)
    np.testing.assert_array_equal(second.levels[0].maxs, first.levels[0].maxs)


def test_cache_misses_when_the_file_changes(tmp_path):
    path = write(tmp_path / "a.wav", noise(20_000, seed=1), subtype="FLOAT")
    old = probe(path)
    open_envelope(old)
    write(path, noise(20_000, seed=2), subtype="FLOAT")
    os.utime(path, ns=(old.mtime_ns + 10**9, old.mtime_ns + 10**9))
    new = probe(path)
    assert cache_path(new) != cache_path(old)
    assert load_cached(new) is None
    fresh = open_envelope(new)
    assert fresh.levels[0].maxs[0] == noise(20_000, seed=2)[:BUCKET].max()


def test_damaged_cache_is_rebuilt(tmp_path):
    info = probe(write(tmp_path / "a.wav", noise(5000), subtype="FLOAT"))
    open_envelope(info)
    cache_path(info).write_bytes(b"not a zip")
    assert load_cached(info) is None
    assert open_envelope(info).levels[0].maxs[0] == noise(5000)[:BUCKET].max()
    assert load_cached(info) is not None


def test_unwritable_cache_still_opens(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(blocker / "sub"))  # a path under a file
    info = probe(write(tmp_path / "a.wav", noise(5000), subtype="FLOAT"))
    assert open_envelope(info).levels[0].maxs[0] == noise(5000)[:BUCKET].max()


def test_building_a_long_file_reads_in_blocks(tmp_path, monkeypatch):
    """8 M frames of float32 are 32 MB decoded at once; the build stays far below that."""
    frames = 8_000_000
    path = tmp_path / "long.wav"
    with sf.SoundFile(path, "w", 16000, 1, subtype="PCM_16") as f:
        for start in range(0, frames, 1_000_000):
            f.write(noise(1_000_000, seed=start) * 0.5)
    info = probe(path)
    reads = []
    real = decode.sf.SoundFile.read

    def counting_read(self, frames=-1, *a, **k):
        reads.append(frames)
        return real(self, frames, *a, **k)

    monkeypatch.setattr(decode.sf.SoundFile, "read", counting_read)
    tracemalloc.start()
    try:
        env = build(info)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert max(reads) <= decode.BLOCK_FRAMES and len(reads) >= frames // decode.BLOCK_FRAMES
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB"
    assert len(env.levels[0].mins) == frames // BUCKET


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.wav", None, "audio file not found"),
        ("garbage.wav", b"RIFF\x00\x00junk" * 20, "not a readable audio file"),
        ("text.flac", b"hello, I am not audio", "not a readable audio file"),
        ("folder.wav", "dir", "not a file"),
    ],
)
def test_unusable_files_raise_a_clear_audio_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(AudioError) as err:
        probe(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_empty_audio_is_an_error(tmp_path):
    path = write(tmp_path / "empty.wav", np.zeros(0, dtype=np.float32))
    with pytest.raises(AudioError, match="no samples"):
        probe(path)


def test_read_mono_refuses_a_whole_long_file(tmp_path):
    info = probe(write(tmp_path / "a.wav", noise(1000), subtype="FLOAT"))
    big = decode.AudioInfo(info.path, 10**9, 16000, 1, "WAV", 0, 0)
    with pytest.raises(ValueError, match="in blocks"):
        read_mono(big, 0, 10**9)
