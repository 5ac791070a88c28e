"""What the app says about its files, shown as plain text (issue 13), pressed through Pilot.

- the annotation file deleted (or replaced) between saves: the store writes it anew and the
  app shows the store's notice on screen, after a save and after an undo;
- a half-written last dataset line: a note once the index is complete;
- every notification is plain text: `[...]` from a file name is never read as markup;
- one-line places (header, meta line) stay one line whatever an id or a field holds;
- "1 item has", not "1 items have".
"""

from __future__ import annotations

import json
import os

import pytest
from textual.widgets import Static
from textual.widgets._toast import Toast
from ui_fixtures import read_lines, write_dataset

from labeltui.core.session import open_session
from labeltui.ui.app import make_app


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(tmp_path / "cache"))


def toasts(app) -> str:
    """The notifications on screen now, as the annotator reads them."""
    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


def on_one_line(widget: Static) -> str:
    text = str(widget.render())
    assert "\n" not in text and "\x1b" not in text, repr(text)
    return text


async def test_a_deleted_annotation_file_is_written_anew_and_the_app_says_so(make_session):
    session = make_session()
    path = session.store.path
    app = make_app(session)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("1")  # triage: saves billing, next item
        await pilot.pause()
        assert "written again" not in toasts(app)
        path.unlink()
        await pilot.press("2")  # the store sees the path lost its file, writes it anew
        await pilot.pause()
        shown = " ".join(toasts(app).split())
        assert f"{path} was deleted while labeltui had it open" in shown, shown
        assert "written again with every answer it held (1 by ann)" in shown, shown
        await pilot.press("3")
        await pilot.pause()
    assert [(r["_id"], r["labels"]["team"]) for r in read_lines(path)] == [
        ("t0", "billing"),
        ("t1", "bug"),
        ("t2", "shipping"),
    ]
    # shown once, not again on the next save
    assert sum("was deleted" in n.message for n in app._notifications) == 1


async def test_a_replaced_file_is_said_after_an_undo_too(make_session, tmp_path):
    session = make_session()
    path = session.store.path
    app = make_app(session)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("1", "2")
        await pilot.pause()
        stranger = tmp_path / "stranger.jsonl"
        stranger.write_text('{"not": "ours"}\n')
        os.replace(stranger, path)  # another program put its own file at the path
        await pilot.press("ctrl+z")  # undo: the store writes ours anew first, then undoes
        await pilot.pause()
        shown = " ".join(toasts(app).split())
        assert "was replaced by another file (moved to" in shown, shown
        assert "Undid the last save." in shown
    assert [(r["_id"], r["labels"]["team"]) for r in read_lines(path)] == [("t0", "billing")]
    aside = [p for p in tmp_path.iterdir() if ".replaced-" in p.name]
    assert len(aside) == 1 and aside[0].read_text() == '{"not": "ours"}\n'


async def test_an_incomplete_last_dataset_line_is_noted_once_indexed(make_session, tmp_path):
    session = make_session()
    data = tmp_path / "data.jsonl"
    session.close()
    with data.open("a") as f:
        f.write('{"id": "half", "text": "cut in the mid')  # no newline: a save in progress
    session = open_session(data, tmp_path / "schema.yaml", "ann", None)
    app = make_app(session)
    try:
        async with app.run_test(size=(140, 40), notifications=True) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown = toasts(app)
            assert (
                "data.jsonl:6: incomplete last line left out (a save in progress or a crash)"
                in (" ".join(shown.split()))
            ), shown
            assert len(session.index) == 5
    finally:
        session.close()


async def test_notifications_are_plain_text_never_markup(tmp_path, monkeypatch):
    # A folder name Textual would read as markup: "[b]" would vanish, "[/x]" is a MarkupError.
    folder = tmp_path / "[b]team[" / "x]"  # the path reads "…/[b]team[/x]/d.ann.jsonl"
    folder.mkdir(parents=True)
    data = write_dataset(
        folder / "d.jsonl", [{"id": "a", "text": "one"}, {"id": "b", "text": "two"}]
    )
    schema = folder / "s.yaml"
    schema.write_text("tasks:\n  - {name: team, kind: choice, labels: [x, y]}\n")
    session = open_session(data, schema, "ann", None)
    session.index.scan_all()
    app = make_app(session)
    try:
        async with app.run_test(size=(160, 40), notifications=True) as pilot:
            await pilot.press("1")
            session.store.path.unlink()
            await pilot.press("1")
            await pilot.pause()
            shown = " ".join(toasts(app).split())
            assert "[b]team[/x]/d.ann.jsonl was deleted" in shown, shown
    finally:
        session.close()
    assert [r["_id"] for r in read_lines(folder / "d.ann.jsonl")] == ["a", "b"]


async def test_header_and_meta_stay_one_line_with_newlines_and_escapes(make_session):
    rows = [
        {"id": "a\nb\x1b[31m", "text": "body", "source": "x\ny\tz\x1b]52;c;AAAA\x07"},
        {"id": "two", "text": "more"},
    ]
    session = make_session(rows=rows)
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = on_one_line(app.screen.query_one("#header", Static))
        assert "item a⏎b␛[31m" in header, header
        meta = on_one_line(app.screen.query_one("#meta", Static))
        assert "source: x⏎y␉z␛]52;c;AAAA␇" in meta, meta


async def test_one_item_left_is_said_in_the_singular(make_session):
    session = make_session(rows=[{"id": "a", "text": "one"}, {"id": "b", "text": "two"}])
    app = make_app(session)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("pagedown")
        await pilot.press("1")  # the last item saved; a is still open
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert "Saved the last item. 1 item has no annotation yet (ctrl+u finds them)." in messages
        assert not any("1 items" in m for m in messages), messages
    assert json.loads(session.store.path.read_text())["_id"] == "b"
