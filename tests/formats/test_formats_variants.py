"""The doccano and Prodigy layouts real files use (issue 20, the three failures and the fixes),
through the real command line (`python -m labeltui` in a subprocess).

No real file of these three shapes is in the repository, so each fixture below is written to
follow the exporting tool's code or documentation exactly; each test names its source.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from formats_helpers import jsonl_text, raw_lines, triples


def labeltui(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "labeltui", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def ok(*args, cwd) -> subprocess.CompletedProcess:
    done = labeltui(*args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done


def fails(*args, cwd) -> str:
    done = labeltui(*args, cwd=cwd)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# -- doccano intent detection: `entities` as triples ------------------------------------------

# doccano backend/data_export/pipeline/factories.py (INTENT_DETECTION_AND_SLOT_FILLING, JSONL):
# `TupledSpanFormatter(Spans.column)` writes `entities` as [start, end, label] and
# `ListedCategoryFormatter(Categories.column)` renamed to `cats` holds the intent.
INTENT = [
    {"id": 1, "text": "Book a flight to Paris", "entities": [[17, 22, "city"]], "cats": ["book"]},
    {"id": 2, "text": "hello there", "entities": [], "cats": ["greet"]},
]


def test_entities_triples_import_and_export(tmp_path):
    (tmp_path / "intent.jsonl").write_text(jsonl_text(INTENT), "utf-8")
    said = ok("import", "intent.jsonl", "--from", "doccano", "-o", "data.jsonl", cwd=tmp_path)
    assert "wrote 2 items with 1 span and 2 categories" in said.stdout
    items = raw_lines(tmp_path / "data.jsonl")
    assert items[0]["labels"]["entities"] == [
        {"start": 17, "end": 22, "label": "city", "text": "Paris"}
    ]
    assert [i["labels"]["category"] for i in items] == [["book"], ["greet"]]
    assert items[1]["labels"]["entities"] == []
    ok(
        "export",
        "data.jsonl",
        "--to",
        "doccano",
        "--task",
        "entities",
        "-o",
        "back.jsonl",
        cwd=tmp_path,
    )
    back = raw_lines(tmp_path / "back.jsonl")
    assert [b["label"] for b in back] == [[[17, 22, "city"]], []]


# -- doccano 1.0: `annotations`, numeric label and user ids ------------------------------------

# doccano v1.0 app/api/utils.py `JSONPainter.paint`: each document is DocumentSerializer's
# fields (`id`, `text`, `annotations`, `meta`, `annotation_approver`) and each annotation keeps
# SequenceAnnotationSerializer's fields minus `id`, `prob` and `document`: `label` (an id),
# `start_offset`, `end_offset`, `user` (an id), `created_at`, `updated_at`. The label file is
# doccano's label export: a list of {"id", "text", "prefix_key", "suffix_key",
# "background_color", "text_color"}.
V1 = [
    {
        "id": 10,
        "text": "EU rejects German call",
        "annotations": [
            {
                "label": 4,
                "start_offset": 0,
                "end_offset": 2,
                "user": 1,
                "created_at": "2020-03-02T10:00:00Z",
                "updated_at": "2020-03-02T10:00:00Z",
            },
            {
                "label": 5,
                "start_offset": 11,
                "end_offset": 17,
                "user": 1,
                "created_at": "2020-03-02T10:00:00Z",
                "updated_at": "2020-03-02T10:00:00Z",
            },
            {
                "label": 4,
                "start_offset": 0,
                "end_offset": 2,
                "user": 2,
                "created_at": "2020-03-03T10:00:00Z",
                "updated_at": "2020-03-03T10:00:00Z",
            },
        ],
        "meta": {"source": "news"},
        "annotation_approver": None,
    },
    {
        "id": 11,
        "text": "Peter Blackburn",
        "annotations": [],
        "meta": {},
        "annotation_approver": None,
    },
]
LABELS = [
    {
        "id": 4,
        "text": "ORG",
        "prefix_key": None,
        "suffix_key": "o",
        "background_color": "#209cee",
        "text_color": "#ffffff",
    },
    {
        "id": 5,
        "text": "MISC",
        "prefix_key": None,
        "suffix_key": "m",
        "background_color": "#ff3860",
        "text_color": "#ffffff",
    },
]


@pytest.fixture
def v1(tmp_path):
    (tmp_path / "v1.jsonl").write_text(jsonl_text(V1), "utf-8")
    (tmp_path / "labels.json").write_text(json.dumps(LABELS), "utf-8")
    return tmp_path


def test_one_user_with_the_label_file_gives_pre_annotations(v1):
    said = ok(
        "import",
        "v1.jsonl",
        "--from",
        "doccano",
        "--user",
        "1",
        "--labels",
        "labels.json",
        "-o",
        "data.jsonl",
        cwd=v1,
    )
    assert "wrote 2 items with 2 spans" in said.stdout
    items = raw_lines(v1 / "data.jsonl")
    assert triples(items[0]["labels"]["entities"]) == [(0, 2, "ORG"), (11, 17, "MISC")]
    assert "_annotator" not in items[0] and "annotations" not in items[0]
    assert items[0]["meta"] == {"source": "news"} and items[0]["id"] == 10
    assert items[1]["labels"]["entities"] == []


def test_several_users_give_one_annotator_line_each_that_agree_reads(v1):
    said = ok(
        "import",
        "v1.jsonl",
        "--from",
        "doccano",
        "--labels",
        "labels.json",
        "-o",
        "ann.jsonl",
        cwd=v1,
    )
    assert "2 annotator lines" in said.stdout
    lines = raw_lines(v1 / "ann.jsonl")
    who = [(line.get("_annotator"), line.get("_id")) for line in lines]
    assert who == [("user 1", "10"), ("user 2", "10")]
    assert "1 items nobody annotated left out" in said.stdout
    assert triples(lines[1]["labels"]["entities"]) == [(0, 2, "ORG")]
    assert all(line["_status"] == "done" for line in lines[:2])
    report = ok("agree", "ann.jsonl", "--json", cwd=v1)
    assert json.loads(report.stdout)["tasks"]["entities"]["annotators"] == ["user 1", "user 2"]


def test_label_ids_without_a_label_file_are_kept_and_said(v1):
    said = ok("import", "v1.jsonl", "--from", "doccano", "--user", "2", "-o", "d.jsonl", cwd=v1)
    assert "labels kept as doccano label ids (give --labels FILE" in said.stdout
    assert triples(raw_lines(v1 / "d.jsonl")[0]["labels"]["entities"]) == [(0, 2, "4")]


def test_an_unknown_user_or_label_id_is_one_line(v1):
    line = fails(
        "import", "v1.jsonl", "--from", "doccano", "--user", "ann", "-o", "d.jsonl", cwd=v1
    )
    assert line == "labeltui: v1.jsonl: no annotation by user 'ann' (users: user 1, user 2)"
    (v1 / "few.json").write_text(json.dumps(LABELS[:1]), "utf-8")
    line = fails(
        "import",
        "v1.jsonl",
        "--from",
        "doccano",
        "--user",
        "1",
        "--labels",
        "few.json",
        "-o",
        "d.jsonl",
        cwd=v1,
    )
    assert line == (
        "labeltui: v1.jsonl:1: 'annotations' entry 2: label id 5 is not in the label file"
    )
    assert not (v1 / "d.jsonl").exists()


# -- doccano relations: entity ids kept --------------------------------------------------------

# doccano backend/data_export/pipeline/factories.py (SEQUENCE_LABELING with use_relation):
# `DictFormatter(Spans.column)` and `DictFormatter(Relations.column)`: entities as
# {"id", "label", "start_offset", "end_offset"} and relations as {"id", "from_id", "to_id",
# "type"}, as doccano's own example `relation_extraction` import file shows.
RELATIONS = [
    {
        "id": 7,
        "text": "Google was founded on September 4, 1998, by Larry Page",
        "entities": [
            {"id": 17, "label": "ORG", "start_offset": 0, "end_offset": 6},
            {"id": 19, "label": "DATE", "start_offset": 22, "end_offset": 39},
            {"id": 20, "label": "PERSON", "start_offset": 44, "end_offset": 54},
        ],
        "relations": [
            {"id": 4, "from_id": 17, "to_id": 19, "type": "founded_on"},
            {"id": 5, "from_id": 17, "to_id": 20, "type": "founded_by"},
        ],
    }
]


def test_relations_round_trip_with_their_entity_ids(tmp_path):
    (tmp_path / "rel.jsonl").write_text(jsonl_text(RELATIONS), "utf-8")
    ok("import", "rel.jsonl", "--from", "doccano", "-o", "data.jsonl", cwd=tmp_path)
    (item,) = raw_lines(tmp_path / "data.jsonl")
    assert [s["doccano_id"] for s in item["labels"]["entities"]] == [17, 19, 20]
    ok("export", "data.jsonl", "--to", "doccano", "-o", "back.jsonl", cwd=tmp_path)
    (back,) = raw_lines(tmp_path / "back.jsonl")
    assert back["entities"] == RELATIONS[0]["entities"]
    assert back["relations"] == RELATIONS[0]["relations"]
    ids = {e["id"] for e in back["entities"]}
    assert all(r["from_id"] in ids and r["to_id"] in ids for r in back["relations"])


def test_a_span_added_in_labeltui_gets_a_new_entity_id(tmp_path):
    (tmp_path / "rel.jsonl").write_text(jsonl_text(RELATIONS), "utf-8")
    ok("import", "rel.jsonl", "--from", "doccano", "-o", "data.jsonl", cwd=tmp_path)
    (item,) = raw_lines(tmp_path / "data.jsonl")
    item["labels"]["entities"].append({"start": 7, "end": 10, "label": "X", "text": "was"})
    (tmp_path / "data.jsonl").write_text(jsonl_text([item]), "utf-8")
    ok("export", "data.jsonl", "--to", "doccano", "-o", "back.jsonl", cwd=tmp_path)
    (back,) = raw_lines(tmp_path / "back.jsonl")
    assert [e["id"] for e in back["entities"]] == [17, 21, 19, 20]


# -- Prodigy: only accepted spans --------------------------------------------------------------

# Prodigy's `ner` interface (https://prodi.gy/docs/api-interfaces#ner), which `ner.teach`
# uses: one suggested span per task, with the model's `score`, and the annotator's decision as
# the task's `answer` ("accept", "reject" or "ignore"); `db-out` adds `_input_hash`,
# `_task_hash`, `_view_id: "ner"` and `_session_id`. Merged binary annotations carry an
# `answer` per span instead.
TEACH = [
    {
        "text": "Apple hires Tim",
        "_input_hash": 11,
        "_task_hash": 1,
        "spans": [
            {
                "start": 0,
                "end": 5,
                "text": "Apple",
                "label": "ORG",
                "score": 0.71,
                "source": "core_web_sm",
                "input_hash": 11,
            }
        ],
        "meta": {"score": 0.71},
        "_session_id": None,
        "_view_id": "ner",
        "answer": "accept",
    },
    {
        "text": "Apple hires Tim",
        "_input_hash": 11,
        "_task_hash": 2,
        "spans": [
            {
                "start": 12,
                "end": 15,
                "text": "Tim",
                "label": "ORG",
                "score": 0.52,
                "source": "core_web_sm",
                "input_hash": 11,
            }
        ],
        "meta": {"score": 0.52},
        "_session_id": None,
        "_view_id": "ner",
        "answer": "reject",
    },
    {
        "text": "Apple hires Tim",
        "_input_hash": 11,
        "_task_hash": 3,
        "spans": [
            {
                "start": 12,
                "end": 15,
                "text": "Tim",
                "label": "PERSON",
                "score": 0.4,
                "source": "core_web_sm",
                "input_hash": 11,
            }
        ],
        "meta": {"score": 0.4},
        "_session_id": None,
        "_view_id": "ner",
        "answer": "accept",
    },
    {
        "text": "Berlin is big",
        "_input_hash": 12,
        "_task_hash": 4,
        "spans": [
            {
                "start": 0,
                "end": 6,
                "text": "Berlin",
                "label": "ORG",
                "score": 0.3,
                "source": "core_web_sm",
                "input_hash": 12,
            }
        ],
        "meta": {"score": 0.3},
        "_session_id": None,
        "_view_id": "ner",
        "answer": "ignore",
    },
    {
        "text": "Merged line",
        "spans": [
            {"start": 0, "end": 6, "label": "X", "answer": "accept"},
            {"start": 7, "end": 11, "label": "X", "answer": "reject"},
        ],
        "answer": "accept",
    },
]


def test_only_accepted_spans_become_pre_annotations(tmp_path):
    (tmp_path / "teach.jsonl").write_text(jsonl_text(TEACH), "utf-8")
    said = ok("import", "teach.jsonl", "--from", "spacy", "-o", "data.jsonl", cwd=tmp_path).stdout
    assert "wrote 3 items with 3 spans" in said
    assert "2 suggested spans not accepted (answer reject) left out" in said
    assert "1 suggested spans not accepted (answer ignore) left out" in said
    assert "2 ner.teach lines merged" in said
    items = raw_lines(tmp_path / "data.jsonl")
    assert triples(items[0]["labels"]["entities"]) == [(0, 5, "ORG"), (12, 15, "PERSON")]
    assert items[0]["_task_hash"] == 1  # the first line's own fields
    assert items[1]["labels"]["entities"] == []
    assert triples(items[2]["labels"]["entities"]) == [(0, 6, "X")]


# -- stale span text: imported by the offsets, with a warning; UTF-16 offsets refused ---------


def test_stale_span_text_imports_by_offsets_with_a_warning(tmp_path):
    rows = [
        {
            "text": "Ann met Bob",
            "spans": [
                {"start": 0, "end": 3, "label": "P", "text": "Anne"},
                {"start": 8, "end": 11, "label": "P", "text": "Bob"},
            ],
        },
        {"text": "Cy left", "spans": [{"start": 0, "end": 2, "label": "P", "text": "Cyd"}]},
    ]
    (tmp_path / "stale.jsonl").write_text(jsonl_text(rows), "utf-8")
    done = ok("import", "stale.jsonl", "--from", "spacy", "-o", "data.jsonl", cwd=tmp_path)
    assert done.stderr == (
        "labeltui: warning: 2 spans whose own 'text' differs from the text at its offsets "
        "imported by the offsets (first: stale.jsonl:1: span 1: the file says 'Anne', the text "
        "at 0-3 is 'Ann')\n"
    )
    items = raw_lines(tmp_path / "data.jsonl")
    assert items[0]["labels"]["entities"][0] == {"start": 0, "end": 3, "label": "P", "text": "Ann"}


def test_utf16_and_byte_offsets_are_refused_naming_the_unit(tmp_path):
    rows = [{"text": "é😂 Bob", "spans": [{"start": 4, "end": 7, "label": "P", "text": "Bob"}]}]
    (tmp_path / "u16.jsonl").write_text(jsonl_text(rows), "utf-8")
    line = fails("import", "u16.jsonl", "--from", "spacy", "-o", "d.jsonl", cwd=tmp_path)
    assert "offsets count UTF-16 code units, not characters" in line
    assert "in characters 'Bob' is at 3-6" in line
    rows[0]["spans"][0].update(start=7, end=10)
    (tmp_path / "u8.jsonl").write_text(jsonl_text(rows), "utf-8")
    line = fails("import", "u8.jsonl", "--from", "spacy", "-o", "d.jsonl", cwd=tmp_path)
    assert "offsets count UTF-8 bytes" in line and line.startswith("labeltui: u8.jsonl:1: ")
    assert not (tmp_path / "d.jsonl").exists()
