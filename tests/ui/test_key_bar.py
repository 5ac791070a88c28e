"""The footer line: which keys it shows, in what order, and that clicking a key presses it."""

from __future__ import annotations

from textual.binding import Binding

from labeltui.ui.app import make_app
from labeltui.ui.widgets.key_bar import key_entries

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
        (Binding("c", "lonely", "Alone", group=edges), True),  # a group of one: its own entry
    ]
    assert key_entries(bindings, display) == [
        ("?", "Help", "question_mark", True),
        ("←→", "Move", None, True),
        ("A B", "Edges", None, True),
        ("ENTER", "Save", "enter", False),
        ("C", "Alone", "c", True),
    ]
    assert key_entries(bindings, display, first=())[0] == ("←→", "Move", None, True)


async def test_the_span_screen_at_80_columns_shows_help_first_then_the_editor_keys(
    make_session,
):
    app = make_app(make_session(SPANS_SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = str(app.screen.query_one("#keys").render())
        assert line.startswith("? Help ") and line.index("Select") < line.index("Save+next")


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
