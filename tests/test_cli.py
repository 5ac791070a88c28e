"""The command line: help, version, validate, and one-line errors for bad input."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from labeltui import __version__
from labeltui.cli import app

runner = CliRunner()

SCHEMA = "title: T\ntasks:\n  - name: team\n    kind: choice\n    labels: [billing, bug]\n"


def run(*args: str):
    return runner.invoke(app, list(args))


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"labeltui {__version__}"


@pytest.mark.parametrize(
    "command", ["annotate", "validate", "import", "export", "review", "agree", "stats"]
)
def test_each_command_help_has_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: labeltui " + command in result.output


def test_validate_summary(tmp_path):
    schema = tmp_path / "s.yaml"
    schema.write_text(SCHEMA)
    data = tmp_path / "d.jsonl"
    data.write_text('{"id": 1, "text": "a"}\n\n{"id": 1, "text": "dup"}\n{"text": "b"}\n')
    result = run("validate", "--schema", str(schema), str(data))
    assert result.exit_code == 0, result.output
    assert "task team (choice): billing [1], bug [2]" in result.output
    assert re.search(r"dataset .*d\.jsonl: OK, 2 items \(1 duplicate ids dropped\)", result.output)


BAD_INPUTS = [
    # (schema text, dataset text, expected message fragment, expected "file:line")
    ("tasks: [\n", None, "invalid YAML", "s.yaml:2"),
    (
        "tasks:\n  - name: a\n    kind: choise\n    labels: [x]\n",
        None,
        "unknown kind 'choise'",
        "s.yaml:3",
    ),
    (SCHEMA, '{"text": "ok"}\n{"text": broken}\n', "not valid JSON", "d.jsonl:2"),
    (SCHEMA, '{"text": "ok"}\n[1, 2]\n', "expected a JSON object", "d.jsonl:2"),
    (SCHEMA, '{"id": 1.5, "text": "ok"}\n', "'id' must be a string or an integer", "d.jsonl:1"),
    (
        SCHEMA,
        '{"text": "ok", "labels": {"team": "nope"}}\n',
        "team='nope' is not a label of this task",
        "d.jsonl:1",
    ),
]


@pytest.mark.parametrize(("schema_text", "data_text", "message", "where"), BAD_INPUTS)
def test_bad_input_is_one_line_without_traceback(tmp_path, schema_text, data_text, message, where):
    schema = tmp_path / "s.yaml"
    schema.write_text(schema_text)
    args = ["validate", "--schema", str(schema)]
    if data_text is not None:
        data = tmp_path / "d.jsonl"
        data.write_text(data_text)
        args.append(str(data))
    result = run(*args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert where in lines[0] and message in lines[0]
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_missing_files(tmp_path):
    result = run("validate", "--schema", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "nope.yaml: schema file not found" in result.output
    schema = tmp_path / "s.yaml"
    schema.write_text(SCHEMA)
    result = run("annotate", str(tmp_path / "missing.jsonl"), "--schema", str(schema))
    assert result.exit_code == 2 and "missing.jsonl: dataset file not found" in result.output


def test_annotate_without_a_terminal_says_so_instead_of_waiting(tmp_path):
    """With stdin from /dev/null (a CI job, a pipe) the app cannot read keys: one line, exit 2."""
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "d.jsonl").write_text('{"id": "a", "text": "x"}\n')
    (tmp_path / "s.yaml").write_text("tasks:\n  - {name: t, kind: choice, labels: [a, b]}\n")
    script = Path(sys.executable).parent / "labeltui"
    done = subprocess.run(
        [str(script), "annotate", "d.jsonl", "-s", "s.yaml", "-a", "ann"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "labeltui: annotate needs a terminal: standard input and standard error must be one "
        "(run it in a terminal, in tmux, or over `ssh -t`)"
    )
    assert not (tmp_path / "d.ann.jsonl").exists()  # the refusal left no empty file behind


@pytest.mark.parametrize(
    "command,usage",
    [
        ("annotate", "labeltui annotate [OPTIONS] DATASET"),
        ("validate", "labeltui validate [OPTIONS] [DATASET]"),
        ("import", "labeltui import [OPTIONS] FILE"),
        ("export", "labeltui export [OPTIONS] FILE"),
        ("agree", "labeltui agree [OPTIONS] FILE..."),
        ("stats", "labeltui stats [OPTIONS] FILE..."),
        ("review", "labeltui review [OPTIONS] FILE..."),
    ],
)
def test_usage_lines_name_arguments_without_braces(command, usage):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert f"Usage: {usage}" in result.output and "{" not in result.output.splitlines()[0]


def test_annotate_help_names_sort_suggestions():
    result = run("annotate", "--help")
    assert result.exit_code == 0
    assert "suggestions" in " ".join(result.output.split())
