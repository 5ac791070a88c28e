"""Suggestions in the app (issue 18 item 1), pressed through Pilot: shown beside the tasks with
agent and score, the best pre-filled and marked, enter accepts it, a label key corrects it,
and the saved file holds what the annotator chose; readable at 80x24 and 60x20."""

from __future__ import annotations

import pytest
from ui_fixtures import MULTI_SCHEMA, TRIAGE_SCHEMA, read_lines

from labeltui.ui.app import make_app

SUGGESTED = {
    "team": [
        {"value": "bug", "score": 0.4, "agent": "model"},
        {"value": "billing", "score": 0.9, "agent": "rules:majority"},
    ]
}


def rendered(app) -> list[str]:
    """The screen's lines as the terminal shows them (as tests/ui/test_snapshots_small.py)."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def suggestion_lines(app) -> list[str]:
    widget = app.screen.query_one("#suggestions")
    return str(widget.render()).splitlines() if widget.display else []


def saved(session) -> dict[str, dict]:
    return {line["_id"]: line for line in read_lines(session.store.path)}


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(tmp_path / "cache"))


async def test_prefilled_best_is_marked_and_enter_saves_it(make_session):
    rows = [{"id": "a", "text": "invoice", "suggestions": SUGGESTED}, {"id": "b", "text": "x"}]
    session = make_session(TRIAGE_SCHEMA, rows=rows)
    async with make_app(session).run_test() as pilot:
        assert suggestion_lines(pilot.app) == [
            "★ pre-filled: billing 0.90 rules:majority · bug 0.40 model"
        ]
        await pilot.press("enter")
        assert session.position == 1
        assert suggestion_lines(pilot.app) == []  # b has none: the line is gone
    line = saved(session)["a"]
    assert line["labels"] == {"team": "billing"} and line["_status"] == "done"


async def test_a_label_key_corrects_it_in_triage(make_session):
    rows = [{"id": "a", "text": "invoice", "suggestions": SUGGESTED}, {"id": "b", "text": "x"}]
    session = make_session(TRIAGE_SCHEMA, rows=rows)
    async with make_app(session).run_test() as pilot:
        await pilot.press("2")  # bug: triage saves on the key
        assert session.position == 1
    assert saved(session)["a"]["labels"] == {"team": "bug"}


async def test_correcting_removes_the_mark_and_enter_saves_the_correction(make_session):
    rows = [
        {"id": "a", "text": "refund please",
         "suggestions": {"priority": [{"value": "high", "score": 0.8, "agent": "model"}],
                         "topics": [{"value": ["refund"], "agent": "rules"}]}},
        {"id": "b", "text": "x"},
    ]  # fmt: skip
    session = make_session(MULTI_SCHEMA, rows=rows)
    async with make_app(session).run_test() as pilot:
        assert suggestion_lines(pilot.app) == [
            "★ pre-filled topics: refund rules",
            "★ pre-filled priority: high 0.80 model",
        ]
        await pilot.press("l")  # low, not the suggested high
        await pilot.pause()
        assert suggestion_lines(pilot.app)[1] == "suggested priority: high 0.80 model"
        assert suggestion_lines(pilot.app)[0].startswith("★ pre-filled topics")
        await pilot.press("enter")
        assert session.position == 1
    assert saved(session)["a"]["labels"] == {"topics": ["refund"], "priority": "low"}


async def test_no_prefill_when_labels_has_a_value(make_session):
    rows = [
        {"id": "a", "text": "t", "labels": {"team": "shipping"}, "suggestions": SUGGESTED},
        {"id": "b", "text": "x"},
    ]
    session = make_session(TRIAGE_SCHEMA, rows=rows)
    async with make_app(session).run_test() as pilot:
        assert suggestion_lines(pilot.app) == [
            "suggested: billing 0.90 rules:majority · bug 0.40 model"
        ]
        await pilot.press("enter")
    assert saved(session)["a"]["labels"] == {"team": "shipping"}


async def test_nothing_saved_that_the_annotator_did_not_mean(make_session):
    """No usable suggestion: enter on a required task is refused, no null line is written;
    a revisited answer is theirs, not the suggestion (enter keeps it)."""
    rows = [
        {"id": "a", "text": "t", "suggestions": {"team": [{"value": "nope", "score": 0.9}]}},
        {"id": "b", "text": "u", "suggestions": SUGGESTED},
        {"id": "c", "text": "v"},
    ]
    session = make_session(TRIAGE_SCHEMA, rows=rows)
    async with make_app(session).run_test() as pilot:
        assert suggestion_lines(pilot.app) == ["suggested: ✗nope 0.90"]
        await pilot.press("enter")
        assert session.position == 0
        assert not session.store.path.exists() or "a" not in saved(session)
        await pilot.press("pagedown", "3")  # b: shipping, over the suggested billing
        assert session.position == 2
        await pilot.press("pageup")
        assert suggestion_lines(pilot.app)[0].startswith("suggested: billing")
        await pilot.press("enter")
    assert "a" not in saved(session)
    assert saved(session)["b"]["labels"] == {"team": "shipping"}


async def test_dataset_text_is_shown_inertly(make_session):
    evil = "rules\x1b[2J\x1b]0;pwned\x07"
    rows = [
        {"id": "a", "text": "t", "suggestions": {"team": [{"value": "bug", "agent": evil}]}},
        {"id": "b", "text": "t", "suggestions": {"team": [{"value": "bug", "score": "high"}]}},
    ]
    session = make_session(TRIAGE_SCHEMA, rows=rows)
    async with make_app(session).run_test() as pilot:
        (line,) = suggestion_lines(pilot.app)
        assert "\x1b" not in line and "\x07" not in line
        assert line == "★ pre-filled: bug rules␛[2J␛]0;pwned␇"
        await pilot.press("pagedown")
        (line,) = suggestion_lines(pilot.app)
        assert line == (
            "⚠ suggestions ignored: data.jsonl:2: suggestions.team[0].score must be a number "
            "from 0 to 1, not 'high'"
        )
        assert pilot.app.screen.query_one("#task-team").value() is None


async def test_help_says_what_enter_does_to_a_prefilled_suggestion(make_session):
    rows = [{"id": "a", "text": "invoice", "suggestions": SUGGESTED}]
    session = make_session(TRIAGE_SCHEMA, rows=rows)
    async with make_app(session).run_test(size=(100, 60)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(rendered(pilot.app))
        assert "Suggestions (the line above the tasks)" in text
        assert "Accepts a suggestion marked ★ pre-filled" in text


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_readable_at_small_sizes(make_session, size):
    text = "Caller wants to change the delivery address for order HB-21140. " * 6
    rows = [
        {"id": "T-1", "text": text, "channel": "phone", "suggestions": SUGGESTED},
        {"id": "T-2", "text": "x"},
    ]
    session = make_session(TRIAGE_SCHEMA, rows=rows)
    async with make_app(session).run_test(size=size) as pilot:
        await pilot.pause()
        lines = rendered(pilot.app)
        assert len(lines) == size[1]
        row = next(r for r in lines if "pre-filled" in r)
        assert row.strip().startswith("★ pre-filled: billing 0.90 rules:majority")
        assert len(row) <= size[0]
        assert any("(•) billing" in r for r in lines)  # the editor shows the pre-fill
        assert any(" done 0 " in r for r in lines)  # the status line is still there
        assert "^q Quit" in lines[-1]


@pytest.mark.e2e
def test_annotate_sort_suggestions_in_tmux(tmp_path):
    """The real command: `--sort suggestions` opens on the least certain item with its best
    suggestion pre-filled; enter saves it, a key corrects the next; the file holds both."""
    import json
    import shutil
    import sys
    from pathlib import Path

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))
    from tmux_driver import Tmux

    rows = [
        {"id": "sure", "text": "sure one", "suggestions": {"team": [{"value": "bug", "score": 0.95,
                                                                    "agent": "model"}]}},
        {"id": "plain", "text": "plain one"},
        {"id": "unsure", "text": "unsure one", "suggestions": SUGGESTED | {
            "team": [{"value": "shipping", "score": 0.45, "agent": "model"}]}},
    ]  # fmt: skip
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "schema.yaml").write_text(TRIAGE_SCHEMA)
    t = Tmux(["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann", "--sort",
              "suggestions"], tmp_path, width=80, height=24)  # fmt: skip
    try:
        t.wait_for("unsure one", "★ pre-filled: shipping 0.45 model", "^q Quit")
        t.send("Enter")
        t.wait_for("sure one", "★ pre-filled: bug 0.95 model", "^q Quit")
        t.send("1")  # billing, not the suggested bug
        t.wait_for("plain one", "^q Quit")
        t.send("C-q")
        assert t.exit_status() == 0
    finally:
        t.close()
    lines = [json.loads(x) for x in (tmp_path / "data.ann.jsonl").read_text().splitlines()]
    assert [(x["_id"], x["labels"]["team"]) for x in lines] == [
        ("unsure", "shipping"),
        ("sure", "billing"),
    ]


SPANS = """\
tasks:
  - name: entities
    kind: spans
    labels:
      - {name: PERSON, key: p}
      - {name: ORG, key: o}
"""


async def test_spans_suggestion_prefilled_in_any_order_and_saved(make_session):
    text = "Ingrid Solberg left Nordvik Energy."
    spans = [{"start": 20, "end": 34, "label": "ORG"}, {"start": 0, "end": 14, "label": "PERSON"}]
    rows = [
        {
            "id": "a",
            "text": text,
            "suggestions": {"entities": [{"value": spans, "agent": "rules"}]},
        },
        {"id": "b", "text": "x"},
    ]
    session = make_session(SPANS, rows=rows)
    async with make_app(session).run_test() as pilot:
        assert suggestion_lines(pilot.app) == ["★ pre-filled: 2 spans rules"]
        await pilot.press("enter")
        assert session.position == 1
    saved_spans = saved(session)["a"]["labels"]["entities"]
    key = lambda s: (s["start"], s["end"], s["label"])  # noqa: E731
    assert sorted(map(key, saved_spans)) == sorted(map(key, spans))


def test_a_value_is_still_the_suggestion_in_any_order():
    from labeltui.ui.widgets.suggestion_list import same

    assert same(["crash", "refund"], ["refund", "crash"])
    assert not same(["crash"], ["refund", "crash"])
    shown = [{"start": 0, "end": 2, "label": "ORG", "text": "Ac"}]
    assert same(shown, [{"start": 0, "end": 2, "label": "ORG"}])
    assert not same(shown, [{"start": 0, "end": 3, "label": "ORG"}])
    assert same("bug", "bug") and not same("bug", "billing") and not same(None, "bug")
