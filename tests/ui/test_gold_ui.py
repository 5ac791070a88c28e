"""Gold items in the annotate app (issue 19 item 2), pressed through Pilot: a gold item's
answer is saved with `"_gold": true`, and a differing answer shows the expected answer until
the next key, without changing what was saved."""

from __future__ import annotations

import json

from textual.widgets import Static
from ui_fixtures import MULTI_SCHEMA, TEXTS, TRIAGE_SCHEMA, write_dataset

from labeltui.core.gold_session import GoldSession
from labeltui.core.session import open_session
from labeltui.ui.app import make_app


def gold_file(path, labels: dict, n: int = 3):
    rows = [
        {"id": f"g{i}", "text": f"Gold ticket {i}", "labels": labels, "_id": f"g{i}",
         "_annotator": "rev", "_status": "done", "_ts": "2026-01-01T00:00:00.000Z"}
        for i in range(n)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def open_gold(tmp_path, schema_text: str, labels: dict) -> GoldSession:
    rows = [{"id": f"t{i}", "text": t} for i, t in enumerate(TEXTS * 2)]
    dataset = write_dataset(tmp_path / "data.jsonl", rows)
    schema = tmp_path / "schema.yaml"
    schema.write_text(schema_text)
    gold = gold_file(tmp_path / "gold.jsonl", labels)
    session = open_session(dataset, schema, "ann", gold=gold, gold_every=2)
    session.index.scan_all()
    assert isinstance(session, GoldSession)
    return session


def expected_line(app) -> Static | None:
    line = app.screen.query_one("#expected-answer", Static)
    return line if line.display else None


def saved_lines(session) -> list[dict]:
    return [json.loads(x) for x in session.store.path.read_text().splitlines()]


async def test_triage_gold_answer_saved_and_expected_shown_until_next_key(tmp_path):
    session = open_gold(tmp_path, TRIAGE_SCHEMA, {"team": "bug"})
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        while not session.is_gold():  # answer the dataset items before the first gold item
            assert expected_line(app) is None
            await pilot.press("2")
            await pilot.pause()
        assert session.values() == {"team": None}  # gold's answer is not pre-filled
        assert "bug" not in str(app.screen.query_one("#meta", Static).content)
        await pilot.press("1")  # billing: gold says bug
        await pilot.pause()
        line = expected_line(app)
        assert line is not None and "Expected answer: bug" in str(line.content)
        before = session.store.path.read_bytes()
        last = saved_lines(session)[-1]
        assert last["_gold"] is True and last["labels"] == {"team": "billing"}
        await pilot.press("z")  # any key: the expected answer goes
        await pilot.pause()
        assert expected_line(app) is None
        assert session.store.path.read_bytes() == before  # the key changed nothing saved
    session.close()


async def test_matching_gold_answer_shows_nothing_and_enter_path_shows_until_next_key(tmp_path):
    session = open_gold(tmp_path, MULTI_SCHEMA, {"priority": "high"})
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        while not session.is_gold():
            await pilot.press("h", "enter")
            await pilot.pause()
        await pilot.press("h", "enter")  # the expected answer: nothing shown
        await pilot.pause()
        assert saved_lines(session)[-1]["_gold"] is True
        assert expected_line(app) is None
        while not session.is_gold():
            await pilot.press("h", "enter")
            await pilot.pause()
        await pilot.press("l", "enter")  # low: gold says high
        await pilot.pause()
        line = expected_line(app)
        assert line is not None and "high" in str(line.content)
        assert saved_lines(session)[-1]["labels"]["priority"] == "low"
        await pilot.press("right")
        await pilot.pause()
        assert expected_line(app) is None
    assert all(not x.get("_gold") for x in saved_lines(session) if x["_id"].startswith("t"))
    session.close()
