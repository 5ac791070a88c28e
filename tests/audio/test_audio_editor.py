"""Every key of the AudioEditor, through Textual's Pilot, on a tiny app around one editor.

At 100 columns a 10 s file shows 0.1 s per column: small step 0.1 s, large step 1 s.
"""

from __future__ import annotations

import pytest
from audio_helpers import EditorApp, tone_bursts, write

from labeltui.ui.widgets import audio_editor
from labeltui.ui.widgets.audio_editor import AudioEditor
from labeltui.ui.widgets.key_bar import KeyBar

SIZE = (100, 30)
MARKS = [
    {"start": 1.0, "end": 2.0, "label": "speech"},
    {"start": 4.0, "end": 4.0, "label": "click"},
    {"start": 6.5, "end": 8.0, "label": "music"},
]


@pytest.fixture
def audio(tmp_path):
    return str(write(tmp_path / "a.wav", tone_bursts(10.0)))


def text_of(editor: AudioEditor) -> str:
    return str(editor.render())


async def test_arrows_home_end_move_by_small_and_large_steps(audio, silent_player):
    app = EditorApp(audio, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        m = app.editor.model
        assert app.editor.steps() == (0.1, 1.0)
        await pilot.press("right", "right", "right")
        assert m.cursor == 0.3
        await pilot.press("left")
        assert m.cursor == 0.2
        await pilot.press("shift+right", "shift+right")
        assert m.cursor == 2.2
        await pilot.press("shift+left")
        assert m.cursor == 1.2
        await pilot.press("end")
        assert m.cursor == 10.0
        await pilot.press("right")
        assert m.cursor == 10.0
        await pilot.press("home")
        assert m.cursor == 0.0
        assert "0:00.000 / 0:10.000" in text_of(app.editor)


async def test_zoom_in_and_out_around_the_cursor(audio, silent_player):
    app = EditorApp(audio, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.editor
        await pilot.press(*["shift+right"] * 6)
        col = editor.view.col(editor.model.cursor, editor.wave_width)
        await pilot.press("plus")
        assert editor.view.span == 5.0
        assert editor.view.col(editor.model.cursor, editor.wave_width) == col
        assert editor.steps() == (0.05, 0.5)
        await pilot.press(*["plus"] * 10)
        assert editor.view.span == pytest.approx(0.1)  # one column is a millisecond
        assert editor.steps() == (0.001, 0.01)
        await pilot.press(*["minus"] * 12)
        assert (editor.view.start, editor.view.span) == (0.0, 10.0)


async def test_a_point_mark_is_saved_at_the_cursor_to_the_millisecond(audio, silent_player):
    app = EditorApp(audio, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["shift+right"] * 3, *["right"] * 4)  # 3.4 s
        await pilot.press(*["plus"] * 7)  # 0.1 s on screen: 1 ms steps
        await pilot.press(*["right"] * 7)  # 3.407 s
        assert "0:03.407" in text_of(app.editor)
        await pilot.press("c", "enter")
    assert app.editor_screen.saved == [[{"start": 3.407, "end": 3.407, "label": "click"}]]


async def test_brackets_and_a_label_key_make_an_interval(audio, silent_player):
    app = EditorApp(audio, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+right", "left_square_bracket")
        assert "[ 0:01.000" in text_of(app.editor)
        await pilot.press("shift+right", "right", "right_square_bracket", "right", "s")
        assert app.editor.value() == [{"start": 1.0, "end": 2.1, "label": "speech"}]
        await pilot.press("shift+right", "left_square_bracket", "left", "m")  # end before start
        assert app.editor.value()[1] == {"start": 3.1, "end": 3.2, "label": "music"}
        assert app.editor_screen.changes == 2
        shown = text_of(app.editor)
        assert "[speech" in shown and "1  speech  0:01.000  0:02.100" in shown


async def test_right_bracket_alone_explains_and_escape_cancels(audio, silent_player):
    app = EditorApp(audio, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_square_bracket")
        assert "press [" in app.editor.message
        await pilot.press("left_square_bracket", "right", "escape", "c")
        assert app.editor.value() == [{"start": 0.1, "end": 0.1, "label": "click"}]


async def test_tab_selects_the_next_mark_and_backspace_delete_remove_it(audio, silent_player):
    app = EditorApp(audio, value=MARKS, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.editor
        await pilot.press("shift+right", "shift+right")  # 2.0: the next mark starts at 4.0
        await pilot.press("tab")
        assert editor.model.selected_mark.label == "click" and editor.model.cursor == 4.0
        assert "▶    2  click" in text_of(editor)
        await pilot.press("tab", "tab")
        assert editor.model.selected_mark.label == "speech"  # wrapped around
        await pilot.press("backspace")
        assert [v["label"] for v in editor.value()] == ["click", "music"]
        await pilot.press("delete")
        assert [v["label"] for v in editor.value()] == ["music"]
        assert app.editor_screen.changes == 2


async def test_tab_with_no_marks_stays_in_the_editor(audio, silent_player):
    app = EditorApp(audio, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "backspace")
        assert app.focused is app.editor
        assert app.editor.message == "no mark selected (tab selects one)"


async def test_enter_and_ctrl_z_reach_the_screen_and_ctrl_z_undoes_edits(audio, silent_player):
    app = EditorApp(audio, value=MARKS[:1], player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "c", "tab", "delete")
        assert len(app.editor.value()) == 1
        await pilot.press("ctrl+z")
        assert len(app.editor.value()) == 2
        await pilot.press("ctrl+z")
        assert app.editor.value() == MARKS[:1]
        await pilot.press("ctrl+z")  # nothing left: the screen would undo its last save
        assert app.editor.undo() is False
        await pilot.press("enter")
        screen = app.editor_screen
        assert screen.undos == 3 and screen.saved == [MARKS[:1]]


async def test_a_click_on_the_waveform_moves_the_cursor(audio, silent_player):
    app = EditorApp(audio, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(AudioEditor, offset=(25, 3))
        assert app.editor.model.cursor == 2.5


async def test_every_key_is_a_binding_with_a_description_and_shows_in_footer(audio, silent_player):
    keys = {k for b in AudioEditor.BINDINGS for k in b.key.split(",")}
    contract = {"left", "right", "shift+left", "shift+right", "home", "end", "plus", "minus"}
    contract |= {"left_square_bracket", "right_square_bracket", "tab", "backspace", "delete"}
    assert contract | {"space"} <= keys and not keys & {"enter", "ctrl+z"}
    assert all(b.description for b in AudioEditor.BINDINGS)
    app = EditorApp(audio, player=silent_player)
    async with app.run_test(size=(160, 30)):
        shown = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"tab", "plus", "left_square_bracket", "space", "enter"} <= shown
        assert app.screen.query_one(KeyBar)


async def test_a_missing_file_is_shown_on_the_item_and_keeps_its_marks(tmp_path, silent_player):
    app = EditorApp(str(tmp_path / "gone.wav"), value=MARKS, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.editor
        assert "audio file not found" in editor.error
        shown = text_of(editor)
        assert "gone.wav:" in shown and "audio file not found" in shown
        # wrapped, not cut: the whole message (a long path too) is on screen
        assert editor.error.replace(" ", "") in shown.replace("\n", "").replace(" ", "")
        await pilot.press("right", "plus", "left_square_bracket", "s", "tab", "space", "enter")
        assert app.editor_screen.saved == [MARKS]  # pre-annotations kept, nothing added


async def test_an_item_without_audio_and_a_non_audio_file(tmp_path, silent_player):
    bad = tmp_path / "notes.wav"
    bad.write_text("these are not samples")
    for audio, message in ((None, "no audio field"), (str(bad), "not a readable audio file")):
        app = EditorApp(audio, player=silent_player)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("c")
            assert message in text_of(app.editor) and app.editor.value() == []


async def test_a_long_file_builds_in_the_background_while_keys_work(
    audio, silent_player, monkeypatch
):
    monkeypatch.setattr(audio_editor, "SYNC_BUILD_SAMPLES", 0)
    app = EditorApp(audio, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.editor.env is not None and app.editor.building is None
        assert app.editor.value() == [{"start": 0.1, "end": 0.1, "label": "click"}]
        assert "building" not in text_of(app.editor)


async def test_loading_another_item_resets_the_editor(audio, tmp_path, silent_player):
    other = str(write(tmp_path / "b.wav", tone_bursts(3.0)))
    app = EditorApp(audio, value=MARKS, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", "left_square_bracket")
        app.editor.load(type(app.item)(1, "b", {}, audio=other), None)
        await pilot.pause()
        m = app.editor.model
        assert (m.cursor, m.duration, m.open_start, m.value()) == (0.0, 3.0, None, [])
        assert not app.editor.undo()


async def test_ctrl_and_alt_arrows_move_the_selected_marks_edges_and_ctrl_z_undoes(
    audio, silent_player
):
    app = EditorApp(audio, value=MARKS, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.editor
        assert editor.steps()[0] == 0.1 and editor.fine_step() == 0.01
        await pilot.press("tab")  # speech 1.0–2.0
        await pilot.press("ctrl+left", "ctrl+left")  # start back two steps
        await pilot.press("ctrl+shift+right")  # end on a step
        await pilot.press("alt+right")  # start on a fine step
        await pilot.press("alt+shift+left", "alt+shift+left")  # end back two fine steps
        assert editor.value()[0] == {"start": 0.81, "end": 2.08, "label": "speech"}
        assert editor.model.cursor == 2.08 and editor.message == "speech now 0:00.810–0:02.080"
        assert "▶    1  speech" in text_of(editor)
        await pilot.press("ctrl+right")
        assert editor.value()[0]["start"] == 0.91
        await pilot.press("ctrl+z")
        assert editor.value()[0]["start"] == 0.81
        assert app.editor_screen.changes == 8 and app.editor_screen.undos == 1  # 7 moves, 1 undo


async def test_ctrl_e_snaps_the_nearer_edge_and_a_point_moves_whole(audio, silent_player):
    app = EditorApp(audio, value=MARKS, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.editor
        await pilot.press("tab", "tab")  # click at 4.0
        await pilot.press("ctrl+shift+right", "ctrl+right")  # either edge moves the point
        assert editor.value()[1] == {"start": 4.2, "end": 4.2, "label": "click"}
        await pilot.press("tab", "tab")  # music, then speech 1.0–2.0 (the cursor goes to 1.0)
        await pilot.press("right", "right", "ctrl+e")  # cursor 1.2, nearer the start
        assert editor.value()[0] == {"start": 1.2, "end": 2.0, "label": "speech"}
        await pilot.press(*["right"] * 10, "ctrl+e")  # cursor 2.2: past the end, end moves
        assert editor.value()[0] == {"start": 1.2, "end": 2.2, "label": "speech"}
        await pilot.press(*["ctrl+left"] * 20)  # the start stops at 0 ...
        await pilot.press(*["ctrl+shift+left"] * 30)  # ... the end 1 ms after the start
        assert editor.value()[0] == {"start": 0.0, "end": 0.001, "label": "speech"}
        assert "1 ms from the start" in editor.message


async def test_edge_keys_without_a_mark_say_so_and_change_nothing(audio, silent_player):
    app = EditorApp(audio, value=MARKS, player=silent_player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+right", "shift+right", "right", "ctrl+right", "ctrl+e")
        assert app.editor.value() == MARKS and app.editor_screen.changes == 0
        assert "tab selects one" in app.editor.message


async def test_an_error_with_a_long_path_wraps_instead_of_being_cut(tmp_path, silent_player):
    deep = tmp_path / ("very-long-folder-name-" * 4) / "gone.wav"
    app = EditorApp(str(deep), player=silent_player)
    async with app.run_test(size=(60, 20)):
        lines = text_of(app.editor).splitlines()
        assert any(line.strip() == "audio file not found" for line in lines), lines
        assert all(len(line) <= 60 for line in lines)
        assert "".join(lines).replace(" ", "").count("very-long-folder-name-") == 4
        assert any(line.startswith("Cannot show the audio") for line in lines)
