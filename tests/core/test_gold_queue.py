"""Gold items mixed into the annotate queue (issue 19 item 2): where they go, that a rerun
gives the same queue, and what the session saves and counts."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from labeltui.core.gold_queue import GoldPlan, expected_answer, read_gold_items
from labeltui.core.gold_session import GoldSession
from labeltui.core.schema import load_schema
from labeltui.core.session import open_session
from labeltui.errors import LabeltuiError

SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1"}
      - {name: bug, key: "2"}
"""


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def gold_rows(n: int) -> list[dict]:
    return [
        {"id": f"g{i}", "text": f"gold text {i}", "labels": {"team": "bug"}, "_id": f"g{i}",
         "_annotator": "rev", "_status": "done", "_ts": "2026-01-01T00:00:00.000Z",
         "_from": ["a", "b"]}
        for i in range(n)
    ]  # fmt: skip


def open_gold(tmp_path: Path, items: int = 40, golds: int = 8, every: int = 4, **kw):
    data = write(tmp_path / "data.jsonl", [{"id": f"d{i}", "text": f"t {i}"} for i in range(items)])
    gold = write(tmp_path / "gold.jsonl", kw.pop("gold_rows", None) or gold_rows(golds))
    schema = tmp_path / "s.yaml"
    schema.write_text(SCHEMA)
    session = open_session(data, schema, kw.get("annotator", "ann"), gold=gold, gold_every=every)
    session.index.scan_all()
    assert isinstance(session, GoldSession)
    return session


# -- the plan ------------------------------------------------------------------------------------


def test_one_gold_in_every_block_and_the_dataset_in_order():
    plan = GoldPlan(30, 5, "ann")
    slots = [plan.slot(p) for p in range(plan.length(200))]
    golds = [p for p, (g, _) in enumerate(slots) if g]
    assert len(golds) == 30
    for k, p in enumerate(golds):  # one per block of 5 positions
        assert p // 5 == k
    gaps = [b - a for a, b in itertools.pairwise(golds)]
    assert min(gaps) >= 1 and max(gaps) <= 9 and 4 <= sum(gaps) / len(gaps) <= 6
    assert len(set(p % 5 for p in golds)) > 1  # not at a fixed offset
    dataset = [n for g, n in slots if not g]
    assert dataset == list(range(200))  # every item once, in order
    for p, (g, n) in enumerate(slots):
        if g:
            assert plan.position_of_gold(n) == p
        else:
            assert plan.position_of_item(n) == p
    assert sorted(plan.order) == list(range(30))


def test_same_annotator_same_queue_another_annotator_another():
    a1, a2, b = GoldPlan(50, 4, "ann"), GoldPlan(50, 4, "ann"), GoldPlan(50, 4, "bob")
    assert (a1.offsets, a1.order) == (a2.offsets, a2.order)
    assert a1.offsets != b.offsets and a1.order != b.order


def test_length_grows_with_the_dataset_and_stops_adding_gold_when_it_runs_out():
    plan = GoldPlan(3, 3, "ann")
    assert plan.length(0) == 0
    assert plan.length(100) == 103
    for m in range(1, 12):  # a prefix of the queue: every slot before `length` is valid
        length = plan.length(m)
        slots = [plan.slot(p) for p in range(length)]
        assert sum(1 for g, _ in slots if not g) == m
        assert all(n < m for g, n in slots if not g)


def test_gold_every_below_two_is_refused():
    with pytest.raises(LabeltuiError, match="2 or more"):
        GoldPlan(3, 1, "ann")


# -- reading the gold file and comparing -----------------------------------------------------------


def test_read_gold_items_keeps_the_last_done_line_and_drops_meta(tmp_path):
    rows = [*gold_rows(2), {**gold_rows(1)[0], "labels": {"team": "billing"}}]
    rows.append({**gold_rows(3)[2], "_status": "skipped"})
    items = read_gold_items(write(tmp_path / "g.jsonl", rows))
    assert [g.id for g in items] == ["g1", "g0"]
    assert items[1].labels == {"team": "billing"}
    assert items[0].data == {"id": "g1", "text": "gold text 1"}


def test_bad_gold_line_is_one_error_with_its_line(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(gold_rows(1)[0]) + "\n{not json\n")
    with pytest.raises(LabeltuiError) as caught:
        read_gold_items(path)
    assert caught.value.line == 2


def test_expected_answer_only_when_it_differs(tmp_path):
    schema_path = tmp_path / "s.yaml"
    schema_path.write_text(SCHEMA)
    schema = load_schema(schema_path)
    assert expected_answer(schema, {"team": "bug"}, {"team": "bug"}) is None
    assert expected_answer(schema, {"team": "bug"}, {"team": "billing"}) == "Expected answer: bug"


# -- the session ---------------------------------------------------------------------------------


def answer_all(session, label="billing", limit=1000):
    seen = []
    for _ in range(limit):
        item = session.item()
        seen.append(item.id)
        if session.store.is_done(item.id):
            break
        session.save({"team": label})
    return seen


def test_gold_saved_with_flag_and_expected_answer(tmp_path):
    session = open_gold(tmp_path)
    lines = []
    for _ in range(12):
        gold = session.is_gold()
        session.save({"team": "billing"})
        lines.append((gold, session.expected))
    path = session.store.path
    session.close()
    saved = [json.loads(line) for line in path.read_text().splitlines()]
    assert [bool(s.get("_gold")) for s in saved] == [g for g, _ in lines]
    assert any(g for g, _ in lines)
    for (gold, expected), line in zip(lines, saved, strict=True):
        assert (expected == "Expected answer: bug") == gold
        assert line["labels"] == {"team": "billing"}  # the answer, never gold's
        if gold:
            assert line["id"].startswith("g") and "_from" not in line


def test_rerun_gives_the_same_queue_and_does_not_ask_answered_gold_again(tmp_path):
    session = open_gold(tmp_path)
    queue = [session.item_id(p) for p in range(session.item_count())]
    for _ in range(9):
        session.save({"team": "bug"})
    answered = set(session.store.current)
    session.close()
    again = open_gold(tmp_path)
    assert [again.item_id(p) for p in range(again.item_count())] == queue
    assert again.position == 9  # resumes after the nine answered positions
    rest = answer_all(again)
    assert not (set(rest[:-1]) & answered)
    assert len(again.store.current) == 40 + 8
    again.close()


def test_progress_counts_gold_positions(tmp_path):
    session = open_gold(tmp_path, items=12, golds=8, every=3)
    # 6 blocks of 2 dataset items hold 6 gold items; a 7th may close the queue
    golds = len(session.gold_positions())
    assert 6 <= golds <= 7 and session.item_count() == 12 + golds
    for _ in range(5):
        session.save({"team": "bug"})
    progress = session.progress()
    assert (progress.total, progress.done, progress.position) == (12 + golds, 5, 6)
    session.close()


def test_undo_goes_back_to_the_gold_item(tmp_path):
    session = open_gold(tmp_path, every=2)
    while not session.is_gold():
        session.save({"team": "bug"})
    where, ident = session.position, session.item().id
    session.save({"team": "billing"})
    assert session.expected
    assert session.undo()
    assert (session.position, session.item().id, session.expected) == (where, ident, None)
    assert not session.store.is_done(ident)
    session.close()


def test_gold_id_in_the_dataset_is_asked_once_as_gold(tmp_path):
    rows = gold_rows(3)
    rows[0]["_id"] = rows[0]["id"] = "d1"  # also a dataset id
    session = open_gold(tmp_path, items=10, every=2, gold_rows=rows)
    seen = answer_all(session)
    assert seen.count("d1") == 1
    path = session.store.path
    session.close()
    saved = [json.loads(line) for line in path.read_text().splitlines()]
    assert [s["_id"] for s in saved].count("d1") == 1
    assert next(s for s in saved if s["_id"] == "d1")["_gold"] is True


def test_goto_and_search_find_gold_items(tmp_path):
    session = open_gold(tmp_path)
    gold_position = session.gold_positions()[2]
    ident = session.item_id(gold_position)
    assert session.locate(ident) == gold_position
    assert session.locate(str(gold_position + 1)) == gold_position
    assert session.locate("d5") == session.plan.position_of_item(5)
    assert session.search(f"gold text {ident[1:]}") and session.position == gold_position
    session.close()


def test_gold_and_gold_every_go_together(tmp_path):
    data = write(tmp_path / "data.jsonl", [{"id": "d0", "text": "x"}])
    schema = tmp_path / "s.yaml"
    schema.write_text(SCHEMA)
    with pytest.raises(LabeltuiError, match="go together"):
        open_session(data, schema, "ann", gold=tmp_path / "g.jsonl")
