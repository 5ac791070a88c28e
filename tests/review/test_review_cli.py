"""`labeltui review` on bad input: one line naming the file and line, exit 2, no traceback."""

from __future__ import annotations

import pytest
from review_helpers import line, write_lines, write_schema
from typer.testing import CliRunner

from labeltui.cli import app

runner = CliRunner()

GOOD = line("t1", "ann", {"team": "bug"})


def run(*args: str):
    return runner.invoke(app, ["review", *map(str, args)])


def one_line_error(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("labeltui: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output
    return lines[0]


BAD_LINES = [
    (
        '{"labels": {}, "_annotator": "ann", "_id": "x", "_status": "done"}\n{broken\n',
        "not valid JSON",
        "a.jsonl:2",
    ),
    ("[1, 2]\n", "expected a JSON object", "a.jsonl:1"),
    ('{"id": "x", "labels": {"team": "bug"}, "_status": "done"}\n', "no '_annotator'", "a.jsonl:1"),
    (
        '{"id": 1.5, "labels": {}, "_annotator": "ann", "_status": "done"}\n',
        "'id' must be a string or an integer",
        "a.jsonl:1",
    ),
    (
        '\n{"id": "x", "labels": {"team": "nope"}, "_annotator": "ann", "_status": "done"}\n',
        "unknown label 'nope' for task 'team'",
        "a.jsonl:2",
    ),
]


@pytest.mark.parametrize(("text", "message", "where"), BAD_LINES)
def test_a_bad_line_is_one_error_with_file_and_line(tmp_path, text, message, where):
    good = write_lines(tmp_path / "good.jsonl", [GOOD])
    bad = tmp_path / "a.jsonl"
    bad.write_text(text)
    result = run(good, bad, "--schema", write_schema(tmp_path), "--annotator", "lead")
    one_line_error(result, message, where)
    assert not (tmp_path / "good.gold.jsonl").exists()


def test_no_files(tmp_path):
    one_line_error(run("--schema", write_schema(tmp_path)), "needs one or more annotation files")


def test_no_schema(tmp_path):
    one_line_error(run(write_lines(tmp_path / "a.jsonl", [GOOD])), "--schema")


def test_missing_file(tmp_path):
    one_line_error(
        run(tmp_path / "nope.jsonl", "--schema", write_schema(tmp_path)),
        "nope.jsonl: file not found",
    )


def test_files_without_done_answers(tmp_path):
    skipped = write_lines(tmp_path / "a.jsonl", [line("t1", "ann", {"team": None}, "skipped")])
    one_line_error(run(skipped, "--schema", write_schema(tmp_path)), "no annotation with _status")


def test_the_gold_file_may_not_be_an_input(tmp_path):
    a = write_lines(tmp_path / "a.jsonl", [GOOD])
    one_line_error(run(a, "--schema", write_schema(tmp_path), "--out", a), "gold file is also")


def test_a_bad_reviewer_name(tmp_path):
    a = write_lines(tmp_path / "a.jsonl", [GOOD])
    one_line_error(run(a, "--schema", write_schema(tmp_path), "-a", "a/b"), "reviewer name")


def test_nothing_to_review_exits_0_without_a_gold_file(tmp_path):
    a = write_lines(tmp_path / "t.ann.jsonl", [GOOD])
    b = write_lines(tmp_path / "t.bob.jsonl", [line("t1", "bob", {"team": "bug"})])
    result = run(a, b, "--schema", write_schema(tmp_path), "--annotator", "lead")
    assert result.exit_code == 0, result.output
    assert "no disagreement to review among 1 items from 2 annotators" in result.output
    assert "--all" in result.output
    assert not (tmp_path / "t.gold.jsonl").exists()


def test_help_has_an_example():
    result = runner.invoke(app, ["review", "--help"])
    assert result.exit_code == 0 and "Example: labeltui review" in result.output
