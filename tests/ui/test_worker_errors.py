"""A background job that fails ends in the app's one worker-error handler: one line says what
went wrong, and the app goes on with what it has (Pilot on a real session).

Before that handler, an `OSError` in the index thread (a disk error, a file on a network share
that went away) ended the worker silently: the status line said "indexing…" for ever.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ui_fixtures import TEXTS, TRIAGE_SCHEMA, read_lines

from labeltui.core.session import open_session
from labeltui.ui.app import make_app
from labeltui.ui.screens.annotate import AnnotateScreen
from labeltui.ui.screens.prompt import PromptScreen


def plain(widget) -> str:
    return str(widget.content) if hasattr(widget, "content") else str(widget.render())


@pytest.fixture
def big_session(tmp_path: Path):
    """A session on 3000 items: opening it reads only the first chunk of the file."""
    rows = [{"id": f"T{i:04d}", "text": f"ticket {i} " + TEXTS[i % 5]} for i in range(3000)]
    dataset = tmp_path / "data.jsonl"
    dataset.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "schema.yaml").write_text(TRIAGE_SCHEMA)
    session = open_session(dataset, tmp_path / "schema.yaml", "ann")
    yield session
    session.close()


async def settle(app, pilot) -> None:
    """Until the background index has started and ended (it starts after the first paint)."""
    for _ in range(100):
        await pilot.pause(0.02)
        await app.workers.wait_for_complete()
        if any(w.group == "index" for w in app.workers) or app.screen.banner.has_class("shown"):
            break
    await app.workers.wait_for_complete()
    await pilot.pause()


def fail_reading(*args, **kwargs) -> None:
    raise OSError(5, "Input/output error")


async def test_an_oserror_in_the_index_thread_keeps_what_was_indexed(big_session, monkeypatch):
    session = big_session
    read = len(session.index)
    assert 0 < read < 3000 and not session.index.complete
    monkeypatch.setattr(session.index, "scan", fail_reading)  # the disk fails from here on
    app = make_app(session)
    async with app.run_test(notifications=True) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AnnotateScreen)
        status = plain(screen.query_one("#status"))
        assert "indexing" not in status
        assert status.startswith(f"1/{read} ")  # the exact count of the items read
        banner = screen.query_one("#banner")
        assert banner.has_class("shown")
        line = plain(banner)
        assert "data.jsonl: [Errno 5] Input/output error" in line and "\n" not in line
        assert "the items read before it are all there is" in line
        assert not session.still_reading  # look-ups do not wait for a scan that never comes
        await pilot.press("ctrl+g")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*str(read + 5), "enter")
        await pilot.pause()
        assert f"Item numbers go from 1 to {read}." in [n.message for n in app._notifications]
        await pilot.press("2")  # the app goes on: bug, saved
    (saved,) = read_lines(session.store.path)
    assert (saved["_id"], saved["labels"]) == ("T0000", {"team": "bug"})


async def test_any_other_failed_job_is_one_notification(big_session, monkeypatch):
    """A search over a file still being read runs in a thread; an OSError there is said once,
    as one line, and the item shown stays."""
    session = big_session
    monkeypatch.setattr(AnnotateScreen, "index_rest", lambda self: None)
    monkeypatch.setattr(session, "find_next", fail_reading)
    app = make_app(session)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press("slash")
        await pilot.press(*"ticket", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == ["search failed: [Errno 5] Input/output error"]
        assert session.item().id == "T0000"
