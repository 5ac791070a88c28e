"""Latency from a key press to the next item on screen, median and 99th percentile.

Runs the real app headless (`App.run_test`) on a generated dataset and, for each of N items,
posts one key event and waits for the first frame the app composes after the session has moved
on (the app's `_display` hook, called for every frame, headless or not). Two keys are measured:
`pagedown` (move only) and a triage label key (select, save with fsync, move). Goal: median
under 16 ms (one frame at 60 Hz).

    python benchmarks/keys.py [--items 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import labeltui.ui  # noqa: E402, F401  before Textual: it sets the app's frame rate (TEXTUAL_FPS)

SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1"}
      - {name: bug, key: "2"}
      - {name: other, key: "3"}
"""

WORDS = "the invoice was charged twice and the app crashes when I open settings again".split()  # noqa: SIM905


def make_dataset(folder: Path, n: int) -> tuple[Path, Path]:
    data = folder / "keys.jsonl"
    with data.open("w") as out:
        for i in range(n):
            text = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(20 + i % 200))
            out.write(json.dumps({"id": f"k{i}", "text": f"item {i}: {text}"}) + "\n")
    (folder / "keys.yaml").write_text(SCHEMA)
    return data, folder / "keys.yaml"


async def measure(data: Path, schema: Path, out: Path, key: str, char: str | None, n: int):
    from textual.events import Key

    from labeltui.core.session import open_session
    from labeltui.ui.app import make_app

    session = open_session(data, schema, "bench", out)
    session.index.scan_all()
    app = make_app(session)
    frames: list[tuple[float, int]] = []
    original = app._display

    def display(screen, renderable):  # type: ignore[no-untyped-def]
        if renderable is not None:
            frames.append((time.perf_counter(), session.position))
        return original(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    latencies: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in range(n):
            target = session.position + 1
            frames.clear()
            start = time.perf_counter()
            app.post_message(Key(key, char))
            deadline = start + 5
            while time.perf_counter() < deadline:
                shown = [t for t, pos in frames if pos == target]
                if shown:
                    latencies.append((shown[0] - start) * 1000)
                    break
                await asyncio.sleep(0)
            else:
                raise SystemExit(f"{key}: item {target} never appeared")
    session.close()
    return latencies


def report(name: str, latencies: list[float]) -> None:
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"{name:<34} median {statistics.median(latencies):6.2f} ms   "
        f"p99 {p99:6.2f} ms   max {latencies[-1]:6.2f} ms   (n={len(latencies)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, schema = make_dataset(folder, args.items + 1)
        nav = asyncio.run(measure(data, schema, folder / "a.jsonl", "pagedown", None, args.items))
        report("pagedown (next item)", nav)
        save = asyncio.run(measure(data, schema, folder / "b.jsonl", "1", "1", args.items))
        report("label key (save + fsync + next)", save)
    print("goal: median under 16 ms")


if __name__ == "__main__":
    main()
