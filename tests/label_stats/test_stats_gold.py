"""`labeltui stats --gold GOLD` (issue 19 item 2): each annotator's accuracy on the gold items
over time (first and last 50 by `_ts`), as a subprocess, checked against a plain computation."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

LABELS = ["billing", "bug", "other"]
SCHEMA = "tasks:\n  - {name: team, kind: choice, labels: [billing, bug, other]}\n"


def ts(second: int) -> str:
    return f"2026-03-01T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.000Z"


def stats(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "labeltui", "stats", *args], capture_output=True, text=True
    )


def make(tmp_path: Path, seed: int = 3):
    rng = random.Random(seed)
    gold = {f"g{i}": rng.choice(LABELS) for i in range(120)}
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("".join(
        json.dumps({"text": k, "labels": {"team": v}, "_id": k, "_annotator": "lead",
                    "_status": "done", "_ts": ts(0), "_from": ["ann"]}) + "\n"
        for k, v in gold.items()))  # fmt: skip
    expected = {}
    paths = []
    for who, skill_start, skill_end in (("ann", 0.5, 0.95), ("bob", 0.9, 0.6)):
        ids = rng.sample(sorted(gold), 90)
        times = rng.sample(range(10_000), 90)  # the file order is not the time order
        rows, answers = [], []
        for n, (ident, second) in enumerate(zip(ids, times, strict=True)):
            skill = skill_start + (skill_end - skill_start) * second / 10_000
            right = rng.random() < skill
            label = gold[ident] if right else next(x for x in LABELS if x != gold[ident])
            extra = {"_gold": True} if n % 2 else {}  # mixed-in and regular answers alike
            rows.append(
                {
                    "text": ident,
                    "labels": {"team": label},
                    "_id": ident,
                    "_annotator": who,
                    "_status": "done",
                    "_ts": ts(second),
                    **extra,
                }
            )
            answers.append((second, label == gold[ident]))
        # a regular item (not gold) and a skipped gold item count for nothing
        rows.append(
            {
                "text": "x",
                "labels": {"team": "bug"},
                "_id": "d1",
                "_annotator": who,
                "_status": "done",
                "_ts": ts(5),
            }
        )
        path = tmp_path / f"{who}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        paths.append(str(path))
        right = [r for _, r in sorted(answers)]
        expected[who] = (
            len(right),
            sum(right) / len(right),
            sum(right[:50]) / 50,
            sum(right[-50:]) / 50,
        )
    schema = tmp_path / "s.yaml"
    schema.write_text(SCHEMA)
    return paths, str(gold_path), str(schema), expected


def test_stats_gold_json_matches_a_plain_computation(tmp_path):
    paths, gold, schema, expected = make(tmp_path)
    done = stats(*paths, "--schema", schema, "--gold", gold, "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)["gold_accuracy"]
    assert out["window"] == 50 and set(out["annotators"]) == {"ann", "bob"}
    for who, (items, accuracy, first, last) in expected.items():
        got = out["annotators"][who]
        assert got["items"] == items
        assert abs(got["accuracy"] - accuracy) < 1e-12
        assert abs(got["first"]["accuracy"] - first) < 1e-12
        assert abs(got["last"]["accuracy"] - last) < 1e-12
        assert got["first"]["items"] == got["last"]["items"] == 50
    ann = out["annotators"]["ann"]
    assert ann["last"]["accuracy"] > ann["first"]["accuracy"]  # the data was made so


def test_stats_gold_readable_table(tmp_path):
    paths, gold, _, expected = make(tmp_path)
    done = stats(*paths, "--gold", gold)
    assert done.returncode == 0, done.stderr
    assert "Gold accuracy" in done.stdout and "First 50" in done.stdout
    gold_table = done.stdout.split("Gold accuracy")[1]
    row = next(x for x in gold_table.splitlines() if x.strip().startswith("bob"))
    items, accuracy, first, last = expected["bob"]
    assert row.split()[1:] == [str(items), f"{100 * accuracy:.1f}", f"{100 * first:.1f}",
                               f"{100 * last:.1f}"]  # fmt: skip


def test_stats_without_gold_has_no_gold_accuracy(tmp_path):
    paths, _, _, _ = make(tmp_path)
    done = stats(*paths, "--json")
    assert "gold_accuracy" not in json.loads(done.stdout)
