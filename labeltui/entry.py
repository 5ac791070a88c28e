"""Entry point of the `labeltui` script: `annotate` the quick way, everything else by typer."""

from __future__ import annotations

import sys

from labeltui.startup import defer_collection


def main() -> None:
    """Run `labeltui` with `sys.argv`."""
    args = sys.argv[1:]
    defer_collection(args)  # on again once the app is built (labeltui.startup)
    if args[:1] == ["annotate"]:
        from labeltui.commands.annotate import parse_quick

        quick = parse_quick(args[1:])
        if quick is not None:
            _run_annotate(quick)
            return
    from labeltui.cli import app

    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


def _run_annotate(arguments: dict) -> None:
    """As typer would run `annotate`: a LabeltuiError is one line and its exit code."""
    from labeltui.commands.annotate import run_annotate
    from labeltui.errors import LabeltuiError, report

    try:
        run_annotate(**arguments)
    except LabeltuiError as exc:
        sys.exit(report(exc))
    except KeyboardInterrupt:
        sys.exit(130)
