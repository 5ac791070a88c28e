"""Nothing that matters is cut off at 80x24 and 60x20 (issue 14, items 5 and 8), through Pilot.

What the terminal shows is read from the screen's compositor (every cell, as drawn at that
size), so a line cut by its width shows as cut here too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Static
from ui_fixtures import TRIAGE_SCHEMA

from labeltui.core.session import Progress
from labeltui.ui.app import make_app, make_review_app
from labeltui.ui.widgets.status_bar import status_text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "review"))
from review_helpers import (
    MIXED,
    MIXED_TEXT,
    line,
    span,
    triage_files,
    write_lines,
    write_schema,
)

from labeltui.core.review.load import load_review
from labeltui.core.review.session import open_review
from labeltui.core.schema import load_schema

SIZES = [(80, 24), (60, 20)]


def rendered(app) -> list[str]:
    """The screen's lines as the terminal shows them (private API: Textual has no public
    plain-text screenshot)."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def line_with(lines: list[str], needle: str) -> str:
    found = [row for row in lines if needle in row]
    assert found, f"{needle!r} not on screen:\n" + "\n".join(lines)
    return found[0]


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def open_review_on(tmp_path):
    opened = []

    def make(files, schema):
        review = open_review(load_review(files, load_schema(schema)), files, "lead",
                             tmp_path / "gold.jsonl")  # fmt: skip
        opened.append(review)
        return review

    yield make
    for review in opened:
        review.close()


# -- the status line -------------------------------------------------------------------------------


def test_status_text_counts_skips_apart_and_keeps_a_bar_at_60_columns():
    progress = Progress(3, 239, True, 40, 42, 120.0, 7500.0, skipped=2)
    wide = status_text(progress, "ann", 78).plain
    assert wide.startswith("3/239  done 40 · skipped 2  █")
    assert "18%" in wide and "120/h" in wide and "~2h05m left" in wide and wide.endswith("· ann")
    assert len(wide) <= 78
    narrow = status_text(progress, "ann", 58).plain
    assert narrow.startswith("3/239  done 40 · skipped 2  █") and "░" in narrow
    assert "18%" in narrow and len(narrow) <= 58
    assert "120/h" not in narrow  # the least needed part goes first, whole
    tiny = status_text(progress, "ann", 32).plain
    assert tiny == "3/239  done 40 · skipped 2  18%"


def test_status_text_without_skips_says_only_done():
    progress = Progress(1, 10, True, 4, 0, None, None)
    assert status_text(progress, "ann", 58).plain.startswith("1/10  done 4  ")
    assert "skipped" not in status_text(progress, "ann", 58).plain


@pytest.mark.parametrize("size", SIZES)
async def test_a_skip_is_counted_as_skipped_not_done(make_session, size):
    app = make_app(make_session(TRIAGE_SCHEMA))
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+k")
        await pilot.pause()
        status = line_with(rendered(app), "done ")
        assert status.lstrip().startswith("2/5  done 0 · skipped 1  ")
        assert "░" in status and "20%" in status  # the bar stays at 60 columns
        await pilot.press("2")  # triage: a label key saves and moves on
        await pilot.pause()
        status = line_with(rendered(app), "done ")
        assert status.lstrip().startswith("3/5  done 1 · skipped 1  ") and "40%" in status
        assert "^q Quit" in rendered(app)[-1]


# -- the span info line ----------------------------------------------------------------------------

SPANS = """\
tasks:
  - name: entities
    kind: spans
    labels:
      - {name: PERSON, key: p}
      - {name: ORG, key: o}
      - {name: DATE, key: d}
"""
NEWS = (
    "Shares of Nordvik Energy fell 6% on Tuesday after the company said its chief "
    "executive, Ingrid Solberg, would step down at the end of June."
)


def news_row() -> dict:
    def at(word: str, label: str) -> dict:
        start = NEWS.index(word)
        return {"start": start, "end": start + len(word), "label": label}

    spans = [at("Nordvik Energy", "ORG"), at("Tuesday", "DATE"),
             at("Ingrid Solberg", "PERSON"), at("the end of June", "DATE")]  # fmt: skip
    return {"id": "N1", "text": NEWS, "labels": {"entities": spans}}


@pytest.mark.parametrize("size", SIZES)
async def test_span_info_keeps_the_span_and_its_count_whole(make_session, size):
    app = make_app(make_session(SPANS, rows=[news_row(), {"id": "N2", "text": "x"}]))
    async with app.run_test(size=size) as pilot:
        await pilot.press("right", "right")  # onto "Nordvik", inside the ORG span
        await pilot.pause()
        info = line_with(rendered(app), "ORG 10–24")
        assert "“Nordvik Energy”  · 4 spans" in info
        assert "…" not in info and not info.endswith("·")  # key hints left out whole
        assert "⌫ remove" in info  # the first hint fits at 60 columns too


# -- the review screen -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_review_header_keeps_the_item_and_its_disagreement(tmp_path, open_review_on, size):
    review = open_review_on(triage_files(tmp_path), write_schema(tmp_path))
    app = make_review_app(review)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = rendered(app)
        header = lines[0]
        assert "t2" in header and "new" in header and "1.00" in header and "2" in header
        assert "disagr" in header and not header.endswith("·") and "…" not in header
        status = line_with(lines, "_from:")
        assert status.lstrip().startswith("1/2  enter saves _from: ann")
        assert "^q Quit" in lines[-1]


async def test_review_header_at_80_columns_names_the_review_and_the_item(tmp_path, open_review_on):
    review = open_review_on(triage_files(tmp_path), write_schema(tmp_path))
    app = make_review_app(review)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert rendered(app)[0].strip() == (
            "Ticket triage · review · 2 of 2 left · item t2 · new · disagreement 1.00"
        )


async def test_taking_an_answer_with_a_flagged_value_shows_the_problem_at_once(
    tmp_path, open_review_on
):
    """`alt+N` with an answer the task cannot hold (overlapping spans): the problem line
    names whose answer it is before enter is pressed."""
    good = {"team": "bug", "entities": [span("Acme Router X2", "PRODUCT")]}
    both = [span("Acme Router X2", "PRODUCT"), span("Router", "DATE")]
    overlapping = {"team": "bug", "entities": both}
    files = [
        write_lines(tmp_path / "t.ann.jsonl", [line("m1", "ann", good, text=MIXED_TEXT)]),
        write_lines(tmp_path / "t.bob.jsonl", [line("m1", "bob", overlapping, text=MIXED_TEXT)]),
    ]
    review = open_review_on(files, write_schema(tmp_path, MIXED))
    app = make_review_app(review)
    async with app.run_test(size=(100, 30)) as pilot:
        problems = app.screen.query_one("#answer-problems", Static)
        assert not problems.display
        await pilot.press("alt+2")
        assert problems.display
        shown = str(problems.render())
        assert "bob's entities: spans 4..18 (PRODUCT) and 9..15 (DATE) overlap" in shown
        await pilot.press("alt+1")  # ann's answer holds nothing wrong: the line goes away
        assert not problems.display


# -- the metadata line -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_a_score_stays_on_the_metadata_line_beside_long_text_fields(make_session, size):
    rows = [
        {
            "id": "t0",
            "text": "The app crashes when I open settings.",
            "channel": "email from the customer portal, forwarded by the night desk",
            "product": "Sync Android (beta channel, build 4471)",
            "score": 0.93,
        },
        {"id": "t1", "text": "x"},
    ]
    app = make_app(make_session(TRIAGE_SCHEMA, rows=rows))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        meta = line_with(rendered(app), "score: 0.93")
        assert meta.index("score: 0.93") < meta.index("channel:")  # numbers before long text
