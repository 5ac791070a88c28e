"""`labeltui export`: a file that several annotators share (a warning, or `--annotator`),
and dataset lines with a duplicate id (the first wins, as in `annotate`)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from labeltui.cli import app


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def line(who: str, ident: str, span: list) -> dict:
    start, end, label = span[0]
    value = [{"start": start, "end": end, "label": label, "text": "Ann met Bob"[start:end]}]
    return {"_id": ident, "_annotator": who, "_status": "done", "text": "Ann met Bob",
            "labels": {"entities": value}}  # fmt: skip


ANN = [[0, 3, "PER"]]
BOB = [[8, 11, "PER"]]


def write(name: str, rows: list[dict]) -> None:
    with open(name, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in rows)


def labels(path: str) -> list:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(x)["label"] for x in lines]


def run(*args: str):
    return CliRunner().invoke(app, ["export", "shared.jsonl", "--to", "doccano", *args])


def test_a_shared_file_exports_last_lines_with_a_warning_and_annotator_picks_one():
    write("shared.jsonl", [line("ann", "a", ANN), line("bob", "a", BOB), line("ann", "b", ANN)])
    result = run("-o", "out.jsonl")
    assert result.exit_code == 0, result.output
    assert "wrote 2 items" in result.stdout
    assert "holds the lines of 2 annotators (ann, bob)" in result.stderr
    assert "--annotator" in result.stderr
    assert labels("out.jsonl") == [BOB, ANN]

    result = run("-o", "bob.jsonl", "--annotator", "bob")
    assert result.exit_code == 0 and result.stderr == ""
    assert "wrote 1 item" in result.stdout
    assert labels("bob.jsonl") == [BOB]

    result = run("-o", "ann.jsonl", "-a", "ann")
    assert labels("ann.jsonl") == [ANN, ANN]


def test_an_unknown_annotator_is_one_line_and_writes_nothing(tmp_path):
    write("shared.jsonl", [line("ann", "a", ANN), line("bob", "a", BOB)])
    result = run("-o", "out.jsonl", "--annotator", "zed")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "labeltui: shared.jsonl: no line by annotator 'zed' (annotators: ann, bob)"
    )
    assert not (tmp_path / "out.jsonl").exists()


def test_one_annotator_or_a_dataset_gives_no_warning():
    write("shared.jsonl", [line("ann", "a", ANN), line("ann", "b", BOB)])
    assert run("-o", "out.jsonl").stderr == ""
    dataset_line = {"id": "x", "text": "Ann", "labels": line("ann", "x", ANN)["labels"]}
    write("shared.jsonl", [dataset_line])
    result = run("-o", "out.jsonl")
    assert result.exit_code == 0 and result.stderr == ""


def test_dataset_lines_with_a_duplicate_id_keep_the_first_as_annotate_does():
    first = {"id": "x", "text": "Ann met Bob", "labels": line("ann", "x", ANN)["labels"]}
    second = {"id": "x", "text": "Ann met Bob", "labels": line("ann", "x", BOB)["labels"]}
    write("shared.jsonl", [first, second])
    result = run("-o", "out.jsonl")
    assert result.exit_code == 0, result.output
    assert "1 line with a duplicate id dropped (the first wins)" in result.stdout
    assert labels("out.jsonl") == [ANN]
    # an annotation line replaces the dataset line; a dataset line after it is a duplicate
    write("shared.jsonl", [first, line("ann", "x", BOB), second])
    result = run("-o", "out.jsonl")
    assert labels("out.jsonl") == [BOB] and "1 line with a duplicate id" in result.stdout
    write("shared.jsonl", [first, line("ann", "x", BOB), line("ann", "x", ANN)])
    result = run("-o", "out.jsonl")
    assert labels("out.jsonl") == [ANN] and "duplicate" not in result.stdout
