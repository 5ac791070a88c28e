"""Latency from a key press to the next item on screen, median and 99th percentile.

Runs the real app headless (`App.run_test`) on a generated dataset and, for each of N items,
posts one key event and waits for the first frame the app composes after the session has moved
on (the app's `_display` hook, called for every frame, headless or not). Two keys are measured:
`pagedown` (move only) and a triage label key (select, save with fsync, move). Goal: median
under 16 ms (one frame at 60 Hz).

`--learn` measures `annotate --learn` instead: the triage keys 1, 2, 3 in turn (so the model
has different answers to fit), each saving and moving to the next item (the most uncertain one
once the model has scores), in a plain session and in a learning one (its model refitted in the
background process after every save), alternating `--rounds` times; it prints both and the
ratio of the medians (goal: at most 1.1x).

    python benchmarks/keys.py [--items 1000] [--learn [--rounds 2]]
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


async def measure(
    data: Path,
    schema: Path,
    out: Path,
    key: str,
    char: str | None,
    n: int,
    learn: bool = False,
    cycle: bool = False,
):
    """Latencies (ms) of `n` presses of `key` (`cycle`: of 1, 2, 3 in turn), each until the
    first frame composed after the session moved to another item."""
    from textual.events import Key

    from labeltui.core.learn_session import open_learn_session
    from labeltui.core.session import open_session
    from labeltui.ui.app import make_app

    opener = open_learn_session if learn else open_session
    session = opener(data, schema, "bench", out)
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
        for press in range(n):
            if cycle:
                key = char = "123"[press % 3]
            before = session.position
            frames.clear()
            start = time.perf_counter()
            app.post_message(Key(key, char))
            deadline = start + 5
            while time.perf_counter() < deadline:
                shown = [t for t, pos in frames if pos != before]
                if shown:
                    latencies.append((shown[0] - start) * 1000)
                    break
                await asyncio.sleep(0)
            else:
                raise SystemExit(f"{key}: no other item appeared after item {before + 1}")
    if learn:
        print(f"  ({session.model_status()})")
    session.close()
    return latencies


def report(name: str, latencies: list[float]) -> None:
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"{name:<34} median {statistics.median(latencies):6.2f} ms   "
        f"p99 {p99:6.2f} ms   max {latencies[-1]:6.2f} ms   (n={len(latencies)})"
    )


def learn_case(items: int, rounds: int) -> None:
    """Plain and learning sessions, alternating, on the same keys; the ratio of the medians."""
    plain: list[float] = []
    learning: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, schema = make_dataset(folder, items + 1)
        for run in range(rounds):
            for learn, into in ((False, plain), (True, learning)):
                out = folder / f"{'learn' if learn else 'plain'}{run}.jsonl"
                into += asyncio.run(measure(data, schema, out, "1", "1", items, learn, True))
        report("label keys, plain session", plain)
        report("label keys, --learn", learning)
    ratio = statistics.median(learning) / statistics.median(plain)
    print(f"--learn / plain (medians): {ratio:.2f}x   goal: at most 1.1x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--learn", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.learn:
        learn_case(args.items, args.rounds)
        return
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
