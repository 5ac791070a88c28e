"""The span editor inside the real annotate screen: keys, save, reload, undo across saves."""

from __future__ import annotations

import json

import pytest

from labeltui.core.session import open_session
from labeltui.ui.app import make_app
from labeltui.ui.widgets.span_editor import SpanEditor

SCHEMA = """\
tasks:
  - name: entities
    kind: spans
    labels:
      - {name: PERSON, key: p}
      - {name: LOC, key: l}
"""
ROWS = [
    {"id": "a", "text": "Zoë Saldaña 👩🏽‍🎤 flew to 東京\tyesterday."},
    {
        "id": "b",
        "text": "Pre-annotated: Marie Curie in Warsaw.",
        "labels": {
            "entities": [{"start": 15, "end": 26, "label": "PERSON", "text": "Marie Curie"}]
        },
    },
]


@pytest.fixture
def session(tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS))
    schema = tmp_path / "schema.yaml"
    schema.write_text(SCHEMA)
    opened = open_session(data, schema, "ann")
    opened.index.scan_all()
    yield opened
    opened.close()


def saved(session) -> dict[str, list]:
    lines = [json.loads(x) for x in session.store.path.read_text().splitlines()]
    return {line["_id"]: line["labels"]["entities"] for line in lines}


async def test_select_label_save_and_undo_across_saves(session):
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one(SpanEditor)
        assert editor.has_focus
        await pilot.press("shift+right", "p", "end", "left", "left", "l", "enter")
        first = saved(session)["a"]
        assert first == [
            {"start": 0, "end": 11, "label": "PERSON", "text": "Zoë Saldaña"},
            {"start": 25, "end": 27, "label": "LOC", "text": "東京"},
        ]
        # item b shows its pre-annotation; saving keeps it exactly
        assert editor.value()[0]["text"] == "Marie Curie"
        await pilot.press("l", "ctrl+z")  # an edit on b is undone first
        assert editor.item.id == "b" and len(editor.value()) == 1
        await pilot.press("ctrl+z")  # nothing left on b: the screen undoes the save of a
        assert editor.item.id == "a" and session.status() is None
        await pilot.press("pagedown", "enter")
        assert saved(session)["b"] == ROWS[1]["labels"]["entities"]


async def test_help_lists_the_span_keys(session):
    app = make_app(session)
    async with app.run_test(size=(80, 24)):
        groups = dict(app.screen.key_groups())
        descriptions = [d for _, d in groups["entities (spans) keys"]]
        assert "Span start one token left" in descriptions
        assert "Remove span" in descriptions
