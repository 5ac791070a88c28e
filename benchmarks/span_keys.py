"""Key-to-render latency of the span editor on a 20,000-character item.

    python benchmarks/span_keys.py [--chars 20000] [--keys 300] [--size 120x40]

Mounts a SpanEditor (with a few hundred pre-annotated spans) in a headless Textual app and
presses cursor keys (right, left, down, up, shift+right, end, home) through the real event loop.
Prints, in milliseconds, median and p99 of:

- `key->frame`: from the key entering the driver to the moment Textual hands the new screen to
  the terminal driver, with the frame turned into terminal output (what a user waits for). This
  includes Textual's own frame pacing: a refresh waits for the next tick of the screen's update
  timer (1/MAX_FPS s), so it is never much below that tick.
- `work`: the time spent in the key's action plus the screen update (layout, compositing,
  rendering the visible rows, encoding): the cost the editor adds; it must stay well under a
  frame (16.7 ms at 60 fps).
- `direct`: the action plus rendering every visible row of the text, timed outside the event
  loop.

The goal (issue 4): an item of 20,000 characters renders and moves its cursor within one frame.
A huge item (`--chars 100000000`) is laid out a window at a time (`core/span_window.py`): its
keys near the start cost what a small item's do, and `end`/`home` (every 50th key here) move
the window.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from functools import wraps

from textual import constants, events
from textual.app import App, ComposeResult

from labeltui.core.items import Item
from labeltui.core.schema import parse_schema
from labeltui.ui.widgets.span_editor import SpanEditor

SCHEMA = """\
tasks:
  - name: entities
    kind: spans
    labels: [PERSON, ORG, LOC, DATE]
"""
SENTENCES = [
    "Barack Obama visited Paris on 3 May 2021 with Angela Merkel. ",
    "Ангела Меркель встретилась с Эммануэлем Макроном в Берлине. ",
    "東京で開かれた会議に中国の代表団が参加した。",
    "The café in Zürich served crème brûlée 🍮 to 👩🏽‍💻 engineers from 🇫🇷.\n",
    "שלום עולם — مرحبا بالعالم — e\u0301te\u0301 na\u0308ive\ttabbed. ",
]
KEYS = ["right", "right", "down", "right", "left", "up", "shift+right", "shift+right", "right"]


def make_text(chars: int) -> str:
    block = "".join(SENTENCES)
    return (block * (chars // len(block) + 1))[:chars]


def make_spans(text: str, every: int = 60) -> list[dict]:
    """Pre-annotated spans: the first word of roughly every `every` characters (of the first
    20,000 for a huge text)."""
    from labeltui.core.span_edit import make_units

    units = make_units(text, "words", 0, len(text) if len(text) <= 40_000 else 20_000)
    spans, last = [], -every
    for start, end in units:
        if start - last >= every:
            spans.append({"start": start, "end": end, "label": "ORG"})
            last = start
    return spans


class Bench(App[None]):
    def __init__(self, text: str, spans: list[dict]) -> None:
        super().__init__()
        task = parse_schema(SCHEMA).tasks[0]
        self.editor = SpanEditor(task)
        self.item = Item(0, "bench", {"text": text}, text=text)
        self.spans = spans
        self.displayed: list[float] = []
        self.updates: list[tuple[float, float]] = []

    def compose(self) -> ComposeResult:
        yield self.editor

    def on_mount(self) -> None:
        self.editor.load(self.item, self.spans)
        self.editor.focus()

    def _display(self, screen, renderable) -> None:  # type: ignore[override]
        if renderable is not None:
            # Encode the frame as the terminal driver would (the headless driver skips it).
            "".join(s.text for s in self.console.render(renderable))
            self.displayed.append(time.perf_counter())
        super()._display(screen, renderable)


def timed(cls, name: str, log: list[float]) -> None:
    """Wrap a method to log its duration."""
    original = getattr(cls, name)

    @wraps(original)
    def wrapper(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            log.append(time.perf_counter() - t0)

    setattr(cls, name, wrapper)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def through_event_loop(text: str, spans: list[dict], presses: int, size) -> dict:
    from textual.screen import Screen

    actions: list[float] = []
    updates: list[float] = []
    for name in ("action_cursor", "action_vertical", "action_extend", "action_first"):
        timed(SpanEditor, name, actions)
    timed(Screen, "_on_timer_update", updates)
    app = Bench(text, spans)
    latency, work = [], []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        driver = app._driver
        assert driver is not None
        for i in range(presses):
            key = KEYS[i % len(KEYS)] if i % 50 else ("end" if i % 100 else "home")
            actions.clear()
            updates.clear()
            app.displayed.clear()
            t0 = time.perf_counter()
            driver.send_message(events.Key(key, None))
            while not app.displayed and time.perf_counter() - t0 < 1:
                await asyncio.sleep(0.0005)
            await pilot.pause()
            if app.displayed:
                latency.append(app.displayed[0] - t0)
                work.append(sum(actions) + sum(updates))
    return {"key->frame": latency, "work": work}


def direct(text: str, spans: list[dict], presses: int, size) -> list[float]:
    """Action + render_line for every visible row, without the event loop."""

    async def run() -> list[float]:
        app = Bench(text, spans)
        out = []
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            editor = app.editor
            view = editor.view
            for i in range(presses):
                key = KEYS[i % len(KEYS)]
                t0 = time.perf_counter()
                if key in ("right", "left"):
                    editor.action_cursor(1 if key == "right" else -1)
                elif key in ("up", "down"):
                    editor.action_vertical(1 if key == "down" else -1)
                else:
                    editor.action_extend(1)
                for y in range(view.size.height):
                    view.render_line(y)
                out.append(time.perf_counter() - t0)
        return out

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=20000)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    text = make_text(args.chars)
    spans = make_spans(text)
    t0 = time.perf_counter()
    from labeltui.core.offsets import Wrapped
    from labeltui.core.span_edit import SpanEdit

    state, _ = SpanEdit.from_value(text, spans)
    window = state.window
    Wrapped(text, size[0] - 3, start=window.start, end=window.end, breaks=window.breaks)
    load_ms = (time.perf_counter() - t0) * 1000
    print(f"item: {len(text)} characters, {len(spans)} spans, terminal {size[0]}x{size[1]}")
    print(
        f"loading the item (tokens + wrap of {window.end - window.start:,} characters, once per"
        f" item, resize or window move): {load_ms:.1f} ms"
    )
    print(f"Textual frame tick: {1000 / constants.MAX_FPS:.1f} ms (MAX_FPS={constants.MAX_FPS})")
    results = asyncio.run(through_event_loop(text, spans, args.keys, size))
    results["direct"] = direct(text, spans, args.keys, size)
    for name, values in results.items():
        ms = [v * 1000 for v in values]
        print(
            f"{name:>10}: median {statistics.median(ms):6.2f} ms   p99 {pct(ms, 0.99):6.2f} ms"
            f"   max {max(ms):6.2f} ms   (n={len(ms)})"
        )


if __name__ == "__main__":
    main()
