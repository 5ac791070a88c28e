"""A large taxonomy: loading a 4-level `labels_file` and filtering it as the picker does.

Prints the schema's load time (goal < 0.2 s for thousands of labels) and, for a query typed one
character at a time, each keystroke's search time (goal: within one frame, 16 ms), plus a
typo-tolerant query. Usage: python benchmarks/taxonomy.py [--labels N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from labeltui.core.label_search import LabelIndex
from labeltui.core.schema import load_schema


def write_taxonomy(folder: Path, n: int) -> Path:
    """~n labels in 4 levels: 10 x 10 x 10 x (n / 1000) with aliases and hints."""
    per = max(1, n // 1000)
    rows = []
    for a in range(10):
        rows.append({"name": f"domain{a}", "aliases": [f"d{a}"]})
        for b in range(10):
            rows.append({"name": f"field{a}{b}", "parent": f"domain{a}"})
            for c in range(10):
                path = f"domain{a}/field{a}{b}"
                rows.append({"name": f"topic{a}{b}{c}", "parent": path, "hint": f"about {c}"})
                for d in range(per):
                    rows.append(
                        {
                            "name": f"subject{a}{b}{c}x{d}",
                            "parent": f"{path}/topic{a}{b}{c}",
                            "aliases": [f"alias{a}{b}{c}{d}"],
                        }
                    )
    (folder / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    schema = folder / "schema.yaml"
    schema.write_text("tasks:\n  - name: topic\n    kind: choice\n    labels_file: labels.jsonl\n")
    return schema


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        schema_path = write_taxonomy(Path(tmp), args.labels)
        loads = []
        for _ in range(5):
            started = time.perf_counter()
            schema = load_schema(schema_path)
            loads.append(time.perf_counter() - started)
    labels = schema.tasks[0].labels
    print(f"labels: {len(labels):,}")
    print(f"load schema + labels_file: best {min(loads) * 1000:.0f} ms, median "
          f"{statistics.median(loads) * 1000:.0f} ms")  # fmt: skip
    started = time.perf_counter()
    index = LabelIndex(labels)
    print(f"build the search index: {(time.perf_counter() - started) * 1000:.1f} ms")
    for query in ("subject5", "topic734", "alias7", "domain3 topic3"):
        times = []
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            index.search(query[:end])
            times.append(time.perf_counter() - started)
        print(f"typing {query!r}: per keystroke median {statistics.median(times) * 1000:.1f} ms, "
              f"max {max(times) * 1000:.1f} ms")  # fmt: skip
    for query in ("sbuject512x3", "topc734"):
        started = time.perf_counter()
        hits = index.search(query)  # the first call builds the pair index
        first = time.perf_counter() - started
        started = time.perf_counter()
        index.search(query)
        again = time.perf_counter() - started
        best = hits[0].label.name if hits else None
        print(f"typo {query!r}: {first * 1000:.1f} ms (first), {again * 1000:.1f} ms; best {best}")


if __name__ == "__main__":
    main()
