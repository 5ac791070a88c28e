"""`labeltui stats --json` against `labeltui agree --json` on the same files (issue 15, part 5).

    python benchmarks/stats.py [--items 1000000] [--annotators 3] [--labels 5] [--runs 3]

Both commands read the files with the same reader (`core/agree/reading/`; stats asks it for
`_ms`, `_ts` and dataset/gold lines too). The files are `benchmarks/agree.py`'s (generated
into benchmarks/out/, git-ignored, reused when present). Prints each command's best wall time
(start-up included) and peak memory of its process tree, and the ratio; and the CPU time
(user + system, the forked readers included) of each, whose ratio a busy machine disturbs
less than the wall time's.

Goals: stats within 1.25x of agree; both under 500 MB peak.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from agree import best, generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--labels", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    t = time.perf_counter()
    paths = [str(p) for p in generate(args.items, args.annotators, args.labels)]
    size = sum(os.path.getsize(p) for p in paths)
    print(f"files: {len(paths)} x {args.items:,} lines, {size / 1e6:.0f} MB, "
          f"ready in {time.perf_counter() - t:.1f} s; load average "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    figures: dict[str, tuple[float, int]] = {}
    cpu: dict[str, float] = {}
    for _ in range(args.runs):  # alternate the commands, so that load changes hit both
        for command in ("agree", "stats"):
            cmd = [sys.executable, "-m", "labeltui", command, *paths, "--json"]
            before = _children_cpu()
            seconds, peak, _, _ = best(cmd, 1)
            cpu[command] = min(cpu.get(command, float("inf")), _children_cpu() - before)
            low, high = figures.get(command, (float("inf"), 0))
            figures[command] = (min(low, seconds), max(high, peak))
    for command, (seconds, peak) in figures.items():
        print(f"labeltui {command} --json: {seconds:.2f} s (best of {args.runs}), "
              f"CPU {cpu[command]:.2f} s, peak memory {peak / 2**20:.0f} MiB")  # fmt: skip
    print(f"stats / agree in CPU time: {cpu['stats'] / cpu['agree']:.2f}x")
    ratio = figures["stats"][0] / figures["agree"][0]
    under = all(peak < 500 * 2**20 for _, peak in figures.values())
    print(f"stats / agree: {ratio:.2f}x (goal <= 1.25x: {'yes' if ratio <= 1.25 else 'NO'}); "
          f"both under 500 MB: {'yes' if under else 'NO'}")  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
