"""Nested labels in the app (issue 17): keys per level, backspace up, space picks the open
label, the picker, and the chosen paths on screen. Keys here: top level `s` science, `1`
sports; under science `1` physics, `2` biology; under biology `1` genetics, `2` ecology: the
same key means another label at each level, and must mean the one shown."""

from __future__ import annotations

import pytest
from test_keys import plain
from textual.widgets import OptionList
from ui_fixtures import read_lines

from labeltui.ui.app import make_app
from labeltui.ui.screens.label_picker import LabelPicker
from labeltui.ui.widgets.choice_tree import TreeChoiceEditor

TREE = """\
tasks:
  - name: topic
    kind: {kind}
    leaf_only: {leaf_only}
    labels:
      - name: science
        key: s
        aliases: [sci]
        children:
          - physics
          - name: biology
            hint: living things
            children:
              - name: genetics
                aliases: [heredity]
              - ecology
      - sports
"""


def tree(kind: str = "multi_choice", leaf_only: bool = False) -> str:
    return TREE.format(kind=kind, leaf_only=str(leaf_only).lower())


def editor(app) -> TreeChoiceEditor:
    return app.screen.query_one(TreeChoiceEditor)


def shown(app) -> str:
    return plain(editor(app).render(), width=80)


def saved(session) -> list:
    return [line["labels"]["topic"] for line in read_lines(session.store.path)]


async def test_a_key_means_the_label_shown_beside_it_at_each_level(make_session):
    session = make_session(tree())
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        ed = editor(app)
        assert ed.open_node is None
        assert " 1  [ ] sports" in shown(app) and "physics" not in shown(app)
        await pilot.press("s")  # an inner node's key opens it: nothing is picked
        assert ed.open_node == "science" and ed.value() == []
        text = shown(app)
        assert "▸ science" in text and " 1  [ ] physics" in text and " 2  [ ] biology ▸" in text
        assert "sports" not in text
        await pilot.press("1")  # here `1` is physics, not sports
        assert ed.value() == ["science/physics"]
        await pilot.press("2", "1")  # biology opens; there `1` is genetics
        assert ed.open_node == "science/biology"
        assert ed.value() == ["science/physics", "science/biology/genetics"]
        assert "✓ science/biology/genetics" in shown(app)
        await pilot.press("1")  # toggles genetics off again
        assert ed.value() == ["science/physics"]
        await pilot.press("2", "enter")
    assert saved(session) == [["science/physics", "science/biology/ecology"]]


async def test_backspace_goes_up_one_level_and_clears_at_the_top(make_session):
    session = make_session(tree())
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        ed = editor(app)
        await pilot.press("s", "2", "1")
        assert ed.open_node == "science/biology" and ed.value() == ["science/biology/genetics"]
        await pilot.press("backspace")
        assert ed.open_node == "science" and ed.value() == ["science/biology/genetics"]
        await pilot.press("backspace")
        assert ed.open_node is None and ed.value() == ["science/biology/genetics"]
        await pilot.press("1")  # at the top, `1` is sports again
        assert ed.value() == ["science/biology/genetics", "sports"]
        await pilot.press("backspace")  # at the top level: clears, as in a flat task
        assert ed.value() == [] and ed.open_node is None


async def test_triage_inner_key_opens_without_saving_and_a_leaf_key_saves(make_session):
    session = make_session(tree(kind="choice"))
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "2")  # two inner nodes: nothing saved, nothing moved
        assert saved(session) == []
        assert editor(app).open_node == "science/biology"
        await pilot.press("2")  # ecology, a leaf: triage saves and moves on
        assert saved(session) == ["science/biology/ecology"]
        assert editor(app).open_node is None  # the next item starts at the top
        assert session.position == 1


async def test_space_picks_the_open_node_and_drops_its_implied_ancestors(make_session):
    session = make_session(tree())
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        ed = editor(app)
        await pilot.press("s", "space")
        assert ed.value() == ["science"]
        await pilot.press("2", "1")  # genetics implies science: science is not listed
        assert ed.value() == ["science/biology/genetics"]
        await pilot.press("space")  # biology is implied by genetics already: unchanged
        assert ed.value() == ["science/biology/genetics"]
        assert "[~] biology" in plain(ed._cell(ed.by_name["science/biology"]))
        await pilot.press("enter")
    assert saved(session) == [["science/biology/genetics"]]


async def test_leaf_only_space_picks_nothing(make_session):
    session = make_session(tree(kind="choice", leaf_only=True))
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        ed = editor(app)
        await pilot.press("s", "space")
        assert ed.value() is None and ed.open_node == "science"
        assert "space picks it" not in shown(app)
        await pilot.press("enter")  # required choice without an answer: not saved
        assert saved(session) == []


async def test_picker_filters_by_alias_and_picks_a_deep_node(make_session):
    session = make_session(tree())
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, LabelPicker)
        await pilot.press(*"heredity")
        picker = app.screen
        assert [label.name for label in picker.hits] == ["science/biology/genetics"]
        assert "science/biology/genetics" in str(
            picker.query_one(OptionList).get_option_at_index(0).prompt
        )
        await pilot.press("enter")
        assert not isinstance(app.screen, LabelPicker)
        ed = editor(app)
        assert ed.value() == ["science/biology/genetics"]
        assert ed.open_node == "science/biology"  # the level of the picked label shows
        await pilot.press("ctrl+l", *"phys", "escape")  # escape: nothing picked
        assert ed.value() == ["science/biology/genetics"]
        await pilot.press("ctrl+l", *"sci", "down", "enter")  # the second hit of `sci`
        assert ed.value() == ["science/physics", "science/biology/genetics"]
        await pilot.press("enter")
    assert saved(session) == [["science/physics", "science/biology/genetics"]]


async def test_picker_on_a_leaf_only_inner_node_opens_it(make_session):
    session = make_session(tree(kind="choice", leaf_only=True))
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l", *"biology", "enter")
        ed = editor(app)
        assert ed.value() is None and ed.open_node == "science/biology"
        assert isinstance(app.screen.focused, TreeChoiceEditor)
        assert not isinstance(app.screen, LabelPicker)
        await pilot.press("1")  # genetics, a leaf of the opened level: triage saves it
    assert saved(session) == ["science/biology/genetics"]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_long_paths_are_cut_from_the_left(make_session, size):
    deep = (
        "tasks:\n  - name: topic\n    kind: choice\n    labels:\n"
        + "".join(
            f"{'  ' * (3 + 2 * i)}- name: {'level' + str(i) + '-' + 'x' * 12}\n"
            f"{'  ' * (4 + 2 * i)}children:\n"
            for i in range(5)
        )
        + f"{'  ' * 13}- leafnode\n"
    )
    session = make_session(deep)
    app = make_app(session)
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+l", *"leafnode", "enter", "enter")
    assert saved(session) == ["/".join(f"level{i}-{'x' * 12}" for i in range(5)) + "/leafnode"]


async def test_a_flat_task_with_more_labels_than_keys_reaches_the_rest_with_the_picker(
    make_session,
):
    names = ", ".join(f"tag{i:03d}" for i in range(100))
    session = make_session(f"tasks:\n  - {{name: topic, kind: multi_choice, labels: [{names}]}}\n")
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        ed = editor(app)
        assert "38 more without a key here: ^l finds them" in shown(app)
        await pilot.press("1")  # keyed labels work as before
        await pilot.press("ctrl+l", *"tag099", "enter")
        assert ed.value() == ["tag000", "tag099"]
        await pilot.press("enter")
    assert saved(session) == [["tag000", "tag099"]]
