"""Nested labels in `review` (issue 17): the annotators' paths one a line, differences marked
per level, and the gold editor drilling down like the annotate one."""

from __future__ import annotations

import json
from pathlib import Path

from test_taxonomy_keys import tree

from labeltui.core.review.load import load_review
from labeltui.core.review.session import open_review
from labeltui.core.schema import load_schema
from labeltui.ui.app import make_review_app
from labeltui.ui.widgets.choice_tree import TreeChoiceEditor
from labeltui.ui.widgets.review_panel import ReviewPanel


def write(folder: Path, answers: dict[str, list[str]]) -> list[Path]:
    files = []
    for who, value in answers.items():
        row = {"id": "1", "text": "DNA repair in coral reefs", "labels": {"topic": value},
               "_id": "1", "_annotator": who, "_status": "done",
               "_ts": "2026-11-23T10:15:02.123Z", "_ms": 1200}  # fmt: skip
        path = folder / f"d.{who}.jsonl"
        path.write_text(json.dumps(row) + "\n")
        files.append(path)
    return files


def styled_parts(text) -> dict[str, str]:
    """Each styled piece of a Rich Text -> its style."""
    return {text.plain[s.start : s.end]: str(s.style) for s in text.spans}


async def test_review_shows_paths_and_marks_the_level_that_differs(tmp_path):
    schema = tmp_path / "s.yaml"
    schema.write_text(tree())
    files = write(
        tmp_path,
        {
            "ann": ["science/biology/genetics", "sports"],
            "bob": ["science/biology/ecology", "sports"],
        },
    )
    loaded = load_review(files, load_schema(schema))
    review = open_review(loaded, files, "lead", tmp_path / "gold.jsonl")
    try:
        app = make_review_app(review)
        async with app.run_test(size=(100, 30)) as pilot:
            panel = app.screen.query_one(ReviewPanel)
            task = review.schema.tasks[0]
            values = {a: norm[0] for a, norm in loaded.queue[0].norms.items()}
            text = panel._paths(task, values["ann"], True, values)
            assert text.plain.splitlines() == ["≠ science/biology/genetics", "≠ sports"]
            parts = styled_parts(text)
            assert parts["genetics"] == "bold underline"  # the third level differs
            assert parts["science"] == parts["biology"] == parts["sports"] == "bold"
            # the gold editor drills down as when annotating, and saves a path
            editor = app.screen.query_one(TreeChoiceEditor)
            await pilot.press("s", "2", "2")
            assert editor.open_node == "science/biology"
            await pilot.press("enter")
        gold = json.loads((tmp_path / "gold.jsonl").read_text().splitlines()[-1])
    finally:
        review.close()
    assert "science/biology/ecology" in gold["labels"]["topic"]


def test_long_paths_in_the_panel_are_cut_from_the_left(tmp_path):
    schema = load_schema(_deep_schema(tmp_path))
    panel = ReviewPanel(schema, ["ann", "bob"], 0.5)
    task = schema.tasks[0]
    deep = "/".join(f"level{i}-{'x' * 10}" for i in range(5)) + "/leaf"
    text = panel._paths(task, deep, False, {"ann": deep, "bob": deep})
    assert text.plain.startswith("  …/") and text.plain.endswith("/leaf")
    assert len(text.plain) <= 80 - 28 + 2


def _deep_schema(folder: Path) -> Path:
    lines = [json.dumps({"name": f"level{i}-{'x' * 10}",
                         **({"parent": f"level{i - 1}-{'x' * 10}"} if i else {})})
             for i in range(5)]  # fmt: skip
    lines.append(json.dumps({"name": "leaf", "parent": f"level4-{'x' * 10}"}))
    (folder / "deep.jsonl").write_text("\n".join(lines) + "\n")
    path = folder / "deep.yaml"
    path.write_text("tasks:\n  - {name: topic, kind: choice, labels_file: deep.jsonl}\n")
    return path
