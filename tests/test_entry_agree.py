"""`labeltui agree` parsed the quick way gives the same call as typer, or leaves it to typer;
the script then runs it without importing typer, with the same output and errors."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from entry_helpers import full_call, option_tables, probe_code, run_probe, typer_call, typer_command
from typer.testing import CliRunner

import labeltui.cli as cli
from labeltui.commands import agree as agree_command
from labeltui.commands import quick
from labeltui.commands.agree_run import FLAGS, OPTIONS, WEIGHTS, parse_quick, run_agree

QUICK = [
    ["a.jsonl", "b.jsonl"],
    ["a.jsonl", "b.jsonl", "--json"],
    ["a.jsonl", "--json", "b.jsonl", "dir with space/c.jsonl"],
    ["a.jsonl"],  # one file may hold several annotators
    ["a.jsonl", "b.jsonl", "--task", "intent", "-s", "s.yaml"],
    ["a.jsonl", "b.jsonl", "-t", "intent", "--schema=s.yaml", "--weights", "linear"],
    ["a.jsonl", "b.jsonl", "--weights=quadratic", "--ci", "--ci-samples", "200", "--seed", "7"],
    ["a.jsonl", "b.jsonl", "--ci", "--ci-samples=10", "--seed=-3"],
    ["a.jsonl", "b.jsonl", "--ci-samples", "1_000", "--seed", " 12"],  # as Python's int
    ["a.jsonl", "b.jsonl", "--tolerance", "0.25"],
    ["a.jsonl", "b.jsonl", "--tolerance=1e-3", "--json"],
    ["a.jsonl", "b.jsonl", "--tolerance", "-1"],  # the command says what is wrong with it
    ["a.jsonl", "b.jsonl", "--tolerance", "nan"],
    ["a.jsonl", "b.jsonl", "--pair", "ann,bob", "--top", "0"],
    ["a.jsonl", "b.jsonl", "--top=25", "--competence"],
    ["a.jsonl", "b.jsonl", "--gold", "gold.jsonl", "--json"],
    ["a.jsonl", "b.jsonl", "--task", "--json"],  # click takes the next word as a value
]

NOT_QUICK = [
    [],
    ["--json"],  # no files: the command says so, on typer's path
    ["--help"],
    ["a.jsonl", "-h"],
    ["a.jsonl", "--json", "--json"],  # given twice
    ["a.jsonl", "-t", "x", "--task", "y"],
    ["a.jsonl", "--task"],  # a missing value
    ["a.jsonl", "--pair="],  # empty
    ["a.jsonl", "-tintent"],  # a value joined to a short option
    ["a.jsonl", "--unknown", "x"],
    ["a.jsonl", "--json=yes"],  # typer says a flag takes no value
    ["a.jsonl", "--weights", "cubic"],  # typer names the choices
    ["a.jsonl", "--weights", "Linear"],
    ["a.jsonl", "--ci-samples", "9"],  # min=10
    ["a.jsonl", "--ci-samples", "many"],
    ["a.jsonl", "--top", "-1"],  # min=0
    ["a.jsonl", "--seed", "1.5"],
    ["a.jsonl", "--tolerance", "half"],
    ["--", "a.jsonl"],
    ["", "a.jsonl"],
    ["-", "a.jsonl"],
]


@pytest.mark.parametrize("args", QUICK, ids=lambda a: " ".join(a))
def test_quick_parse_gives_typers_call(args, monkeypatch):
    quick_args = parse_quick(args)
    assert quick_args is not None
    assert full_call(run_agree, (), quick_args) == typer_call(
        "agree", agree_command, run_agree, args, monkeypatch
    )
    assert all(isinstance(f, Path) for f in quick_args["files"])


@pytest.mark.parametrize("args", NOT_QUICK, ids=lambda a: " ".join(a) or "nothing")
def test_anything_unusual_is_left_to_typer(args):
    assert parse_quick(args) is None


def test_an_unreadable_file_is_left_to_typer(tmp_path, monkeypatch):
    """typer refuses a path that exists but cannot be read (a missing one is the command's)."""
    data = tmp_path / "a.jsonl"
    data.write_text("")
    monkeypatch.setattr(quick.os, "access", lambda path, mode: False)
    assert parse_quick([str(data)]) is None
    assert parse_quick(["--schema", str(data), "missing.jsonl"]) is None
    assert parse_quick([str(tmp_path / "missing.jsonl")]) is not None
    result = CliRunner().invoke(cli.app, ["agree", str(data)])
    assert result.exit_code == 2 and "is not readable" in result.output


def test_the_option_tables_are_typers():
    command = typer_command("agree")
    assert option_tables("agree") == (OPTIONS, FLAGS)
    assert not any(getattr(p, "multiple", False) for p in command.params)
    weights = next(p for p in command.params if p.name == "weights")
    assert tuple(weights.type.choices) == WEIGHTS
    signature = inspect.signature(run_agree).parameters
    assert list(signature) == [p.name for p in command.params if p.name != "help"]
    for param in command.params:  # the defaults when an option is not given
        if param.name in signature and param.name != "files":
            assert signature[param.name].default == param.default, param.name


def annotations(path: Path, who: str, labels: list[str]) -> str:
    """A file of `who`'s done annotations of items i0, i1, ... (task `team`)."""
    stamp = {"_annotator": who, "_status": "done", "_ts": "2026-11-23T10:15:02.123Z"}
    lines = [
        {"id": f"i{i}", "labels": {"team": label}, "_id": f"i{i}", **stamp}
        for i, label in enumerate(labels)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


@pytest.mark.parametrize(
    "extra",
    [
        ["--json"],
        [],  # the readable report (Rich)
        ["--json", "--top", "3", "--pair", "ann,bob", "--ci", "--ci-samples", "50", "--seed", "1"],
        ["--json", "--task", "nope"],  # an error: one line, exit 2
        ["--pair", "ann,zed"],
        ["missing.jsonl"],
    ],
    ids=lambda a: " ".join(a) or "report",
)
def test_the_script_runs_agree_without_typer_as_typer_does(tmp_path, extra):
    files = [
        annotations(tmp_path / "a.jsonl", "ann", ["x", "y", "x", "x", "y"] * 3),
        annotations(tmp_path / "b.jsonl", "bob", ["x", "y", "y", "x", "y"] * 3),
    ]
    args = [*files, *extra]
    out, (code, typer_loaded), errors = run_probe(["agree", *args], True, tmp_path)
    assert typer_loaded == "False"
    typer_out, (typer_code, typer_loaded), typer_errors = run_probe(
        ["agree", *args], False, tmp_path
    )
    assert typer_loaded == "True"
    assert (out, code, errors) == (typer_out, typer_code, typer_errors)
    if extra == ["--json"]:
        assert code == "0" and json.loads(out)["tasks"]["team"]["items"] == 15
    if code != "0":
        assert code == "2" and errors.startswith("labeltui: ") and "\n" not in errors


def test_a_closed_pipe_ends_agree_quietly_as_typer_does(tmp_path):
    """`labeltui agree ... --json | head -1`: exit 1 and nothing on stderr, as with typer."""
    files = [
        annotations(tmp_path / "a.jsonl", "ann", ["x", "y"] * 2000),
        annotations(tmp_path / "b.jsonl", "bob", ["y", "y"] * 2000),
    ]
    labels = [str(i) for i in range(300)]  # a long JSON object: it does not fit a pipe
    annotations(tmp_path / "c.jsonl", "cy", labels)
    files.append(str(tmp_path / "c.jsonl"))
    results = []  # the probes' stderr
    for quick_way in (True, False):
        code = probe_code(["agree", *files, "--json"], quick_way)
        child = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()  # long before the child writes
        errors = child.stderr.read().decode()
        child.wait()
        results.append(errors)
    assert results == ["1 False\n", "1 True\n"]
