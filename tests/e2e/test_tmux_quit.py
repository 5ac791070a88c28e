"""ctrl+c quits the real app at once (every save is already on disk), in annotate and review."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tmux_driver import needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]

SCHEMA = "tasks:\n  - name: team\n    kind: choice\n    labels: [billing, bug]\n"


def write(folder: Path, n: int) -> None:
    rows = [{"id": f"t{i}", "text": f"ticket number {i} body"} for i in range(n)]
    (folder / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "schema.yaml").write_text(SCHEMA)


def test_ctrl_c_quits_annotate_and_keeps_every_save(tmp_path, tmux_factory):
    write(tmp_path, 3)
    t = tmux_factory(["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"], tmp_path, 80, 24)
    t.wait_for("ticket number 0 body", "billing")
    t.send("1")
    t.wait_for("ticket number 1 body")
    t.send("C-c")
    assert t.exit_status() == 0
    screen = t.screen()
    assert "Do you want to quit" not in screen
    assert "1 annotation saved this session" in screen
    saved = [json.loads(x) for x in (tmp_path / "data.ann.jsonl").read_text().splitlines()]
    assert [(r["_id"], r["labels"]) for r in saved] == [("t0", {"team": "billing"})]


def test_ctrl_c_quits_review(tmp_path, tmux_factory):
    write(tmp_path, 2)
    for name, label in (("ann", "billing"), ("bob", "bug")):
        rows = [
            {
                "id": "t0",
                "text": "ticket number 0 body",
                "labels": {"team": label},
                "_id": "t0",
                "_annotator": name,
                "_status": "done",
                "_ts": "2026-01-01T00:00:00.000Z",
            }
        ]
        (tmp_path / f"data.{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    args = ["review", "data.ann.jsonl", "data.bob.jsonl", "-s", "schema.yaml", "-a", "rev"]
    t = tmux_factory(args, tmp_path, 80, 24)
    t.wait_for("ticket number 0 body")
    t.send("C-c")
    assert t.exit_status() == 0
    assert "Do you want to quit" not in t.screen()
