"""Nested labels in the schema (FORMAT section 8): inline `children`, `labels_file`, paths,
per-level keys, and every refusal naming its file and line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from labeltui.core import taxonomy
from labeltui.core.schema import load_schema, parse_schema
from labeltui.errors import LabeltuiError

INLINE = """\
tasks:
  - name: topic
    kind: multi_choice
    labels:
      - name: science
        key: s
        aliases: [sci]
        children:
          - physics
          - name: biology
            hint: living things
            children: [genetics, ecology]
      - sports
"""


def test_inline_children_become_paths_in_depth_first_order():
    task = parse_schema(INLINE).tasks[0]
    assert task.label_names == (
        "science",
        "science/physics",
        "science/biology",
        "science/biology/genetics",
        "science/biology/ecology",
        "sports",
    )
    assert task.nested
    by_name = {label.name: label for label in task.labels}
    assert by_name["science"].aliases == ("sci",) and by_name["science"].inner
    assert by_name["science/biology"].parent == "science"
    assert by_name["science/biology"].hint == "living things"
    assert by_name["science/biology/genetics"].parent == "science/biology"
    assert not by_name["sports"].inner and by_name["sports"].parent is None


def test_keys_are_per_level_and_a_key_means_its_label_only_under_its_parent():
    task = parse_schema(INLINE).tasks[0]
    keys = {label.name: label.key for label in task.labels}
    assert keys["science"] == "s" and keys["sports"] == "1"  # top level: the usual rule
    assert keys["science/physics"] == "1" and keys["science/biology"] == "2"
    assert keys["science/biology/genetics"] == "1" and keys["science/biology/ecology"] == "2"
    assert task.label_for_key("1").name == "sports"
    assert task.label_for_key("1", "science").name == "science/physics"
    assert task.label_for_key("2", "science/biology").name == "science/biology/ecology"
    assert task.label_for_key("3", "science") is None
    assert task.label_for_key("") is None


def test_a_flat_task_is_unchanged():
    task = parse_schema("tasks:\n  - {name: t, kind: choice, labels: [a, b]}\n").tasks[0]
    assert task.label_names == ("a", "b") and not task.nested
    assert [label.parent for label in task.labels] == [None, None]
    assert task.label_for_key("2").name == "b"


def test_leaf_only_makes_inner_nodes_no_answer():
    text = INLINE.replace("kind: multi_choice", "kind: choice\n    leaf_only: true")
    task = parse_schema(text).tasks[0]
    assert task.leaf_only
    assert task.answerable("science/biology/genetics") and task.answerable("sports")
    assert not task.answerable("science/biology") and not task.answerable("nope")
    assert parse_schema(INLINE).tasks[0].answerable("science/biology")


def test_names_may_repeat_under_different_parents():
    text = "tasks:\n  - name: t\n    kind: choice\n    labels:\n" \
           "      - {name: a, children: [x, y]}\n      - {name: b, children: [x]}\n"  # fmt: skip
    assert parse_schema(text).tasks[0].label_names == ("a", "a/x", "a/y", "b", "b/x")


@pytest.mark.parametrize(
    "labels,line,message",
    [
        ("      - {name: a, children: [x, x]}\n", 5, "duplicate label path 'a/x'"),
        ("      - {name: 'a/b', children: [x]}\n", 5, "holds '/'"),
        ("      - {name: a, children: []}\n", 5, "'children' must be a non-empty list"),
        ("      - {name: a, children: [{name: x, key: q}, {name: y, key: q}]}\n", 5,
         "labels 'a/x' and 'a/y' both use key 'q'"),
    ],
)  # fmt: skip
def test_bad_trees_are_refused_with_their_line(labels, line, message):
    text = "tasks:\n  - name: t\n    kind: choice\n    labels:\n" + labels
    with pytest.raises(LabeltuiError) as info:
        parse_schema(text, "s.yaml")
    assert info.value.line == line and message in info.value.message


def test_children_on_a_spans_task_and_leaf_only_elsewhere_are_refused():
    with pytest.raises(LabeltuiError, match="'children' is for choice and multi_choice"):
        parse_schema("tasks:\n  - name: e\n    kind: spans\n    labels:\n"
                     "      - {name: A, children: [B]}\n")  # fmt: skip
    with pytest.raises(LabeltuiError, match="'leaf_only' is for choice and multi_choice"):
        parse_schema("tasks:\n  - {name: e, kind: spans, leaf_only: true, labels: [A]}\n")


# -- labels_file ---------------------------------------------------------------------------------


def write_file(tmp_path: Path, rows: list[dict], kind: str = "multi_choice") -> Path:
    (tmp_path / "tags.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    schema = tmp_path / "s.yaml"
    schema.write_text(f"tasks:\n  - name: tags\n    kind: {kind}\n    labels_file: tags.jsonl\n")
    return schema


def test_labels_file_links_by_name_or_path_whatever_the_order(tmp_path):
    rows = [
        {"name": "genetics", "parent": "science/biology", "aliases": ["dna"]},
        {"name": "biology", "parent": "science", "hint": "living things"},
        {"name": "science"},
        {"name": "x", "parent": "other"},
        {"name": "other"},
        {"name": "biology", "parent": "other"},
    ]
    task = load_schema(write_file(tmp_path, rows)).tasks[0]
    assert task.label_names == (
        "science", "science/biology", "science/biology/genetics", "other", "other/x",
        "other/biology",
    )  # fmt: skip
    genetics = next(label for label in task.labels if label.name.endswith("genetics"))
    assert genetics.aliases == ("dna",) and genetics.parent == "science/biology"


@pytest.mark.parametrize(
    "rows,line,message",
    [
        ([{"name": "a"}, {"name": "b", "parent": "zz"}], 2, "unknown parent 'zz'"),
        ([{"name": "a", "parent": "b"}, {"name": "b", "parent": "a"}], 1, "cycle"),
        ([{"name": "a"}, {"name": "b", "parent": "a"}, {"name": "b", "parent": "a"}], 3,
         "duplicate label path 'a/b'"),
        ([{"name": "a"}, {"name": "a", "parent": "a"}, {"name": "c", "parent": "a"}], 2,
         "names several labels"),
        ([{"name": "a"}, {"name": "b", "parent": "a/q"}], 2, "unknown parent 'a/q'"),
        ([{"name": "a", "colour": "red"}], 1, "unknown key 'colour'"),
        ([{"parent": "a"}], 1, "'name' must be a non-empty string"),
    ],
)  # fmt: skip
def test_labels_file_errors_name_the_file_and_line(tmp_path, rows, line, message):
    with pytest.raises(LabeltuiError) as info:
        load_schema(write_file(tmp_path, rows))
    assert info.value.path == str(tmp_path / "tags.jsonl")
    assert info.value.line == line and message in info.value.message


def test_labels_file_not_json_and_missing(tmp_path):
    schema = write_file(tmp_path, [{"name": "a"}])
    (tmp_path / "tags.jsonl").write_text('{"name": "a"}\n{"name": \n')
    with pytest.raises(LabeltuiError) as info:
        load_schema(schema)
    assert info.value.line == 2 and "not valid JSON" in info.value.message
    (tmp_path / "tags.jsonl").unlink()
    with pytest.raises(LabeltuiError, match="labels_file not found"):
        load_schema(schema)


def test_labels_and_labels_file_together_are_refused(tmp_path):
    (tmp_path / "tags.jsonl").write_text('{"name": "a"}\n')
    schema = tmp_path / "s.yaml"
    schema.write_text("tasks:\n  - {name: t, kind: choice, labels: [a], labels_file: tags.jsonl}\n")
    with pytest.raises(LabeltuiError, match="not both"):
        load_schema(schema)


def test_a_four_level_taxonomy_of_thousands_of_labels_loads_fast(tmp_path):
    rows = []
    for a in range(10):
        rows.append({"name": f"a{a}"})
        for b in range(10):
            rows.append({"name": f"b{b}", "parent": f"a{a}"})
            for c in range(8):
                rows.append({"name": f"c{c}", "parent": f"a{a}/b{b}"})
                for d in range(5):
                    rows.append(
                        {"name": f"d{d}", "parent": f"a{a}/b{b}/c{c}", "aliases": [f"z{d}"]}
                    )
    started = time.perf_counter()
    task = load_schema(write_file(tmp_path, rows, "choice")).tasks[0]
    elapsed = time.perf_counter() - started
    assert len(task.labels) == len(rows) == 4910
    assert task.label_names[3] == "a0/b0/c0/d0"
    assert task.label_for_key("5", "a9/b9/c7").name == "a9/b9/c7/d4"
    print(f"4,910 labels in {elapsed:.3f} s")  # benchmarks/taxonomy.py measures it properly


def test_path_helpers():
    assert taxonomy.ancestors("a/b/c") == ["a", "a/b"] and taxonomy.ancestors("a") == []
    assert taxonomy.cut("a/b/c", 2) == "a/b" and taxonomy.cut("a", 3) == "a"
    assert taxonomy.with_ancestors(["a/b/c", "d"]) == {"a", "a/b", "a/b/c", "d"}
    assert taxonomy.parent_of("a/b/c") == "a/b" and taxonomy.parent_of("a") is None


def test_an_inner_label_is_no_answer_of_a_leaf_only_task():
    from labeltui.core.answer_check import value_problems

    leafy = parse_schema(INLINE.replace("multi_choice", "choice\n    leaf_only: true")).tasks[0]
    assert value_problems(leafy, "science/biology/genetics") == []
    assert value_problems(leafy, "science/biology") == [
        "topic='science/biology' has labels under it; this task takes only labels without "
        "children (leaf_only)"
    ]
    multi = parse_schema(
        INLINE.replace("kind: multi_choice", "kind: multi_choice\n    leaf_only: true")
    )
    assert value_problems(multi.tasks[0], ["sports", "science"]) == [
        "topic: 'science' has labels under it; this task takes only labels without children "
        "(leaf_only)"
    ]
    assert value_problems(parse_schema(INLINE).tasks[0], ["science"]) == []


def test_annotate_opens_a_nested_schema_and_saves_paths(tmp_path):
    """The app shows keys per level now: `annotate` no longer refuses nested labels, and a
    path is what the file holds."""
    from labeltui.core.session import open_session

    schema = tmp_path / "s.yaml"
    schema.write_text(INLINE)
    data = tmp_path / "d.jsonl"
    data.write_text('{"id": "1", "text": "x"}\n')
    session = open_session(data, schema, "ann", None)
    try:
        session.save({"topic": ["science/biology/genetics", "sports"]})
        line = json.loads(session.store.path.read_text().splitlines()[-1])
    finally:
        session.close()
    assert line["labels"] == {"topic": ["science/biology/genetics", "sports"]}


def test_review_takes_a_nested_schema(tmp_path):
    """`review` loads paths (subprocess): two annotators who agree leave nothing to review,
    which it says in one line and exits 0, where it refused nested schemas before."""
    import subprocess
    import sys

    schema = tmp_path / "s.yaml"
    schema.write_text(INLINE)
    files = []
    for who in ("ann", "bob"):
        row = {"id": "1", "text": "x", "labels": {"topic": ["science/biology/genetics"]},
               "_id": "1", "_annotator": who, "_status": "done",
               "_ts": "2026-11-23T10:15:02.123Z", "_ms": 1200}  # fmt: skip
        path = tmp_path / f"d.{who}.jsonl"
        path.write_text(json.dumps(row) + "\n")
        files.append(str(path))
    done = subprocess.run(
        [sys.executable, "-m", "labeltui", "review", *files, "--schema", str(schema)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == (
        "labeltui: no disagreement to review among 1 items from 2 annotators "
        "(--all reviews every item)"
    )


@pytest.mark.parametrize(
    ("path", "width", "shown"),
    [
        ("science/biology/genetics", 40, "science/biology/genetics"),
        ("science/biology/genetics", 20, "…/biology/genetics"),
        ("science/biology/genetics", 12, "…/genetics"),
        ("science/biology/genetics", 6, "…etics"),
        ("wholeword", 5, "…word"),
    ],
)
def test_abbreviate_cuts_paths_from_the_left(path, width, shown):
    assert taxonomy.abbreviate(path, width) == shown
    assert len(taxonomy.abbreviate(path, width)) <= width


def test_a_flat_choice_with_more_labels_than_keys_leaves_the_rest_to_the_picker():
    """Labels beyond the free keys get no key (the picker reaches them); no key is reused."""
    from labeltui.core.schema import AUTO_KEYS

    names = ", ".join(f"l{i}" for i in range(len(AUTO_KEYS) + 8))
    task = parse_schema(
        f"tasks:\n  - {{name: big, kind: multi_choice, labels: [{names}]}}\n"
    ).tasks[0]
    keys = [label.key for label in task.labels]
    assert "".join(keys[: len(AUTO_KEYS)]) == AUTO_KEYS
    assert keys[len(AUTO_KEYS) :] == [""] * 8
    assert task.label_for_key("") is None


def test_when_keys_run_out_a_spans_task_keeps_its_keys_and_a_big_spans_task_is_refused():
    from labeltui.core.schema import AUTO_KEYS

    names = ", ".join(f"l{i}" for i in range(len(AUTO_KEYS)))
    text = (
        f"tasks:\n  - {{name: big, kind: choice, labels: [{names}]}}\n"
        "  - {name: ents, kind: spans, labels: [PER, ORG]}\n"
    )
    ents = parse_schema(text).task("ents")
    assert [label.key for label in ents.labels] == ["1", "2"]
    with pytest.raises(LabeltuiError, match="more labels than free keys"):
        parse_schema(f"tasks:\n  - {{name: s, kind: spans, labels: [{names}, extra]}}\n")


def test_a_level_with_more_children_than_keys_leaves_the_rest_to_the_picker():
    from labeltui.core.schema import AUTO_KEYS

    children = ", ".join(f"c{i}" for i in range(len(AUTO_KEYS) + 1))
    text = (
        f"tasks:\n  - {{name: t, kind: choice, labels: [{{name: top, children: [{children}]}}]}}\n"
    )
    task = parse_schema(text).tasks[0]
    assert task.labels[-1].name == f"top/c{len(AUTO_KEYS)}" and task.labels[-1].key == ""
    assert task.label_for_key("1", "top").name == "top/c0"
