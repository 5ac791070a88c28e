"""Only what the annotator meant is saved (issue 13, items 1-3), pressed through Pilot.

A label key always means "that label" (a pre-filled guess is confirmed, never cleared); `⌫`
clears; a required task without an answer, a pre-filled value no task can hold, and an item
whose audio cannot be read are refused on `enter`, said on screen, and nothing is written.
"""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
import soundfile as sf
from rich.console import Console
from textual.widgets import Static
from ui_fixtures import MULTI_SCHEMA, read_lines

from labeltui.core.session import open_session
from labeltui.ui.app import make_app
from labeltui.ui.widgets.choice_editor import ChoiceEditor


def screen_text(app) -> str:
    """Every Static and editor on the screen, as plain text (what the annotator reads)."""
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    for widget in app.screen.query("*"):
        if not widget.display:
            continue
        if isinstance(widget, Static):
            console.print(widget.content)
        elif hasattr(widget, "task"):
            console.print(widget.render())
    return console.export_text()


def problems(app) -> str:
    line = app.screen.query_one("#answer-problems", Static)
    return str(line.render()) if line.display else ""


def current(session) -> dict:
    return {line["_id"]: line for line in read_lines(session.store.path)}


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(tmp_path / "cache"))


# -- 1. a label key means that label -------------------------------------------------------------


async def test_triage_key_of_the_prefilled_label_saves_it_not_null(make_session):
    rows = [
        {"id": "a", "text": "one", "labels": {"team": "shipping"}, "_scores": {"team": 0.93}},
        {"id": "b", "text": "two"},
    ]
    session = make_session(rows=rows)
    async with make_app(session).run_test() as pilot:
        assert "pre-filled team=shipping (0.93)" in screen_text(pilot.app)
        await pilot.press("3")  # shipping's key: confirm the guess
        assert session.position == 1
    assert current(session)["a"]["labels"] == {"team": "shipping"}
    assert current(session)["a"]["_status"] == "done"


async def test_triage_key_of_the_earlier_answer_after_going_back_saves_it(make_session):
    session = make_session()
    async with make_app(session).run_test() as pilot:
        await pilot.press("2")  # t0 = bug, now on t1
        await pilot.press("pageup")
        editor = pilot.app.screen.query_one("#task-team", ChoiceEditor)
        assert editor.value() == "bug"
        await pilot.press("2")  # the same key again: bug, not a deselection
        assert session.position == 1
    lines = read_lines(session.store.path)
    assert [line["labels"]["team"] for line in lines] == ["bug", "bug"]


async def test_backspace_clears_and_then_enter_is_refused_in_triage(make_session):
    rows = [{"id": "a", "text": "one", "labels": {"team": "bug"}}, {"id": "b", "text": "x"}]
    session = make_session(rows=rows)
    async with make_app(session).run_test() as pilot:
        await pilot.press("backspace")
        assert pilot.app.screen.query_one("#task-team", ChoiceEditor).value() is None
        await pilot.press("enter")
        assert session.position == 0
        assert "team has no answer. Pick a label, or skip the item (ctrl+k)" in problems(pilot.app)
        await pilot.press("ctrl+k")
        assert session.position == 1
    assert current(session)["a"]["labels"] == {"team": None}
    assert current(session)["a"]["_status"] == "skipped"


async def test_outside_triage_a_selected_key_stays_selected_and_delete_clears(make_session):
    session = make_session(MULTI_SCHEMA)
    async with make_app(session).run_test() as pilot:
        priority = pilot.app.screen.query_one("#task-priority", ChoiceEditor)
        priority.focus()
        await pilot.press("h", "h")
        assert priority.value() == "high"
        await pilot.press("delete")
        assert priority.value() is None
        await pilot.press("l", "enter")
        assert session.position == 1
    assert current(session)["t0"]["labels"] == {"topics": [], "priority": "low"}


async def test_help_lists_the_clear_key(make_session):
    session = make_session()
    async with make_app(session).run_test() as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        shown = screen_text(pilot.app)
        assert "Clear this task's answer" in shown


# -- 2. empty answers are not saved as done -----------------------------------------------------


async def test_enter_on_an_untouched_required_choice_saves_nothing_and_says_so(make_session):
    session = make_session()
    async with make_app(session).run_test() as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert session.position == 0
        shown = problems(pilot.app)
        assert "Not saved: team has no answer. Pick a label, or skip the item (ctrl+k)." in shown
        await pilot.press("1")  # a label clears the message and saves
        assert session.position == 1
    assert list(current(session)) == ["t0"]


async def test_required_false_saves_an_empty_choice_but_a_required_one_is_asked_for(
    make_session,
):
    schema = (
        MULTI_SCHEMA
        + """\
  - name: note
    kind: choice
    required: false
    labels:
      - {name: odd, key: o}
"""
    )
    session = make_session(schema)
    async with make_app(session).run_test() as pilot:
        await pilot.press("enter")
        assert session.position == 0
        assert "priority has no answer" in problems(pilot.app)
        assert "note" not in problems(pilot.app)
        await pilot.press("l", "enter")
        assert session.position == 1
    assert current(session)["t0"]["labels"] == {"topics": [], "priority": "low", "note": None}


AUDIO_SCHEMA = """\
tasks:
  - name: events
    kind: audio_marks
    labels:
      - {name: cough, key: c}
"""


def tone(path, seconds=2.0, rate=8000):
    t = np.arange(int(seconds * rate)) / rate
    sf.write(str(path), (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)


async def test_audio_item_with_a_missing_file_can_only_be_skipped(make_session):
    rows = [{"id": "gone", "audio": "missing.wav", "labels": {"events": []}}, {"id": "b"}]
    session = make_session(AUDIO_SCHEMA, rows=rows)
    async with make_app(session).run_test() as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert session.position == 0
        shown = problems(pilot.app)
        assert "audio file not found" in shown and "can only be skipped (ctrl+k)" in shown
        await pilot.press("ctrl+k")
        assert session.position == 1
    assert current(session)["gone"]["_status"] == "skipped"


# -- 3. pre-filled values are checked -----------------------------------------------------------


async def test_prefilled_unknown_label_is_flagged_and_never_saved_as_is(make_session):
    rows = [{"id": "a", "text": "one", "labels": {"team": "shiping"}}, {"id": "b", "text": "x"}]
    session = make_session(rows=rows)
    async with make_app(session).run_test() as pilot:
        assert "pre-filled team='shiping' is not a label of this task" in problems(pilot.app)
        await pilot.press("enter")
        assert session.position == 0 and read_lines(session.store.path) == []
        await pilot.press("ctrl+k")  # not even skipped as is
        assert session.position == 0 and read_lines(session.store.path) == []
        await pilot.press("3")  # the annotator picks the label meant
        assert session.position == 1
    assert current(session)["a"]["labels"] == {"team": "shipping"}


async def test_prefilled_multi_choice_unknown_label_is_fixed_by_clearing(make_session):
    rows = [{"id": "a", "text": "one", "labels": {"topics": ["refund", "nope"]}}]
    session = make_session(MULTI_SCHEMA, rows=rows)
    async with make_app(session).run_test() as pilot:
        assert "pre-filled topics: 'nope' is not a label of this task" in problems(pilot.app)
        await pilot.press("backspace")  # the topics editor has the focus
        assert problems(pilot.app) == ""
        await pilot.press("h", "enter")
    assert current(session)["a"]["labels"] == {"topics": [], "priority": "high"}


SPANS_SCHEMA = """\
tasks:
  - name: ents
    kind: spans
    labels:
      - {name: PER, key: p}
      - {name: ORG, key: o}
"""


async def test_prefilled_overlapping_spans_are_flagged_until_one_is_removed(make_session):
    text = "Ann works at Acme Corp."
    labels = {
        "ents": [{"start": 0, "end": 9, "label": "PER"}, {"start": 4, "end": 12, "label": "ORG"}]
    }
    session = make_session(SPANS_SCHEMA, rows=[{"id": "a", "text": text, "labels": labels}])
    async with make_app(session).run_test() as pilot:
        shown = problems(pilot.app)
        assert "pre-filled ents: spans 0..9 (PER) and 4..12 (ORG) overlap" in shown
        await pilot.press("enter")
        assert read_lines(session.store.path) == []
        await pilot.press("backspace")  # the cursor is on "Ann": removes PER 0..9
        assert problems(pilot.app) == ""
        await pilot.press("enter")
    assert current(session)["a"]["labels"]["ents"] == [
        {"start": 4, "end": 12, "label": "ORG", "text": "works at"}
    ]


async def test_prefilled_span_past_the_text_is_held_flagged_and_removed(make_session):
    labels = {"ents": [{"start": 2, "end": 99, "label": "PER"}]}
    session = make_session(SPANS_SCHEMA, rows=[{"id": "a", "text": "short", "labels": labels}])
    async with make_app(session).run_test() as pilot:
        assert "is past the end of the text (5 characters)" in problems(pilot.app)
        await pilot.press("enter")
        assert read_lines(session.store.path) == []
        await pilot.press("backspace", "enter")
    assert current(session)["a"]["labels"] == {"ents": []}


async def test_spans_on_an_item_whose_text_is_not_a_string_are_refused(make_session):
    labels = {"ents": [{"start": 0, "end": 2, "label": "PER"}]}
    rows = [{"id": "a", "text": {"not": "text"}, "labels": labels}, {"id": "b", "text": "ok"}]
    session = make_session(SPANS_SCHEMA, rows=rows)
    async with make_app(session).run_test() as pilot:
        shown = problems(pilot.app)
        assert "item has no text field 'text', which spans tasks need" in shown
        await pilot.press("backspace", "enter")
        assert session.position == 0
        assert "can only be skipped" in problems(pilot.app)
        await pilot.press("ctrl+k")
        assert session.position == 1
    assert current(session)["a"]["_status"] == "skipped"


@pytest.mark.parametrize(
    "bad",
    [
        {"start": -1.0, "end": 0.5, "label": "cough"},
        {"start": 0.0, "end": 1e308, "label": "cough"},
        {"start": 1.5, "end": 0.5, "label": "cough"},
        {"start": 0.5, "end": 9.0, "label": "cough"},  # past the 2 s file
    ],
)
async def test_audio_editor_never_crashes_on_stored_times_and_flags_them(
    make_session, tmp_path, bad
):
    tone(tmp_path / "a.wav")
    good = {"start": 0.0, "end": 2.0, "label": "cough"}  # the whole file
    rows = [{"id": "a", "audio": "a.wav", "labels": {"events": [good, bad]}}]
    session = make_session(AUDIO_SCHEMA, rows=rows)
    async with make_app(session).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(pilot.app)
        assert "pre-filled events: mark 2" in problems(pilot.app)
        assert "›" not in shown  # the whole-file mark is drawn to its end, not off screen
        assert "[cough" in shown
        await pilot.press("enter")
        assert read_lines(session.store.path) == []
        await pilot.press("backspace", "enter")  # drops the held mark, then saves
    assert current(session)["a"]["labels"] == {"events": [good]}


async def test_audio_editor_takes_an_infinite_stored_time_without_crashing(make_session, tmp_path):
    """An annotation line written before imports refused `inf` (JSON has no Infinity, so
    only a stored value can hold it): shown flagged, dropped by backspace."""
    tone(tmp_path / "a.wav")
    session = make_session(AUDIO_SCHEMA, rows=[{"id": "a", "audio": "a.wav"}])
    async with make_app(session).run_test(size=(100, 30)) as pilot:
        editor = pilot.app.screen.query_one("#task-events")
        bad = [{"start": 0.0, "end": math.inf, "label": "cough"}, {"start": math.nan, "end": 1}]
        editor.load(session.item(), bad)
        pilot.app.screen.refresh_problems()
        await pilot.pause()
        assert "is not a finite time" in problems(pilot.app)
        await pilot.press("enter")
        assert read_lines(session.store.path) == []
        await pilot.press("backspace", "enter")
    assert current(session)["a"]["labels"] == {"events": []}


# -- lone surrogates ------------------------------------------------------------------------------


async def test_lone_surrogates_in_text_and_id_show_a_stand_in_and_save(make_session, tmp_path):
    rows = [{"id": "x\ud800y", "text": "bad \udcff text"}, {"id": "b", "text": "fine"}]
    session = make_session(rows=[{"id": "placeholder", "text": "-"}])
    session.close()
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "data.ann.jsonl").unlink(missing_ok=True)
    session = open_session(tmp_path / "data.jsonl", tmp_path / "schema.yaml", "ann")
    try:
        async with make_app(session).run_test() as pilot:
            await pilot.pause()
            shown = screen_text(pilot.app)
            assert "bad \ufffd text" in shown and "x\ufffdy" in shown
            pilot.app.save_screenshot(path=str(tmp_path), filename="shot.svg")  # UTF-8: no crash
            await pilot.press("1")
            assert session.position == 1
    finally:
        session.close()
    raw = (tmp_path / "data.ann.jsonl").read_text(encoding="utf-8")
    assert '"_id": "x\\ud800y"' in raw.replace('"_id":"', '"_id": "')
