"""How long a long recording takes to open, first and second time, and how much memory it needs.

    python benchmarks/audio_open.py [--minutes 60] [--rate 16000] [--channels 1] [--format WAV]

Generates the file in blocks (a one-hour 16 kHz mono WAV is 115 MB), then, each in a fresh
process so that nothing is warm in Python: the first visit (header + envelope build + cache
write), the second visit (header + cache read), and one screen of waveform at whole-file zoom
and at deep zoom. Prints seconds, the peak of traced Python/numpy allocations, and the process's
peak RSS. The goal (issue 5): the second visit under 1 s, memory under 150 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent

_PROBE = r"""
import json, resource, sys, time, tracemalloc
tracemalloc.start()
t0 = time.perf_counter()
from labeltui.core.audio.decode import probe
from labeltui.core.audio.envelope import load_cached, open_envelope
from labeltui.core.audio.waveform import braille_rows
t_import = time.perf_counter() - t0
t0 = time.perf_counter()
info = probe(sys.argv[1])
cached = load_cached(info) is not None
env = open_envelope(info)
cols = env.columns(0.0, info.duration, 2 * int(sys.argv[2]))
rows = braille_rows(cols.mins, cols.maxs, 12, env.peak)
t_open = time.perf_counter() - t0
t0 = time.perf_counter()
mid = info.duration / 2
deep = env.columns(mid, mid + 0.2, 2 * int(sys.argv[2]))
braille_rows(deep.mins, deep.maxs, 12, env.peak)
t_deep = time.perf_counter() - t0
_, peak = tracemalloc.get_traced_memory()
print(json.dumps({
    "cached_before": cached, "open_s": t_open, "deep_zoom_s": t_deep, "import_s": t_import,
    "traced_peak_mb": peak / 2**20, "envelope_mb": env.nbytes / 2**20,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "exact_deep": deep.exact,
}))
"""


def generate(path: Path, minutes: float, rate: int, channels: int, fmt: str) -> None:
    """A tone with a slow tremolo plus noise, written one 10 s block at a time."""
    frames = int(minutes * 60 * rate)
    rng = np.random.default_rng(1)
    subtype = "PCM_16" if fmt in ("WAV", "FLAC") else None
    block = rate * 10
    with sf.SoundFile(path, "w", rate, channels, format=fmt, subtype=subtype) as f:
        for start in range(0, frames, block):
            n = min(block, frames - start)
            t = (start + np.arange(n)) / rate
            tone = 0.5 * np.sin(2 * np.pi * 220 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * t / 7))
            x = tone + 0.05 * rng.standard_normal(n)
            f.write(np.repeat(x[:, None], channels, axis=1).astype(np.float32))


def visit(path: Path, width: int, cache: Path) -> dict:
    env = dict(os.environ, LABELTUI_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path), str(width)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    result["process_s"] = time.perf_counter() - t0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--rate", type=int, default=16000)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--format", default="WAV", choices=["WAV", "FLAC", "OGG"])
    parser.add_argument("--width", type=int, default=200, help="terminal columns")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"long.{args.format.lower()}"
        t0 = time.perf_counter()
        generate(path, args.minutes, args.rate, args.channels, args.format)
        size_mb = path.stat().st_size / 2**20
        took = time.perf_counter() - t0
        what = f"{args.minutes:g} min, {args.rate} Hz, {args.channels} ch, {args.format}"
        print(f"file: {what}, {size_mb:.0f} MB (generated in {took:.1f} s)")
        cache = Path(tmp) / "cache"
        for name in ("first visit", "second visit"):
            r = visit(path, args.width, cache)
            print(
                f"{name:>12}: open {r['open_s']:.3f} s (process {r['process_s']:.2f} s, "
                f"imports {r['import_s']:.2f} s), deep zoom {r['deep_zoom_s'] * 1000:.1f} ms, "
                f"traced peak {r['traced_peak_mb']:.1f} MB, max RSS {r['max_rss_mb']:.0f} MB, "
                f"envelope {r['envelope_mb']:.1f} MB, cached before: {r['cached_before']}"
            )
        cached = sum(p.stat().st_size for p in cache.rglob("*.npz")) / 2**20
        print(f"cache file: {cached:.1f} MB")


if __name__ == "__main__":
    main()
