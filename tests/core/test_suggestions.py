"""`core.suggestions`: an item's `suggestions` field read, checked against the schema, ranked,
and its uncertainty (FORMAT section 9)."""

from __future__ import annotations

import math

import pytest

from labeltui.core.schema import parse_schema
from labeltui.core.suggestions import (
    Suggestion,
    SuggestionsError,
    best,
    check,
    rank,
    read,
    uncertainty,
)

SCHEMA = parse_schema(
    """\
tasks:
  - name: team
    kind: choice
    labels: [billing, bug, other]
  - name: topics
    kind: multi_choice
    labels: [refund, crash]
  - name: ents
    kind: spans
    labels: [ORG]
"""
)
TASKS = SCHEMA.tasks


def s(value, score=None, agent="a", problem=None) -> Suggestion:
    return Suggestion(value, score, agent, problem)


def test_read_keeps_order_and_optional_keys():
    raw = {
        "team": [
            {"value": "bug", "score": 0.4, "agent": "model", "type": "model"},
            {"value": "billing"},
            {"value": "other", "score": 1, "agent": None},
        ]
    }
    assert read(raw) == {"team": [("bug", 0.4, "model"), ("billing", None, ""), ("other", 1.0, "")]}
    assert read(None) == {}


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ([{"value": "bug"}], "'suggestions' must be an object of task names"),
        ({"team": {"value": "bug"}}, "suggestions.team must be a list"),
        ({"team": ["bug"]}, "suggestions.team[0] must be an object"),
        ({"team": [{"score": 0.5}]}, "suggestions.team[0] has no 'value'"),
        (
            {"team": [{"value": "bug", "score": "0.9"}]},
            "suggestions.team[0].score must be a number",
        ),
        ({"team": [{"value": "bug", "score": True}]}, "suggestions.team[0].score must be a number"),
        ({"team": [{"value": "a"}, {"value": "b", "score": 1.5}]}, "team[1].score must be from 0"),
        ({"team": [{"value": "bug", "score": -0.1}]}, "score must be from 0 to 1"),
        ({"team": [{"value": "bug", "agent": 7}]}, "suggestions.team[0].agent must be a string"),
    ],
)
def test_wrong_shapes_are_one_clear_sentence(raw, words):
    with pytest.raises(SuggestionsError) as caught:
        read(raw)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_values_are_checked_against_their_task_and_unknown_tasks_left_out():
    raw = {
        "team": [{"value": "shiping", "score": 0.99}, {"value": "bug", "score": 0.2}],
        "topics": [{"value": ["refund", "nope"], "score": 0.9}],
        "ents": [{"value": [{"start": 0, "end": 4, "label": "ORG"}]}],
        "not_a_task": [{"value": "x", "score": 0.1}],
    }
    checked = check(TASKS, raw, text="Acme sells")
    assert set(checked) == {"team", "topics", "ents"}
    # the unknown label is kept to show, but ranks below the valid one and is never best
    assert [x.value for x in checked["team"]] == ["bug", "shiping"]
    assert "'shiping' is not a label of this task" in checked["team"][1].problem
    assert best(checked["team"]).value == "bug"
    assert best(checked["topics"]) is None  # its only suggestion names an unknown label
    assert checked["ents"][0].usable
    # a span past the text is a problem too (section 3's check)
    far = check(TASKS, {"ents": [{"value": [{"start": 0, "end": 99, "label": "ORG"}]}]}, "Acme")
    assert far["ents"][0].problem is not None


def test_rank_scored_first_highest_first_unscored_below_ties_keep_order():
    items = [s("a"), s("b", 0.5, "x"), s("c", 0.9), s("d", 0.5, "y"), s("e"), s("f", problem="no")]
    assert [x.value for x in rank(items)] == ["c", "b", "d", "a", "e", "f"]
    ranked = rank(items)
    assert (ranked[1].agent, ranked[2].agent) == ("x", "y")  # the tie keeps file order


def test_best_skips_empty_values_and_is_none_without_usable():
    assert best(rank([s(None, 0.9), s([], 0.8), s("bug", 0.1)])).value == "bug"
    assert best(rank([s(None, 0.9)])) is None
    assert best([]) is None


def test_uncertainty_is_one_minus_best_of_least_certain_task():
    checked = check(
        TASKS,
        {
            "team": [{"value": "bug", "score": 0.9}, {"value": "other", "score": 0.05}],
            "topics": [{"value": ["crash"], "score": 0.6}],
        },
    )
    assert uncertainty(checked) == pytest.approx(0.4)
    assert uncertainty(check(TASKS, {"team": [{"value": "bug", "score": 0.75}]})) == 0.25


def test_uncertainty_is_nan_without_a_scored_usable_suggestion():
    assert math.isnan(uncertainty({}))
    assert math.isnan(uncertainty(check(TASKS, {"team": [{"value": "bug"}]})))
    assert math.isnan(uncertainty(check(TASKS, {"team": [{"value": "nope", "score": 0.9}]})))


def test_extra_suggestions_merge_after_the_datasets_on_ties():
    raw = {"team": [{"value": "bug", "score": 0.7, "agent": "rules"}]}
    more = {"team": [{"value": "other", "score": 0.7, "agent": "model"}]}
    checked = check(TASKS, raw, more=more)
    assert [x.agent for x in checked["team"]] == ["rules", "model"]
    more = {"team": [{"value": "other", "score": 0.8, "agent": "model"}]}
    assert best(check(TASKS, raw, more=more)["team"]).agent == "model"


def test_without_a_schema_every_task_counts_unchecked():
    checked = check(None, {"anything": [{"value": "x", "score": 0.3}]})
    assert uncertainty(checked) == pytest.approx(0.7)
