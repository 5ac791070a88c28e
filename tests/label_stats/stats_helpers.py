"""Random annotation files and an independent count of what `labeltui stats` should report."""

from __future__ import annotations

import json
import random
import statistics
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

TEAMS = ["billing", "bug", "account", "other"]
TAGS = ["urgent", "angry", "vip"]
ENTS = ["ORG", "PER"]
EVENTS = ["speech", "music"]
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def ts(seconds: float) -> str:
    when = START + timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def random_labels(rng: random.Random) -> dict[str, Any]:
    text = "Acme and Bob"
    spans = []
    if rng.random() < 0.7:
        spans.append({"start": 0, "end": 4, "label": rng.choice(ENTS), "text": text[0:4]})
    if rng.random() < 0.5:
        spans.append({"start": 9, "end": 12, "label": rng.choice(ENTS), "text": text[9:12]})
    marks = []
    for _ in range(rng.randint(0, 3)):
        start = round(rng.uniform(0, 10), 3)
        end = start if rng.random() < 0.3 else round(start + rng.uniform(0.1, 2), 3)
        marks.append({"start": start, "end": end, "label": rng.choice(EVENTS)})
    marks.sort(key=lambda m: m["start"])
    return {
        "team": rng.choice([*TEAMS, None]),
        "tags": [t for t in TAGS if rng.random() < 0.4],
        "ents": spans,
        "events": marks,
        "_scores": {"team": 0.5},
    }


def generate(folder: Path, seed: int = 0) -> tuple[list[Path], list[dict[str, Any]]]:
    """Two files, three annotators (two share a file), items saved up to three times each.

    Returns the paths and every record written, in file order.
    """
    rng = random.Random(seed)
    layout = {"a.jsonl": ["ann", "bob"], "b.jsonl": ["cy"]}
    paths, records = [], []
    for file_name, annotators in layout.items():
        lines = []
        for who in annotators:
            clock = rng.uniform(0, 600)
            for _ in range(rng.randint(20, 40)):
                item = f"i{rng.randint(0, 29)}"  # repeats: a later line replaces an earlier one
                clock += rng.uniform(2, 60)
                rec = {"id": item, "text": "Acme and Bob", "labels": random_labels(rng),
                       "_id": item, "_annotator": who,
                       "_status": "skipped" if rng.random() < 0.15 else "done",
                       "_ts": ts(clock)}  # fmt: skip
                if rng.random() < 0.9:
                    rec["_ms"] = rng.randint(300, 20000)
                if rec["_status"] == "skipped" and rng.random() < 0.5:
                    del rec["labels"]
                lines.append(rec)
        lines.sort(key=lambda r: r["_ts"])  # annotators interleaved in one file
        path = folder / file_name
        path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
        paths.append(path)
        records.extend(lines)
    return paths, records


def expected(records: list[dict[str, Any]]) -> dict[str, Any]:
    """What stats must report, counted here with plain dicts and Counters."""
    current: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in records:
        current[(rec["_annotator"], rec["_id"])] = rec
    out: dict[str, Any] = {"annotators": {}, "labels": {}, "empty": {}, "seconds": Counter()}
    for task in ("team", "tags", "ents", "events"):
        out["labels"][task] = Counter()
        out["empty"][task] = Counter()
    for who in sorted({r["_annotator"] for r in records}):
        mine = [r for (a, _), r in current.items() if a == who]
        done = [r for r in mine if r["_status"] == "done"]
        every = [r for r in records if r["_annotator"] == who]
        ms = [r["_ms"] for r in done if "_ms" in r]
        hours = sum(r.get("_ms", 0) for r in every) / 3_600_000
        stamps = sorted(datetime.fromisoformat(r["_ts"].replace("Z", "+00:00")) for r in every)
        wall = (stamps[-1] - stamps[0]).total_seconds() / 3600
        out["annotators"][who] = {
            "done": len(done),
            "skipped": len(mine) - len(done),
            "median_seconds": statistics.median(ms) / 1000 if ms else None,
            "per_hour_on_screen": len(done) / hours,
            "per_hour_wall": len(done) / wall,
        }
        for rec in done:
            labels = rec["labels"]
            if labels["team"] is None:
                out["empty"]["team"][who] += 1
            else:
                out["labels"]["team"][(labels["team"], who)] += 1
            for task, key in (("tags", None), ("ents", "label"), ("events", "label")):
                values = labels[task]
                if not values:
                    out["empty"][task][who] += 1
                for v in values:
                    out["labels"][task][(v if key is None else v[key], who)] += 1
            for m in labels["events"]:
                out["seconds"][m["label"]] += m["end"] - m["start"]
    return out
