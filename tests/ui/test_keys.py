"""Every key of the annotate screen, pressed through Textual's Pilot on a real session."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static
from ui_fixtures import MULTI_SCHEMA, TEXTS, read_lines

from labeltui.ui.app import make_app
from labeltui.ui.screens.help import HelpScreen
from labeltui.ui.screens.prompt import PromptScreen
from labeltui.ui.widgets.choice_editor import ChoiceEditor


def plain(widget, width: int = 120) -> str:
    """What a Static (or a renderable) shows, as plain text (renders Rich tables too)."""
    import io

    from rich.console import Console

    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(widget.content if isinstance(widget, Static) else widget)
    return console.export_text()


def shown_text(app) -> str:
    return str(app.screen.query_one("#item-text", Static).render())


def current(session) -> dict:
    """The annotation file's current line per id, read from disk."""
    out = {}
    for line in read_lines(session.store.path):
        out[line["_id"]] = line
    return out


async def test_triage_key_saves_and_advances(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test() as pilot:
        assert shown_text(app) == TEXTS[0]
        await pilot.press("2")
        assert shown_text(app) == TEXTS[1]
        await pilot.press("3", "1")
        assert shown_text(app) == TEXTS[3]
    lines = read_lines(session.store.path)
    assert [(x["_id"], x["labels"]["team"]) for x in lines] == [
        ("t0", "bug"),
        ("t1", "shipping"),
        ("t2", "billing"),
    ]
    assert all(x["_status"] == "done" and x["_annotator"] == "ann" for x in lines)
    assert lines[0]["text"] == TEXTS[0] and lines[0]["channel"] == "email"


async def test_unknown_key_does_nothing(make_session):
    session = make_session()
    async with make_app(session).run_test() as pilot:
        await pilot.press("9", "x")
        assert session.position == 0
    assert read_lines(session.store.path) == []


async def test_multi_task_keys_toggle_and_enter_saves(make_session):
    session = make_session(MULTI_SCHEMA)
    app = make_app(session)
    async with app.run_test() as pilot:
        topics = app.screen.query_one("#task-topics", ChoiceEditor)
        keys = {label.name: label.key for label in topics.task.labels}
        await pilot.press(keys["refund"], keys["mobile"], keys["refund"], keys["login"])
        assert topics.value() == ["login", "mobile"]
        await pilot.press("h")
        assert session.position == 0  # not triage: nothing saved yet
        priority = app.screen.query_one("#task-priority", ChoiceEditor)
        await pilot.press("h")  # again: stays selected (clearing is its own key)
        assert priority.value() == "high"
        await pilot.press("l")  # another label replaces it
        await pilot.press("enter")
        assert session.position == 1
        # an empty multi_choice is an answer; the choice task is required: nothing is saved
        await pilot.press("enter")
        assert session.position == 1
        await pilot.press("ctrl+k")  # skipping stays open
    lines = current(session)
    assert lines["t0"]["labels"] == {"topics": ["login", "mobile"], "priority": "low"}
    assert lines["t1"]["labels"] == {"topics": [], "priority": None}
    assert lines["t1"]["_status"] == "skipped"


async def test_prefilled_labels_are_shown_and_saved_unless_changed(make_session):
    rows = [
        {"id": "a", "text": "one", "labels": {"team": "bug"}},
        {"id": "b", "text": "two", "labels": {"team": "shipping"}},
    ]
    session = make_session(rows=rows)
    app = make_app(session)
    async with app.run_test() as pilot:
        editor = app.screen.query_one("#task-team", ChoiceEditor)
        assert editor.value() == "bug"
        shown = plain(editor.render())
        assert "(•) bug" in shown and "( ) billing" in shown
        await pilot.press("enter")  # accept the pre-annotation
        await pilot.press("1")  # correct it
    lines = current(session)
    assert lines["a"]["labels"] == {"team": "bug"}
    assert lines["b"]["labels"] == {"team": "billing"}


async def test_next_previous_and_goto(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("pagedown", "pagedown")
        assert shown_text(app) == TEXTS[2]
        await pilot.press("pageup")
        assert shown_text(app) == TEXTS[1]
        await pilot.press("pageup", "pageup")  # clamps at the first item
        assert session.position == 0
        await pilot.press("ctrl+g")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("5", "enter")
        assert shown_text(app) == TEXTS[4]
        await pilot.press("ctrl+g", "9", "9", "enter")  # out of range: stays
        assert session.position == 4
        await pilot.press("ctrl+g", "escape")
        assert session.position == 4 and not isinstance(app.screen, PromptScreen)
    assert read_lines(session.store.path) == []  # moving never saves


async def test_next_unlabelled_skips_annotated_items(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("pagedown", "1")  # label item 2; now on item 3
        await pilot.press("ctrl+g", "1", "enter")
        await pilot.press("1")  # label item 1; advance to item 2 (labelled)
        assert session.position == 1
        await pilot.press("ctrl+u")
        assert session.position == 2


async def test_skip_saves_skipped_status(make_session):
    session = make_session()
    async with make_app(session).run_test() as pilot:
        await pilot.press("ctrl+k")
        assert session.position == 1
    (line,) = read_lines(session.store.path)
    assert line["_id"] == "t0" and line["_status"] == "skipped"


async def test_undo_goes_back_with_previous_value(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("2")  # t0 = bug
        await pilot.press("pageup", "3")  # t0 = shipping, now on t1
        await pilot.press("ctrl+z")
        assert session.position == 0
        editor = app.screen.query_one("#task-team", ChoiceEditor)
        assert editor.value() == "bug"  # the value before the undone save
        await pilot.press("ctrl+z")
        assert editor.value() is None and session.position == 0
        await pilot.press("ctrl+z")  # nothing left: stays
        assert session.position == 0
    assert read_lines(session.store.path) == []


async def test_search_and_find_next(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = "LOG"
        await pilot.press("enter")
        assert shown_text(app) == TEXTS[1]  # "log in", case-insensitive
        await pilot.press("ctrl+f")
        assert shown_text(app) == TEXTS[4]  # "Login"
        await pilot.press("ctrl+f")
        assert shown_text(app) == TEXTS[1]  # wraps around
        await pilot.press("slash")
        app.screen.query_one(Input).value = "no such words"
        await pilot.press("enter")
        assert shown_text(app) == TEXTS[1]


async def test_help_lists_every_key_and_the_guidelines(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = plain(app.screen.query_one("#help-keys", Static))
        for expected in ("Enter", "PgDn", "PgUp", "^u", "^k", "^z", "^g", "/", "^f", "?", "^q"):
            assert expected in keys
        for label in ("billing", "bug", "shipping", "invoices and refunds"):
            assert label in keys
        guide = plain(app.screen.query_one("#help-guide", Static))
        assert "Pick the team" in guide
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_quit_keeps_every_save(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test() as pilot:
        await pilot.press("1", "2")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code is not None or not app.is_running
    assert [x["_id"] for x in read_lines(session.store.path)] == ["t0", "t1"]


async def test_markup_and_escapes_in_text_are_inert(make_session):
    rows = [{"id": "x", "text": "[bold red]x[/] and \x1b[2J and \x07bell", "note": "[i]n[/i]"}]
    session = make_session(rows=rows)
    app = make_app(session)
    async with app.run_test():
        assert shown_text(app) == "[bold red]x[/] and ␛[2J and ␇bell"
        meta = str(app.screen.query_one("#meta", Static).render())
        assert "[i]n[/i]" in meta


async def test_resume_opens_first_unannotated(make_session, tmp_path):
    session = make_session()
    async with make_app(session).run_test() as pilot:
        await pilot.press("1", "2")
    session.close()
    from labeltui.core.session import open_session

    again = open_session(tmp_path / "data.jsonl", tmp_path / "schema.yaml", "ann")
    try:
        assert again.position == 2
    finally:
        again.close()


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_small_terminals_show_help_key(make_session, size):
    session = make_session()
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = app.screen.query_one("#keys")
        assert footer.region.height == 1
        assert str(footer.render()).startswith("? All keys ")
        assert app.screen.query_one("#item-text").region.height >= 1


async def test_prefilled_scores_are_shown_until_annotated(make_session):
    rows = [
        {"id": "a", "text": "one", "labels": {"team": "bug", "_scores": {"team": 0.834}}},
        {"id": "b", "text": "two", "labels": {"team": "billing"}, "_scores": {"team": 0.5}},
    ]
    session = make_session(rows=rows)
    app = make_app(session)
    async with app.run_test() as pilot:
        meta = str(app.screen.query_one("#meta", Static).render())
        assert "pre-filled team=bug (0.83)" in meta
        await pilot.press("enter")
        meta = str(app.screen.query_one("#meta", Static).render())
        assert "pre-filled team=billing (0.50)" in meta
        await pilot.press("pageup")  # now annotated: the pre-fill note is gone
        assert "pre-filled" not in str(app.screen.query_one("#meta", Static).render())
    (line,) = read_lines(session.store.path)
    assert line["labels"] == {"team": "bug"} and "_scores" not in line["labels"]


async def test_duplicates_are_reported_once_indexed(make_session):
    rows = [{"id": "a", "text": "one"}, {"id": "b", "text": "two"}, {"id": "a", "text": "again"}]
    session = make_session(rows=rows)
    app = make_app(session)
    async with app.run_test(notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("dropped 1 line with a duplicate id" in m for m in messages), messages


async def test_a_failed_save_is_reported_and_the_item_stays(make_session, monkeypatch):
    import os

    session = make_session()
    app = make_app(session)

    def full_disk(fd, data):
        raise OSError(28, "No space left on device")

    async with app.run_test(notifications=True) as pilot:
        monkeypatch.setattr(os, "write", full_disk)
        await pilot.press("1")
        monkeypatch.undo()
        assert session.position == 0
        assert any("No space left" in n.message for n in app._notifications)
        await pilot.press("2")  # the disk is back: saving works again
        assert session.position == 1
    assert [x["labels"]["team"] for x in read_lines(session.store.path)] == ["bug"]
