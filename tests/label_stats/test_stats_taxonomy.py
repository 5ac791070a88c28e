"""`stats` on nested labels (FORMAT section 8): each node also counts its descendants
(`total_with_descendants`), a multi_choice item once per node however many labels under it."""

from __future__ import annotations

import json

from labeltui.core.label_stats import label_stats
from labeltui.core.schema import parse_schema

SCHEMA = parse_schema(
    """\
tasks:
  - name: topic
    kind: choice
    labels:
      - name: science
        children:
          - physics
          - name: biology
            children: [genetics, ecology]
      - sports
  - name: tags
    kind: multi_choice
    labels:
      - {name: a, children: [x, y]}
      - b
"""
)


def test_nodes_count_their_descendants(tmp_path):
    answers = [
        ("science/biology/genetics", ["a/x", "a/y"]),
        ("science/biology/ecology", ["a/x"]),
        ("science/physics", ["b"]),
        ("science", ["a", "b"]),
        ("sports", []),
    ]
    path = tmp_path / "ann.jsonl"
    path.write_text(
        "".join(
            json.dumps({"_id": f"i{i}", "_annotator": "ann", "_status": "done",
                        "labels": {"topic": topic, "tags": tags}}) + "\n"
            for i, (topic, tags) in enumerate(answers)
        )
    )  # fmt: skip
    out = label_stats([path], SCHEMA)["tasks"]
    topic = out["topic"]["labels"]
    assert topic["science"]["total"] == 1
    assert topic["science"]["total_with_descendants"] == 4
    assert topic["science/biology"]["total"] == 0
    assert topic["science/biology"]["total_with_descendants"] == 2
    assert topic["science/biology/genetics"]["total_with_descendants"] == 1
    assert topic["sports"]["total_with_descendants"] == 1
    tags = out["tags"]["labels"]
    assert tags["a"]["total"] == 1  # chosen itself once
    assert tags["a"]["total_with_descendants"] == 3  # items 0 (x and y: once), 1, 3
    assert tags["a/x"]["total_with_descendants"] == 2
    assert tags["b"]["total_with_descendants"] == 2


def test_flat_tasks_have_no_descendant_counts(tmp_path):
    flat = parse_schema("tasks:\n  - {name: t, kind: choice, labels: [x, y]}\n")
    path = tmp_path / "ann.jsonl"
    path.write_text(json.dumps({"_id": "1", "_annotator": "a", "_status": "done",
                                "labels": {"t": "x"}}) + "\n")  # fmt: skip
    assert "total_with_descendants" not in label_stats([path], flat)["tasks"]["t"]["labels"]["x"]


def test_the_readable_report_shows_a_nested_task_as_an_indented_tree(tmp_path):
    import subprocess
    import sys

    schema = tmp_path / "s.yaml"
    schema.write_text(
        "tasks:\n  - name: topic\n    kind: choice\n    labels:\n"
        "      - name: science\n"
        "        children: [physics, {name: biology, children: [genetics]}]\n"
        "      - sports\n"
    )
    path = tmp_path / "ann.jsonl"
    path.write_text(
        "".join(
            json.dumps({"_id": f"i{i}", "_annotator": "ann", "_status": "done",
                        "labels": {"topic": value}}) + "\n"
            for i, value in enumerate(["science/biology/genetics", "science", "sports"])
        )
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "labeltui", "stats", str(path), "--schema", str(schema)],
        capture_output=True, text=True, timeout=60, env={"COLUMNS": "100", "PATH": ""},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    genetics = next(line for line in done.stdout.splitlines() if "genetics" in line)
    biology = next(line for line in done.stdout.splitlines() if " biology " in line)
    science = next(line for line in done.stdout.splitlines() if line.strip().startswith("science"))
    assert genetics.index("genetics") > biology.index("biology") > science.index("science")
    assert "science/biology" not in done.stdout  # each name under its parent, not the path
    assert science.split()[1:3] == ["1", "2"]  # chosen once itself, twice with labels under it
    assert "sports" in rows
