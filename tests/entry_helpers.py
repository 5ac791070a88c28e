"""What the quick-parse tests of `annotate`, `agree` and `stats` share (tests/test_entry*.py):
typer's own option tables, a call with every default filled in, and a run of the real script
in a child process, the quick way or typer's."""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer.main

import labeltui.cli as cli


def typer_command(name: str) -> Any:
    """The click command typer builds for `labeltui NAME`."""
    group = typer.main.get_command(cli.app)
    return group.get_command(typer.Context(group), name)


def option_tables(name: str) -> tuple[dict[str, str], dict[str, str]]:
    """(options, flags) of `labeltui NAME` as typer defines them: every spelling -> parameter
    (`--help` left out)."""
    options: dict[str, str] = {}
    flags: dict[str, str] = {}
    for param in typer_command(name).params:
        if param.param_type_name == "option":
            for opt in [*param.opts, *param.secondary_opts]:
                (flags if param.is_flag else options)[opt] = param.name
    flags.pop("--help", None)
    return options, flags


def full_call(function: Callable[..., Any], args: tuple, kwargs: dict) -> dict:
    """Every parameter of `function`, defaults filled in, each with its type (and its repr:
    nan is not equal to itself)."""
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    return {k: (type(v), repr(v)) for k, v in bound.arguments.items()}


PROBE = """import sys
if QUICK:
    from labeltui.entry import main
else:
    from labeltui.cli import app as main
sys.argv = ['labeltui', *ARGS]
try:
    main()
    code = 0
except SystemExit as exc:
    code = exc.code
print(code, 'typer' in sys.modules, file=sys.stderr)
"""


def probe_code(args: list[str], quick: bool) -> str:
    """A child's program: `labeltui ARGS` through the script's quick way or through typer;
    its last line on stderr is the exit code and whether typer was imported."""
    return PROBE.replace("ARGS", repr(args)).replace("QUICK", repr(quick))


def run_probe(
    args: list[str], quick: bool, cwd: Path, env: dict[str, str] | None = None
) -> tuple[str, list[str], str]:
    """(stdout, [exit code, typer imported], the rest of stderr) of `probe_code`."""
    done = subprocess.run(
        [sys.executable, "-c", probe_code(args, quick)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )
    *errors, last = done.stderr.splitlines()
    return done.stdout, last.split(), "\n".join(errors)


def typer_call(
    name: str, module: Any, function: Callable[..., Any], args: list[str], monkeypatch: Any
) -> dict:
    """The arguments typer gives `function` (looked up in `module` when the command runs)
    for `labeltui NAME ARGS`, as `full_call` shows them."""
    from typer.testing import CliRunner

    calls: list[tuple] = []
    monkeypatch.setattr(module, function.__name__, lambda *a, **k: calls.append((a, k)))
    result = CliRunner().invoke(cli.app, [name, *args])
    assert result.exit_code == 0, result.output
    return full_call(function, *calls[0])
