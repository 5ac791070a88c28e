"""Every screen kind at 80x24 and 60x20 (issue 14, item 5), as snapshots and as plain text.

A snapshot only says "unchanged", so each one is paired with assertions on the text the
terminal shows at that size: the position, the done count, the labels and the key line's
`^q Quit` are there, whole. Update after an intended change with
`pytest tests/ui/test_snapshots_small.py --snapshot-update` and look at the SVGs in
`__snapshots__/test_snapshots_small/` before committing them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from ui_fixtures import MULTI_SCHEMA, TRIAGE_SCHEMA

from labeltui.ui.app import make_app, make_review_app

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS / "review"))
sys.path.insert(0, str(TESTS / "audio"))
from audio_helpers import tone_bursts, write  # noqa: E402
from review_helpers import triage_files, write_schema  # noqa: E402

SIZES = [(80, 24), (60, 20)]

TICKET = (
    "Caller wants to change the delivery address for order HB-21140; it hasn't shipped yet. "
    "Updated address in the order system to his office: 3 Canal Street, Manchester M1 3HE."
)
TICKETS = [
    {"id": "T-1", "text": TICKET, "channel": "phone", "product": "Hub Mini",
     "created": "2025-01-08", "score": 0.926,
     "labels": {"team": "shipping", "_scores": {"team": 0.926}}},
    {"id": "T-2", "text": "The app crashes when I log in."},
    {"id": "T-3", "text": "Please refund my last payment."},
]  # fmt: skip

SPANS = """\
title: Named entities
tasks:
  - name: entities
    kind: spans
    labels:
      - {name: PERSON, key: p, color: magenta}
      - {name: ORG, key: o, color: cyan}
      - {name: DATE, key: d}
"""
NEWS = (
    "Shares of Nordvik Energy fell 6% on Tuesday after the company said its chief "
    "executive, Ingrid Solberg, would step down at the end of June."
)

AUDIO = """\
title: Sound events
tasks:
  - name: events
    kind: audio_marks
    labels:
      - {name: speech, key: s}
      - {name: music, key: m}
      - {name: click, key: c}
"""


def rendered(app) -> list[str]:
    """The screen's lines as the terminal shows them (Textual has no public plain-text
    screenshot: this reads the compositor, as the SVG export does)."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def snapshot_and_text(
    snap_compare, app, size: tuple[int, int], press: tuple[str, ...] = ()
) -> tuple[bool, list[str]]:
    """(whether the snapshot matches, the screen's text when it was taken)."""
    seen: list[str] = []

    async def before(pilot) -> None:
        await pilot.app.workers.wait_for_complete()  # the waveform's envelope
        await pilot.pause()
        if press:
            await pilot.press(*press)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        seen.extend(rendered(pilot.app))

    matches = snap_compare(app, terminal_size=size, run_before=before)
    assert seen, "the app was not shown"
    return matches, seen


def key_line_quits(lines: list[str]) -> None:
    assert "^q Quit" in lines[-1], lines[-1]


def status_line(lines: list[str]) -> str:
    return next(row for row in lines if " done " in row)


@pytest.fixture(autouse=True)
def quiet(tmp_path, monkeypatch):
    """No sound device (as over SSH) and an envelope cache of this test's own."""
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    from labeltui.core.audio.playback import Player
    from labeltui.ui.widgets import audio_editor

    monkeypatch.setattr(audio_editor, "_shared_player", Player())


@pytest.mark.parametrize("size", SIZES)
def test_triage(snap_compare, make_session: Callable, size):
    app = make_app(make_session(TRIAGE_SCHEMA, rows=TICKETS))
    matches, lines = snapshot_and_text(snap_compare, app, size)
    assert lines[0].strip().startswith("Ticket triage") and "T-1" in lines[0]
    assert status_line(lines).lstrip().startswith("1/3  done 0 ")
    for label in ("1  ( ) billing", "2  ( ) bug", "3  (•) shipping"):
        assert any(label in row for row in lines), label
    assert any("Caller wants to change" in row for row in lines)
    key_line_quits(lines)
    assert matches


@pytest.mark.parametrize("size", SIZES)
def test_multi(snap_compare, make_session: Callable, size):
    app = make_app(make_session(MULTI_SCHEMA))
    matches, lines = snapshot_and_text(snap_compare, app, size, press=("2", "h"))
    assert status_line(lines).lstrip().startswith("1/5  done 0 ")
    for label in ("[ ] refund", "[x] login", "[ ] mobile", "( ) low", "(•) high"):
        assert any(label in row for row in lines), label
    key_line_quits(lines)
    assert matches


@pytest.mark.parametrize("size", SIZES)
def test_spans(snap_compare, make_session: Callable, size):
    start = NEWS.index("Nordvik Energy")
    rows = [
        {"id": "N1", "text": NEWS, "source": "news",
         "labels": {"entities": [{"start": start, "end": start + 14, "label": "ORG"}]}},
        {"id": "N2", "text": "Ingrid Solberg spoke."},
    ]  # fmt: skip
    app = make_app(make_session(SPANS, rows=rows))
    matches, lines = snapshot_and_text(snap_compare, app, size, press=("right", "right"))
    assert status_line(lines).lstrip().startswith("1/2  done 0 ")
    legend = next(row for row in lines if "PERSON" in row)
    assert "ORG" in legend and "DATE" in legend
    assert any("ORG 10–24 “Nordvik Energy”  · 1 span" in row for row in lines)
    key_line_quits(lines)
    assert matches


@pytest.mark.parametrize("size", SIZES)
def test_audio(snap_compare, tmp_path, size):
    from labeltui.core.session import open_session

    write(tmp_path / "one.wav", tone_bursts(10.0))
    marks = [{"start": 1.0, "end": 2.5, "label": "speech"},
             {"start": 4.2, "end": 4.2, "label": "click"},
             {"start": 6.0, "end": 9.0, "label": "music"}]  # fmt: skip
    rows = [
        {"id": "A1", "audio": "one.wav", "labels": {"events": marks}},
        {"id": "A2", "audio": "one.wav"},
    ]
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "schema.yaml").write_text(AUDIO)
    session = open_session(tmp_path / "data.jsonl", tmp_path / "schema.yaml", "ann")
    try:
        session.index.scan_all()
        matches, lines = snapshot_and_text(snap_compare, make_app(session), size)
    finally:
        session.close()
    assert status_line(lines).lstrip().startswith("1/2  done 0 ")
    legend = next(row for row in lines if "speech" in row and "music" in row)
    assert "click" in legend
    assert any("0:00.000 / 0:10.000" in row for row in lines)
    key_line_quits(lines)
    assert matches


@pytest.mark.parametrize("size", SIZES)
def test_review(snap_compare, tmp_path, size):
    from labeltui.core.review.load import load_review
    from labeltui.core.review.session import open_review
    from labeltui.core.schema import load_schema

    files, schema = triage_files(tmp_path), write_schema(tmp_path)
    review = open_review(load_review(files, load_schema(schema)), files, "lead",
                         tmp_path / "gold.jsonl")  # fmt: skip
    try:
        matches, lines = snapshot_and_text(snap_compare, make_review_app(review), size)
    finally:
        review.close()
    header = lines[0]
    assert "2 of 2 left" in header or "2/2 left" in header
    assert "t2" in header and "1.00" in header and not header.endswith("·")
    assert next(row for row in lines if "_from:" in row).lstrip().startswith("1/2  enter saves")
    for label in ("1  (•) billing", "2  ( ) bug", "3  ( ) shipping"):
        assert any(label in row for row in lines), label
    for who in ("alt+1  ✓ ann", "alt+2    bob", "alt+3    cy"):
        assert any(who in row for row in lines), who
    key_line_quits(lines)
    assert matches


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, make_session: Callable, size):
    app = make_app(make_session(TRIAGE_SCHEMA, rows=TICKETS))
    matches, lines = snapshot_and_text(snap_compare, app, size, press=("question_mark",))
    first = lines[0].lower()
    assert "esc" in first and "close" in first  # how to close it, on its first line
    assert any("billing" in row for row in lines) and any("shipping" in row for row in lines)
    assert "esc" in lines[-1].lower()  # the key line shows help's own keys
    assert matches
