"""`core.answer_check`: which values a task can hold, and which required answers are missing."""

from __future__ import annotations

import math

import pytest

from labeltui.core.answer_check import (
    is_empty,
    label_problems,
    missing_answer,
    missing_text,
    value_problems,
)
from labeltui.core.schema import parse_schema

SCHEMA = parse_schema(
    """\
tasks:
  - {name: team, kind: choice, labels: [billing, shipping]}
  - {name: topics, kind: multi_choice, labels: [refund, login]}
  - {name: ents, kind: spans, labels: [PER, ORG]}
  - {name: ents2, kind: spans, allow_overlap: true, labels: [PER, ORG]}
  - {name: events, kind: audio_marks, labels: [cough, laugh]}
  - {name: must, kind: audio_marks, required: true, labels: [cough]}
  - {name: maybe, kind: choice, required: false, labels: [a]}
"""
)
TEAM, TOPICS, ENTS, ENTS2, EVENTS, MUST, MAYBE = SCHEMA.tasks
TEXT = "Ann works at Acme."


def span(start, end, label="PER", **extra):
    return {"start": start, "end": end, "label": label, **extra}


def mark(start, end, label="cough"):
    return {"start": start, "end": end, "label": label}


def test_valid_values_have_no_problems():
    assert value_problems(TEAM, "billing") == []
    assert value_problems(TEAM, None) == []
    assert value_problems(TOPICS, ["login", "refund"]) == []
    assert value_problems(ENTS, [span(0, 3), span(13, 17, "ORG", text="Acme")], TEXT) == []
    assert value_problems(ENTS2, [span(0, 3), span(0, 9, "ORG")], TEXT) == []
    assert value_problems(EVENTS, [mark(0, 0), mark(0.5, 2)], duration=2.0) == []


def test_unknown_labels_are_named():
    assert value_problems(TEAM, "shiping") == ["team='shiping' is not a label of this task"]
    assert value_problems(TEAM, 3) == ["team=3 is not a label name"]
    assert value_problems(TOPICS, ["refund", "x"]) == ["topics: 'x' is not a label of this task"]
    assert "not a label of this task" in value_problems(ENTS, [span(0, 3, "LOC")], TEXT)[0]
    assert "not a label of this task" in value_problems(EVENTS, [mark(1, 1, "sneeze")])[0]


@pytest.mark.parametrize(
    ("entry", "phrase"),
    [
        (span(10, 99), "is past the end of the text (18 characters)"),
        (span(-1, 3), "starts before the text"),
        (span(5, 5), "is empty or reversed"),
        (span(6, 2), "is empty or reversed"),
        (span(0.0, 3), "offsets must be whole numbers"),
        (span(True, 3), "offsets must be whole numbers"),
        (span(0, 3, text="Bob"), "says 'Bob' but the text there is 'Ann'"),
        ({"start": 0}, "is not {start, end, label}"),
        ("nonsense", "is not {start, end, label}"),
    ],
)
def test_bad_spans(entry, phrase):
    problems = value_problems(ENTS, [entry], TEXT)
    assert len(problems) == 1 and phrase in problems[0], problems


def test_overlapping_spans_only_where_the_task_forbids_them():
    value = [span(0, 9), span(4, 12, "ORG")]
    assert value_problems(ENTS, value, TEXT) == [
        "ents: spans 0..9 (PER) and 4..12 (ORG) overlap, which this task does not allow"
    ]
    assert value_problems(ENTS2, value, TEXT) == []
    assert value_problems(ENTS2, [span(0, 3), span(0, 3)], TEXT)[0].endswith("is listed twice")


@pytest.mark.parametrize(
    ("entry", "phrase"),
    [
        (mark(-1, 2), "starts before the audio"),
        (mark(3, 1), "ends (1 s) before it starts (3 s)"),
        (mark(0, math.inf), "is not a finite time"),
        (mark(math.nan, 1), "is not a finite time"),
        (mark(0, 1e308), "is longer than any recording"),
        (mark("1", 2), "times must be numbers of seconds"),
        (mark(1, 12.5), "after the end of the audio (10 s)"),
    ],
)
def test_bad_marks(entry, phrase):
    problems = value_problems(EVENTS, [entry], duration=10.0)
    assert len(problems) == 1 and phrase in problems[0], problems


def test_a_mark_at_the_end_of_the_audio_to_the_millisecond_is_fine():
    assert value_problems(EVENTS, [mark(0, 10.0004)], duration=10.0) == []
    assert value_problems(EVENTS, [mark(0, 12)]) == []  # duration unknown: not checked


def test_lists_must_be_lists():
    assert "must be a list" in value_problems(TOPICS, "refund")[0]
    assert "must be a list of spans" in value_problems(ENTS, {"start": 0}, TEXT)[0]


def test_required_answers():
    assert missing_answer(TEAM, None) and not missing_answer(TEAM, "billing")
    assert not missing_answer(MAYBE, None)  # required: false
    assert not missing_answer(TOPICS, []) and not missing_answer(EVENTS, [])
    assert missing_answer(MUST, []) and missing_answer(MUST, None)
    assert is_empty(None) and is_empty([]) and not is_empty(["x"]) and not is_empty("x")


def test_spans_on_an_item_without_a_string_text_are_refused():
    data = {"text": {"not": "a string"}}
    assert missing_text(SCHEMA, data) == ("item has no text field 'text', which spans tasks need")
    assert missing_text(SCHEMA, {"text": "fine"}) is None
    problems = label_problems(SCHEMA, {"ents": [span(0, 3)]}, data, '{"not": "a string"}')
    assert problems == [
        "ents: spans refused: item has no text field 'text', which spans tasks need"
    ]
    assert label_problems(SCHEMA, {"ents": []}, data, None) == []


def test_an_overlap_with_a_long_span_is_found_past_its_neighbour():
    value = [span(0, 17), span(0, 3, "ORG"), span(13, 17, "ORG")]
    problems = value_problems(ENTS, value, TEXT)
    assert len(problems) == 2 and all("0..17 (PER)" in p for p in problems)
