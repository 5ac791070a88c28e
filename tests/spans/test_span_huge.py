"""A spans task on a huge item (a multi-MB single line): the editor lays out only a window of
the text around the cursor, shows the start at once, reaches the end with `end`, and saves a
span selected there with exact code-point offsets. (At 100 MB: benchmarks/huge_line.py.)"""

from __future__ import annotations

import json

import pytest
from span_app import SpanApp, marked, rows

from labeltui.core.session import open_session
from labeltui.ui.app import make_app
from labeltui.ui.widgets.span_editor import SpanEditor

UNIT = "Ticket 工单 🎉 line\nbreak\ttab 👨\u200d👩\u200d👧 e\u0301te\u0301 "  # astral, wide, \n, \t
TEXT = "START here " + UNIT * (3_000_000 // len(UNIT)) + "the very THE-END"
SCHEMA = """\
tasks:
  - name: entities
    kind: spans
    labels:
      - {name: PERSON, key: p}
"""


def windowed(editor: SpanEditor) -> None:
    """Only a window of the text was tokenized and laid out."""
    wrapped = editor.view.wrapped
    assert wrapped is not None
    assert wrapped.end - wrapped.start < 100_000 < len(TEXT)
    assert len(editor.state.units) < 30_000


async def test_a_huge_item_shows_its_start_then_its_end_and_labels_there():
    app = SpanApp(TEXT)
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        editor = app.editor
        shown = rows(editor)
        assert shown[0].startswith("START here Ticket 工单 🎉 line")
        assert "THE-END" not in "".join(shown)
        windowed(editor)
        await pilot.press("end")
        shown = rows(editor)
        assert "the very THE-END" in "".join(shown)
        windowed(editor)
        assert editor.view.wrapped.end == len(TEXT)
        # select "very THE-END" (very, THE, -, END) and label it
        await pilot.press("shift+left", "shift+left", "shift+left")
        assert marked(editor, reverse=True) == "very THE-END"
        await pilot.press("p")
        start = len(TEXT) - len("very THE-END")
        assert editor.value() == [
            {"start": start, "end": len(TEXT), "label": "PERSON", "text": "very THE-END"}
        ]
        assert marked(editor, underline=True) == "very THE-END"  # the span (cursor on "very")
        await pilot.press("home")
        assert rows(editor)[0].startswith("START here") and editor.state.cursor_range() == (0, 5)
        await pilot.press("down", "down", "right")  # the keys still move in the window
        assert editor.state.cursor_range()[0] > 20


@pytest.fixture
def session(tmp_path):
    data = tmp_path / "data.jsonl"
    rows = [{"id": "huge", "text": TEXT}, {"id": "next", "text": "small"}]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    schema = tmp_path / "schema.yaml"
    schema.write_text(SCHEMA)
    opened = open_session(data, schema, "ann")
    opened.index.scan_all()
    yield opened
    opened.close()


async def test_a_span_near_the_end_of_a_huge_item_is_saved_with_exact_offsets(session):
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one(SpanEditor)
        windowed(editor)
        await pilot.press("end", "shift+left", "shift+left", "p", "enter")
        await pilot.pause()
        assert editor.item.id == "next"
    lines = [json.loads(x) for x in session.store.path.read_text(encoding="utf-8").splitlines()]
    (saved,) = [line for line in lines if line["_id"] == "huge"]
    start = len(TEXT) - len("THE-END")  # code points: the emoji before count one each
    assert saved["labels"]["entities"] == [
        {"start": start, "end": len(TEXT), "label": "PERSON", "text": "THE-END"}
    ]
    assert saved["text"] == TEXT
