"""A huge item (issue 13: a 100 MB single line): the screen shows the start of its text and
says how much is hidden; the whole text is kept and saved unchanged. (Times and memory at
100 MB: benchmarks/huge_line.py.)"""

from __future__ import annotations

import json

import pytest
from textual.widgets import Static

from labeltui.ui.app import make_app
from labeltui.ui.screens.labelling import SHOWN_CHARS

CHOICE = "tasks:\n  - {name: team, kind: choice, labels: [billing, bug]}\n"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(tmp_path / "cache"))


def huge_text(chars: int) -> str:
    unit = "Ticket 工单 🎉 line\nbreak\ttab "  # CJK, emoji (one code point, two columns), \n, \t
    return (unit * (chars // len(unit) + 1))[:chars]


async def test_a_huge_item_shows_its_start_and_saves_the_whole_text(make_session):
    text = "START " + huge_text(1_200_000) + " THE-END"
    session = make_session(
        CHOICE, rows=[{"id": "big", "text": text, "n": 1}, {"id": "b", "text": "x"}]
    )
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one("#item-text", Static).render())
        assert shown.startswith("START Ticket 工单 🎉 line\nbreak\ttab")
        hidden = len(text) - SHOWN_CHARS
        assert f"… {hidden:,} more characters not shown (the whole text is kept and saved)" in shown
        assert "THE-END" not in shown
        assert len(shown) < SHOWN_CHARS + 200
        await pilot.press("1")  # triage: saves billing, next item
        await pilot.pause()
        assert session.position == 1
    (line,) = session.store.path.read_text(encoding="utf-8").splitlines()
    saved = json.loads(line)
    assert saved["text"] == text and saved["labels"] == {"team": "billing"}


async def test_a_text_up_to_the_limit_is_shown_whole(make_session):
    text = "a" * (SHOWN_CHARS - 1) + "Z"
    session = make_session(CHOICE, rows=[{"id": "a", "text": text}])
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one("#item-text", Static).render())
        assert shown.endswith("aZ") and "not shown" not in shown


async def test_a_huge_field_on_the_meta_line_is_cut(make_session):
    rows = [{"id": "a", "text": "short", "notes": "n" * 2_000_000}]
    session = make_session(CHOICE, rows=rows)
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        meta = app.screen.query_one("#meta", Static)
        assert len(str(meta.render())) < 1000
        assert "notes: nnn" in str(meta.render())
