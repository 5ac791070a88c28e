"""`agree --gold` (FORMAT section 11): each annotator against a gold file, checked against
scikit-learn (accuracy, Cohen's kappa, macro F1) and a plain span count; the report's table and
confusion matrices (the same drawing as the pair's, abbreviated when wide: see
test_agree_matrix_legend.py); a gold file written by `review` (`_from` lines) counts."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from agree_helpers import line
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score

from labeltui.core.agree import agree_files
from labeltui.core.schema import parse_schema

LABELS = ["account", "billing", "bug", "feature_request"]
SCHEMA = parse_schema(
    "tasks:\n  - {name: team, kind: choice, labels: [account, billing, bug, feature_request]}\n"
    "  - {name: tags, kind: multi_choice, labels: [urgent, angry, vip]}\n"
    "  - {name: ents, kind: spans, labels: [ORG, PER]}\n"
)


def write(path: Path, who: str, rows: dict[str, dict], review: bool = False) -> Path:
    extra = {"_from": ["ann"]} if review else {}
    path.write_text("".join(line(who, item, labels, **extra) for item, labels in rows.items()))
    return path


def random_rows(rng: random.Random, n: int, skip: float) -> dict[str, dict]:
    rows = {}
    for i in range(n):
        if rng.random() < skip:
            continue
        spans = [{"start": s, "end": s + 3, "label": rng.choice(["ORG", "PER"]), "text": "abc"}
                 for s in sorted(rng.sample(range(0, 30, 4), rng.randint(0, 3)))]  # fmt: skip
        rows[f"i{i}"] = {
            "team": rng.choice(LABELS),
            "tags": sorted(rng.sample(["urgent", "angry", "vip"], rng.randint(0, 2))),
            "ents": spans,
        }
    return rows


@pytest.mark.parametrize("seed", range(4))
def test_gold_scores_match_scikit_learn_and_a_plain_span_count(tmp_path, seed):
    rng = random.Random(seed)
    people = {who: random_rows(rng, 40, 0.2) for who in ("ann", "bob")}
    gold = random_rows(rng, 40, 0.3)
    files = [write(tmp_path / f"{who}.jsonl", who, rows) for who, rows in people.items()]
    gold_path = write(tmp_path / "gold.jsonl", "lead", gold, review=True)
    out = agree_files(files, schema=SCHEMA, gold=gold_path)["tasks"]
    for who, rows in people.items():
        shared = [item for item in rows if item in gold]
        team = out["team"]["gold"][who]
        mine = [rows[i]["team"] for i in shared]
        want = [gold[i]["team"] for i in shared]
        assert team["items"] == len(shared)
        assert team["accuracy"] == pytest.approx(accuracy_score(want, mine))
        assert team["kappa"] == pytest.approx(cohen_kappa_score(mine, want, labels=LABELS))
        tags = out["tags"]["gold"][who]
        y_true = [[t in gold[i]["tags"] for t in ("urgent", "angry", "vip")] for i in shared]
        y_pred = [[t in rows[i]["tags"] for t in ("urgent", "angry", "vip")] for i in shared]
        used = [k for k in range(3) if any(r[k] for r in y_true + y_pred)]
        want_f1 = f1_score(y_true, y_pred, average="macro", labels=used) if used else None
        assert tags["items"] == len(shared) and tags["f1"] == pytest.approx(want_f1)
        key = lambda s: (s["start"], s["end"], s["label"])  # noqa: E731
        matched = sum(len({key(s) for s in rows[i]["ents"]} & {key(s) for s in gold[i]["ents"]})
                      for i in shared)  # fmt: skip
        sizes = sum(len(rows[i]["ents"]) + len(gold[i]["ents"]) for i in shared)
        ents = out["ents"]["gold"][who]
        assert ents["f1"] == (pytest.approx(2 * matched / sizes) if sizes else None)
    assert "lead" not in out["team"]["annotators"]  # the gold file's annotator is apart


def test_a_gold_file_with_two_annotators_is_refused(tmp_path):
    files = [write(tmp_path / f"{w}.jsonl", w, {"i0": {"team": "bug"}}) for w in ("ann", "bob")]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(line("x", "i0", {"team": "bug"}) + line("y", "i0", {"team": "bug"}))
    with pytest.raises(Exception, match="one annotator's answers; this one has 2"):
        agree_files(files, schema=SCHEMA, gold=gold)


def test_the_report_shows_scores_and_a_confusion_matrix_per_annotator(tmp_path):
    rows = {f"i{i}": {"team": LABELS[i % 4]} for i in range(12)}
    bob = {item: {"team": "bug"} for item in rows}
    files = [write(tmp_path / "ann.jsonl", "ann", rows), write(tmp_path / "bob.jsonl", "bob", bob)]
    gold = write(tmp_path / "gold.jsonl", "lead", rows, review=True)
    done = subprocess.run(
        [sys.executable, "-m", "labeltui", "agree", *map(str, files), "--gold", str(gold)],
        capture_output=True, text=True, env={"COLUMNS": "80", "PATH": ""}, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Against the gold file" in out
    ann_row = next(r for r in out.splitlines() if r.strip().startswith("ann ") and "1.000" in r)
    assert "12" in ann_row and "almost perfect" in ann_row
    assert "Confusion: ann (rows) vs gold (columns)" in out
    assert "Confusion: bob (rows) vs gold (columns)" in out
    assert max(len(r) for r in out.splitlines()) <= 80
    js = subprocess.run(
        [sys.executable, "-m", "labeltui", "agree", *map(str, files), "--gold", str(gold),
         "--json"], capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    gold_scores = json.loads(js.stdout)["tasks"]["team"]["gold"]
    assert gold_scores["ann"] == {"items": 12, "accuracy": 1.0, "kappa": 1.0}
    assert gold_scores["bob"]["accuracy"] == 0.25
