"""Answers to gold items (`"_gold": true`, written by `annotate --gold`) are left out of the
inter-annotator statistics with a note, and counted by `agree --gold` (issue 19 item 2);
`labeltui agree` run as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agree_helpers import line

SCHEMA = "tasks:\n  - {name: team, kind: choice, labels: [billing, bug, other]}\n"


def agree(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "labeltui", "agree", *args], capture_output=True, text=True
    )


def files(tmp_path: Path) -> tuple[list[str], str, str]:
    labels = ["billing", "bug", "other"]
    a = [line("ann", f"i{i}", {"team": labels[i % 3]}) for i in range(12)]
    b = [line("bob", f"i{i}", {"team": labels[(i + (i % 4 == 0)) % 3]}) for i in range(12)]
    # ann's answers to four gold items: two right, two wrong; they disagree with bob's
    # answers to the same ids, which would lower the agreement if they counted there
    a += [line("ann", f"g{i}", {"team": "bug" if i < 2 else "other"}, _gold=True) for i in range(4)]
    b += [line("bob", f"g{i}", {"team": "billing"}) for i in range(4)]
    paths = []
    for who, rows in (("ann", a), ("bob", b)):
        path = tmp_path / f"{who}.jsonl"
        path.write_text("".join(rows))
        paths.append(str(path))
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(line("lead", f"g{i}", {"team": "bug"}, _from=["x"]) for i in range(4)))
    schema = tmp_path / "s.yaml"
    schema.write_text(SCHEMA)
    return paths, str(gold), str(schema)


def test_gold_answers_left_out_of_agreement_with_a_note(tmp_path):
    paths, _, schema = files(tmp_path)
    done = agree(*paths, "--schema", schema, "--json")
    assert done.returncode == 0, done.stderr
    team = json.loads(done.stdout)["tasks"]["team"]
    assert team["items"] == 12  # ann's answers to g0..g3 would make it 16
    assert "4 answers to gold items" in done.stderr and "ann.jsonl" in done.stderr
    # the same files without the gold answers give the same statistics
    plain = tmp_path / "plain"
    plain.mkdir()
    for path in paths:
        kept = [x for x in Path(path).read_text().splitlines(True) if '"_gold"' not in x]
        (plain / Path(path).name).write_text("".join(kept))
    same = agree(*(str(plain / Path(p).name) for p in paths), "--schema", schema, "--json")
    assert json.loads(same.stdout) == json.loads(done.stdout)


def test_gold_answers_count_in_gold_scoring(tmp_path):
    paths, gold, schema = files(tmp_path)
    done = agree(*paths, "--schema", schema, "--gold", gold, "--json")
    assert done.returncode == 0, done.stderr
    scores = json.loads(done.stdout)["tasks"]["team"]["gold"]
    assert scores["ann"]["items"] == 4 and scores["ann"]["accuracy"] == 0.5
    assert scores["bob"]["items"] == 4 and scores["bob"]["accuracy"] == 0.0
    assert done.stderr.count("answers to gold items") == 1  # said once, not per read
