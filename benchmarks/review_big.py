"""`labeltui review` of 3 annotators x 1,000,000 items: time and memory until it can be used.

    python benchmarks/review_big.py [--items 1000000] [--annotators 3] [--labels 5] [--runs 1]
                                    [--screen]

1. The annotation files are `benchmarks/agree.py`'s (generated into benchmarks/out/,
   git-ignored, reused when present): one file per annotator, 80% agreement, 5 labels.
2. In a fresh process per run: `load_review` (read, join by item, score, queue) and then
   `open_review` (gold file opened and replayed, first unreviewed item found), each timed, with
   the peak resident memory of that process (VmHWM).
3. `--screen`: the real `labeltui review` in tmux (as open_large.py does), the time until the
   first item's text is on screen, and the app's peak memory.

Goal (issue 15, part 5): under 10 s and under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from agree import LABELS, OUT, generate

SCHEMA = "tasks:\n  - name: team\n    kind: choice\n    labels: [{labels}]\n"

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from labeltui.core.review.load import load_review
from labeltui.core.review.session import open_review
from labeltui.core.schema import load_schema
t1 = time.perf_counter()
schema_path, gold, *paths = sys.argv[1:]
loaded = load_review(paths, load_schema(schema_path))
t2 = time.perf_counter()
session = open_review(loaded, paths, "lead", gold)
t3 = time.perf_counter()
item = session.item() if callable(session.item) else session.item
first = str(item.data.get("text", item.id)).split(":")[0] + ":"  # "Ticket 123:" on screen
with open("/proc/self/status") as f:
    hwm = next(int(r.split()[1]) for r in f if r.startswith("VmHWM:"))
print(json.dumps({"imports": t1 - t0, "load": t2 - t1, "open": t3 - t2, "hwm_kb": hwm,
                  "items": len(loaded.items), "queue": len(loaded.queue), "first": first}))
session.close()
"""


def in_process(schema: Path, gold: Path, paths: list[Path]) -> dict:
    gold.unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(schema), str(gold), *map(str, paths)],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"review failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall"] = wall
    return figures


def on_screen(schema: Path, gold: Path, paths: list[Path], first: str) -> tuple[float, float]:
    """Seconds until the first queued item's text is on screen in tmux, and the app's VmHWM."""
    from open_large import LABELTUI, Pane, peak_mb

    gold.unlink(missing_ok=True)
    command = [str(LABELTUI), "review", *map(str, paths), "-s", str(schema), "-a", "lead"]
    pane = Pane([*command, "-o", str(gold)], OUT)
    try:
        seconds = pane.wait_for(lambda screen: first in screen, timeout=300)
        pid = pane.app_pid()
        time.sleep(0.3)
        return seconds, peak_mb(pid)
    finally:
        pane.tmux("send-keys", "-t", "b", "C-q")
        time.sleep(0.3)
        pane.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--labels", type=int, default=5)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--screen", action="store_true", help="also time the app in tmux")
    args = parser.parse_args()
    t = time.perf_counter()
    paths = generate(args.items, args.annotators, args.labels)
    size = sum(p.stat().st_size for p in paths)
    schema = OUT / "review-big.yaml"
    schema.write_text(SCHEMA.format(labels=", ".join(LABELS[: args.labels])), encoding="utf-8")
    gold = OUT / "review-big.gold.jsonl"
    print(f"files: {len(paths)} x {args.items:,} lines, {size / 1e6:.0f} MB, ready in "
          f"{time.perf_counter() - t:.1f} s; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    runs = [in_process(schema, gold, paths) for _ in range(args.runs)]
    best = min(runs, key=lambda r: r["wall"])
    peak = max(r["hwm_kb"] for r in runs) / 1024
    print(f"items {best['items']:,}, queue {best['queue']:,} (disagreements), "
          f"first {best['first']!r}")  # fmt: skip
    print(f"load_review + open_review: {best['wall']:.2f} s wall in a fresh process (best of "
          f"{args.runs}; imports {best['imports']:.2f} s, load_review {best['load']:.2f} s, "
          f"open_review {best['open']:.2f} s), peak memory (VmHWM) {peak:.0f} MiB")  # fmt: skip
    if args.screen:
        if shutil.which("tmux") is None:
            raise SystemExit("--screen needs tmux")
        seconds, app_peak = on_screen(schema, gold, paths, best["first"])
        print(f"labeltui review in tmux: first item on screen {seconds:.2f} s, "
              f"peak memory {app_peak:.0f} MiB")  # fmt: skip
        peak = max(peak, app_peak)
        best["wall"] = max(best["wall"], seconds)
    gold.unlink(missing_ok=True)
    print(f"goals: under 10 s: {'yes' if best['wall'] < 10 else 'NO'}; under 1 GB: "
          f"{'yes' if peak < 1024 else 'NO'}")  # fmt: skip


if __name__ == "__main__":
    main()
