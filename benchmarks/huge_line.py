"""A 100 MB single-line item (issue 13): time to the first screen, peak memory, save time.

Writes (once, into benchmarks/out/) a dataset of one JSON line whose text is about N MB, in
two variants: ASCII words, and CJK with emoji (3- and 4-byte UTF-8, double-width on screen).
Starts the real `labeltui annotate` in tmux with a one-task choice schema and measures:

- first screen: from the start until the text's start, the labels and the key line are all
  on screen (the app shows the first 200,000 characters, then a line saying how many more
  are not shown);
- peak memory: the process's VmHWM (/proc/PID/status) once the answer is saved;
- save: from the label key (triage: saves and moves on) until the annotation file holds the
  whole line (the item's fields are copied into it, so it is as big as the dataset).

Goal: first screen within 5 s, under 1 GB, save within 2 s. With `--spans` the same with a
spans schema, whose editor draws the whole text (laid out a window at a time, see
`labeltui/core/span_window.py`), and then:

- end: from the `end` key until the text's last words are on screen;
- span + save: selects the last words (shift+left), labels them and saves (enter); from
  `enter` until the annotation file holds the line, whose span must have the exact code-point
  offsets of those words in the text.

    python benchmarks/huge_line.py [--mb 100] [--variant ascii|cjk|both] [--spans]
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

from open_large import LABELTUI, OUT, Pane, peak_mb

MARKER = "HUGE-ITEM-STARTS-HERE"
END = "HUGE-ITEM-ENDS-HERE"
END_TOKENS = 7  # HUGE - ITEM - ENDS - HERE

CHOICE = "tasks:\n  - {name: team, kind: choice, labels: [billing, bug, other]}\n"
SPANS = "tasks:\n  - {name: ents, kind: spans, labels: [PER, ORG]}\n"

UNITS = {
    "ascii": "order invoice refund account login parcel courier delayed broken screen ",
    "cjk": "工单 退款 登录 🎉 包裹 延误 屏幕 🚚 ",
}


def generate(variant: str, mb: float) -> tuple[Path, int]:
    """The one-line dataset (written once) and its text's length in code points."""
    path = OUT / f"huge-{variant}-{mb:g}mb-ends.jsonl"
    target = int(mb * 1_000_000)
    unit = UNITS[variant]
    per_unit = len(unit.encode("utf-8"))
    text = MARKER + " " + unit * max(1, (target - len(MARKER) - len(END)) // per_unit) + END
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp")
        row = {"id": "huge", "text": text, "source": "benchmark"}
        tmp.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.rename(path)
    return path, len(text)


def file_complete(path: Path, size: int) -> bool:
    """The annotation file holds a whole line at least `size` bytes long."""
    try:
        if path.stat().st_size < size:
            return False
        with path.open("rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"
    except OSError:
        return False


def wait(predicate, timeout: float, since: float | None = None) -> float | None:
    """Seconds from `since` (default: now) until `predicate()` holds; None after `timeout`."""
    start = time.perf_counter() if since is None else since
    while time.perf_counter() - start < timeout:
        if predicate():
            return time.perf_counter() - start
        time.sleep(0.005)
    return None


def app_pid(pane: Pane) -> int:
    """The labeltui process (the pane's shell forks it a moment after the pane starts)."""
    for _ in range(400):
        try:
            return pane.app_pid()
        except (IndexError, OSError):
            time.sleep(0.005)
    raise SystemExit("labeltui did not start")


def run(data: Path, schema: Path, spans: bool, timeout: float) -> dict[str, float | None]:
    out = OUT / f"{data.stem}.bench.jsonl"
    out.unlink(missing_ok=True)
    pane = Pane([str(LABELTUI), "annotate", str(data), "-s", str(schema), "-o", str(out)], OUT)
    result: dict[str, float | None] = {"first": None, "peak": None, "save": None, "end": None}
    try:
        wanted = (MARKER[:12], "All keys") if spans else (MARKER, "billing", "All keys")
        screen = lambda: pane.tmux("capture-pane", "-p", "-t", "b")  # noqa: E731
        pid = app_pid(pane)
        result["first"] = wait(lambda: all(w in screen() for w in wanted), timeout, pane.started)
        if result["first"] is None:
            result["peak"] = peak_mb(pid)
            return result
        time.sleep(0.3)  # let the first frame settle before the key
        if spans:
            pane.tmux("send-keys", "-t", "b", "End")
            result["end"] = wait(lambda: END in screen(), timeout)
            if result["end"] is None:
                result["peak"] = peak_mb(pid)
                return result
            pane.tmux("send-keys", "-t", "b", *["S-Left"] * (END_TOKENS - 1), "1")
            wait(lambda: "1 span" in screen(), 10)
            pane.tmux("send-keys", "-t", "b", "Enter")
        else:
            pane.tmux("send-keys", "-t", "b", "1")  # triage: save the label and move on
        result["save"] = wait(lambda: file_complete(out, data.stat().st_size), 60)
        result["peak"] = peak_mb(pid)
        return result
    finally:
        pane.tmux("send-keys", "-t", "b", "C-q")
        time.sleep(0.5)
        pane.close()
        if result["save"] is not None:
            saved = json.loads(out.read_bytes())
            original = json.loads(data.read_bytes())
            if saved["text"] != original["text"]:
                raise SystemExit("the saved text differs from the dataset's")
            if spans:
                n = len(original["text"])
                want = {"start": n - len(END), "end": n, "label": "PER", "text": END}
                if saved["labels"]["ents"] != [want]:
                    raise SystemExit(f"saved spans {saved['labels']['ents']}, not [{want}]")
        out.unlink(missing_ok=True)


def show(value: float | None, unit: str) -> str:
    return "did not finish in time" if value is None else f"{value:.2f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100.0, help="the line's size in MB")
    parser.add_argument("--variant", choices=["ascii", "cjk", "both"], default="both")
    parser.add_argument("--spans", action="store_true", help="also try a spans schema")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("needs tmux")
    package = Path(__file__).resolve().parents[1] / "labeltui"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    OUT.mkdir(exist_ok=True)
    choice, spans = OUT / "huge-choice.yaml", OUT / "huge-spans.yaml"
    choice.write_text(CHOICE)
    spans.write_text(SPANS)
    variants = ["ascii", "cjk"] if args.variant == "both" else [args.variant]
    print("goal: first screen < 5 s, peak memory < 1 GB, save < 2 s")
    failed = False
    for variant in variants:
        data, chars = generate(variant, args.mb)
        size = data.stat().st_size / 1e6
        r = run(data, choice, spans=False, timeout=args.timeout)
        print(
            f"{variant} {size:.1f} MB ({chars:,} characters), choice task: "
            f"first screen {show(r['first'], 's')}, peak memory {show(r['peak'], 'MB')}, "
            f"save {show(r['save'], 's')}"
        )
        failed |= r["first"] is None or r["save"] is None
        if args.spans:
            r = run(data, spans, spans=True, timeout=args.timeout)
            print(
                f"{variant} {size:.1f} MB, spans task: first screen {show(r['first'], 's')}, "
                f"end key {show(r['end'], 's')}, span + save {show(r['save'], 's')} "
                f"(offsets exact), peak memory {show(r['peak'], 'MB')}"
            )
            failed |= r["first"] is None or r["save"] is None
    if failed:
        raise SystemExit("a first screen or a save did not finish in time")


if __name__ == "__main__":
    main()
