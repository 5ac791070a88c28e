"""End-to-end speed of `labeltui agree --json` on 1,000,000 items x 3 annotators x 5 labels.

    python benchmarks/agree.py [--items 1000000] [--annotators 3] [--labels 5] [--runs 3]
                               [--no-baseline] [--pandas]

1. Generates one annotation file per annotator (FORMAT section 3 lines, with a text field of
   about 60 characters, `_ts` and `_ms`) in benchmarks/out/ (git-ignored; reused when present).
2. Measures the JSON parsers on the first 200,000 lines: `json.loads` and `orjson.loads` per
   line (`LABELTUI_NO_ORJSON=1` makes labeltui use json), then where the command's time goes:
   start-up, reading (the reader alone, per line, in one process; then all files with one
   process per core), statistics and output.
3. Times `labeltui agree FILES --json` as a subprocess, end to end (start-up included), best
   of --runs, with the peak memory of its process tree (RSS sampled every 10 ms), with and
   without orjson, and `benchmarks/agree_baseline.py` on the same files: a plain loop of
   `json.loads` per line, then scikit-learn, statsmodels and krippendorff (issue 15's
   baseline); `--pandas` also times its pandas variant (`pd.read_json`, several GB at 1M x 3).
4. Checks that both give the same values (to 1e-9) and prints every number.

Wall times are best of --runs; CPU times (user + system, forked readers included) are printed
beside them, as a busy machine stretches wall time far more than CPU time.

Goals (issue 15, part 5): at least 15x faster than the json-loop script, under 500 MB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
LABELS = ["billing", "bug", "feature", "account", "other", "legal", "spam", "praise"]


def generate(items: int, annotators: int, labels: int, seed: int = 7) -> list[Path]:
    names = [f"annotator{i + 1}" for i in range(annotators)]
    paths = [OUT / f"tickets{items}.{name}.jsonl" for name in names]
    stamp = OUT / f"tickets{items}.{annotators}x{labels}.done"
    if stamp.exists() and all(p.exists() for p in paths):
        return paths
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, labels, size=items)
    block = 100_000
    handles = [open(p, "w", encoding="utf-8") for p in paths]  # noqa: SIM115
    try:
        for start in range(0, items, block):
            stop = min(start + block, items)
            for name, handle in zip(names, handles, strict=True):
                agree = rng.random(stop - start) < 0.8
                given = np.where(agree, truth[start:stop], rng.integers(0, labels, stop - start))
                ms = rng.integers(400, 9000, stop - start)
                handle.write(
                    "".join(
                        f'{{"id": "t{i:07d}", "text": "Ticket {i}: the printer on floor '
                        f'{i % 9} is out of toner again", "labels": {{"team": '
                        f'"{LABELS[g]}"}}, "_id": "t{i:07d}", "_annotator": "{name}", '
                        f'"_status": "done", "_ts": "2026-11-23T10:15:02.123Z", "_ms": {t}}}\n'
                        for i, g, t in zip(
                            range(start, stop), given.tolist(), ms.tolist(), strict=True
                        )
                    )
                )
    finally:
        for handle in handles:
            handle.close()
    stamp.touch()
    return paths


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants, in bytes."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for row in f:
                    if row.startswith("VmRSS:"):
                        total += int(row.split()[1]) * 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """(seconds, peak tree RSS, stdout) of one run."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.01)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {err.strip()}")
    return seconds, peak, out


def best(cmd: list[str], runs: int, env: dict | None = None) -> tuple[float, int, str, list]:
    results = [timed(cmd, env) for _ in range(runs)]
    times = [r[0] for r in results]
    return min(times), max(r[1] for r in results), results[0][2], times


CPU: dict[str, float] = {}
"""The least CPU time (user + system of the command and its forked readers) of each command
timed by `best_cpu`: a busy machine stretches wall time far more than CPU time."""


def best_cpu(
    name: str, cmd: list[str], runs: int, env: dict | None = None
) -> tuple[float, int, str, list]:
    """`best`, one run at a time, keeping the least CPU time of the runs in CPU[name]."""
    results = []
    for _ in range(runs):
        before = children_cpu()
        results.append(best(cmd, 1, env))
        CPU[name] = min(CPU.get(name, float("inf")), children_cpu() - before)
    return (
        min(r[0] for r in results),
        max(r[1] for r in results),
        results[0][2],
        [r[0] for r in results],
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def parsers(path: Path, n: int = 200_000) -> None:
    with open(path, "rb") as f:
        lines = list(itertools.islice(f, n))  # a small file has fewer lines
    n = len(lines)
    import gc

    gc.disable()
    t = time.perf_counter()
    for raw in lines:
        json.loads(raw)
    t_json = time.perf_counter() - t
    print(f"parse {n:,} lines: json.loads {t_json / n * 1e6:.2f} us/line", end="")
    try:
        import orjson
    except ImportError:
        print(", orjson not installed")
        return
    t = time.perf_counter()
    for raw in lines:
        orjson.loads(raw)
    t_or = time.perf_counter() - t
    print(f", orjson.loads {t_or / n * 1e6:.2f} us/line ({t_json / t_or:.1f}x)")
    gc.enable()


PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
from labeltui.core.agree.reading import read as annotation_read
import labeltui.core.agree as agree
t1 = time.perf_counter()
one = annotation_read.read_annotation_files(sys.argv[1:2], workers=1)
t2 = time.perf_counter()
table = annotation_read.read_annotation_files(sys.argv[1:])
t3 = time.perf_counter()
analysis = sys.modules["labeltui.core.agree.analyze"]  # the module (the package's name is
analysis.read_annotation_files = lambda paths: table  # its function): reads nothing again
result = agree.analyze(sys.argv[1:])
t4 = time.perf_counter()
text = json.dumps(result.json, indent=2, allow_nan=False)
t5 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "one_file_one_process": t2 - t1, "lines": len(one.ann),
                  "read": t3 - t2, "statistics": t4 - t3, "output": t5 - t4}))
"""


def phases(paths: list[Path]) -> None:
    """Where the time of `labeltui agree --json` goes (in one fresh process)."""
    start = [sys.executable, "-c", "pass"]
    python_s = min(timed(start)[0] for _ in range(3))
    cli_s = min(timed([sys.executable, "-m", "labeltui", "--version"])[0] for _ in range(3))
    _, _, out = timed([sys.executable, "-c", PHASES, *map(str, paths)])
    p = json.loads(out)
    per_line = p["one_file_one_process"] / p["lines"] * 1e6
    print(f"phases: python start {python_s:.2f} s, `labeltui --version` {cli_s:.2f} s; "
          f"imports {p['imports']:.2f} s; reader in one process {per_line:.2f} us/line; "
          f"reading all files {p['read']:.2f} s (per core above 48 MB; {_cores()} cores); "
          f"statistics {p['statistics']:.2f} s; output {p['output']:.3f} s")  # fmt: skip


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def compare(ours: dict, theirs: dict, task: str) -> float:
    a, b = ours["tasks"][task], theirs["tasks"][task]
    worst = 0.0
    for key in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha"):
        worst = max(worst, abs(a[key] - b[key]))
    for pair, value in b["cohen_kappa"].items():
        worst = max(worst, abs(a["cohen_kappa"][pair] - value))
    for key in ("items", "items_complete", "annotators"):
        assert a[key] == b[key], (key, a[key], b[key])
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--labels", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--pandas", action="store_true", help="also time the pandas baseline")
    args = parser.parse_args()

    t = time.perf_counter()
    paths = generate(args.items, args.annotators, args.labels)
    size = sum(p.stat().st_size for p in paths)
    lines = args.items * args.annotators
    print(f"files: {len(paths)} x {args.items:,} lines, {size / 1e6:.0f} MB "
          f"({size / lines:.0f} bytes/line), ready in {time.perf_counter() - t:.1f} s")  # fmt: skip
    print(f"cores: {_cores()}, load average: {os.getloadavg()[0]:.2f}")
    parsers(paths[0])
    phases(paths)

    cmd = [sys.executable, "-m", "labeltui", "agree", *map(str, paths), "--json"]
    ours_s, ours_mem, ours_out, ours_all = best_cpu("ours", cmd, args.runs)
    runs = ", ".join(f"{x:.2f}" for x in ours_all)
    print(f"labeltui agree --json: {ours_s:.2f} s (runs: {runs}), CPU {CPU['ours']:.2f} s, "
          f"peak memory {ours_mem / 2**20:.0f} MiB")  # fmt: skip
    env = {**os.environ, "LABELTUI_NO_ORJSON": "1"}
    plain_s, plain_mem, plain_out, _ = best(cmd, 1, env)
    print(f"labeltui agree --json without orjson: {plain_s:.2f} s, "
          f"peak memory {plain_mem / 2**20:.0f} MiB")  # fmt: skip
    ours = json.loads(ours_out)
    assert json.loads(plain_out) == ours, "orjson and json readings differ"
    readers = [] if args.no_baseline else ["json", "pandas"] if args.pandas else ["json"]
    for reader in readers:
        base_cmd = [sys.executable, str(HERE / "agree_baseline.py"), "--task", "team",
                    "--reader", reader, *map(str, paths)]  # fmt: skip
        base_s, base_mem, base_out, _ = best_cpu(reader, base_cmd, 1)
        what = "json.loads loop" if reader == "json" else "pandas"
        print(f"baseline ({what} + sklearn + statsmodels + krippendorff): {base_s:.2f} s, "
              f"CPU {CPU[reader]:.2f} s, peak memory {base_mem / 2**20:.0f} MiB")  # fmt: skip
        worst = compare(ours, json.loads(base_out), "team")
        print(f"largest difference from the {what} baseline: {worst:.2e} (goal <= 1e-9)")
        goal = " (goal >= 15x)" if reader == "json" else ""
        ratio = base_s / ours_s
        print(f"speed-up over the {what} baseline: {ratio:.1f}x{goal}; in CPU time "
              f"{CPU[reader] / CPU['ours']:.1f}x (ours on {_cores()} cores)")  # fmt: skip
        if reader == "json":
            print(f"goal at least 15x the json-loop script: {'yes' if ratio >= 15 else 'NO'}")
    print(f"goal under 500 MB: {'yes' if ours_mem < 500 * 2**20 else 'NO'}")
    team = ours["tasks"]["team"]
    print("values:", json.dumps({k: team[k] for k in ("items", "percent_agreement",
          "cohen_kappa", "fleiss_kappa", "krippendorff_alpha")}))  # fmt: skip


if __name__ == "__main__":
    main()
