"""The help screen at 80x24 and 60x20: how to close and scroll it on its first line, the keys of
the task being labelled first, the guidelines one key (`g`) away, and its own keys on the key
line; nothing cut off. Pilot on real sessions (annotate) and a real review."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ui_fixtures import MULTI_SCHEMA, TEXTS, TRIAGE_SCHEMA

from labeltui.core.review.load import load_review
from labeltui.core.review.session import open_review
from labeltui.core.schema import load_schema
from labeltui.ui.app import make_app, make_review_app
from labeltui.ui.screens.help import HelpScreen
from labeltui.ui.screens.review import ReviewScreen
from labeltui.ui.widgets.key_bar import KeyBar

SIZES = [(80, 24), (60, 20)]
FIRST_LINE = "esc or ? closes · ↑↓ pgup pgdn scroll · g guidelines"
HELP_KEYS = "esc Close ↑ ↓ pgup pgdn Scroll g Guidelines"

SPANS_SCHEMA = """\
title: Entities
instructions: |
  Mark every **person** and organisation. SPAN-GUIDE-LAST-LINE
tasks:
  - name: entities
    kind: spans
    labels:
      - {name: PERSON, key: p}
      - {name: ORG, key: o}
"""

MULTI_CHOICE_SCHEMA = """\
instructions: Tick every topic the ticket is about.
tasks:
  - name: topics
    kind: multi_choice
    labels:
      - {name: refund, key: r}
      - {name: login, key: l}
"""

AUDIO_SCHEMA = """\
instructions: Mark speech and clicks.
tasks:
  - name: events
    kind: audio_marks
    labels:
      - {name: speech, key: s}
      - {name: click, key: c}
"""

SCROLLBAR = re.compile(r"[▁▂▃▄▅▆▇█▔]+\s*$")


def screen_lines(app) -> list[str]:
    """The screen as the annotator reads it, one string per row (the scroll bar left out)."""
    strips = app.screen._compositor.render_strips()
    return [SCROLLBAR.sub("", strip.text).rstrip() for strip in strips]


def flat(text: str) -> str:
    return " ".join(text.split())


async def open_help(pilot) -> HelpScreen:
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(pilot.app.screen, HelpScreen)
    return pilot.app.screen


async def every_page(pilot) -> list[str]:
    """Every row help shows, page by page from the top to the bottom (pgdn)."""
    help_screen = pilot.app.screen
    rows: list[str] = []
    while True:
        rows += screen_lines(pilot.app)
        before = help_screen.scroller.scroll_y
        await pilot.press("pagedown")
        await pilot.pause()
        if help_screen.scroller.scroll_y == before:
            return rows


def group_titles(help_screen: HelpScreen) -> list[str]:
    return [title for title, _ in help_screen.groups]


# -- the first line and the key line ------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_first_line_says_how_to_close_and_scroll(make_session, size):
    app = make_app(make_session())
    async with app.run_test(size=size) as pilot:
        await open_help(pilot)
        lines = screen_lines(app)
        assert lines[0].strip() == FIRST_LINE
        assert lines[-1].strip() == HELP_KEYS  # help's own keys, not the main screen's
        assert "Save" not in lines[-1] and "Skip" not in lines[-1]
        assert lines[1].strip() == "team (choice) keys"  # the task's keys first
        assert lines[2].split() == ["1", "billing", "—", "invoices", "and", "refunds"]


async def test_help_has_its_own_key_bar(make_session):
    app = make_app(make_session())
    async with app.run_test(size=(80, 24)) as pilot:
        help_screen = await open_help(pilot)
        bar = help_screen.query_one(KeyBar)
        assert str(bar.render()) == HELP_KEYS
        assert bar.region.y == 23 and bar.region.height == 1


async def test_help_keys_close_and_scroll(make_session):
    app = make_app(make_session())
    async with app.run_test(size=(80, 24)) as pilot:
        help_screen = await open_help(pilot)
        scroller = help_screen.scroller
        assert scroller.max_scroll_y > 0  # more than one screen at 80x24
        await pilot.press("down", "down")
        assert scroller.scroll_y == 2
        await pilot.press("up")
        assert scroller.scroll_y == 1
        await pilot.press("pagedown")
        assert scroller.scroll_y == min(1 + scroller.size.height, scroller.max_scroll_y) > 1
        await pilot.press("end")
        assert scroller.scroll_y == scroller.max_scroll_y
        await pilot.press("home")
        assert scroller.scroll_y == 0
        for close in ("escape", "question_mark", "q"):
            await pilot.press(close)
            assert not isinstance(app.screen, HelpScreen)
            await open_help(pilot)


# -- the guidelines ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_g_jumps_to_the_guidelines_and_back(make_session, size):
    app = make_app(make_session())
    async with app.run_test(size=size) as pilot:
        help_screen = await open_help(pilot)
        assert "Pick the team" not in "\n".join(screen_lines(app))  # no longer first
        await pilot.press("g")
        await pilot.pause()
        lines = [line.strip() for line in screen_lines(app)]
        at = lines.index("Guidelines: Ticket triage")
        assert lines[at + 1] == "Pick the team that should handle the ticket."
        assert help_screen.scroller.scroll_y > 0
        await pilot.press("g")  # again: back to the keys
        await pilot.pause()
        assert help_screen.scroller.scroll_y == 0
        assert screen_lines(app)[1].strip() == "team (choice) keys"


async def test_g_puts_long_guidelines_at_the_top(make_session):
    guide = "\n".join(f"  - Rule {n}: read the whole ticket first." for n in range(40))
    schema = TRIAGE_SCHEMA.replace("  Pick the team that should handle the ticket.\n", guide + "\n")
    app = make_app(make_session(schema))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(pilot)
        await pilot.press("g")
        await pilot.pause()
        lines = [line.strip() for line in screen_lines(app)]
        assert lines[1] == "Guidelines: Ticket triage"
        assert "• Rule 0: read the whole ticket first." in lines[2:4]


async def test_without_guidelines_there_is_no_g(make_session):
    app = make_app(make_session(MULTI_SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        help_screen = await open_help(pilot)
        lines = screen_lines(app)
        assert lines[0].strip() == "esc or ? closes · ↑↓ pgup pgdn scroll"
        assert lines[-1].strip() == "esc Close ↑ ↓ pgup pgdn Scroll"
        assert not help_screen.query("#help-guide")
        await pilot.press("g")  # does nothing, closes nothing
        assert isinstance(app.screen, HelpScreen) and help_screen.scroller.scroll_y == 0


# -- the order of the groups, per task kind ------------------------------------------------------


def kind_session(make_session, tmp_path: Path, kind: str):
    if kind == "triage":
        return make_session()
    if kind == "multi":
        return make_session(MULTI_CHOICE_SCHEMA)
    if kind == "spans":
        return make_session(SPANS_SCHEMA)
    import numpy as np
    import soundfile as sf

    sf.write(tmp_path / "a.wav", np.zeros(8000, dtype=np.float32), 8000)
    return make_session(AUDIO_SCHEMA, rows=[{"id": "c1", "audio": "a.wav"}])


KINDS = {
    "triage": ("team (choice) keys", ["1", "2", "3", "label key", "⌫ Del"]),
    "multi": ("topics (multi choice) keys", ["r", "l", "label key", "⌫ Del"]),
    "spans": ("entities (spans) keys", ["p", "o", "label key", "←", "→"]),
    "audio": ("events (audio marks) keys", ["s", "c", "label key", "⇧←"]),
}


@pytest.mark.parametrize("kind", KINDS)
async def test_the_tasks_keys_come_first_then_saving_and_moving(
    make_session, tmp_path, monkeypatch, kind
):
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(tmp_path / "cache"))
    app = make_app(kind_session(make_session, tmp_path, kind))
    title, first_keys = KINDS[kind]
    async with app.run_test(size=(80, 24)) as pilot:
        help_screen = await open_help(pilot)
        assert group_titles(help_screen) == [title, "Save and move", "Other keys"]
        keys = [key for key, _ in help_screen.groups[0][1]]
        assert keys[: len(first_keys) - 1] == first_keys[:-1]  # the labels, then what they do
        assert first_keys[-1] in keys  # then the editor's keys
        moving = [key for key, _ in help_screen.groups[1][1]]
        assert moving[:3] == ["Enter", "PgDn", "PgUp"]
        assert "^g" in moving and "/" in moving and "^f" in moving and "? f1" not in moving
        other = dict(help_screen.groups[2][1])
        assert other["? f1"] == "Help" and other["^q"].startswith("Quit")
        assert other["↑"] == "Scroll text up"
        # ... and on the screen in that order
        rows = [flat(row) for row in await every_page(pilot)]
        at = [rows.index(t) for t in (title, "Save and move", "Other keys")]
        assert at == sorted(at)


async def test_with_two_tasks_the_focused_editors_task_comes_first(make_session):
    app = make_app(make_session(MULTI_SCHEMA))
    async with app.run_test(size=(80, 24)) as pilot:
        help_screen = await open_help(pilot)
        assert group_titles(help_screen)[:2] == [
            "topics (multi choice) keys",
            "priority (choice) keys",
        ]
        await pilot.press("escape")
        app.screen.editors[1].focus()
        await pilot.pause()
        help_screen = await open_help(pilot)
        assert group_titles(help_screen) == [
            "priority (choice) keys",
            "topics (multi choice) keys",
            "Save and move",
            "Other keys",
        ]


# -- nothing cut off -------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("schema", [TRIAGE_SCHEMA, SPANS_SCHEMA])
async def test_nothing_is_cut_off(make_session, size, schema):
    app = make_app(make_session(schema))
    width, _ = size
    async with app.run_test(size=size) as pilot:
        help_screen = await open_help(pilot)
        rows = await every_page(pilot)
        assert all(len(row) <= width and "…" not in row for row in rows)
        shown = flat("\n".join(rows))
        for title, group in help_screen.groups:
            assert title in shown
            for key, description in group:
                assert flat(f"{key} {description}") in shown, (key, description)
        last = "SPAN-GUIDE-LAST-LINE" if schema is SPANS_SCHEMA else "handle the ticket."
        assert last in shown  # the guidelines, to their end


# -- the review screen opens the same help ---------------------------------------------------


@pytest.fixture
def review(tmp_path: Path):
    schema = tmp_path / "schema.yaml"
    schema.write_text(TRIAGE_SCHEMA)
    files = []
    for who, team in (("ann", "bug"), ("bob", "billing")):
        rows = [
            {
                "id": f"t{i}",
                "text": text,
                "labels": {"team": team},
                "_id": f"t{i}",
                "_annotator": who,
                "_status": "done",
                "_ts": "2026-11-23T10:15:02.123Z",
                "_ms": 1000,
            }
            for i, text in enumerate(TEXTS)
        ]
        path = tmp_path / f"data.{who}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        files.append(path)
    loaded = load_review(files, load_schema(schema))
    opened = open_review(loaded, files, "lead", tmp_path / "gold.jsonl")
    yield opened
    opened.close()


@pytest.mark.parametrize("size", SIZES)
async def test_help_on_the_review_screen(review, size):
    app = make_review_app(review)
    async with app.run_test(size=size) as pilot:
        help_screen = await open_help(pilot)
        assert group_titles(help_screen) == ["team (choice) keys", "Save and move", "Other keys"]
        moving = dict(help_screen.groups[1][1])
        assert "alt+1…alt+2" in moving and "Take that annotator's answer" in moving["alt+1…alt+2"]
        lines = screen_lines(app)
        assert lines[0].strip() == FIRST_LINE and lines[-1].strip() == HELP_KEYS
        await pilot.press("g")
        await pilot.pause()
        assert "Guidelines: Ticket triage" in [line.strip() for line in screen_lines(app)]
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
