"""Entry point of the `labeltui` script: the usual `annotate`, `agree` and `stats` lines the
quick way (commands/quick.py: no typer, about 40 ms less), everything else by typer."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from labeltui.startup import defer_collection


def main() -> None:
    """Run `labeltui` with `sys.argv`."""
    args = sys.argv[1:]
    defer_collection(args)  # on again once the app is built (labeltui.startup)
    quick = _quick(args)
    if quick is not None:
        _run(*quick)
        return
    from labeltui.cli import app

    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


def _quick(args: list[str]) -> tuple[Callable[..., None], dict[str, Any]] | None:
    """The command and its arguments when `args` is a usual `annotate`, `agree` or `stats`
    line."""
    if args[:1] == ["annotate"]:
        from labeltui.commands.annotate import parse_quick
        from labeltui.commands.annotate import run_annotate as command
    elif args[:1] == ["agree"]:
        from labeltui.commands.agree_run import parse_quick
        from labeltui.commands.agree_run import run_agree as command
    elif args[:1] == ["stats"]:
        from labeltui.commands.stats_run import parse_quick
        from labeltui.commands.stats_run import run_stats as command
    else:
        return None
    arguments = parse_quick(args[1:])
    return None if arguments is None else (command, arguments)


def _run(command: Callable[..., None], arguments: dict[str, Any]) -> None:
    """As typer runs a command: a LabeltuiError is one line and its exit code, Ctrl-C exits
    130, and a closed pipe (`agree --json | head`) exits 1 quietly."""
    import errno

    from labeltui.errors import LabeltuiError, report

    try:
        command(**arguments)
    except LabeltuiError as exc:
        sys.exit(report(exc))
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        _quiet_closed_pipe()
        sys.exit(1)


def _quiet_closed_pipe() -> None:
    """No error when Python flushes the closed stdout at exit (typer's PacifyFlushWrapper)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
