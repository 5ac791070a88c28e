"""End to end: the real `labeltui review` in tmux reviews three annotators' files.

The keys go through a terminal as a user types them: `M-2` is ESC then `2` (alt+2), `C-a` then
`1` the prefix form. The gold file is checked after `ctrl+q`. The app's stderr is never
redirected (Textual draws on it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from review_helpers import read_lines, triage_files, write_schema

# The tmux driver the end-to-end tests share lives in tests/e2e.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from tmux_driver import Tmux, needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]


def keys(term: Tmux, *names: str) -> None:
    for name in names:
        term.send(name)
        time.sleep(0.15)  # ESC+digit must arrive as one sequence, and keys in order


def test_review_three_annotators_in_a_terminal(tmp_path):
    files = triage_files(tmp_path)
    schema = write_schema(tmp_path)
    args = ["review", *(f.name for f in files), "--schema", schema.name, "-a", "lead"]
    term = Tmux(args, tmp_path)
    try:
        screen = term.wait_for("2 of 2 left")
        # the most disagreement first: t2, every annotator a different team, each marked
        assert "item t2" in screen
        for name, team in (("ann", "billing"), ("bob", "bug"), ("cy", "shipping")):
            row = next(r for r in screen.splitlines() if f" {name} " in r and "alt+" in r)
            assert "≠" in row and team in row
        keys(term, "M-2")  # alt+2: bob's answer
        term.wait_for("_from: bob")
        keys(term, "Enter")
        screen = term.wait_for("1 of 2 left")
        assert "item t1" in screen
        keys(term, "C-a", "3")  # ctrl+a then 3: cy's answer (3 is also a label key)
        term.wait_for("_from: ann, cy")
        keys(term, "Enter")
        term.wait_for("0 of 2 left")
        keys(term, "C-q")
        assert term.exit_status() == 0
        assert "2 gold answers saved this session" in term.screen()
    finally:
        term.close()
    gold = read_lines(tmp_path / "tickets.gold.jsonl")
    assert [(g["_id"], g["labels"], g["_from"], g["_annotator"]) for g in gold] == [
        ("t2", {"team": "bug"}, ["bob"], "lead"),
        ("t1", {"team": "bug"}, ["ann", "cy"], "lead"),
    ]
    assert all(g["_status"] == "done" and g["channel"] == "email" for g in gold)
