"""The real `labeltui review` and `labeltui import` on hostile files (issue 13), as processes.

- a wrong-typed answer in an annotation file: exit 2 with one `FILE:LINE:` line, no gold file
  (also when every annotator gave the same wrong value, where there is "nothing to review");
- in a terminal (tmux): every line review writes carries `_from`, and the reviewer's own
  annotation lines in the gold file (no `_from`) are not taken for reviews;
- TextGrid and Audacity times that are `inf`, NaN, negative or huge: exit 2 with FILE:LINE.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_driver import run
from tmux_driver import LABELTUI, Tmux, needs_tmux

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))
from review_helpers import MIXED, TRIAGE, line, read_lines, triage_files, write_lines

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not LABELTUI.exists(), reason="the labeltui script is not installed"),
]

MULTI = "tasks:\n  - {name: tags, kind: multi_choice, labels: [urgent, refund]}\n"


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    err = done.stderr.splitlines()
    assert len(err) == 1 and err[0].startswith("labeltui: "), done.stderr
    return err[0].removeprefix("labeltui: ")


@pytest.mark.parametrize(
    ("schema", "good", "bad", "words"),
    [
        (TRIAGE, {"team": "bug"}, {"team": {"x": 1}}, "team={'x': 1} is not a label name"),
        (MULTI, {"tags": ["urgent"]}, {"tags": "urgent"}, "must be a list of label names"),
        (
            MIXED,
            {"team": "bug", "entities": []},
            {"team": "bug", "entities": ["Acme", 3]},
            "entities: entry 1 is not {start, end, label}",
        ),
    ],
)
def test_review_refuses_a_wrong_typed_answer_with_file_and_line(tmp_path, schema, good, bad, words):
    (tmp_path / "s.yaml").write_text(schema)
    write_lines(tmp_path / "t.ann.jsonl", [line("a", "ann", good), line("b", "ann", good)])
    write_lines(tmp_path / "t.bob.jsonl", [line("a", "bob", good), line("b", "bob", bad)])
    done = run(tmp_path, "review", "t.ann.jsonl", "t.bob.jsonl", "-s", "s.yaml", "-a", "lead")
    message = one_line_error(done)
    assert message.startswith("t.bob.jsonl:2: bob's answer does not fit the schema: "), message
    assert words in message
    assert not (tmp_path / "t.gold.jsonl").exists()


def test_the_same_wrong_value_from_everyone_is_refused_not_nothing_to_review(tmp_path):
    """Every annotator agrees on `{"x": 1}`: before, "no disagreement to review", exit 0."""
    (tmp_path / "s.yaml").write_text(TRIAGE)
    rows = [line("a", who, {"team": {"x": 1}}) for who in ("ann", "bob")]
    write_lines(tmp_path / "all.jsonl", rows)
    message = one_line_error(run(tmp_path, "review", "all.jsonl", "-s", "s.yaml", "-a", "lead"))
    assert message.startswith("all.jsonl:1: ann's answer does not fit the schema: team=")


@needs_tmux
def test_every_gold_line_carries_from_and_own_annotations_are_not_reviews(tmp_path):
    files = triage_files(tmp_path)
    (tmp_path / "schema.yaml").write_text(TRIAGE)
    gold = tmp_path / "tickets.gold.jsonl"
    # lead once annotated t2 into this file (a plain annotation: no _from): not a review of t2
    write_lines(gold, [line("t2", "lead", {"team": "billing"})])
    args = ["review", *(f.name for f in files), "-s", "schema.yaml", "-a", "lead", "--all"]
    term = Tmux(args, tmp_path)
    try:
        screen = term.wait_for("5 of 5 left", "item t2")
        term.send("M-2")  # bob's answer
        term.wait_for("_from: bob")
        time.sleep(0.15)
        term.send("Enter")
        term.wait_for("4 of 5 left", "item t1")
        term.send("3")  # shipping: nobody's answer
        screen = term.wait_for("enter saves _from: [] (edited)")
        time.sleep(0.15)
        term.send("Enter")
        screen = term.wait_for("3 of 5 left", "item t0")
        assert "_from: [] (edited)" in screen and "nobody" not in screen  # the save message
        term.send("C-k")  # skip t0, whose answer everyone gave
        term.wait_for("2 of 5 left")
        term.send("C-q")
        assert term.exit_status() == 0
    finally:
        term.close()
    rows = read_lines(gold)
    assert "_from" not in rows[0]  # the annotation line is left as it was
    assert [(r["_id"], r["_status"], r["_from"], r["_annotator"]) for r in rows[1:]] == [
        ("t2", "done", ["bob"], "lead"),
        ("t1", "done", [], "lead"),
        ("t0", "skipped", [], "lead"),
    ]


TEXTGRID = """\
File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0
xmax = {xmax}
tiers? <exists>
size = 1
item []:
    item [1]:
        class = "IntervalTier"
        name = "words"
        xmin = 0
        xmax = 2
        intervals: size = 1
        intervals [1]:
            xmin = {start}
            xmax = 1
            text = "hi"
"""


@pytest.mark.parametrize(
    ("xmax", "start", "line", "words"),
    [
        ("inf", "0", 5, "the grid's xmax is inf; a time must be a number of seconds from 0"),
        ("2", "-1", 16, "tier 'words': interval 1's xmin is -1; a time must be"),
        ("1e308", "0", 5, "the grid's xmax is 1e308;"),
        ("2", "nan", 16, "interval 1's xmin is nan;"),
    ],
)
def test_import_refuses_textgrid_times_out_of_range(tmp_path, xmax, start, line, words):
    (tmp_path / "g.TextGrid").write_text(TEXTGRID.format(xmax=xmax, start=start))
    done = run(tmp_path, "import", "g.TextGrid", "--from", "textgrid", "--audio", "g.wav",
               "-o", "g.jsonl")  # fmt: skip
    message = one_line_error(done)
    assert message.startswith(f"g.TextGrid:{line}: ") and words in message, message
    assert "<exists>" not in message
    assert not (tmp_path / "g.jsonl").exists()


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("0\t1\tok\n-0.5\t1\tneg\n", 2, "the start time is -0.5;"),
        ("0\tinf\tx\n", 1, "the end time is inf;"),
        ("0\t1e308\tx\n", 1, "the end time is 1e308;"),
    ],
)
def test_import_refuses_audacity_times_out_of_range(tmp_path, content, line, words):
    (tmp_path / "labels.txt").write_text(content)
    done = run(tmp_path, "import", "labels.txt", "--from", "audacity", "--audio", "a.wav",
               "-o", "a.jsonl")  # fmt: skip
    message = one_line_error(done)
    assert message.startswith(f"labels.txt:{line}: ") and words in message, message
    assert not (tmp_path / "a.jsonl").exists()
