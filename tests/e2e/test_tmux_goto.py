"""Going to an item by id with ctrl+g, and finding one by id with `/`, in the real `labeltui
annotate` at 80x24 in tmux; the annotation file is checked after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tmux_driver import needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]

TRIAGE = """\
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1"}
      - {name: bug, key: "2"}
      - {name: other, key: "3"}
"""

ITEMS = 20_000
"""About 1.3 MB: the first screen shows before the background index has read them all."""


def write(folder: Path) -> None:
    rows = (
        {"id": f"T{i:05d}", "text": f"ticket number {i} body", "channel": "email"}
        for i in range(ITEMS)
    )
    (folder / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "schema.yaml").write_text(TRIAGE)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_ctrl_g_an_id_then_label_it(tmp_path, tmux_factory):
    write(tmp_path)
    args = ["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"]
    t = tmux_factory(args, tmp_path, 80, 24)
    t.wait_for("ticket number 0 body", "billing")
    t.send("C-g")
    t.wait_for("Go to item number")
    t.send("T19876")
    t.wait_for("▊  T19876")  # typed into the prompt (not into the screen under it)
    t.send("Enter")
    t.wait_for("item T19876", "ticket number 19876 body")
    t.send("2")  # bug: saved, and the next item shows
    t.wait_for("ticket number 19877 body")
    t.send("C-g")
    t.wait_for("Go to item number")
    t.send("3")
    t.wait_for("▊  3 ")
    t.send("Enter")  # no item has the id "3": the third item
    t.wait_for("item T00002")
    t.send("C-g")
    t.wait_for("Go to item number")
    t.send("T99999")
    t.wait_for("▊  T99999")
    t.send("Enter")
    t.wait_for("No item has the id 'T99999'.")
    assert "item T00002" in t.screen()  # stayed
    t.send("/")
    t.wait_for("Search item ids and text for:")
    t.send("t00042")
    t.wait_for("▊  t00042")
    t.send("Enter")  # ids match too, case-insensitive
    t.wait_for("item T00042", "ticket number 42 body")
    t.send("1")
    t.wait_for("ticket number 43 body")
    t.send("C-q")
    assert t.exit_status() == 0
    saved = lines(tmp_path / "data.ann.jsonl")
    assert [(r["_id"], r["labels"], r["_status"]) for r in saved] == [
        ("T19876", {"team": "bug"}, "done"),
        ("T00042", {"team": "billing"}, "done"),
    ]
    assert saved[0]["text"] == "ticket number 19876 body"
