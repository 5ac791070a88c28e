"""`labeltui annotate --db` in tmux against the real cluster, with a real fault (issue 16):
label, stop the server with `pg_ctl -m immediate`, keep labelling, see `offline, N to send` on
screen and then the waiting state, restart the server, see the next item come and every line
arrive exactly once; ctrl+q gives the leases back. The password is never on the screen."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import psycopg
import pytest
from pg_cluster import PASSWORD, _wait_ready
from team_helpers import read_lines

from labeltui.core.team.project import init_project

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from tmux_driver import Tmux, needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]


def query(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def wait_for_rows(url: str, sql: str, expected, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    rows = None
    while time.monotonic() < deadline:
        rows = query(url, sql)
        if rows == expected:
            return
        time.sleep(0.1)
    raise AssertionError(f"{sql}: {rows!r}, not {expected!r}")


LEASES = "SELECT no FROM labeltui_work WHERE status = 'lease' ORDER BY no"


def test_server_stopped_mid_session_then_back_everything_once(pg, db_url, tickets, tmp_path):
    init_project(db_url, "tickets", *tickets)
    work = tmp_path / "work"
    work.mkdir()
    args = ["annotate", "--db", db_url, "--project", "tickets", "-a", "ann"]
    t = Tmux(args, work)
    screens: list[str] = []
    try:
        screens.append(t.wait_for("ticket 0", "done 0"))
        wait_for_rows(db_url, LEASES, [(0,), (1,)])  # on screen, and fetched ahead
        t.send("1")
        screens.append(t.wait_for("ticket 1", "done 1"))
        wait_for_rows(db_url, "SELECT item_id FROM labeltui_lines", [("t0",)])
        wait_for_rows(db_url, LEASES, [(1,), (2,)])
        pg.stop("immediate")
        try:
            t.send("2")  # t1: kept on disk
            screens.append(t.wait_for("ticket 2", "done 2"))
            t.send("3")  # t2, leased before the stop: still served
            screens.append(t.wait_for("offline, 2 to send", "Waiting for the server"))
            assert len(read_lines(work / "tickets.ann.jsonl")) == 3
        finally:
            pg.start()
            _wait_ready(pg)
        screens.append(t.wait_for("ticket 3", timeout=12))  # retried at least every 10 s
        screens.append(t.wait_gone("offline", timeout=15))
        wait_for_rows(db_url, "SELECT count(*) FROM labeltui_lines", [(3,)])
        wait_for_rows(db_url, LEASES, [(3,), (4,)])
        t.send("C-q")
        assert t.exit_status() == 0
        screens.append(t.screen())
    finally:
        t.close()
    local = read_lines(work / "tickets.ann.jsonl")
    assert [(x["_id"], x["labels"]["team"]) for x in local] == [
        ("t0", "billing"), ("t1", "bug"), ("t2", "other")
    ]  # fmt: skip
    rows = query(db_url, "SELECT item_id, ts FROM labeltui_lines ORDER BY item_id")
    assert rows == [(x["_id"], x["_ts"]) for x in local]  # every line exactly once
    assert query(db_url, LEASES) == []  # ctrl+q gave back the item on screen and the next
    assert "3 annotations saved this session" in screens[-1]
    assert not any(PASSWORD in screen for screen in screens)
