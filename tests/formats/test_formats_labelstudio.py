"""Label Studio JSON: the real files in tests/data/formats-next/labelstudio import exactly
(compared with a plain reading of their `annotations[].result[]`), pass `validate` with the
schemas below, and export back to the same results; audio regions, cancelled annotations,
drafts, predictions and several annotations per task follow the documented rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from formats_helpers import jsonl_text, raw_lines
from test_formats_variants import fails, ok

NEXT = Path(__file__).resolve().parents[1] / "data" / "formats-next" / "labelstudio"
FILES = sorted(p.name for p in NEXT.glob("*.json"))

SCHEMAS = {
    "lsf-named_entity-annotations-1.json": """\
tasks:
  - name: ner
    kind: spans
    labels: [Person, Organization, Fact, Money, Date, Time, Ordinal, Percent, Product,
             Language, Location]
""",
    "lsf-taxonomy-annotations-0.json": """\
text_field: reviewText
tasks:
  - name: tax
    kind: multi_choice
    labels:
      - name: One
      - name: Two
      - name: Three
        children: [Sub, Other]
  - name: sentiment
    kind: choice
    labels: [Positive, Negative, Neutral]
""",
    "ls-sdk-csv_test_history.json": """\
tasks:
  - name: sentiment
    kind: choice
    labels: [Positive, Negative, Neutral]
""",
}


def test_the_real_files_are_there():
    assert sorted(SCHEMAS) == FILES


def plain_results(tasks: list[dict]) -> list[dict[str, list]]:
    """Per task, per from_name: (start, end, label) spans or sorted choice/path strings, from
    the first annotation, read without labeltui."""
    out = []
    for task in tasks:
        found: dict[str, list] = {}
        for result in task["annotations"][0]["result"]:
            value = result["value"]
            got = found.setdefault(result["from_name"], [])
            if result["type"] == "labels":
                got += [(value["start"], value["end"], label) for label in value["labels"]]
            elif result["type"] == "choices":
                got += value["choices"]
            else:
                got += ["/".join(path) for path in value["taxonomy"]]
        out.append({name: sorted(v) for name, v in found.items()})
    return out


def imported(items: list[dict]) -> list[dict[str, list]]:
    out = []
    for item in items:
        found = {}
        for name, value in item["labels"].items():
            if isinstance(value, str):
                value = [value]
            found[name] = sorted(
                (v["start"], v["end"], v["label"]) if isinstance(v, dict) else v for v in value
            )
        out.append(found)
    return out


def load(path: Path) -> list[dict]:
    data = json.loads(path.read_text("utf-8"))
    return data if isinstance(data, list) else [data]


@pytest.mark.parametrize("name", FILES)
def test_real_file_imports_exactly_validates_and_round_trips(name, tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMAS[name], "utf-8")
    tasks = load(NEXT / name)
    ok(
        "import",
        NEXT / name,
        "--from",
        "labelstudio",
        "--schema",
        "schema.yaml",
        "-o",
        "data.jsonl",
        cwd=tmp_path,
    )
    items = raw_lines(tmp_path / "data.jsonl")
    assert imported(items) == plain_results(tasks)
    for item, task in zip(items, tasks, strict=True):
        assert item["id"] == task["id"]
        assert {k: v for k, v in item.items() if k not in ("id", "labels")} == task["data"]
    said = ok("validate", "--schema", "schema.yaml", "data.jsonl", cwd=tmp_path).stdout
    assert f"OK, {len(tasks)} item" in said

    ok(
        "export",
        "data.jsonl",
        "--to",
        "labelstudio",
        "--schema",
        "schema.yaml",
        "-o",
        "back.json",
        cwd=tmp_path,
    )
    back = load(tmp_path / "back.json")
    assert plain_results(back) == plain_results(tasks)
    assert [t["data"] for t in back] == [t["data"] for t in tasks]
    assert [t["id"] for t in back] == [t["id"] for t in tasks]


def test_the_named_entity_span_is_the_files_text(tmp_path):
    ok(
        "import",
        NEXT / "lsf-named_entity-annotations-1.json",
        "--from",
        "labelstudio",
        "-o",
        "data.jsonl",
        cwd=tmp_path,
    )
    (item,) = raw_lines(tmp_path / "data.jsonl")
    assert item["labels"]["ner"] == [
        {"start": 343, "end": 354, "label": "Date", "text": "February 22"}
    ]
    assert "\n\n" in item["text"]  # the blank lines of the text are kept as they are


# An audio task as Label Studio exports it: `labels` regions on an `<Audio>` tag, in seconds
# (https://labelstud.io/templates/audio_classification, `"type": "labels"` with
# `"value": {"start", "end", "channel", "labels"}`), with a cancelled annotation, a second
# annotation, a draft and a prediction.
AUDIO = [
    {
        "id": 3,
        "data": {"audio": "/data/upload/call.wav"},
        "annotations": [
            {
                "id": 1,
                "was_cancelled": True,
                "result": [
                    {
                        "id": "x",
                        "from_name": "speaker",
                        "to_name": "audio",
                        "type": "labels",
                        "value": {"start": 0.5, "end": 1.5, "channel": 0, "labels": ["Noise"]},
                    }
                ],
            },
            {
                "id": 2,
                "was_cancelled": False,
                "completed_by": 1,
                "result": [
                    {
                        "id": "a",
                        "from_name": "speaker",
                        "to_name": "audio",
                        "type": "labels",
                        "value": {
                            "start": 0.1234,
                            "end": 2.5,
                            "channel": 0,
                            "labels": ["Speech", "Music"],
                        },
                    },
                    {
                        "id": "b",
                        "from_name": "speaker",
                        "to_name": "audio",
                        "type": "labels",
                        "value": {"start": 3, "end": 4, "channel": 0, "labels": ["Speech"]},
                    },
                    {
                        "id": "c",
                        "from_name": "quality",
                        "to_name": "audio",
                        "type": "rating",
                        "value": {"rating": 4},
                    },
                ],
            },
            {
                "id": 4,
                "was_cancelled": False,
                "completed_by": 2,
                "result": [
                    {
                        "id": "d",
                        "from_name": "speaker",
                        "to_name": "audio",
                        "type": "labels",
                        "value": {"start": 9, "end": 10, "channel": 0, "labels": ["Speech"]},
                    }
                ],
            },
        ],
        "drafts": [
            {
                "result": [
                    {
                        "from_name": "speaker",
                        "to_name": "audio",
                        "type": "labels",
                        "value": {"start": 5, "end": 6, "labels": ["Speech"]},
                    }
                ]
            }
        ],
        "predictions": [
            {
                "result": [
                    {
                        "from_name": "speaker",
                        "to_name": "audio",
                        "type": "labels",
                        "value": {"start": 7, "end": 8, "labels": ["Music"]},
                    }
                ]
            }
        ],
    }
]


def test_audio_regions_and_what_is_left_out(tmp_path):
    (tmp_path / "audio.json").write_text(json.dumps(AUDIO), "utf-8")
    said = ok(
        "import", "audio.json", "--from", "labelstudio", "-o", "data.jsonl", cwd=tmp_path
    ).stdout
    for note in (
        "1 cancelled annotations skipped",
        "1 further annotations of a task left out (the first is imported)",
        "1 tasks with drafts (not imported)",
        "1 tasks with predictions (not imported)",
        "1 'rating' results left out",
    ):
        assert note in said
    (item,) = raw_lines(tmp_path / "data.jsonl")
    assert item["audio"] == "/data/upload/call.wav" and item["id"] == 3
    assert item["labels"] == {
        "speaker": [
            {"start": 0.123, "end": 2.5, "label": "Music"},
            {"start": 0.123, "end": 2.5, "label": "Speech"},
            {"start": 3.0, "end": 4.0, "label": "Speech"},
        ]
    }
    ok("export", "data.jsonl", "--to", "labelstudio", "-o", "back.json", cwd=tmp_path)
    (task,) = load(tmp_path / "back.json")
    regions = [(r["to_name"], r["type"], r["value"]) for r in task["annotations"][0]["result"]]
    assert regions == [
        ("audio", "labels", {"start": 0.123, "end": 2.5, "labels": ["Music", "Speech"]}),
        ("audio", "labels", {"start": 3.0, "end": 4.0, "labels": ["Speech"]}),
    ]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (
            '[{"data": {"text": "a"}}, 3]',
            "labeltui: bad.json: task 2 is not a Label Studio task (no 'data')",
        ),
        (
            '{"data": {"text": "abc"}, "annotations": [{"result": [{"from_name": "ner", '
            '"type": "labels", "value": {"start": 1, "end": 9, "text": "bc", "labels": ["X"]}}]}]}',
            "labeltui: bad.json: task 1, result 1: end 9 is past the end of the text (3 "
            "characters)",
        ),
        (
            '[{"data": {"text": "a"}',
            "labeltui: bad.json:1: not valid JSON (Expecting ',' delimiter)",
        ),
    ],
)
def test_bad_files_are_one_line_and_write_nothing(tmp_path, content, line):
    (tmp_path / "bad.json").write_text(content, "utf-8")
    assert (
        fails("import", "bad.json", "--from", "labelstudio", "-o", "d.jsonl", cwd=tmp_path) == line
    )
    assert not (tmp_path / "d.jsonl").exists()


# Label Studio before 1.0 called annotations `completions` (label-studio-converter reads both).
OLD = [
    {
        "id": 1,
        "data": {"text": "Ann"},
        "completions": [
            {
                "result": [
                    {
                        "from_name": "mood",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["happy"]},
                    },
                    {
                        "from_name": "tags",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["a", "b"]},
                    },
                ]
            }
        ],
    },
    {
        "id": 2,
        "data": {"text": "Bob"},
        "completions": [
            {
                "result": [
                    {
                        "from_name": "mood",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["sad"]},
                    },
                    {
                        "from_name": "tags",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["a"]},
                    },
                ]
            }
        ],
    },
]


def test_completions_and_the_kind_of_choices_without_a_schema(tmp_path):
    (tmp_path / "old.json").write_text(json.dumps(OLD), "utf-8")
    ok("import", "old.json", "--from", "labelstudio", "-o", "d.jsonl", cwd=tmp_path)
    items = raw_lines(tmp_path / "d.jsonl")
    assert [i["labels"] for i in items] == [
        {"mood": "happy", "tags": ["a", "b"]},  # one choice everywhere: a choice task
        {"mood": "sad", "tags": ["a"]},  # several somewhere: multi_choice for every item
    ]
    ok("export", "d.jsonl", "--to", "labelstudio", "-o", "back.json", cwd=tmp_path)
    assert plain_results(load(tmp_path / "back.json")) == plain_results(
        [{"annotations": t["completions"]} for t in OLD]
    )


def test_several_annotators_export_as_one_annotation_each(tmp_path):
    lines = [
        {
            "id": 5,
            "text": "Ann",
            "labels": {"mood": name},
            "_id": "5",
            "_annotator": who,
            "_status": "done",
            "_ts": "2026-11-23T10:15:02.123Z",
        }
        for who, name in (("ann", "happy"), ("bob", "sad"))
    ]
    (tmp_path / "both.jsonl").write_text(jsonl_text(lines), "utf-8")
    done = ok("export", "both.jsonl", "--to", "labelstudio", "-o", "ls.json", cwd=tmp_path)
    assert done.stderr == ""  # nothing was mixed up: each annotator has their annotation
    (task,) = load(tmp_path / "ls.json")
    assert task["id"] == 5 and task["data"] == {"text": "Ann"}
    assert [(a["completed_by"], a["result"][0]["value"]) for a in task["annotations"]] == [
        ("ann", {"choices": ["happy"]}),
        ("bob", {"choices": ["sad"]}),
    ]
    said = ok("import", "ls.json", "--from", "labelstudio", "-o", "d.jsonl", cwd=tmp_path)
    assert "1 further annotations of a task left out (the first is imported)" in said.stdout
    assert raw_lines(tmp_path / "d.jsonl")[0]["labels"] == {"mood": "happy"}
