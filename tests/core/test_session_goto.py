"""Going to an item by id or number (`Session.goto`, `locate`) and searching ids and text, also
while the background index has not reached the item yet."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from core_helpers import write_jsonl

from labeltui.core.session import Session, open_session

SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels: [billing, bug, other]
"""

BIG = 3000
"""Items in the big dataset: about 300 KB, far past the index's first 64 KB read."""


@pytest.fixture
def open_rows(tmp_path: Path):
    opened: list[Session] = []

    def make(rows: list[dict], full: bool = True, **kw) -> Session:
        dataset = write_jsonl(tmp_path / "data.jsonl", rows)
        schema = tmp_path / "schema.yaml"
        schema.write_text(SCHEMA)
        s = open_session(dataset, schema, "ann", **kw)
        if full:
            s.index.scan_all()
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


def tickets(n: int) -> list[dict]:
    return [
        {"id": f"T{i:04d}", "text": f"ticket {i} " + "padding words " * 5, "channel": "email"}
        for i in range(n)
    ]


# -- the rule: an exact id first, else a number -------------------------------------------------


def test_goto_an_id_and_a_number(open_rows):
    s = open_rows(tickets(20))
    assert s.goto("T0012") is None and s.item().id == "T0012"
    assert s.goto("3") is None and s.position == 2  # no item has id "3": the 3rd item
    assert s.goto("  T0007 ") is None and s.item().id == "T0007"  # outer spaces ignored
    assert s.goto("#20") is None and s.item().id == "T0019"


def test_an_exact_id_wins_over_a_number(open_rows):
    rows = [{"id": str(n), "text": f"item {n}"} for n in (3, 1, 2)]
    s = open_rows(rows)
    assert s.goto("1") is None and s.item().id == "1" and s.position == 1
    assert s.goto("#1") is None and s.position == 0  # `#` always counts
    assert s.goto("3") is None and s.position == 0  # the id "3", not the 3rd item
    assert s.goto("#3") is None and s.item().id == "2"


def test_goto_says_why_nothing_matches(open_rows):
    s = open_rows(tickets(5))
    s.go(2)
    assert s.goto("T9999") == "No item has the id 'T9999'."
    assert s.goto("t0001") == "No item has the id 't0001'."  # ids are exact
    assert s.goto("6") == "Item numbers go from 1 to 5."
    assert s.goto("0") == "Item numbers go from 1 to 5."
    assert s.goto("#x") == "No item has the id '#x'."
    assert s.goto("١٢") == "No item has the id '١٢'."  # digits of another script are no number
    assert s.goto("+3") == "No item has the id '+3'."
    assert s.goto("   ") == "Type an item number or an id."
    assert s.position == 2  # none of them moved


def test_an_id_with_control_characters_is_shown_inertly(open_rows):
    s = open_rows(tickets(2))
    message = s.goto("x\x1b[2Jy")
    assert message is not None and "\x1b" not in message and "␛" in message


def test_goto_an_id_left_out_by_where_says_so(open_rows):
    rows = tickets(6)
    rows[4]["channel"] = "phone"
    s = open_rows(rows, where=["channel=email"])
    assert s.goto("T0004") == "No item has the id 'T0004' among the items --where selects."
    assert s.goto("T0005") is None and s.position == 4


def test_goto_in_a_sorted_session_counts_in_the_order_shown(open_rows):
    rows = [{"id": f"a{i}", "text": "x", "score": i} for i in range(5)]
    s = open_rows(rows, sort="-score")
    assert s.goto("a1") is None and s.position == 3
    assert s.goto("1") is None and s.item().id == "a4"


# -- search matches ids too ---------------------------------------------------------------------


def test_search_matches_ids_case_insensitively(open_rows):
    rows = tickets(5)
    rows[3]["text"] = "nothing to see"
    s = open_rows(rows)
    assert s.search("t0003") is True and s.item().id == "T0003"
    assert s.search("ticket 1 ") is True and s.item().id == "T0001"  # text still matches
    assert s.search("t000") is True and s.item().id == "T0002"  # next id containing it


def test_search_matches_the_id_of_an_item_without_text(open_rows):
    s = open_rows([{"id": "clip-7", "text": "hello"}, {"id": "clip-8"}])
    assert s.search("CLIP-8") is True and s.position == 1


def test_search_wraps_to_the_shown_item_only_when_it_is_the_only_match(open_rows):
    s = open_rows(tickets(5))
    s.go(3)
    assert s.search("T0003") is True and s.position == 3
    assert s.search("T0009") is False and s.position == 3


# -- before the background index is complete ----------------------------------------------------


def test_goto_and_search_read_on_past_the_indexed_items(open_rows):
    s = open_rows(tickets(BIG), full=False)  # resume read up to the first item
    s.index.scan(stop=lambda position, _: position >= 9)  # as if the index had read 10
    indexed = len(s.index)
    assert not s.index.complete and indexed == 10
    assert s.locate("T2500", read=False) is None  # "read on" without reading
    assert s.locate("T0002", read=False) == 2  # already indexed: answered at once
    assert s.locate("#5", read=False) == 4
    assert len(s.index) == indexed
    assert s.goto("T2500") is None and s.item().id == "T2500"
    assert s.goto(str(BIG)) is None and s.item().id == f"T{BIG - 1:04d}"
    assert s.index.complete


def test_a_number_past_the_indexed_items_reads_on(open_rows):
    s = open_rows(tickets(BIG), full=False)
    assert s.locate("#2222", read=False) is None
    assert s.goto("#2222") is None and s.item().id == "T2221"
    assert not s.index.complete  # read only as far as needed


def test_search_reads_on_in_file_order_before_wrapping(open_rows):
    rows = tickets(BIG)
    rows[2800]["text"] = "the needle is here"
    s = open_rows(rows, full=False)
    s.go(1)
    assert len(s.index) < 2800  # not among the items read so far
    assert s.search("needle") is True and s.item().id == "T2800"
    assert s.search("T0001") is True and s.item().id == "T0001"  # wraps once complete


def test_search_finds_an_id_the_index_has_not_reached(open_rows):
    s = open_rows(tickets(BIG), full=False)
    assert s.search("t2999") is True and s.item().id == "T2999"


def test_goto_waits_for_a_background_scan_and_finds_the_item(open_rows):
    """The app's index thread holds the scan while it reads: a look-up waits for it."""
    s = open_rows(tickets(BIG), full=False)
    started = threading.Event()

    def slow_progress(_):
        started.set()
        time.sleep(0.02)

    scanner = threading.Thread(target=s.index.scan, kwargs={"progress": slow_progress})
    scanner.start()
    assert started.wait(5)
    try:
        assert s.goto("T2990") is None and s.item().id == "T2990"
        assert s.search("ticket 2995 ") is True and s.item().id == "T2995"
    finally:
        scanner.join(10)
    assert s.index.complete


def test_search_sees_items_another_scan_read_meanwhile(open_rows, monkeypatch):
    """Items another scan read while the search waited for it are looked at too."""
    s = open_rows(tickets(BIG), full=False)
    real_scan = s.index.scan

    def another_scan_first(stop=None, **kw):
        real_scan(stop=lambda position, _: position >= 300)  # e.g. the index thread, cancelled
        real_scan(stop=stop, **kw)

    monkeypatch.setattr(s.index, "scan", another_scan_first)
    assert s.search("T0100") is True and s.item().id == "T0100"


def test_search_sees_items_the_index_thread_read_to_the_end_meanwhile(open_rows, monkeypatch):
    """The index thread finishes while the search looks at the items read before: the items
    it added are looked at too (no read-on scan runs, the index being complete)."""
    s = open_rows(tickets(BIG), full=False)
    s.index.scan(stop=lambda position, _: position >= 99)
    real_item = s.index.item

    def item_then_the_rest(position):
        if not s.index.complete:
            s.index.scan()  # as the index thread would, between two looks
        return real_item(position)

    monkeypatch.setattr(s.index, "item", item_then_the_rest)
    assert s.search("ticket 2900 ") is True and s.item().id == "T2900"


def test_goto_sees_an_id_the_index_thread_read_to_the_end_meanwhile(open_rows, monkeypatch):
    s = open_rows(tickets(BIG), full=False)
    real_find = s.index.find

    def find_after_the_rest(ident):
        found = real_find(ident)
        if not s.index.complete:
            s.index.scan()  # the index thread completes right after this look
        return found

    monkeypatch.setattr(s.index, "find", find_after_the_rest)
    assert s.goto("T2900") is None and s.item().id == "T2900"
