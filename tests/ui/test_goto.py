"""`ctrl+g` takes an item number or an id, and `/` and `ctrl+f` match ids as well as text, also
before the background index has reached the item (Pilot on a real session)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input, Label
from ui_fixtures import TEXTS, TRIAGE_SCHEMA, read_lines

from labeltui.core.session import open_session
from labeltui.ui.app import make_app
from labeltui.ui.screens.annotate import AnnotateScreen
from labeltui.ui.screens.prompt import PromptScreen


def shown_id(app) -> str:
    return app.screen.session.item().id


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def answer(pilot, keys: str, text: str) -> None:
    """Open a prompt with `keys`, type `text` into it and press enter."""
    await pilot.press(keys)
    assert isinstance(pilot.app.screen, PromptScreen)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_goto_an_id_and_label_it(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press("ctrl+g")
        question = str(app.screen.query_one(Label).render())
        assert question == "Go to item number (1–5) or id:"
        key_line = str(app.screen.query_one("#prompt-key-bar").render())
        assert key_line == "esc Cancel"  # not the annotate keys, which do not work here
        await pilot.press(*"t3", "enter")
        assert shown_id(app) == "t3"
        await pilot.press("2")  # bug, saved
    (line,) = read_lines(session.store.path)
    assert (line["_id"], line["labels"]) == ("t3", {"team": "bug"})


async def test_goto_a_number_still_works_and_an_unknown_id_says_so(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test(notifications=True) as pilot:
        await answer(pilot, "ctrl+g", "4")
        assert shown_id(app) == "t3"
        await answer(pilot, "ctrl+g", "T0100")
        assert shown_id(app) == "t3"
        assert "No item has the id 'T0100'." in messages(app)
        assert not any("Not an item number" in m for m in messages(app))
        await answer(pilot, "ctrl+g", "9")
        assert "Item numbers go from 1 to 5." in messages(app)
        assert shown_id(app) == "t3"


async def test_search_matches_ids(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press("slash")
        assert str(app.screen.query_one(Label).render()) == "Search item ids and text for:"
        app.screen.query_one(Input).value = "T2"  # no text has it; the id t2 does
        await pilot.press("enter")
        assert shown_id(app) == "t2"
        await answer(pilot, "slash", "T")  # every id: the next one, then ctrl+f again
        assert shown_id(app) == "t3"
        await pilot.press("ctrl+f")
        assert shown_id(app) == "t4"
        await answer(pilot, "slash", "log in")  # text still matches
        assert shown_id(app) == "t1"
        await answer(pilot, "slash", "T0100")
        assert "No item id or text contains 'T0100'." in messages(app)


# -- before the background index is complete ----------------------------------------------------


@pytest.fixture
def big_session(tmp_path: Path, monkeypatch):
    """A session on 3000 items whose background index never runs: only the first is read."""
    rows = [{"id": f"T{i:04d}", "text": f"ticket {i} " + TEXTS[i % 5]} for i in range(3000)]
    dataset = tmp_path / "data.jsonl"
    dataset.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "schema.yaml").write_text(TRIAGE_SCHEMA)
    monkeypatch.setattr(AnnotateScreen, "index_rest", lambda self: None)
    session = open_session(dataset, tmp_path / "schema.yaml", "ann")
    yield session
    session.close()


async def test_goto_an_id_the_index_has_not_reached(big_session):
    app = make_app(big_session)
    async with app.run_test(notifications=True) as pilot:
        assert not big_session.index.complete and len(big_session.index) < 100
        await pilot.press("ctrl+g")
        assert str(app.screen.query_one(Label).render()) == "Go to item number or id:"
        await pilot.press(*"T2500", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown_id(app) == "T2500"
        assert "ticket 2500 " in str(app.screen.query_one("#item-text").render())
        await pilot.press("3")  # shipping
    (line,) = read_lines(big_session.store.path)
    assert (line["_id"], line["labels"]) == ("T2500", {"team": "shipping"})


async def test_search_an_id_the_index_has_not_reached(big_session):
    app = make_app(big_session)
    async with app.run_test(notifications=True) as pilot:
        await answer(pilot, "slash", "t2999")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown_id(app) == "T2999"
        await answer(pilot, "slash", "ticket 17 ")  # wraps around to an item read before
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown_id(app) == "T0017"
