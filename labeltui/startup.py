"""The start-up tricks, in one place: what makes `annotate` and `review` show their first
screen as soon as a bare Textual app would (benchmarks/open_large.py measures it).

Each is a function the start-up path calls at its moment; this module imports nothing but
the standard library, so the `labeltui` script can call it before anything else loads.

- `defer_collection` (the `labeltui` script, before the imports): importing Textual creates
  many objects; garbage collection passes while importing cost about 40 ms before the first
  screen and free nothing (imported modules stay alive).
- `collect_from_now_on` (`ui.launch.run_app`, once the app is built): collection comes back,
  with everything alive then moved to the permanent generation so collections stay cheap.
- `set_frame_rate` (importing `labeltui.ui`, before Textual reads its settings): Textual
  paints a change on its next frame tick, 1/TEXTUAL_FPS after the change; at its default 60
  that alone is 16.7 ms from a key to the next item. 120 halves it; frames are only drawn when
  something changed, so an idle app costs nothing more. A TEXTUAL_FPS set by the user wins.
"""

from __future__ import annotations

import gc
import os

APP_COMMANDS = ("annotate", "review")
"""The commands that start the app (the others never import Textual)."""

FRAME_RATE = "120"


def defer_collection(args: list[str]) -> None:
    """Turn garbage collection off while a command that starts the app imports it."""
    if args[:1] and args[0] in APP_COMMANDS:
        gc.disable()


def collect_from_now_on() -> None:
    """Turn garbage collection back on, after moving everything alive now into the permanent
    generation so collections stay cheap."""
    gc.freeze()
    gc.enable()


def set_frame_rate() -> None:
    """Textual's frame rate, unless the user set one (TEXTUAL_FPS)."""
    os.environ.setdefault("TEXTUAL_FPS", FRAME_RATE)
