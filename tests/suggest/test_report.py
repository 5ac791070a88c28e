"""`suggest --report [--gold] --json` against a plain computation from the same texts."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from suggest_helpers import SCHEMA, write, write_dataset

from labeltui.core import suggest as core

WORDS = ["refund", "crash", "parcel", "late", "angry", "acme", "hub", "hello", "the", "now"]
RULES = """\
rules:
  - {name: refund, task: team, label: billing, any: [refund]}
  - {name: crash, task: team, label: bug, any: [crash]}
  - {name: parcel, task: team, label: shipping, any: [parcel]}
  - {name: late, task: team, label: shipping, regex: "\\\\blate\\\\b"}
  - {name: late_bug, task: team, label: bug, any: [late]}
  - {name: angry, task: tags, label: angry, any: [angry]}
  - {name: urgent, task: tags, label: urgent, any: [now]}
  - {name: product, task: entities, label: PRODUCT, any: [acme hub]}
  - {name: place, task: entities, label: PLACE, any: [hub]}
"""
# (name, task, label, word or phrase)
PLAIN = [
    ("refund", "team", "billing", "refund"),
    ("crash", "team", "bug", "crash"),
    ("parcel", "team", "shipping", "parcel"),
    ("late", "team", "shipping", "late"),
    ("late_bug", "team", "bug", "late"),
    ("angry", "tags", "angry", "angry"),
    ("urgent", "tags", "urgent", "now"),
    ("product", "entities", "PRODUCT", "acme hub"),
    ("place", "entities", "PLACE", "hub"),
]
KINDS = {"team": "choice", "tags": "multi_choice", "entities": "spans"}


def _spans(text: str, phrase: str, label: str) -> list[tuple[int, int, str]]:
    words = text.split(" ")
    out, at = [], 0
    n = len(phrase.split(" "))
    starts = []
    for w in words:
        starts.append(at)
        at += len(w) + 1
    for i in range(len(words) - n + 1):
        if " ".join(words[i : i + n]) == phrase:
            out.append((starts[i], starts[i] + len(phrase), label))
    return out


def _plain_vote(text: str, task: str, label: str, phrase: str):
    spans = _spans(text, phrase, label)
    if not spans:
        return None
    return spans if KINDS[task] == "spans" else label


def _plain_report(texts, gold):
    n = len(texts)
    out = {}
    for name, task, label, phrase in PLAIN:
        voted = overlaps = conflicts = correct = incorrect = 0
        for i, text in enumerate(texts):
            mine = _plain_vote(text, task, label, phrase)
            if mine is None:
                continue
            voted += 1
            others = [
                _plain_vote(text, t, lab, p)
                for nm, t, lab, p in PLAIN
                if t == task and nm != name and _plain_vote(text, t, lab, p) is not None
            ]
            if others:
                overlaps += 1
            if KINDS[task] == "spans":
                clash = any(
                    a[0] < b[1] and b[0] < a[1] and a[2] != b[2]
                    for other in others
                    for a in mine
                    for b in other
                )
            else:
                clash = any(other != mine for other in others)
            conflicts += clash
            answer = gold.get(i, {}).get(task)
            if answer is None:
                continue
            if KINDS[task] == "choice":
                ok = mine == answer
            elif KINDS[task] == "multi_choice":
                ok = mine in answer
            else:
                ok = all({"start": s, "end": e, "label": lab} in answer for s, e, lab in mine)
            correct += ok
            incorrect += not ok
        judged = correct + incorrect
        out[name] = {
            "coverage": voted / n,
            "overlaps": overlaps / n,
            "conflicts": conflicts / n,
            "correct": correct,
            "incorrect": incorrect,
            "accuracy": correct / judged if judged else None,
        }
    return out


def _build(folder: Path, n: int = 400, seed: int = 7):
    rng = random.Random(seed)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(1, 8))) for _ in range(n)]
    write_dataset(folder, [{"id": i, "text": t} for i, t in enumerate(texts)])
    write(folder, "schema.yaml", SCHEMA)
    write(folder, "rules.yaml", RULES)
    gold: dict[int, dict] = {}
    lines = []
    for i in rng.sample(range(n), n // 3):
        text = texts[i]
        spans = [
            {"start": s, "end": e, "label": lab}
            for s, e, lab in _spans(text, "acme hub", "PRODUCT") + _spans(text, "hub", "PLACE")
            if rng.random() < 0.7
        ]
        labels = {
            "team": rng.choice(["billing", "bug", "shipping", "other"]),
            "tags": rng.sample(["urgent", "angry"], rng.randint(0, 2)),
            "entities": spans,
        }
        gold[i] = labels
        lines.append({"_id": str(i), "text": text, "labels": labels, "_annotator": "rev"})
    # a skipped line and a stale answer replaced later count as the current line says
    lines.append({"_id": "0", "labels": {"team": "other"}, "_status": "skipped"})
    gold.pop(0, None)
    write_dataset(folder, lines, "gold.jsonl")
    return texts, gold


def test_report_json_matches_a_plain_computation(tmp_path):
    texts, gold = _build(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "labeltui",
            "suggest",
            "data.jsonl",
            "-s",
            "schema.yaml",
            "-r",
            "rules.yaml",
            "--report",
            "--gold",
            "gold.jsonl",
            "--json",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)["rules"]
    expected = _plain_report(texts, gold)
    assert list(report) == [p[0] for p in PLAIN]
    for name, row in expected.items():
        assert set(report[name]) == {
            "coverage",
            "overlaps",
            "conflicts",
            "correct",
            "incorrect",
            "accuracy",
        }
        for key, value in row.items():
            assert report[name][key] == pytest.approx(value), (name, key)
    assert expected["place"]["conflicts"] > 0  # the data exercises spans conflicts
    assert expected["late"]["conflicts"] > 0
    assert not (tmp_path / "data.suggested.jsonl").exists()  # --report alone writes nothing


def test_report_without_gold_has_null_accuracy_and_a_table(tmp_path):
    _build(tmp_path, n=50)
    base = [sys.executable, "-m", "labeltui", "suggest", "data.jsonl", "-s", "schema.yaml"]
    done = subprocess.run(
        [*base, "-r", "rules.yaml", "--report", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    row = json.loads(done.stdout)["rules"]["refund"]
    assert row["correct"] is None and row["accuracy"] is None
    done = subprocess.run(
        [*base, "-r", "rules.yaml", "--report"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[1].split() == ["rule", "task", "coverage", "overlaps", "conflicts"]
    assert all(len(line) <= 60 for line in lines)  # no columns of dashes: fits 60 columns
    with_gold = subprocess.run(
        [*base, "-r", "rules.yaml", "--report", "--gold", "gold.jsonl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    gold_lines = with_gold.stdout.splitlines()
    assert gold_lines[1].split()[5:] == ["correct", "incorrect", "acc"]
    refund = next(line.split() for line in gold_lines if line.startswith("refund "))
    assert refund[5].isdigit() and refund[6].isdigit() and refund[7] != "-"


@pytest.mark.parametrize("combine", ["majority", "dawid-skene"])
def test_blocks_in_worker_processes_give_the_same_file_and_counts(tmp_path, combine):
    texts, _ = _build(tmp_path, n=3000)
    plan = core.plan(
        tmp_path / "data.jsonl",
        tmp_path / "schema.yaml",
        [tmp_path / "rules.yaml"],
        [],
        combine,
        tmp_path / "gold.jsonl",
    )
    one = core.run(plan, tmp_path / "one.jsonl", True, workers=1)
    three = core.run(plan, tmp_path / "three.jsonl", True, workers=3, parallel_bytes=1)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "three.jsonl").read_bytes()
    assert one.counts == three.counts and one.items == three.items == len(texts)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
