"""Faults with a real server: stopped with `pg_ctl -m immediate` mid-work, a client killed with
SIGKILL while offline. Saves go on locally (`offline, N to send`); after the restart every line
arrives exactly once, undos included."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

import psycopg
from team_helpers import read_lines

from labeltui.core.team.outbox import TeamClient
from labeltui.core.team.project import init_project


def _server_lines(url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT annotator, item_id, ts FROM labeltui_lines ORDER BY item_id, ts"
        ).fetchall()


def _restart(pg) -> None:
    pg.start()
    from pg_cluster import _wait_ready

    _wait_ready(pg)


def test_server_stopped_mid_work_nothing_lost_nothing_twice(pg, db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)
    out = tmp_path / "ann.jsonl"
    client = TeamClient(db_url, "tickets", "ann", out)
    held = [client.claim() for _ in range(4)]  # on screen and fetched ahead
    client.save(held[0].data, held[0].item_id, {"team": "bug"})
    assert client.online and client.status_line() is None
    pg.stop("immediate")
    try:
        for n, item in enumerate(held[1:], start=1):
            client.save(item.data, item.item_id, {"team": "billing"})
            assert not client.online
            assert client.status_line() == f"offline, {n} to send"
        assert client.claim() is None and not client.online  # waiting for the server
        assert len(read_lines(out)) == 4  # every save is on disk meanwhile
    finally:
        _restart(pg)
    assert client.flush() and client.online
    assert client.status_line() is None and client.to_send == 0
    assert client.flush()  # sending again changes nothing
    rows = _server_lines(db_url)
    assert sorted((i, ts) for _, i, ts in rows) == sorted(
        (line["_id"], line["_ts"]) for line in read_lines(out)
    )
    assert len(rows) == 4
    nxt = client.claim()
    assert nxt is not None and nxt.item_id == "t4"  # the server knows t0..t3 are done
    client.close()


CHILD = textwrap.dedent(
    """
    import sys
    from labeltui.core.team.outbox import TeamClient
    url, out = sys.argv[1], sys.argv[2]
    client = TeamClient(url, "tickets", "ann", out)
    items = [client.claim() for _ in range(3)]
    client.save(items[0].data, items[0].item_id, {"team": "bug"})
    print("ready", flush=True)
    sys.stdin.readline()  # the server is stopped now
    client.save(items[1].data, items[1].item_id, {"team": "bug"})
    client.save(items[2].data, items[2].item_id, {"team": "other"})
    client.undo()  # takes back items[2] (never sent)
    client.undo()  # takes back items[1] (never sent)
    client.undo()  # takes back items[0]: it was sent, so the undo must be sent too
    client.save(items[1].data, items[1].item_id, {"team": "billing"})
    print(client.status_line(), flush=True)
    sys.stdin.readline()  # killed here with SIGKILL
    """
)


def test_killed_while_offline_the_next_start_sends_the_rest(pg, db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)
    out = tmp_path / "ann.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_url, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        assert len(_server_lines(db_url)) == 1
        pg.stop("immediate")
        child.stdin.write("go\n")
        child.stdin.flush()
        # one line (t1 billing) and one undo (t0) wait for the server
        assert child.stdout.readline().strip() == "offline, 2 to send"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        _restart(pg)
    local = read_lines(out)
    assert [(line["_id"], line["labels"]["team"]) for line in local] == [("t1", "billing")]
    client = TeamClient(db_url, "tickets", "ann", out)  # the next start
    assert client.to_send == 0 and client.online
    rows = _server_lines(db_url)
    assert [(i, ts) for _, i, ts in rows] == [("t1", local[0]["_ts"])]  # t0 was undone
    with psycopg.connect(db_url) as conn:
        work = conn.execute(
            "SELECT w.no, w.status FROM labeltui_work w WHERE w.status <> 'lease' ORDER BY no"
        ).fetchall()
    assert work == [(1, "done")]
    client.close()
    assert json.loads(out.read_text().splitlines()[0])["_annotator"] == "ann"
