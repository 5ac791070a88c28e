"""`labeltui suggest` on a big dataset with ten rules (issue 18, item 2).

    python benchmarks/suggest.py [--lines 1000000] [--combine majority|dawid-skene] [--runs 1]

Generates a support-ticket dataset (seeded; written to benchmarks/out/, git-ignored, reused when
present): each line an id, a 60-200 character text of ticket phrases and filler words, and two
other fields; and a rules file of ten rules (six `any` phrase lists, three regexes, one spans
rule). Runs the real command (start-up included) writing a dataset, and prints the wall time,
the workers used (one per core: blocks in forked processes) and the load average, which on a
shared machine moves the figure more than anything in the code; so it also prints the CPU
seconds of all the command's processes, which the load does not change much: on an idle
machine the wall time is about that divided by the workers.

Goal: a million lines under a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"

SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels: [billing, bug, account, shipping, feature_request, other]
  - name: products
    kind: spans
    labels: [PRODUCT]
"""
RULES = """\
rules:
  - {name: refund, task: team, label: billing, any: [refund, invoice, charged twice]}
  - {name: price, task: team, label: billing, regex: "\\\\d+([.,]\\\\d\\\\d)? (EUR|USD)"}
  - {name: crash, task: team, label: bug, any: [crash, crashes, freezes, error message]}
  - {name: stack, task: team, label: bug, regex: "(?i)exception|stack trace"}
  - {name: login, task: team, label: account, any: [password, log in, two-factor, 2FA]}
  - {name: delete_me, task: team, label: account, any: [delete my account, GDPR]}
  - {name: parcel, task: team, label: shipping, any: [parcel, delivery, courier, tracking]}
  - {name: order, task: team, label: shipping, regex: "\\\\border\\\\s+#?\\\\d{5,}"}
  - {name: wish, task: team, label: feature_request, any: [would be nice, please add, dark mode]}
  - {name: products, task: products, label: PRODUCT, any: [Acme Hub, Acme Router X2, Sync Web]}
"""
PHRASES = [
    "I want a refund", "the invoice is wrong", "I was charged twice", "paid 12.99 EUR",
    "the app crashes on start", "it freezes", "I get an error message", "NullPointerException",
    "I forgot my password", "cannot log in", "two-factor codes fail", "please delete my account",
    "my parcel is late", "the courier lost it", "order #123456 not here", "tracking shows nothing",
    "dark mode would be nice", "please add export", "my Acme Hub", "the Acme Router X2",
    "Sync Web", "thanks", "hello team",
]  # fmt: skip
FILLER = "the a my it is was and but so then today yesterday again still really very".split()  # noqa: SIM905


def generate(lines: int) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"suggest-{lines}.jsonl"
    if path.exists():
        return path
    import json

    rng = random.Random(18)
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding="utf-8") as out:
        for i in range(lines):
            words: list[str] = []
            while sum(len(w) + 1 for w in words) < rng.randint(60, 200):
                words.append(rng.choice(PHRASES) if rng.random() < 0.12 else rng.choice(FILLER))
            row = {"id": f"T{i:07d}", "text": " ".join(words), "channel": "email", "n": i}
            out.write(json.dumps(row) + "\n")
    tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--combine", default="majority", choices=["majority", "dawid-skene"])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    t = time.perf_counter()
    data = generate(args.lines)
    (OUT / "suggest.schema.yaml").write_text(SCHEMA)
    (OUT / "suggest.rules.yaml").write_text(RULES)
    print(f"dataset: {args.lines:,} lines, {data.stat().st_size / 1e6:.0f} MB, ready in "
          f"{time.perf_counter() - t:.1f} s")  # fmt: skip
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cores = os.cpu_count() or 1
    result = OUT / "suggest-out.jsonl"
    best = float("inf")
    for _ in range(args.runs):
        load = os.getloadavg()[0]
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "labeltui", "suggest", str(data), "-s",
             str(OUT / "suggest.schema.yaml"), "-r", str(OUT / "suggest.rules.yaml"),
             "-o", str(result), "--combine", args.combine],
            capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(done.stderr)
        best = min(best, seconds)
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
            cpu_before.ru_utime + cpu_before.ru_stime
        )
        print(f"run: {seconds:.1f} s wall, {cpu:.1f} s CPU in all processes "
              f"(load average before: {load:.2f})")  # fmt: skip
    per = best / args.lines * 1e6
    goal = 60 * args.lines / 1_000_000
    print(f"suggest ({args.combine}, 10 rules, {min(cores, 8)} workers): {best:.1f} s best, "
          f"{per:.1f} us/line; goal for this size {goal:.0f} s: "
          f"{'yes' if best <= goal else 'NO'}")  # fmt: skip
    result.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
