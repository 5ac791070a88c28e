"""`labeltui annotate --gold GOLD --gold-every 2` in tmux (issue 19 item 2): gold items are
mixed into the queue, a wrong answer to one shows the expected answer, and the file holds the
answers to gold items with `"_gold": true`."""

from __future__ import annotations

import json

import pytest
from tmux_driver import needs_tmux

from labeltui.core.gold_queue import GoldPlan

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


def test_gold_items_mixed_in_saved_with_flag_and_corrected(tmp_path, tmux_factory):
    rows = [{"id": f"t{i}", "text": f"ticket number {i} body"} for i in range(6)]
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    gold = [
        {"id": f"g{i}", "text": f"gold ticket {i} body", "labels": {"team": "other"},
         "_id": f"g{i}", "_annotator": "lead", "_status": "done", "_from": ["x"],
         "_ts": "2026-01-01T00:00:00.000Z"}
        for i in range(3)
    ]  # fmt: skip
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in gold))
    (tmp_path / "schema.yaml").write_text(TRIAGE)
    plan = GoldPlan(3, 2, "ann")  # the queue the app shows annotator "ann"
    shown = []
    for position in range(5):
        is_gold, n = plan.slot(position)
        shown.append((f"gold ticket {plan.order[n]} body", True) if is_gold
                     else (f"ticket number {n} body", False))  # fmt: skip
    assert any(g for _, g in shown)
    args = ["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann",
            "--gold", "gold.jsonl", "--gold-every", "2"]  # fmt: skip
    t = tmux_factory(args, tmp_path)
    for text, is_gold in shown:
        t.wait_for(text)
        t.send("1")  # billing: gold says other
        if is_gold:
            t.wait_for("Expected answer: other")
    t.send("C-q")
    assert t.exit_status() == 0
    saved = [json.loads(x) for x in (tmp_path / "data.ann.jsonl").read_text().splitlines()]
    assert [x["text"] for x in saved] == [text for text, _ in shown]
    assert [x.get("_gold") is True for x in saved] == [g for _, g in shown]
    assert all(x["labels"] == {"team": "billing"} for x in saved)
    assert all("_from" not in x for x in saved)
