"""`labeltui annotate` parsed the quick way gives the same call as typer, or leaves it to typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import labeltui.cli as cli
from labeltui.commands import annotate as annotate_command
from labeltui.commands.annotate import OPTIONS, parse_quick

QUICK = [
    ["data.jsonl", "--schema", "s.yaml"],
    ["data.jsonl", "-s", "s.yaml", "-a", "bob", "-o", "out.jsonl"],
    ["--schema=s.yaml", "data.jsonl", "--annotator=ann", "--out=o/x.jsonl"],
    ["data.jsonl", "-s", "s.yaml", "--where", "lang=de", "--where=channel=chat"],
    ["data.jsonl", "-s", "s.yaml", "--sort", "-score"],
    ["-s", "s.yaml", "--sort=score", "dir with space/data.jsonl"],
    ["data.jsonl", "-s", "s.yaml", "--out", "--where"],  # click takes the next word as a value
    ["--db", "postgresql://ann@db/labels", "--project", "tickets"],
    ["--db=host=db", "-p", "tickets", "-a", "ann", "--lease", "5", "--media", "m", "-o", "x.jsonl"],
    ["--db", "postgresql://db/x", "-p", "t", "--sort", "-score", "--lease=0.5"],
    ["data.jsonl", "-s", "s.yaml", "--learn"],
    ["--learn", "data.jsonl", "--uncertainty", "margin", "-s", "s.yaml"],
]

NOT_QUICK = [
    [],
    ["--help"],
    ["data.jsonl", "-s", "s.yaml", "-h"],
    ["data.jsonl"],  # no schema: typer says so
    ["data.jsonl", "other.jsonl", "-s", "s.yaml"],
    ["data.jsonl", "-s"],  # a missing value
    ["data.jsonl", "-s", "a.yaml", "--schema", "b.yaml"],  # given twice
    ["data.jsonl", "-ss.yaml"],  # a value joined to a short option
    ["data.jsonl", "-s", "s.yaml", "--unknown", "x"],
    ["data.jsonl", "-s", "s.yaml", "--where="],
    ["--", "data.jsonl", "-s", "s.yaml"],
    ["", "-s", "s.yaml"],
    ["data.jsonl", "--db", "postgresql://db/x", "-p", "t"],  # the command refuses DATASET
    ["--db", "postgresql://db/x", "-p", "t", "--lease", "soon"],  # typer says what is wrong
    ["--db=", "-p", "t"],  # empty (the PG* variables): typer's, as every empty value
    ["data.jsonl", "-s", "s.yaml", "--learn", "--learn"],  # given twice
    ["data.jsonl", "-s", "s.yaml", "--learn=yes"],  # typer says a flag takes no value
]


def typer_call(args: list[str], monkeypatch) -> dict:
    """The arguments typer gives `run_annotate` for `labeltui annotate ARGS`."""
    calls: list[tuple] = []
    monkeypatch.setattr(cli, "run_annotate", lambda *a, **k: calls.append((a, k)))
    result = CliRunner().invoke(cli.app, ["annotate", *args])
    assert result.exit_code == 0, result.output
    names = ["dataset", "schema", "annotator", "out", "where", "sort"]
    positional, keywords = calls[0]
    given = dict(zip(names, positional, strict=True)) | keywords
    return {k: v for k, v in given.items() if v is not None and v != []}


@pytest.mark.parametrize("args", QUICK, ids=lambda a: " ".join(a))
def test_quick_parse_gives_typers_call(args, monkeypatch):
    quick = parse_quick(args)
    assert quick is not None and quick == typer_call(args, monkeypatch)
    if "db" in quick:  # team mode: the server has the items and the schema
        assert "dataset" not in quick and "schema" not in quick
        assert isinstance(quick.get("lease", 1.0), float)
    else:
        assert isinstance(quick["dataset"], Path) and isinstance(quick["schema"], Path)


@pytest.mark.parametrize("args", NOT_QUICK, ids=lambda a: " ".join(a) or "nothing")
def test_anything_unusual_is_left_to_typer(args):
    assert parse_quick(args) is None


def test_the_option_table_is_typers():
    group = typer.main.get_command(cli.app)
    command = group.get_command(typer.Context(group), "annotate")
    expected = {}
    for param in command.params:
        if param.param_type_name == "option" and not param.is_flag:
            for opt in [*param.opts, *param.secondary_opts]:
                expected[opt] = param.name
    assert expected == OPTIONS
    flags = {
        opt: param.name
        for param in command.params
        if param.param_type_name == "option" and param.is_flag
        for opt in param.opts
    }
    flags.pop("--help", None)
    assert flags == annotate_command.FLAGS
    multiple = {p.name for p in command.params if getattr(p, "multiple", False)}
    assert multiple == annotate_command._REPEATABLE


def test_the_script_runs_annotate_without_typer_and_errors_in_one_line(tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text('{"id": "a", "text": "x"}\n')
    probe = (
        "import sys\nfrom labeltui.entry import main\n"
        f"sys.argv = ['labeltui', 'annotate', {str(data)!r}, '-s', 'missing.yaml']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print(code, 'typer' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.stdout.split() == ["2", "False"]
    assert done.stderr.strip() == "labeltui: missing.yaml: schema file not found"


def test_the_script_gives_the_rest_to_typer(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "labeltui", "annotate", "data.jsonl"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "Missing option '--schema'" in done.stderr
    assert "Traceback" not in done.stderr


def run_probe(code: str, cwd: Path, env: dict | None = None) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_start_up_tricks_live_in_startup(tmp_path):
    """gc is off while `annotate`/`review` import the app and on again before it runs;
    `labeltui.ui` sets Textual's frame rate unless the user did; other commands keep gc."""
    probe = (
        "import gc, os\nfrom labeltui import startup\n"
        "startup.defer_collection(['stats', 'x'])\nprint(gc.isenabled())\n"
        "startup.defer_collection(['review', 'x'])\nprint(gc.isenabled())\n"
        "startup.collect_from_now_on()\nprint(gc.isenabled())\n"
        "import labeltui.ui\nprint(os.environ['TEXTUAL_FPS'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    assert run_probe(probe, tmp_path, env) == ["True", "False", "True", "120"]
    assert run_probe(probe, tmp_path, {**env, "TEXTUAL_FPS": "30"})[-1] == "30"


def test_a_bad_annotate_command_never_imports_textual(tmp_path):
    """The app (Textual) is imported only once the session opened: an error is quick."""
    data = tmp_path / "data.jsonl"
    data.write_text('{"id": "a", "text": "x"}\n')
    probe = (
        "import sys\nfrom labeltui.entry import main\n"
        f"sys.argv = ['labeltui', 'annotate', {str(data)!r}, '-s', 'missing.yaml']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print(code, 'textual' in sys.modules)"
    )
    assert run_probe(probe, tmp_path) == ["2", "False"]
