"""Team mode's core against a real PostgreSQL: init, claims with overlap, saves, pull, status."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from team_helpers import read_lines

from labeltui.core.team import sql
from labeltui.core.team.connect import check_version, connect
from labeltui.core.team.local import local_lines
from labeltui.core.team.outbox import TeamClient
from labeltui.core.team.project import init_project, open_project
from labeltui.core.team.pull import pull
from labeltui.core.team.status import team_status
from labeltui.errors import LabeltuiError


def test_init_stores_items_in_order_and_rerun_adds_only_new_ones(db_url, tickets, tmp_path):
    dataset, schema = tickets
    first = init_project(db_url, "tickets", dataset, schema, overlap=2)
    assert (first.created, first.added, first.total) == (True, 12, 12)
    assert first.project.overlap == 2
    with dataset.open("a") as f:
        f.write('{"id": "t3", "text": "a duplicate"}\n{"id": "new", "text": "new one"}\n')
    again = init_project(db_url, "tickets", dataset, schema)
    assert (again.created, again.added, again.total) == (False, 1, 13)
    assert again.duplicates == 13  # the 12 already stored and the t3 line
    assert again.project.overlap == 2  # kept when --overlap is not given
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT no, item_id FROM labeltui_items ORDER BY no").fetchall()
    assert [r[1] for r in rows] == [f"t{i}" for i in range(12)] + ["new"]


def test_reinit_refuses_a_changed_schema_but_not_a_new_layout(db_url, tickets):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)
    schema.write_text("# a comment\n" + schema.read_text())  # same meaning
    init_project(db_url, "tickets", dataset, schema)
    schema.write_text(schema.read_text().replace("other]", "other, spam]"))
    with pytest.raises(LabeltuiError, match="another schema"):
        init_project(db_url, "tickets", dataset, schema)


def test_newer_tables_are_refused_and_missing_ones_named(db_url, tickets):
    conn = connect(db_url)
    with pytest.raises(LabeltuiError, match="no labeltui project in this database"):
        check_version(conn, db_url)
    check_version(conn, db_url, create=True)
    conn.execute(sql.SET_VERSION, (str(sql.VERSION + 1),))
    with pytest.raises(LabeltuiError, match="newer than this labeltui knows"):
        check_version(conn, db_url)
    conn.close()


def test_three_annotators_overlap_two_every_item_gets_exactly_two(db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema, overlap=2)
    clients = [
        TeamClient(db_url, "tickets", name, tmp_path / f"{name}.jsonl")
        for name in ("ann", "bob", "cy")
    ]
    active = list(clients)
    while active:  # round robin, as three people working at once would
        for client in list(active):
            got = client.claim()
            if got is None:
                assert client.online
                active.remove(client)
                continue
            client.save(got.data, got.item_id, {"team": "bug"})
    out = tmp_path / "all.jsonl"
    conn, project = open_project(db_url, "tickets")
    assert pull(conn, project, out) == 24
    by_item: dict[str, list[str]] = {}
    for line in read_lines(out):
        by_item.setdefault(line["_id"], []).append(line["_annotator"])
    assert len(by_item) == 12
    assert all(len(set(names)) == len(names) == 2 for names in by_item.values()), by_item
    status = team_status(conn, project).as_json()
    assert status["items"] == 12 and status["items_left"] == 0 and status["leases"] == 0
    assert sum(a["done"] for a in status["annotators"].values()) == 24
    assert all(a["per_hour"] == a["done"] for a in status["annotators"].values())
    conn.close()
    for client in clients:
        client.close()


def test_a_skip_frees_the_slot_and_undo_reaches_the_server(db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema, overlap=1)
    ann = TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl")
    bob = TeamClient(db_url, "tickets", "bob", tmp_path / "bob.jsonl")
    first = ann.claim()
    assert first is not None and first.item_id == "t0"
    ann.save(first.data, first.item_id, {"team": None}, status="skipped")
    assert bob.claim().item_id == "t0"  # skipped by ann: still needs one done
    second = ann.claim()
    assert second.item_id == "t1"
    ann.save(second.data, second.item_id, {"team": "bug"})
    assert ann.undo() == "t1"
    conn, project = open_project(db_url, "tickets")
    left = conn.execute("SELECT count(*) FROM labeltui_lines WHERE item_id = 't1'").fetchone()[0]
    assert left == 0  # the undo was sent: the line is gone from the server
    assert team_status(conn, project).annotators["ann"].skipped == 1
    conn.close()
    ann.close()
    bob.close()


def test_an_expired_lease_hands_the_item_to_someone_else(db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema, overlap=1)
    ann = TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl", lease=3.0)
    bob = TeamClient(db_url, "tickets", "bob", tmp_path / "bob.jsonl")
    held = ann.claim()
    assert held.item_id == "t0"
    assert bob.claim().item_id == "t1"  # t0 is leased to ann
    import time

    time.sleep(3.3)
    taken = bob.claim()
    assert taken is not None and taken.item_id == "t0"  # ann's lease ran out
    ann.close()
    bob.close()


def test_a_released_item_goes_back_at_once_and_an_own_lease_comes_back(db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema, overlap=1)
    ann = TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl")
    a = ann.claim()
    b = ann.claim()  # fetched ahead
    assert (a.item_id, b.item_id) == ("t0", "t1")
    ann.close(release_held=False)  # a crash: the leases stay
    again = TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl")
    assert again.claim().item_id == "t0"  # ann's own live lease, not a new item
    again.release(0)
    bob = TeamClient(db_url, "tickets", "bob", tmp_path / "bob.jsonl")
    assert bob.claim().item_id == "t0"
    again.close()
    bob.close()


def test_lines_are_stored_once_however_often_they_are_sent(db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)
    out = tmp_path / "ann.jsonl"
    ann = TeamClient(db_url, "tickets", "ann", out)
    got = ann.claim()
    ann.save(got.data, got.item_id, {"team": "billing"})
    ann.close()
    # Everything sent again (as after a lost acknowledgement): still one row.
    ann = TeamClient(db_url, "tickets", "ann", out)
    ann._pending.update(local_lines(ann.store.path, "ann"))
    assert ann.to_send == 1
    assert ann.flush() and ann.to_send == 0
    conn, _project = open_project(db_url, "tickets")
    assert conn.execute("SELECT count(*) FROM labeltui_lines").fetchone()[0] == 1
    conn.close()
    ann.close()


def test_pulled_lines_are_the_local_lines_byte_for_byte(db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)
    out = tmp_path / "ann.jsonl"
    with TeamClient(db_url, "tickets", "ann", out) as ann:
        for label in ("bug", "billing"):
            got = ann.claim()
            ann.save(got.data, got.item_id, {"team": label}, ms=120)
    conn, project = open_project(db_url, "tickets")
    pulled = Path(tmp_path / "pulled.jsonl")
    pull(conn, project, pulled)
    conn.close()
    assert pulled.read_bytes() == out.read_bytes()


def test_a_save_never_waits_on_the_network(db_url, tickets, tmp_path):
    import threading
    import time

    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)
    client = TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl")
    got = client.claim()
    busy, done = threading.Event(), threading.Event()

    def slow_network() -> None:  # a worker stuck in a send or a claim
        with client._net:
            busy.set()
            done.wait(20)

    worker = threading.Thread(target=slow_network)
    worker.start()
    busy.wait(5)
    start = time.monotonic()
    client.save(got.data, got.item_id, {"team": "bug"}, send=False)
    took = time.monotonic() - start
    done.set()
    worker.join()
    assert took < 5, took
    assert client.to_send == 1
    assert client.flush() and client.to_send == 0
    client.close()


def test_older_tables_are_upgraded_by_a_newer_labeltui(db_url, tickets, monkeypatch):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)  # version 1 tables
    monkeypatch.setattr(sql, "VERSION", sql.VERSION + 1)
    monkeypatch.setattr(
        sql, "UPGRADES", {sql.VERSION - 1: ["ALTER TABLE labeltui_projects ADD COLUMN note text"]}
    )
    conn, project = open_project(db_url, "tickets")  # any command upgrades
    assert project.name == "tickets"
    assert conn.execute(sql.GET_VERSION).fetchone()[0] == str(sql.VERSION)
    assert conn.execute("SELECT note FROM labeltui_projects").fetchone() == (None,)
    conn.close()


def test_a_bad_dataset_line_names_file_and_line_and_stores_nothing(db_url, tickets):
    dataset, schema = tickets
    with dataset.open("a") as f:
        f.write("[1, 2]\n")
    with pytest.raises(LabeltuiError) as caught:
        init_project(db_url, "tickets", dataset, schema)
    assert (caught.value.path, caught.value.line) == (str(dataset), 13)
    assert "JSON object" in caught.value.message
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM labeltui_projects").fetchone() == (0,)
