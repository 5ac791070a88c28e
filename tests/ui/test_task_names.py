"""Any task name YAML allows works in the app (issue 13): names with spaces, dots or letters of
any script used to crash start-up (Textual's BadIdentifier) once `validate` had passed them."""

from __future__ import annotations

import pytest
from textual.widgets import Static
from ui_fixtures import TEXTS, read_lines

from labeltui.ui.app import make_app
from labeltui.ui.screens.labelling import editor_id
from labeltui.ui.widgets.choice_editor import ChoiceEditor


def shown_text(app) -> str:
    return str(app.screen.query_one("#item-text", Static).render())


@pytest.mark.parametrize("name", ["topic area", "é.x", "日本語", "a/b:c", "x#1"])
async def test_a_triage_task_with_any_name_starts_and_saves(make_session, name):
    schema = f'tasks:\n  - name: "{name}"\n    kind: choice\n    labels: [billing, bug]\n'
    session = make_session(schema)
    app = make_app(session)
    async with app.run_test() as pilot:
        editor = app.screen.query_one(ChoiceEditor)
        assert editor.task.name == name
        keys = {label.name: label.key for label in editor.task.labels}
        await pilot.press(keys["bug"])
        assert shown_text(app) == TEXTS[1]  # saved and moved on
    lines = read_lines(session.store.path)
    assert [(x["_id"], x["labels"]) for x in lines] == [("t0", {name: "bug"})]


async def test_several_tasks_with_awkward_names_each_keep_their_answer(make_session):
    schema = """\
tasks:
  - name: "topic area"
    kind: multi_choice
    labels: [refund, login]
  - name: "é.x"
    kind: choice
    labels: [low, high]
  - name: "topic_area"
    kind: choice
    required: false
    labels: [yes, no]
"""
    session = make_session(schema)
    app = make_app(session)
    async with app.run_test() as pilot:
        editors = list(app.screen.query(ChoiceEditor))
        assert [e.task.name for e in editors] == ["topic area", "é.x", "topic_area"]
        assert len({e.id for e in editors}) == 3  # distinct ids, "topic area" != "topic_area"
        keys = {(e.task.name, label.name): label.key for e in editors for label in e.task.labels}
        await pilot.press(keys["topic area", "login"], keys["é.x", "high"], "enter")
        assert session.position == 1
    lines = read_lines(session.store.path)
    assert lines[0]["labels"] == {"topic area": ["login"], "é.x": "high", "topic_area": None}


async def test_a_spans_task_with_a_dotted_name_starts(make_session):
    schema = 'tasks:\n  - name: "ents.v2 (people)"\n    kind: spans\n    labels: [PER]\n'
    session = make_session(schema)
    app = make_app(session)
    async with app.run_test() as pilot:
        task = session.schema.tasks[0]
        assert app.screen.query_one(f"#{editor_id(task)}") is not None
        await pilot.press("enter")  # no spans is an answer for a spans task
        assert session.position == 1
    assert read_lines(session.store.path)[0]["labels"] == {"ents.v2 (people)": []}
