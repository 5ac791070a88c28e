"""A 4-level taxonomy of 5,110 labels from a `labels_file`, in the real `labeltui annotate` at
80x24 in tmux (issue 17): drill down by keys per level, filter by an alias with the picker,
pick a deep node, quit; the annotation file holds the paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tmux_driver import needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]

SCHEMA = """\
tasks:
  - name: topic
    kind: multi_choice
    labels_file: topics.jsonl
"""


def write(folder: Path) -> int:
    """10 x 10 x 10 x 4 labels; one deep leaf has the alias `quokka`."""
    rows = []
    for a in range(10):
        rows.append({"name": f"t{a}"})
        for b in range(10):
            rows.append({"name": f"t{a}m{b}", "parent": f"t{a}"})
            for c in range(10):
                rows.append({"name": f"t{a}m{b}s{c}", "parent": f"t{a}m{b}"})
                for d in range(4):
                    row = {"name": f"t{a}m{b}s{c}l{d}", "parent": f"t{a}m{b}s{c}"}
                    if (a, b, c, d) == (7, 1, 5, 2):
                        row["aliases"] = ["quokka"]
                    rows.append(row)
    (folder / "topics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "schema.yaml").write_text(SCHEMA)
    (folder / "data.jsonl").write_text('{"id": "A", "text": "an item about marsupials"}\n')
    return len(rows)


def test_drill_down_filter_by_alias_and_pick_a_deep_node(tmp_path, tmux_factory):
    assert write(tmp_path) == 5110
    args = ["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"]
    t = tmux_factory(args, tmp_path, 80, 24)
    t.wait_for("an item about marsupials", "▸ top", "t9 ▸")
    t.send("3")  # t2 opens: its children and their keys show
    t.wait_for("▸ t2 ", "t2m9 ▸")
    t.send("4", "5")  # t2m3, then t2m3s4
    t.wait_for("▸ t2/t2m3/t2m3s4", "t2m3s4l3")
    t.send("1")  # a leaf: toggled on
    t.wait_for("✓ t2/t2m3/t2m3s4/t2m3s4l0")
    t.send("BSpace")  # up one level
    t.wait_for("▸ t2/t2m3 ")
    t.send("C-l")
    t.wait_for("Find a label of topic (5,110 labels)")
    t.send("quokka")
    t.wait_for("t7/t7m1/t7m1s5/t7m1s5l2", "1 found")
    t.send("Enter")  # picks it; the picker closes on its level
    t.wait_for("✓ t7/t7m1/t7m1s5/t7m1s5l2", "▸ t7/t7m1/t7m1s5 ")
    t.send("Enter")  # save
    t.wait_for("1/1")
    t.send("C-q")
    assert t.exit_status() == 0
    saved = [json.loads(x) for x in (tmp_path / "data.ann.jsonl").read_text().splitlines()]
    assert [r["labels"] for r in saved] == [
        {"topic": ["t2/t2m3/t2m3s4/t2m3s4l0", "t7/t7m1/t7m1s5/t7m1s5l2"]}
    ]
