"""Every key of the span editor, pressed through Textual's Pilot."""

from __future__ import annotations

import json

import pytest
from span_app import SpanApp, marked, rows, schema_task

from labeltui.ui.widgets.span_editor import SpanEditor

TEXT = "Barack Obama met Angela Merkel in Berlin."


def spans(app: SpanApp) -> list[tuple[int, int, str]]:
    return [(s["start"], s["end"], s["label"]) for s in app.editor.value()]


def cursor_text(app: SpanApp) -> str:
    start, end = app.editor.state.cursor_range()
    return app.editor.state.text[start:end]


async def test_left_right_home_end_move_the_token_cursor():
    app = SpanApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        assert cursor_text(app) == "Barack"
        await pilot.press("right", "right")
        assert cursor_text(app) == "met"
        await pilot.press("left")
        assert cursor_text(app) == "Obama"
        await pilot.press("end")
        assert cursor_text(app) == "."
        await pilot.press("home")
        assert cursor_text(app) == "Barack"
        await pilot.press("left")  # stays on the first token
        assert cursor_text(app) == "Barack"
        assert marked(app.editor, reverse=True) == "Barack"


async def test_up_down_move_by_visual_line():
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    app = SpanApp(text)
    async with app.run_test(size=(24, 16)) as pilot:
        shown = rows(app.editor)
        assert shown[:3] == ["alpha beta gamma", "delta epsilon zeta", "eta theta iota kappa"]
        await pilot.press("right")  # beta, column 6
        await pilot.press("down")
        assert cursor_text(app) == "epsilon"
        await pilot.press("down")
        assert cursor_text(app) == "theta"
        await pilot.press("up", "up")
        assert cursor_text(app) == "beta"  # the goal column is remembered
        await pilot.press("up")
        assert cursor_text(app) == "beta"


async def test_shift_arrows_select_and_label_key_labels_the_selection():
    app = SpanApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("shift+right")
        assert app.editor.state.selection() == (0, 12)
        assert marked(app.editor, reverse=True) == "Barack Obama"
        await pilot.press("p")
        assert spans(app) == [(0, 12, "PERSON")]
        assert marked(app.editor, underline=True, reverse=False) == "Barack "  # cursor: Obama
        await pilot.press("end", "left", "shift+left", "shift+left", "shift+right", "l")
        assert spans(app) == [(0, 12, "PERSON"), (31, 40, "LOC")]  # "in Berlin"
        assert "PERSON" in rows(app.editor)[1] and "LOC" in rows(app.editor)[1]


async def test_label_key_without_selection_labels_the_token():
    app = SpanApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right", "right", "o")
        assert app.editor.value() == [{"start": 17, "end": 23, "label": "ORG", "text": "Angela"}]
        await pilot.press("x")  # not a label key of this task: nothing happens
        assert len(app.editor.value()) == 1


async def test_escape_clears_the_selection_then_passes_through():
    app = SpanApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("shift+right", "escape")
        assert app.editor.state.selection() is None
        assert app.escapes == 0
        await pilot.press("escape")
        assert app.escapes == 1  # nothing to clear: the key goes on to the app


@pytest.mark.parametrize("key", ["backspace", "delete"])
async def test_backspace_and_delete_remove_the_span_under_the_cursor(key):
    value = [{"start": 0, "end": 12, "label": "PERSON"}, {"start": 34, "end": 40, "label": "LOC"}]
    app = SpanApp(TEXT, value)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", key)
        assert spans(app) == [(34, 40, "LOC")]
        await pilot.press(key)  # nothing under the cursor now: refused with a notice
        assert spans(app) == [(34, 40, "LOC")]
        await pilot.pause()
        assert any("No span" in n.message for n in app._notifications)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["ctrl+left"], (0, 12)),
        (["left_square_bracket"], (0, 12)),
        (["ctrl+left", "ctrl+right"], (7, 12)),
        (["ctrl+shift+right"], (7, 16)),
        (["right_square_bracket"], (7, 16)),
        (["ctrl+shift+right", "ctrl+shift+left"], (7, 12)),
    ],
)
async def test_boundary_keys_move_a_span_without_deleting_it(keys, expected):
    app = SpanApp(TEXT, [{"start": 7, "end": 12, "label": "PERSON"}])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", *keys)
        assert spans(app) == [(*expected, "PERSON")]
        assert app.changes >= 1


async def test_ctrl_z_undoes_edits_then_passes_through():
    app = SpanApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p", "right", "o", "ctrl+shift+right")
        assert spans(app) == [(0, 6, "PERSON"), (7, 16, "ORG")]
        await pilot.press("ctrl+z")
        assert spans(app) == [(0, 6, "PERSON"), (7, 12, "ORG")]
        await pilot.press("ctrl+z", "ctrl+z")
        assert spans(app) == [] and app.undos_passed == 0
        await pilot.press("ctrl+z")
        assert app.undos_passed == 1  # nothing left on the item: the screen undoes a save


async def test_enter_bubbles_to_the_screen():
    app = SpanApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p", "enter")
        assert app.saves == 1 and spans(app) == [(0, 6, "PERSON")]


async def test_overlap_is_refused_with_a_notice():
    app = SpanApp(TEXT, [{"start": 7, "end": 12, "label": "PERSON"}])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("shift+right", "o")
        await pilot.pause()
        assert spans(app) == [(7, 12, "PERSON")]
        assert any("Overlaps PERSON" in n.message for n in app._notifications)


async def test_overlap_allowed_shows_both():
    task = schema_task(allow_overlap=True)
    app = SpanApp(TEXT, [{"start": 0, "end": 12, "label": "PERSON"}], task=task)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "o")
        assert spans(app) == [(0, 12, "PERSON"), (7, 12, "ORG")]
        names = rows(app.editor)[1:3]
        assert any("PERSON" in r for r in names) and any("ORG" in r for r in names)


async def test_preannotated_spans_are_shown_and_bad_ones_held_flagged_until_removed():
    value = [
        {"start": 17, "end": 30, "label": "PERSON", "text": "Angela Merkel"},
        {"start": 30, "end": 99, "label": "LOC"},
    ]
    app = SpanApp(TEXT, value)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.editor.state.spans == [(17, 30, "PERSON")]
        assert marked(app.editor, underline=True, reverse=False) == "Angela Merkel"
        # the span past the end is held aside: flagged, and in the value (so never saved as is)
        assert app.editor.held == [value[1]]
        assert app.editor.value()[-1] == value[1]
        assert any("past the end of the text" in p for p in app.editor.problems())
        await pilot.press("backspace")  # drops the held entries first
        assert app.editor.held == [] and app.editor.problems() == []
        assert spans(app) == [(17, 30, "PERSON")]


async def test_long_text_scrolls_with_the_cursor():
    text = " ".join(f"word{i}" for i in range(600))
    app = SpanApp(text)
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.editor.view
        assert view.scroll_offset.y == 0
        await pilot.press("end")
        assert view.scroll_offset.y > 0
        assert "word599" in "".join(rows(app.editor))
        await pilot.press("home")
        assert view.scroll_offset.y == 0 and "word0" in rows(app.editor)[0]


async def test_mouse_drag_selects_tokens():
    app = SpanApp(TEXT)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.editor.view
        await pilot.mouse_down(view, offset=(8, 0))
        await pilot.hover(view, offset=(19, 0))
        await pilot.mouse_up(view, offset=(19, 0))
        assert app.editor.state.selection() == (7, 23)  # Obama … Angela
        await pilot.press("p")
        assert spans(app) == [(7, 23, "PERSON")]
        await pilot.click(view, offset=(35, 0))
        assert cursor_text(app) == "Berlin" and app.editor.state.selection() is None


async def test_value_is_exact_for_unicode_and_json_round_trips():
    text = "Dr. Ünal 👩🏽\u200d💻 visited 東京 🇯🇵 and São Paulo\twith José.\r\nאבג"
    app = SpanApp(text)
    async with app.run_test(size=(40, 24)) as pilot:
        # select from "Ünal" over the emoji to "visited"
        await pilot.press("right", "right", "shift+right", "shift+right", "p")
        await pilot.press("right", "l", "right", "l")  # 東京, 🇯🇵
        await pilot.press("right", "right", "shift+right", "l")  # São Paulo
        await pilot.press("end", "p")  # אבג
        value = app.editor.value()
        assert [v["text"] for v in value] == [
            "Ünal 👩🏽\u200d💻 visited",
            "東京",
            "🇯🇵",
            "São Paulo",
            "אבג",
        ]
        for v in value:
            assert text[v["start"] : v["end"]] == v["text"]
        again = SpanApp(text, json.loads(json.dumps(value)))
    async with again.run_test(size=(40, 24)):
        assert again.editor.value() == value


def test_bindings_have_descriptions_and_leave_screen_keys_alone():
    keys = set()
    for binding in SpanEditor.BINDINGS:
        assert binding.description
        keys.update(k.strip() for k in binding.key.split(","))
    assert {"enter", "ctrl+z", "pagedown", "pageup"}.isdisjoint(keys)
    printable = {k for k in keys if len(k) == 1 or k.endswith("square_bracket")}
    assert printable == {"left_square_bracket", "right_square_bracket"}
