"""Every key of the review screen, driven with Pilot on real files (App.run_test + pilot.press)."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf
from review_helpers import MARKS, line, read_lines, write_lines, write_schema
from rich.console import Console

from labeltui.ui.app import make_review_app
from labeltui.ui.screens.help import HelpScreen
from labeltui.ui.screens.review import ReviewScreen
from labeltui.ui.widgets.audio_editor import AudioEditor
from labeltui.ui.widgets.choice_editor import ChoiceEditor
from labeltui.ui.widgets.review_panel import ReviewPanel
from labeltui.ui.widgets.span_editor import SpanEditor

SIZE = (100, 30)


def plain(renderable, width: int = 96) -> str:
    console = Console(width=width, color_system=None, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def text_of(app, selector: str) -> str:
    return plain(app.screen.query_one(selector).content)


def panel_rows(app) -> dict[str, str]:
    """The panel's rows by annotator name (monochrome)."""
    rows = {}
    for row in plain(app.screen.query_one(ReviewPanel).build()).splitlines():
        for name in ("ann", "bob", "cy"):
            if f" {name} " in row:
                rows[name] = row
    return rows


def gold(tmp_path) -> list[dict]:
    path = tmp_path / "gold.jsonl"
    return read_lines(path) if path.exists() else []


async def test_alt_digit_takes_an_answer_and_enter_saves_with_from(triage, make_review, tmp_path):
    review = make_review(*triage)
    app = make_review_app(review)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen.query_one(ChoiceEditor)
        assert "2 of 2 left" in text_of(app, "#header") and "item t2" in text_of(app, "#header")
        assert editor.value() == "billing"  # nobody agrees: the first annotator's answer
        await pilot.press("alt+2")
        assert editor.value() == "bug"
        assert "✓" in panel_rows(app)["bob"] and "✓" not in panel_rows(app)["ann"]
        assert "_from: bob" in text_of(app, "#status")
        await pilot.press("enter")
        assert [(g["_id"], g["labels"], g["_from"]) for g in gold(tmp_path)] == [
            ("t2", {"team": "bug"}, ["bob"])
        ]
        assert "1 of 2 left" in text_of(app, "#header") and "item t1" in text_of(app, "#header")


async def test_alt_digit_as_a_terminal_sends_it(triage, make_review, tmp_path):
    # ESC+2 reaches Textual as "™" (macOS Option+2 gives the same): it takes annotator 2 too
    app = make_review_app(make_review(*triage))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen.query_one(ChoiceEditor)
        await pilot.press("™")
        assert editor.value() == "bug"
        await pilot.press("£")  # alt+3
        assert editor.value() == "shipping"
        await pilot.press("enter")
        assert gold(tmp_path)[0]["_from"] == ["cy"]


async def test_ctrl_a_then_a_digit_takes_an_answer_other_keys_cancel(triage, make_review, tmp_path):
    app = make_review_app(make_review(*triage))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        editor = screen.query_one(ChoiceEditor)
        await pilot.press("ctrl+a")
        assert screen.pending_accept and "take whose answer?" in text_of(app, "#status")
        await pilot.press("3")  # the digit picks cy, it is not the label key 3 here
        assert editor.value() == "shipping" and not screen.pending_accept
        await pilot.press("ctrl+a", "enter")  # cancelled: enter does not save
        assert editor.value() == "shipping" and not screen.pending_accept
        assert gold(tmp_path) == []
        await pilot.press("ctrl+a", "x")
        assert editor.value() == "shipping" and not screen.pending_accept


async def test_label_keys_edit_the_answer_and_from_is_empty(triage, make_review, tmp_path):
    app = make_review_app(make_review(*triage))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen.query_one(ChoiceEditor)
        await pilot.press("pagedown")  # t1: ann bug, bob billing, cy bug
        assert editor.value() == "bug"  # the majority
        assert "_from: ann, cy" in text_of(app, "#status")
        await pilot.press("3")  # label key: shipping, which nobody gave
        assert editor.value() == "shipping"
        assert "_from: [] (edited)" in text_of(app, "#status")
        assert not any("✓" in row for row in panel_rows(app).values())
        await pilot.press("enter")
        saved = gold(tmp_path)[0]
        assert saved["_id"] == "t1" and saved["labels"] == {"team": "shipping"}
        assert saved["_from"] == []


async def test_disagreeing_answers_are_marked_without_colour(triage, make_review):
    app = make_review_app(make_review(*triage))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("pagedown")  # t1: bob is outvoted
        rows = panel_rows(app)
        assert "alt+2" in rows["bob"] and "≠" in rows["bob"] and "billing" in rows["bob"]
        assert "≠" not in rows["ann"] and "≠" not in rows["cy"]


async def test_skip_undo_and_moving(triage, make_review, tmp_path):
    review = make_review(*triage)
    app = make_review_app(review)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+k")
        assert [(g["_id"], g["_status"]) for g in gold(tmp_path)] == [("t2", "skipped")]
        assert review.item().id == "t1"
        await pilot.press("ctrl+z")  # the choice editor has nothing to undo: the save goes
        assert gold(tmp_path) == [] and review.item().id == "t2"
        await pilot.press("ctrl+z")
        assert gold(tmp_path) == []
        await pilot.press("pagedown")
        assert review.item().id == "t1"
        await pilot.press("pageup")
        assert review.item().id == "t2"
        await pilot.press("enter")  # t2 saved; we are on t1
        await pilot.press("pageup", "ctrl+u")  # back on t2, then the next unreviewed: t1
        assert review.item().id == "t1"
        await pilot.press("enter", "ctrl+u")  # nothing left: stays
        assert review.item().id == "t1" and review.remaining() == 0
        assert "0 of 2 left" in text_of(app, "#header")


async def test_taking_an_answer_that_does_not_exist(triage, make_review):
    review = make_review(*triage, only_disagreements=False)
    app = make_review_app(review)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen.query_one(ChoiceEditor)
        while review.item().id != "t3":  # cy did not label t3
            await pilot.press("pagedown")
        before = editor.value()
        await pilot.press("alt+3")
        assert editor.value() == before
        await pilot.press("alt+4")  # only three annotators
        assert editor.value() == before
        assert "no answer" in panel_rows(app)["cy"]


async def test_help_lists_the_review_keys(triage, make_review):
    app = make_review_app(make_review(*triage))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = text_of(app, "#help-keys")
        assert "alt+1…alt+3" in shown and "1=ann, 2=bob, 3=cy" in shown
        assert "^a then 1…9" in shown and "Save+next" in shown and "billing" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_up_and_down_scroll_a_long_text(tmp_path, make_review):
    long = "\n".join(f"line {i} of a long ticket" for i in range(60))
    rows = [
        line("x", "ann", {"team": "bug"}, text=long),
        line("x", "bob", {"team": "billing"}, text=long),
    ]
    files = [write_lines(tmp_path / "long.jsonl", rows)]
    app = make_review_app(make_review(files, write_schema(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        scroll = app.screen.query_one("#item-scroll")
        assert scroll.scroll_y == 0
        await pilot.press("down", "down")
        assert scroll.scroll_y == 2
        await pilot.press("up")
        assert scroll.scroll_y == 1


async def test_ctrl_q_quits_and_the_saves_are_on_disk(triage, make_review, tmp_path):
    app = make_review_app(make_review(*triage))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+1", "enter", "ctrl+q")
    assert app.return_code == 0 or app.return_code is None
    assert not app.is_running
    assert gold(tmp_path)[0]["_from"] == ["ann"]


async def test_spans_take_edit_and_undo(mixed, make_review, tmp_path):
    review = make_review(*mixed)
    app = make_review_app(review)
    async with app.run_test(size=SIZE) as pilot:
        spans = app.screen.query_one(SpanEditor)
        bob = review.answer("bob")
        await pilot.press("alt+2")
        assert [(s["start"], s["end"], s["label"]) for s in spans.value()] == [
            (s["start"], s["end"], s["label"]) for s in bob["entities"]
        ]
        assert app.screen.query_one(ChoiceEditor).value() == "bug"
        assert "_from: bob" in text_of(app, "#status")
        spans.focus()
        await pilot.press("end", "d")  # label the last token (".") DATE: an edit
        assert len(spans.value()) == 3
        assert "_from: [] (edited)" in text_of(app, "#status")
        await pilot.press("ctrl+z")  # undoes the span edit, not a save
        assert len(spans.value()) == 2 and "_from: bob" in text_of(app, "#status")
        await pilot.press("enter")
        saved = gold(tmp_path)[0]
        assert saved["_from"] == ["bob"] and saved["labels"]["entities"] == bob["entities"]
        assert "0 of 1 left" in text_of(app, "#header")


async def test_audio_marks_take_and_save(tmp_path, make_review, monkeypatch):
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(tmp_path / "cache"))
    sf.write(str(tmp_path / "clip.wav"), np.zeros(16000 * 3, dtype=np.float32), 16000)
    ann = [{"start": 0.5, "end": 1.5, "label": "speech"}]
    bob = [
        {"start": 0.5, "end": 1.5, "label": "speech"},
        {"start": 2.0, "end": 2.0, "label": "click"},
    ]
    rows = [
        line("c", "ann", {"events": ann}, text="", audio="clip.wav"),
        line("c", "bob", {"events": bob}, text="", audio="clip.wav"),
    ]
    files = [write_lines(tmp_path / "audio.jsonl", rows)]
    review = make_review(files, write_schema(tmp_path, MARKS))
    app = make_review_app(review)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen.query_one(AudioEditor)
        assert editor.error is None and editor.value() == ann
        rows_shown = panel_rows(app)
        assert "≠ click @0:02.000" in rows_shown["bob"]
        await pilot.press("alt+2")
        assert editor.value() == bob
        await pilot.press("enter")
    saved = gold(tmp_path)[0]
    assert saved["labels"] == {"events": bob} and saved["_from"] == ["bob"]
    assert saved["audio"] == "clip.wav"


async def test_reopening_starts_at_the_first_unreviewed_item(triage, make_review):
    files, schema = triage
    first = make_review(files, schema)
    first.save({"team": "bug"})
    first.close()
    app = make_review_app(make_review(files, schema))
    async with app.run_test(size=SIZE):
        assert "item t1" in text_of(app, "#header") and "1 of 2 left" in text_of(app, "#header")
