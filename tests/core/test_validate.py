"""`labeltui validate`: the schema and the dataset together, with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import jsonl, write_jsonl

from labeltui.core.schema import load_schema
from labeltui.core.validate import Report, check_value, summarize, validate_files
from labeltui.errors import LabeltuiError

SCHEMA = """\
title: Tickets
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: b}
      - bug
  - name: topics
    kind: multi_choice
    labels: [refund, crash]
  - name: ents
    kind: spans
    labels: [PER, ORG]
  - name: events
    kind: audio_marks
    labels: [cough]
"""


@pytest.fixture
def schema_path(tmp_path: Path) -> Path:
    path = tmp_path / "schema.yaml"
    path.write_text(SCHEMA)
    return path


def good_rows() -> list[dict]:
    text = "Ann works at ACME"
    return [
        {"id": 1, "text": text, "audio": "a.wav"},
        {
            "id": 2,
            "text": text,
            "audio": "a.wav",
            "labels": {
                "team": "bug",
                "topics": ["refund", "crash"],
                "ents": [
                    {"start": 0, "end": 3, "label": "PER", "text": "Ann"},
                    {"start": 13, "end": 17, "label": "ORG"},
                ],
                "events": [
                    {"start": 0.5, "end": 0.5, "label": "cough"},
                    {"start": 1, "end": 2.25, "label": "cough"},
                ],
            },
        },
        {"id": 3, "text": "你好 🎉 x", "audio": "b.wav", "labels": {"team": None, "ents": []}},
        {"id": 1, "text": "duplicate", "audio": "c.wav"},
    ]


def rejected(schema_path: Path, dataset: Path) -> LabeltuiError:
    with pytest.raises(LabeltuiError) as info:
        validate_files(schema_path, dataset)
    assert info.value.path == str(dataset)
    return info.value


def test_good_schema_and_dataset(tmp_path, schema_path):
    dataset = write_jsonl(tmp_path / "d.jsonl", good_rows())
    report = validate_files(schema_path, dataset)
    assert (report.items, report.duplicates, report.prefilled) == (3, 1, 2)
    assert report.dataset == dataset


def test_emoji_span_offsets_are_code_points(tmp_path, schema_path):
    text = "🎉 Ann"
    labels = {"ents": [{"start": 2, "end": 5, "label": "PER", "text": "Ann"}]}
    dataset = write_jsonl(tmp_path / "d.jsonl", [{"text": text, "audio": "a", "labels": labels}])
    assert validate_files(schema_path, dataset).items == 1


def test_schema_only(schema_path):
    report = validate_files(schema_path)
    assert report.dataset is None and report.items == 0


def test_schema_error_comes_first(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tasks:\n  - {name: t, kind: nope, labels: [a]}\n")
    with pytest.raises(LabeltuiError) as info:
        validate_files(bad, tmp_path / "missing.jsonl")
    assert (info.value.path, info.value.line) == (str(bad), 2)


BAD_LABELS = [
    # The words are `core.answer_check`'s: the app flags the same value with the same sentence.
    ({"team": "sales"}, "team='sales' is not a label of this task"),
    ({"team": 3}, "team=3 is not a label name"),
    ({"team": ["bug"]}, "team=['bug'] is not a label name"),
    ({"topics": "refund"}, "topics: the value must be a list of label names"),
    ({"topics": ["refund", 1]}, "topics: 1 is not a label name"),
    ({"topics": ["refund", "other"]}, "topics: 'other' is not a label of this task"),
    ({"topics": ["refund", "refund"]}, "topics: 'refund' is listed twice"),
    ({"ents": {"start": 0}}, "ents: the value must be a list of spans"),
    ({"ents": [{"start": 0, "end": 3}]}, "ents: entry 1 is not {start, end, label}"),
    ({"ents": [{"start": 0, "end": 3, "label": "LOC"}]}, "entry 1 has label 'LOC', not a label"),
    ({"ents": [{"start": 0, "end": 18, "label": "PER"}]}, "span 0..18 is past the end of the text"),
    ({"ents": [{"start": -1, "end": 3, "label": "PER"}]}, "span -1..3 starts before the text"),
    ({"ents": [{"start": 3, "end": 3, "label": "PER"}]}, "span 3..3 is empty or reversed"),
    ({"ents": [{"start": 4, "end": 2, "label": "PER"}]}, "span 4..2 is empty or reversed"),
    ({"ents": [{"start": 0.0, "end": 3, "label": "PER"}]}, "offsets must be whole numbers"),
    ({"ents": [{"start": False, "end": 3, "label": "PER"}]}, "offsets must be whole numbers"),
    (
        {"ents": [{"start": 0, "end": 3, "label": "PER", "text": "ann"}]},
        "span 0..3 says 'ann' but the text there is 'Ann'",
    ),
    (
        {"ents": [{"start": 0, "end": 3, "label": "PER"}, {"start": 1, "end": 5, "label": "ORG"}]},
        "overlap, which this task does not allow",
    ),
    ({"events": [{"start": 2.0, "end": 1.5, "label": "cough"}]}, "ends (1.5 s) before it starts"),
    ({"events": [{"start": -1, "end": 1, "label": "cough"}]}, "mark 1 starts before the audio"),
    ({"events": [{"start": "1", "end": 2, "label": "cough"}]}, "times must be numbers of seconds"),
    ({"events": [{"start": 1, "end": 2, "label": "sneeze"}]}, "'sneeze', not a label"),
    ({"events": [{"start": 1, "end": 1e308, "label": "cough"}]}, "longer than any recording"),
]


@pytest.mark.parametrize(("labels", "phrase"), BAD_LABELS)
def test_pre_annotation_that_does_not_fit(tmp_path, schema_path, labels, phrase):
    rows = [
        {"id": "ok", "text": "fine", "audio": "a.wav"},
        {"id": "pre", "text": "Ann works at ACME", "audio": "a.wav", "labels": labels},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n" + jsonl(rows))  # a blank first line: the bad item is on line 3
    err = rejected(schema_path, path)
    assert err.line == 3
    assert phrase in err.message
    task = next(iter(labels))
    assert err.message.startswith(f"pre-annotation does not fit: {task}")
    assert str(err).startswith(f"{path}:3: ")


def test_labels_that_are_not_an_object(tmp_path, schema_path):
    path = write_jsonl(tmp_path / "d.jsonl", [{"text": "x", "audio": "a", "labels": ["bug"]}])
    err = rejected(schema_path, path)
    assert err.line == 1 and "'labels' must be an object" in err.message


def test_mark_with_nan_time_is_rejected(tmp_path, schema_path):
    path = tmp_path / "d.jsonl"
    path.write_text(
        '{"text": "x", "audio": "a.wav", '
        '"labels": {"events": [{"start": NaN, "end": 1, "label": "cough"}]}}\n'
    )
    err = rejected(schema_path, path)
    assert err.line == 1


@pytest.mark.parametrize(
    ("row", "phrase"),
    [
        ({"audio": "a.wav"}, "no text field 'text'"),
        ({"text": 5, "audio": "a.wav"}, "no text field 'text'"),
        ({"text": "x"}, "no audio field 'audio'"),
        ({"text": "x", "audio": ""}, "no audio field 'audio'"),
    ],
)
def test_item_missing_a_field_its_tasks_need(tmp_path, schema_path, row, phrase):
    path = write_jsonl(tmp_path / "d.jsonl", [{"text": "a", "audio": "a.wav"}, {"id": 9, **row}])
    err = rejected(schema_path, path)
    assert err.line == 2 and phrase in err.message


def test_custom_text_field_for_spans(tmp_path):
    schema = tmp_path / "s.yaml"
    schema.write_text("text_field: body\ntasks:\n  - {name: e, kind: spans, labels: [X]}\n")
    ok = write_jsonl(tmp_path / "ok.jsonl", [{"body": "abc", "text": 1}])
    assert validate_files(schema, ok).items == 1
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"body": "abc"}, {"text": "abc"}])
    err = rejected(schema, bad)
    assert err.line == 2 and "'body'" in err.message


def test_choice_only_schema_shows_the_text_field_unless_it_is_null(tmp_path):
    # A choice schema shows each item's text: with no text anywhere it was written for other
    # data (issue 13, Answers 6); `text_field: null` says the items have none (fields are shown).
    schema = tmp_path / "s.yaml"
    schema.write_text("tasks:\n  - {name: t, kind: choice, labels: [a]}\n")
    dataset = write_jsonl(tmp_path / "d.jsonl", [{"image": "x.png"}, {"id": 2}])
    err = rejected(schema, dataset)
    assert "no item has the text field 'text'" in err.message
    schema.write_text("text_field: null\ntasks:\n  - {name: t, kind: choice, labels: [a]}\n")
    assert validate_files(schema, dataset).items == 2
    # One item with text is enough: the others show their fields.
    schema.write_text("tasks:\n  - {name: t, kind: choice, labels: [a]}\n")
    write_jsonl(dataset, [{"image": "x.png"}, {"id": 2, "text": "hi"}])
    assert validate_files(schema, dataset).items == 2


def test_bad_dataset_line_is_reported(tmp_path, schema_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "a", "audio": "a"}\n[1]\n')
    err = rejected(schema_path, path)
    assert err.line == 2 and "expected a JSON object" in err.message


def test_check_value_accepts_null_for_every_kind(schema_path):
    schema = load_schema(schema_path)
    for task in schema.tasks:
        assert check_value(task, None, "text") is None


def test_summarize_mentions_tasks_labels_keys_and_items(tmp_path, schema_path):
    dataset = write_jsonl(tmp_path / "d.jsonl", good_rows())
    summary = summarize(validate_files(schema_path, dataset))
    lines = summary.splitlines()
    assert str(schema_path) in lines[0] and "OK" in lines[0] and "Tickets" in lines[0]
    assert "team (choice)" in summary and "billing [b]" in summary and "bug [1]" in summary
    assert "topics (multi_choice)" in summary and "refund [2]" in summary
    assert "crash [3]" in summary
    assert "ents (spans)" in summary and "PER [4]" in summary and "ORG [5]" in summary
    assert "events (audio_marks)" in summary and "cough [6]" in summary
    assert f"dataset {dataset}: OK, 3 items" in summary
    assert "1 duplicate ids dropped" in summary and "2 pre-annotated" in summary


def test_summarize_schema_only(schema_path):
    summary = summarize(Report(load_schema(schema_path)))
    assert "dataset" not in summary
    assert len(summary.splitlines()) == 5  # the schema line and one line per task
