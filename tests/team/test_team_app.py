"""`annotate --db` in the app (issue 16), pressed through Pilot against the real cluster: items
come from the server fetched ahead, saves reach it from the queue's thread, the server going
away shows `offline, N to send` and then a waiting state, and everything arrives once after the
restart; undo of a sent save is sent; quitting gives the leases back."""

from __future__ import annotations

import asyncio
import time

import psycopg
from team_helpers import read_lines
from textual.widgets import Static

from labeltui.core.team.outbox import TeamClient
from labeltui.core.team.project import init_project
from labeltui.core.team.queue import TeamQueue
from labeltui.ui.app import make_team_app

SIZE = (100, 30)


def open_queue(db_url, tmp_path, annotator="ann", **kwargs) -> TeamQueue:
    client = TeamClient(db_url, "tickets", annotator, tmp_path / f"{annotator}.jsonl")
    queue = TeamQueue(client, media=tmp_path, retry=0.3, **kwargs)
    return queue.start()


def server(db_url, query: str) -> list[tuple]:
    with psycopg.connect(db_url) as conn:
        return conn.execute(query).fetchall()


def screen_text(app) -> str:
    """What the screen shows on its one-line widgets and the item's text."""
    screen = app.screen
    parts = [str(screen.heading), str(screen.status)]
    for widget in screen.query(Static):
        if widget.display:
            parts.append(str(widget.content))
    return "\n".join(parts)


async def wait_until(pilot, check, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await pilot.pause(0.05)


def sent(db_url) -> list[tuple[str, str]]:
    return server(db_url, "SELECT item_id, ts FROM labeltui_lines ORDER BY item_id, ts")


async def test_items_come_fetched_ahead_and_saves_reach_the_server(pg, db_url, tickets, tmp_path):
    init_project(db_url, "tickets", *tickets)
    queue = open_queue(db_url, tmp_path)
    app = make_team_app(queue)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert queue.item().id == "t0" and "ticket 0" in screen_text(app)
            await wait_until(pilot, lambda: len(queue._ahead) == 1)  # t1 fetched ahead
            leases = server(db_url, "SELECT no FROM labeltui_work WHERE status = 'lease'")
            assert sorted(leases) == [(0,), (1,)]
            await pilot.press("2")  # bug: triage saves and shows the next item at once
            assert queue.item().id == "t1" and "ticket 1" in screen_text(app)
            await pilot.press("1")
            assert queue.item().id == "t2"
            await wait_until(pilot, lambda: len(sent(db_url)) == 2)
            assert "offline" not in screen_text(app)
    finally:
        queue.close()
    local = read_lines(tmp_path / "ann.jsonl")
    assert [(x["_id"], x["labels"]["team"]) for x in local] == [("t0", "bug"), ("t1", "billing")]
    assert sent(db_url) == [(x["_id"], x["_ts"]) for x in local]
    # quitting gave back the item on screen (t2) and the one fetched ahead (t3)
    assert server(db_url, "SELECT no FROM labeltui_work WHERE status = 'lease'") == []


async def test_server_stopped_offline_then_waiting_then_everything_once(
    pg, db_url, tickets, tmp_path
):
    init_project(db_url, "tickets", *tickets)
    queue = open_queue(db_url, tmp_path)
    app = make_team_app(queue)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(queue._ahead) == 1)
            await pilot.press("1")  # t0, sent while online
            await wait_until(pilot, lambda: len(sent(db_url)) == 1 and len(queue._ahead) == 1)
            pg.stop("immediate")
            try:
                await pilot.press("2")  # t1, on screen: saved locally
                await pilot.press("3")  # t2, fetched ahead: saved locally
                await wait_until(pilot, lambda: "offline, 2 to send" in screen_text(app))
                assert queue.empty  # nothing more leased: waiting for the server
                assert "Waiting for the server" in screen_text(app)
                await pilot.press("1")  # nothing to save while waiting
                assert len(read_lines(tmp_path / "ann.jsonl")) == 3
            finally:
                pg.start()
            await wait_until(pilot, lambda: not queue.empty, timeout=30)
            await wait_until(pilot, lambda: "offline" not in screen_text(app))
            assert queue.item().id == "t3" and "ticket 3" in screen_text(app)
            await pilot.pause()
            assert app.screen.focused is app.screen.editors[0]  # the editor has the keys again
            await wait_until(pilot, lambda: len(sent(db_url)) == 3)
    finally:
        queue.close()
    local = read_lines(tmp_path / "ann.jsonl")
    assert [x["_id"] for x in local] == ["t0", "t1", "t2"]
    assert sent(db_url) == [(x["_id"], x["_ts"]) for x in local]  # each exactly once
    done = server(db_url, "SELECT no FROM labeltui_work WHERE status = 'done' ORDER BY no")
    assert done == [(0,), (1,), (2,)]


async def test_undo_of_a_sent_save_is_sent(pg, db_url, tickets, tmp_path):
    init_project(db_url, "tickets", *tickets)
    queue = open_queue(db_url, tmp_path)
    app = make_team_app(queue)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("2")
            await wait_until(pilot, lambda: len(sent(db_url)) == 1)
            await pilot.press("ctrl+z")
            assert queue.item().id == "t0" and queue.status() is None
            await wait_until(pilot, lambda: sent(db_url) == [])
            done = server(db_url, "SELECT count(*) FROM labeltui_work WHERE status = 'done'")
            assert done == [(0,)]
            # back on screen, the item is leased again (no one else gets it meanwhile)
            await wait_until(pilot, lambda: 0 in queue.client.held)
            leases = server(db_url, "SELECT no FROM labeltui_work WHERE status = 'lease'")
            assert (0,) in leases
            await pilot.press("3")  # answered again
            await wait_until(pilot, lambda: len(sent(db_url)) == 1)
    finally:
        queue.close()
    assert read_lines(tmp_path / "ann.jsonl")[0]["labels"] == {"team": "other"}


async def test_lease_is_renewed_while_the_item_is_on_screen(pg, db_url, tickets, tmp_path):
    init_project(db_url, "tickets", *tickets)
    client = TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl", lease=4)
    queue = TeamQueue(client, retry=0.3, renew_every=0.5).start()
    app = make_team_app(queue)
    try:
        async with app.run_test(size=SIZE):
            await asyncio.sleep(6)  # longer than the lease: renewed meanwhile
            live = server(
                db_url,
                "SELECT no FROM labeltui_work WHERE status = 'lease' AND expires > now()",
            )
            assert (0,) in live
            other = TeamClient(db_url, "tickets", "bob", tmp_path / "bob.jsonl")
            try:
                assert other.claim().item_id not in ("t0", "t1")  # still ann's
            finally:
                other.close()
    finally:
        queue.close()


async def test_nothing_left_says_so(pg, db_url, tickets, tmp_path):
    dataset, schema = tickets
    dataset.write_text('{"id": "only", "text": "the only ticket"}\n')
    init_project(db_url, "tickets", dataset, schema)
    queue = open_queue(db_url, tmp_path)
    app = make_team_app(queue)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("1")
            await wait_until(pilot, lambda: "No items left for you" in screen_text(app))
            assert "nothing left" in str(app.screen.heading)
            await pilot.press("ctrl+z")  # back to the item
            assert queue.item().id == "only" and "the only ticket" in screen_text(app)
    finally:
        queue.close()


async def test_gold_items_from_team_init_are_mixed_in(pg, db_url, tickets, tmp_path):
    import json

    from labeltui.core.gold_queue import GoldPlan
    from labeltui.core.team.gold import load_gold

    gold = tmp_path / "gold.jsonl"
    rows = [
        {"text": f"gold ticket {i}", "labels": {"team": "other"}, "_id": f"g{i}",
         "_annotator": "lead", "_status": "done", "_ts": "2026-01-01T00:00:00.000Z"}
        for i in range(2)
    ]  # fmt: skip
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    init_project(db_url, "tickets", *tickets, gold=gold, gold_every=2)
    client = TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl")
    items, every = load_gold(client)
    assert every == 2 and [g.id for g in items] == ["g0", "g1"]
    queue = TeamQueue(client, retry=0.3, gold=items, gold_every=every).start()
    plan = GoldPlan(2, 2, "ann")
    app = make_team_app(queue)
    try:
        async with app.run_test(size=SIZE) as pilot:
            for position in range(4):
                await wait_until(pilot, lambda: not queue.empty)
                is_gold, _ = plan.slot(position)
                assert queue.is_gold() == is_gold
                await pilot.press("1")  # billing: gold says other
                if is_gold:
                    assert "Expected answer: other" in screen_text(app)
            await wait_until(pilot, lambda: len(sent(db_url)) == 4)
    finally:
        queue.close()
    local = read_lines(tmp_path / "ann.jsonl")
    assert sorted(x["_id"] for x in local if x.get("_gold")) == ["g0", "g1"]
    assert [x["_id"] for x in local if not x.get("_gold")] == ["t0", "t1"]
    # gold answers are kept on the server but count for no item
    done = server(db_url, "SELECT no FROM labeltui_work WHERE status = 'done' ORDER BY no")
    assert done == [(0,), (1,)]


def test_offline_count_always_fits_on_the_status_line():
    from labeltui.core.session import Progress
    from labeltui.ui.widgets.status_bar import status_text

    progress = Progress(4, 9, True, 3, 3, 120.0, 60.0, connection="offline, 3 to send")
    for width in (100, 60, 40):
        assert "offline, 3 to send" in status_text(progress, "ann", width).plain
    progress.connection = None
    assert "offline" not in status_text(progress, "ann", 100).plain


def test_audio_paths_are_resolved_under_media(tmp_path):
    from pathlib import Path

    from labeltui.core.schema import parse_schema
    from labeltui.core.team.answers import make_item

    schema = parse_schema(
        "audio_field: audio\ntasks:\n  - name: t\n    kind: audio_marks\n    labels: [a]\n", "s"
    )
    media = tmp_path / "media"
    item = make_item(schema, media, 4, "x", {"audio": "calls/x.wav"})
    assert item.audio == str(media / "calls" / "x.wav") and item.index == 4
    assert make_item(schema, media, 0, "y", {"audio": "/abs/y.wav"}).audio == "/abs/y.wav"
    assert Path(make_item(schema, media, 0, "z", {}).audio or "none") == Path("none")
