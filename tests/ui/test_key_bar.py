"""The footer line: which keys it shows, in what order, and that clicking a key presses it."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from labeltui.ui.app import make_app
from labeltui.ui.widgets.key_bar import fit_entries, key_entries

SPANS_SCHEMA = """\
tasks:
  - name: entities
    kind: spans
    labels: [PER, ORG]
"""


def display(binding: Binding) -> str:
    return binding.key_display or binding.key.upper()


def test_entries_follow_the_bindings_with_help_first_and_groups_joined():
    move = Binding.Group("Move", compact=True)
    edges = Binding.Group("Edges")
    bindings = [
        (Binding("left", "step(-1)", "Back", key_display="←", group=move), True),
        (Binding("right", "step(1)", "Forward", key_display="→", group=move), True),
        (Binding("a", "grow", "Grow", group=edges), True),
        (Binding("b", "shrink", "Shrink", group=edges), False),
        (Binding("x", "hidden", "Hidden", show=False), True),
        (Binding("enter", "save", "Save"), False),
        (Binding("s", "save", "Save again"), True),  # one action shows once, its first key
        (Binding("question_mark,f1", "help", "Help", key_display="?"), True),
        (Binding("c", "lonely", "Alone", group=edges), True),
    ]
    assert key_entries(bindings, display) == [
        ("?", "Help", "question_mark", True),
        ("ENTER", "Save", "enter", False),
        ("←→", "Move", None, True),
        ("A B C", "Edges", None, True),  # "c" joins its group once "save" moved first
    ]
    assert key_entries(bindings, display, first=())[0] == ("←→", "Move", None, True)


async def test_the_span_screen_at_80_columns_shows_help_first_then_the_editor_keys(
    make_session,
):
    app = make_app(make_session(SPANS_SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = str(app.screen.query_one("#keys").render())
        assert line.startswith("? All keys ") and line.index("Save+next") < line.index("Select")


async def test_clicking_a_key_presses_it(make_session):
    session = make_session()
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one("#keys")
        line = str(bar.render())
        first = session.item()
        assert await pilot.click("#keys", offset=(line.index("^k"), 0))
        await pilot.pause()
        assert session.status(first) == "skipped" and session.position == 1
        # a click between keys presses nothing
        assert await pilot.click("#keys", offset=(len(line) + 2, 0))
        await pilot.pause()
        assert session.position == 1


AUDIO_SCHEMA = """\
tasks:
  - name: events
    kind: audio_marks
    labels: [speech, noise, music]
"""
ESSENTIAL_KEYS = ("? All keys", "Save", "pgdn Next", "^k Skip", "^z Undo", "^q Quit")


@pytest.mark.parametrize("width,height", [(80, 24), (60, 20)])
@pytest.mark.parametrize("schema", ["triage", "multi", "spans", "audio"])
async def test_every_screen_shows_the_essential_keys_at_80_and_60_columns(
    make_session, tmp_path, schema, width, height
):
    from ui_fixtures import MULTI_SCHEMA, TRIAGE_SCHEMA

    if schema == "audio":
        session = make_session(AUDIO_SCHEMA, rows=[{"id": "a", "audio": "missing.wav"}])
    else:
        text = {"triage": TRIAGE_SCHEMA, "multi": MULTI_SCHEMA, "spans": SPANS_SCHEMA}[schema]
        session = make_session(text)
    app = make_app(session)
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.pause()
        line = str(app.screen.query_one("#keys").render())
        assert len(line) <= width
        for key in ESSENTIAL_KEYS:
            assert key in line, (key, line)
        # whole entries only: the line never ends inside a word such as "^q Qui"
        assert not line.rstrip().endswith(("Qui", "Nex", "Sav"))


def test_fit_entries_keeps_the_first_ones_and_whole_others_that_fit():
    entries = [("a", "One", "a", True), ("b", "Two", "b", True), ("cc", "Three", "c", True)]
    assert fit_entries(entries, 5, keep=1) == entries[:1]
    assert fit_entries(entries, 11, keep=1) == entries[:2]  # "a One b Two"
    assert fit_entries(entries, 12, keep=0) == entries[:2]
    assert fit_entries(entries, 100, keep=0) == entries


def test_a_group_of_one_is_its_own_entry():
    edges = Binding.Group("Edges")
    bindings = [
        (Binding("a", "grow", "Grow", group=edges), True),
        (Binding("x", "other", "Other"), True),
        (Binding("c", "lonely", "Alone", group=edges), True),
    ]
    assert key_entries(bindings, display)[-1] == ("C", "Alone", "c", True)
