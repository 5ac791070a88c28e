"""`labeltui stats` parsed the quick way gives the same call as typer, or leaves it to typer;
the script then runs it without importing typer, with the same output and errors."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from entry_helpers import full_call, option_tables, run_probe, typer_call, typer_command

from labeltui.commands import stats_command, stats_run
from labeltui.commands.stats_run import FLAGS, OPTIONS, parse_quick, run_stats

QUICK = [
    ["a.jsonl"],
    ["a.jsonl", "b.jsonl", "--json"],
    ["--json", "a.jsonl", "dir with space/b.jsonl"],
    ["a.jsonl", "-s", "s.yaml"],
    ["a.jsonl", "--schema=s.yaml", "--gold", "gold.jsonl"],
    ["a.jsonl", "--gold=gold.jsonl", "--json"],
    ["a.jsonl", "--schema", "--json"],  # click takes the next word as a value
]

NOT_QUICK = [
    [],
    ["--json"],  # no files: the command says so, on typer's path
    ["--help"],
    ["a.jsonl", "-h"],
    ["a.jsonl", "--json", "--json"],  # given twice
    ["a.jsonl", "-s", "x", "--schema", "y"],
    ["a.jsonl", "--gold"],  # a missing value
    ["a.jsonl", "--gold="],  # empty
    ["a.jsonl", "-ss.yaml"],  # a value joined to a short option
    ["a.jsonl", "--task", "x"],  # agree's option, not stats'
    ["a.jsonl", "--json=yes"],  # typer says a flag takes no value
    ["--", "a.jsonl"],
    ["", "a.jsonl"],
    ["-", "a.jsonl"],
]


@pytest.mark.parametrize("args", QUICK, ids=lambda a: " ".join(a))
def test_quick_parse_gives_typers_call(args, monkeypatch):
    quick_args = parse_quick(args)
    assert quick_args is not None
    assert full_call(run_stats, (), quick_args) == typer_call(
        "stats", stats_run, run_stats, args, monkeypatch
    )
    assert all(isinstance(f, Path) for f in quick_args["files"])


@pytest.mark.parametrize("args", NOT_QUICK, ids=lambda a: " ".join(a) or "nothing")
def test_anything_unusual_is_left_to_typer(args):
    assert parse_quick(args) is None


def test_the_option_tables_are_typers():
    command = typer_command("stats")
    assert option_tables("stats") == (OPTIONS, FLAGS)
    assert not any(getattr(p, "multiple", False) for p in command.params)
    signature = inspect.signature(run_stats).parameters
    assert sorted(signature) == sorted(p.name for p in command.params if p.name != "help")
    assert inspect.signature(stats_command.stats).parameters.keys() == signature.keys()
    for param in command.params:  # the defaults when an option is not given
        if param.name in signature and param.name != "files":
            assert signature[param.name].default == param.default, param.name


def annotations(path: Path, who: str, labels: list[str]) -> str:
    """A file of `who`'s done annotations of items i0, i1, ... (task `team`)."""
    stamp = {"_annotator": who, "_status": "done", "_ts": "2026-11-23T10:15:02.123Z", "_ms": 900}
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
        ["--gold", "a.jsonl", "--json"],
        ["--schema", "missing.yaml"],  # an error: one line, exit 2
        ["missing.jsonl"],
    ],
    ids=lambda a: " ".join(a) or "report",
)
def test_the_script_runs_stats_without_typer_as_typer_does(tmp_path, extra):
    files = [
        annotations(tmp_path / "a.jsonl", "ann", ["x", "y", "x", "x", "y"] * 3),
        annotations(tmp_path / "b.jsonl", "bob", ["x", "y", "y", "x", "y"] * 3),
    ]
    args = [*files, *extra]
    env = {"COLUMNS": "120", "PATH": "/usr/bin:/bin", "TERM": "dumb"}
    out, (code, typer_loaded), errors = run_probe(["stats", *args], True, tmp_path, env)
    assert typer_loaded == "False"
    typer_out, (typer_code, typer_loaded), typer_errors = run_probe(
        ["stats", *args], False, tmp_path, env
    )
    assert typer_loaded == "True"
    assert (out, code, errors) == (typer_out, typer_code, typer_errors)
    if extra == ["--json"]:
        result = json.loads(out)
        assert code == "0" and result["annotators"]["ann"]["done"] == 15
        assert result["tasks"]["team"]["labels"]["x"]["by_annotator"] == {"ann": 9, "bob": 6}
    if extra == []:
        assert code == "0" and "Label statistics of" in out and "Task team" in out
    if code != "0":
        assert code == "2" and errors.startswith("labeltui: ") and "\n" not in errors
