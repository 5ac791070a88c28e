"""`choice` and `multi_choice` tasks in and out: doccano text classification (`"label":
["bug"]`), Prodigy's choice interface (`accept` with `options`) and spaCy's `cats`, through
the real command line.

Shapes: doccano backend/data_export/pipeline/factories.py (DOCUMENT_CLASSIFICATION, JSONL:
`ListedCategoryFormatter` renamed to `label`); Prodigy's `choice` interface
(https://prodi.gy/docs/api-interfaces#choice: `options` of `{"id", "text"}`, the chosen ids in
`accept`, and `answer`); spaCy's `Doc.cats` (`{"LABEL": score}`).
"""

from __future__ import annotations

from formats_helpers import jsonl_text, raw_lines
from test_formats_variants import fails, ok

TRIAGE = """\
tasks:
  - name: team
    kind: choice
    labels:
      - name: billing
      - name: bug
      - name: other
"""
TOPICS = """\
tasks:
  - name: topics
    kind: multi_choice
    labels: [ui, api, docs]
"""


def annotation_lines(task: str, values: list) -> list[dict]:
    return [
        {
            "id": i,
            "text": f"ticket {i}",
            "labels": {task: v},
            "_id": str(i),
            "_annotator": "ann",
            "_status": "done",
            "_ts": "2026-11-23T10:15:02.123Z",
        }
        for i, v in enumerate(values)
    ]


def test_a_triage_file_exports_to_doccano_and_back(tmp_path):
    (tmp_path / "triage.yaml").write_text(TRIAGE, "utf-8")
    rows = annotation_lines("team", ["bug", None, "billing"])
    (tmp_path / "ann.jsonl").write_text(jsonl_text(rows), "utf-8")
    said = ok("export", "ann.jsonl", "--to", "doccano", "-o", "out.jsonl", cwd=tmp_path).stdout
    assert said.startswith("wrote 3 items with 2 answers (task 'team')")
    out = raw_lines(tmp_path / "out.jsonl")
    assert out == [
        {"id": 0, "text": "ticket 0", "label": ["bug"]},
        {"id": 1, "text": "ticket 1", "label": []},
        {"id": 2, "text": "ticket 2", "label": ["billing"]},
    ]
    ok(
        "import",
        "out.jsonl",
        "--from",
        "doccano",
        "--schema",
        "triage.yaml",
        "-o",
        "back.jsonl",
        cwd=tmp_path,
    )
    back = raw_lines(tmp_path / "back.jsonl")
    assert [b["labels"]["team"] for b in back] == ["bug", None, "billing"]
    ok("validate", "--schema", "triage.yaml", "back.jsonl", cwd=tmp_path)


def test_a_multi_choice_file_exports_to_prodigy_with_options_and_cats(tmp_path):
    (tmp_path / "topics.yaml").write_text(TOPICS, "utf-8")
    rows = annotation_lines("topics", [["ui", "docs"], []])
    (tmp_path / "ann.jsonl").write_text(jsonl_text(rows), "utf-8")
    ok(
        "export",
        "ann.jsonl",
        "--to",
        "spacy",
        "--schema",
        "topics.yaml",
        "-o",
        "out.jsonl",
        cwd=tmp_path,
    )
    first, second = raw_lines(tmp_path / "out.jsonl")
    options = [{"id": n, "text": n} for n in ("ui", "api", "docs")]
    assert first["options"] == options and first["accept"] == ["ui", "docs"]
    assert first["answer"] == "accept"
    assert first["cats"] == {"ui": 1.0, "api": 0.0, "docs": 1.0}
    assert second["accept"] == [] and "labels" not in first and "_annotator" not in first
    ok(
        "import",
        "out.jsonl",
        "--from",
        "spacy",
        "--schema",
        "topics.yaml",
        "-o",
        "back.jsonl",
        cwd=tmp_path,
    )
    assert [b["labels"]["topics"] for b in raw_lines(tmp_path / "back.jsonl")] == [
        ["ui", "docs"],
        [],
    ]


def test_prodigy_choice_answers_and_spacy_cats_import(tmp_path):
    rows = [
        {
            "text": "a",
            "options": [{"id": 1, "text": "bug"}, {"id": 2, "text": "billing"}],
            "accept": [1],
            "answer": "accept",
            "_view_id": "choice",
        },
        {
            "text": "b",
            "options": [{"id": "bug", "text": "Bug"}],
            "accept": ["bug"],
            "answer": "reject",
            "_view_id": "choice",
        },
        {"text": "c", "cats": {"bug": 0.9, "billing": 0.1}},
    ]
    (tmp_path / "tc.jsonl").write_text(jsonl_text(rows), "utf-8")
    said = ok("import", "tc.jsonl", "--from", "spacy", "-o", "data.jsonl", cwd=tmp_path).stdout
    assert "1 classification answers not accepted (answer reject) left out" in said
    items = raw_lines(tmp_path / "data.jsonl")
    assert [i["labels"]["category"] for i in items] == [["bug"], [], ["bug"]]
    assert items[0]["options"] == rows[0]["options"]  # kept for the way back


def test_several_categories_for_a_choice_task_are_one_line(tmp_path):
    (tmp_path / "triage.yaml").write_text(TRIAGE, "utf-8")
    (tmp_path / "tc.jsonl").write_text(jsonl_text([{"text": "x", "label": ["bug", "other"]}]))
    line = fails(
        "import",
        "tc.jsonl",
        "--from",
        "doccano",
        "--schema",
        "triage.yaml",
        "-o",
        "d.jsonl",
        cwd=tmp_path,
    )
    assert line == (
        "labeltui: tc.jsonl:1: 2 categories (bug, other) for the choice task "
        "'team', which takes one (use a multi_choice task)"
    )
