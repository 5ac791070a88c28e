"""The AudioEditor inside the real annotate screen: marks reach the annotation file on enter.

The screen routes label keys to `press_label`, saves on enter and undoes with ctrl+z; these tests
check that the editor lets those keys through and that the file holds the exact times.
"""

from __future__ import annotations

import json

import pytest
from audio_helpers import SCHEMA, tone_bursts, write

from labeltui.core.session import open_session
from labeltui.ui.app import make_app
from labeltui.ui.widgets.audio_editor import AudioEditor


@pytest.fixture
def session(tmp_path, silent_player, monkeypatch):
    from labeltui.ui.widgets import audio_editor

    monkeypatch.setattr(audio_editor, "_shared_player", silent_player)
    (tmp_path / "clips").mkdir()
    write(tmp_path / "clips" / "one.wav", tone_bursts(10.0))
    rows = [
        {"id": "one", "audio": "clips/one.wav"},  # relative to the dataset's folder
        {"id": "gone", "audio": "clips/missing.wav"},
    ]
    dataset = tmp_path / "data.jsonl"
    dataset.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    s = open_session(dataset, tmp_path / "schema.yaml", "ann")
    s.index.scan_all()
    yield s
    s.close()


def lines(session) -> list[dict]:
    return [json.loads(x) for x in session.store.path.read_text().splitlines()]


async def test_marks_are_saved_at_the_cursor_time_to_the_millisecond(session):
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = app.screen.query_one(AudioEditor)
        assert app.screen.focused is editor
        _, large = editor.steps()
        await pilot.press(*["shift+right"] * 3)
        await pilot.press(*["plus"] * 12, *["right"] * 7)  # fully zoomed in: 1 ms steps
        assert editor.steps()[0] == 0.001
        expected = round(3 * large + 0.007, 3)
        await pilot.press("c", "left_square_bracket", *["right"] * 5, "s")
        await pilot.press("enter")
        assert session.position == 1
    (saved,) = lines(session)
    assert saved["_id"] == "one" and saved["_status"] == "done"
    assert saved["labels"]["events"] == [
        {"start": expected, "end": expected, "label": "click"},
        {"start": expected, "end": round(expected + 0.005, 3), "label": "speech"},
    ]


async def test_ctrl_z_undoes_edits_first_then_the_screen_undoes_the_save(session):
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = app.screen.query_one(AudioEditor)
        small, _ = editor.steps()
        await pilot.press("right", "m", "right", "c", "ctrl+z")  # undoes the click only
        assert [m["label"] for m in editor.value()] == ["music"] and session.position == 0
        await pilot.press("enter")
        assert session.position == 1
        assert lines(session)[0]["labels"]["events"] == [
            {"start": small, "end": small, "label": "music"}
        ]
        assert "audio file not found" in editor.error  # the second item's audio is missing
        await pilot.press("ctrl+z")  # nothing to undo on this item: the screen undoes the save
        assert session.position == 0 and editor.error is None and editor.model.duration == 10.0


async def test_a_burst_of_keys_acts_in_the_order_typed(session):
    """Keys that arrive together (a fast typist, a paste, tmux) act in order.

    A label key used to be handled while the arrows before it were still on their way to the
    app's bindings, so the mark landed at the old cursor time.
    """
    from textual.events import Key

    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = app.screen.query_one(AudioEditor)
        small, _ = editor.steps()
        burst = [("right", None)] * 3 + [("s", "s")]
        for key, char in burst:  # posted without waiting in between, as a terminal burst is
            app.post_message(Key(key, char))
        await pilot.pause()
        await pilot.pause()
        (mark,) = editor.value()
        assert mark["start"] == round(3 * small, 3)


async def test_the_waveform_build_reports_progress_by_messages(session, monkeypatch):
    """A long file's waveform is built in a thread, which posts `BuildProgress` (never a
    flag the screen polls): the percentage shows while the annotator works, then the wave."""
    import threading

    from labeltui.ui.widgets import audio_editor

    release = threading.Event()
    real = audio_editor.open_envelope

    def slow_open(info, progress=None, cancelled=None):
        if progress is not None:
            progress(0.25)
            release.wait(10)
        return real(info, progress, cancelled)

    monkeypatch.setattr(audio_editor, "SYNC_BUILD_SAMPLES", 0)
    monkeypatch.setattr(audio_editor, "open_envelope", slow_open)
    received: list[float] = []

    def hook(message) -> None:
        if isinstance(message, AudioEditor.BuildProgress):
            received.append(message.fraction)

    app = make_app(session)
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        editor = app.screen.query_one(AudioEditor)
        for _ in range(100):
            await pilot.pause(0.01)
            if received:
                break
        await pilot.pause()
        assert received[0] == 0.25 and editor.building == 0.25
        assert "building the waveform 25%…" in str(editor.render())
        await pilot.press("c")  # keys work during the build
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert editor.env is not None and editor.building is None
        assert "building" not in str(editor.render())
