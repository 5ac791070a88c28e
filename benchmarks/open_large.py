"""Open a million-line dataset: time to the first item on screen, and peak memory.

Generates (once, into benchmarks/out/) a JSONL of N lines (default 1,000,000, about 300 MB)
with texts of varied length, then starts the real `labeltui annotate` in tmux and polls the
screen until the first item's text is visible. The same is measured for a minimal Textual app
that only shows the file's first line (written to benchmarks/out/minimal_app.py): the goal is
labeltui within 1.5x of it. Peak memory is the labeltui process's VmHWM once the background
index has finished (the status line shows the exact count), goal under 200 MB.

    python benchmarks/open_large.py [--lines 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
LABELTUI = Path(sys.executable).parent / "labeltui"
MARKER = "FIRST-ITEM-IS-ON-SCREEN"

SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels: [billing, bug, account, shipping, other]
"""

MINIMAL_APP = '''\
"""The baseline: a Textual app that shows the first line of a file, nothing else."""
import json
import sys

from textual.app import App
from textual.widgets import Static


class Minimal(App):
    def compose(self):
        with open(sys.argv[1], "rb") as f:
            item = json.loads(f.readline())
        yield Static(item["text"], markup=False)


Minimal().run()
'''

WORDS = (  # noqa: SIM905
    "order invoice refund account login password parcel courier delayed broken screen "
    "battery charge twice subscription cancel upgrade plan export data sync error crash "
    "please help urgent thanks hello team support ticket again still waiting since monday"
).split()


def generate(lines: int) -> Path:
    path = OUT / f"large-{lines}.jsonl"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    rng = random.Random(7)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for i in range(lines):
            n = int(rng.lognormvariate(3.3, 0.6))  # median ~27 words, a long tail
            words = " ".join(rng.choice(WORDS) for _ in range(max(3, min(n, 400))))
            text = f"{MARKER} {words}" if i == 0 else words
            row = {"id": f"r{i:07d}", "text": text, "channel": rng.choice(["email", "chat"])}
            out.write(json.dumps(row) + "\n")
    tmp.rename(path)
    return path


class Pane:
    def __init__(self, command: list[str], cwd: Path) -> None:
        self.socket = f"bench-{uuid.uuid4().hex[:8]}"
        script = f"cd {shlex.quote(str(cwd))} && " + " ".join(map(shlex.quote, command))
        self.started = time.perf_counter()
        self.tmux("new-session", "-d", "-s", "b", "-x", "100", "-y", "30", script + "; sleep 30")

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        ).stdout

    def wait_for(self, predicate, timeout: float = 120.0) -> float:
        """Seconds from start until `predicate(screen)` holds."""
        while time.perf_counter() - self.started < timeout:
            if predicate(self.tmux("capture-pane", "-p", "-t", "b")):
                return time.perf_counter() - self.started
            time.sleep(0.005)
        raise SystemExit("timed out; the screen was:\n" + self.tmux("capture-pane", "-p"))

    def app_pid(self) -> int:
        shell = int(self.tmux("list-panes", "-t", "b", "-F", "#{pane_pid}").split()[0])
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        return int(children[0])

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_labeltui(data: Path, lines: int) -> tuple[float, float, float, float]:
    out = OUT / "bench.ann.jsonl"
    out.unlink(missing_ok=True)
    pane = Pane(
        [str(LABELTUI), "annotate", str(data), "-s", str(OUT / "large.yaml"), "-o", str(out)],
        OUT,
    )
    try:
        text = pane.wait_for(lambda s: MARKER in s)  # the first item's text
        # the whole first screen: the text, the labels, the status line and the footer
        whole = pane.wait_for(
            lambda s: all(x in s for x in (MARKER, "billing", "done ", "All keys"))
        )
        pid = pane.app_pid()
        exact = f"1/{lines} "
        indexed = pane.wait_for(lambda s: exact in s and "indexing" not in s)
        time.sleep(0.3)
        return text, whole, indexed, peak_mb(pid)
    finally:
        pane.tmux("send-keys", "-t", "b", "C-q")
        time.sleep(0.3)
        pane.close()


def run_minimal(data: Path) -> float:
    app = OUT / "minimal_app.py"
    app.write_text(MINIMAL_APP)
    pane = Pane([sys.executable, str(app), str(data)], OUT)
    try:
        return pane.wait_for(lambda s: MARKER in s)
    finally:
        pane.tmux("send-keys", "-t", "b", "C-q")
        time.sleep(0.2)
        pane.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)  # a start-up varies by 20% run to run
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("needs tmux")
    t0 = time.perf_counter()
    data = generate(args.lines)
    (OUT / "large.yaml").write_text(SCHEMA)
    size = data.stat().st_size / 1e6
    print(f"dataset: {args.lines:,} lines, {size:.0f} MB ({time.perf_counter() - t0:.1f} s)")
    # A normal install writes labeltui's bytecode on the first run; a machine that sets
    # PYTHONDONTWRITEBYTECODE (as this one does) would compile every module on every start.
    package = Path(__file__).resolve().parents[1] / "labeltui"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    cache = OUT / ".cache"
    shutil.rmtree(cache, ignore_errors=True)
    firsts, wholes, indexed, peaks, minimal = [], [], [], [], []
    for _ in range(args.runs):
        f, w, i, p = run_labeltui(data, args.lines)
        firsts.append(f)
        wholes.append(w)
        indexed.append(i)
        peaks.append(p)
        minimal.append(run_minimal(data))
    m_first, m_whole = statistics.median(firsts), statistics.median(wholes)
    m_min = statistics.median(minimal)
    print(f"first item's text on screen: labeltui {m_first:.3f} s")
    print(f"whole first screen (text, labels, status, footer): labeltui {m_whole:.3f} s")
    print(f"minimal Textual app (the first line's text): {m_min:.3f} s")
    print(f"ratio, whole first screen: {m_whole / m_min:.2f}x of the medians (goal <= 1.5x), "
          f"{min(wholes) / min(minimal):.2f}x of the best runs")  # fmt: skip
    print(f"whole file indexed (exact count shown): {statistics.median(indexed):.2f} s")
    print(f"peak memory (VmHWM): {max(peaks):.0f} MB (goal < 200 MB)")
    print(f"runs: whole {[round(x, 3) for x in wholes]}, minimal {[round(x, 3) for x in minimal]}")


if __name__ == "__main__":
    main()
