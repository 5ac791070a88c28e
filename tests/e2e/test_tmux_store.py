"""The real app in tmux against a shared, deleted or odd annotation file (issue 13): every
answer the annotator gave is in the file at the path, and only their own lines are theirs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from test_tmux_annotate import TRIAGE, lines, tickets, write
from tmux_driver import needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]

ANNOTATE = ["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"]


def test_deleting_the_file_mid_session_loses_no_answer(tmp_path, tmux_factory):
    write(tmp_path, tickets(5), TRIAGE)
    out = tmp_path / "data.ann.jsonl"
    t = tmux_factory(ANNOTATE, tmp_path)
    t.wait_for("ticket number 0 body")
    t.send("1")
    t.wait_for("ticket number 1 body")
    t.send("2")
    t.wait_for("ticket number 2 body")
    assert [r["_id"] for r in lines(out)] == ["t0", "t1"]
    out.unlink()  # a cleanup script, or the user in another terminal
    t.send("3")
    t.wait_for("ticket number 3 body")
    assert [(r["_id"], r["labels"]["team"]) for r in lines(out)] == [
        ("t0", "billing"),
        ("t1", "bug"),
        ("t2", "other"),
    ]
    out.unlink()
    t.send("1")
    t.wait_for("ticket number 4 body")
    t.send("C-q")
    assert t.exit_status() == 0
    screen = t.screen()
    assert "was deleted" in screen and "4 annotations saved this session" in screen
    assert [r["_id"] for r in lines(out)] == ["t0", "t1", "t2", "t3"]


def test_bobs_lines_in_a_shared_file_are_not_anns(tmp_path, tmux_factory):
    rows = tickets(4)
    write(tmp_path, rows, TRIAGE)
    shared = tmp_path / "shared.jsonl"
    bob = [
        {**row, "labels": {"team": "other"}, "_id": row["id"], "_annotator": "bob"}
        for row in rows[:3]
    ]
    mine = {**rows[1], "labels": {"team": "bug"}, "_id": "t1", "_annotator": "ann"}
    shared.write_text("".join(json.dumps(r) + "\n" for r in [*bob, mine]))
    t = tmux_factory([*ANNOTATE, "--out", "shared.jsonl"], tmp_path)
    # ann starts at her own first unlabelled item, t0, not after bob's items
    screen = t.wait_for("ticket number 0 body", "item t0")
    assert "item t0  ·  new" in screen  # bob's answer is not shown as hers
    t.send("1")
    # t1 has ann's own answer (bug), not bob's (other)
    screen = t.wait_for("ticket number 1 body", "item t1  ·  done")
    assert "(•) bug" in screen and "(•) other" not in screen
    t.send("PageDown")
    screen = t.wait_for("ticket number 2 body", "item t2  ·  new")  # only bob labelled it
    assert "(•)" not in screen
    t.send("C-q")
    assert t.exit_status() == 0
    saved = lines(shared)
    assert [(r["_annotator"], r["_id"], r["labels"]["team"]) for r in saved] == [
        ("bob", "t0", "other"),
        ("bob", "t1", "other"),
        ("bob", "t2", "other"),
        ("ann", "t1", "bug"),
        ("ann", "t0", "billing"),
    ]


def test_a_lone_surrogate_in_the_item_is_saved_as_the_same_escape(tmp_path, tmux_factory):
    (tmp_path / "schema.yaml").write_text(TRIAGE)
    (tmp_path / "data.jsonl").write_text(
        '{"id": "odd\\ud800", "text": "caf\\u00e9 broken \\udfff text"}\n'
        '{"id": "t1", "text": "ticket number 1 body"}\n'
    )
    t = tmux_factory(ANNOTATE, tmp_path)
    t.wait_for("broken")
    t.send("2")
    t.wait_for("ticket number 1 body")
    t.send("C-q")
    assert t.exit_status() == 0
    raw = (tmp_path / "data.ann.jsonl").read_bytes()
    assert b'"odd\\ud800"' in raw and b"\\udfff" in raw and "café".encode() in raw
    (saved,) = lines(tmp_path / "data.ann.jsonl")
    assert saved["_id"] == "odd\ud800" and saved["labels"] == {"team": "bug"}


def test_an_empty_dataset_leaves_no_annotation_file(tmp_path, tmux_factory):
    (tmp_path / "schema.yaml").write_text(TRIAGE)
    (tmp_path / "data.jsonl").write_text("\n")
    t = tmux_factory(ANNOTATE, tmp_path)
    deadline = time.monotonic() + 15
    while not any(text in t.screen() for text in ("no items", "EXIT=")):
        assert time.monotonic() < deadline, t.screen()
        time.sleep(0.05)
    if "EXIT=" not in t.screen():  # the app says so and waits for ctrl+q
        t.send("C-q")
    t.exit_status()
    assert not (tmp_path / "data.ann.jsonl").exists()
    assert sorted(p.name for p in Path(tmp_path).iterdir() if p.name != ".cache") == [
        "data.jsonl",
        "schema.yaml",
    ]
