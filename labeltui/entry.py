"""Entry point of the `labeltui` script: `annotate` the quick way, everything else by typer."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """Run `labeltui` with `sys.argv`."""
    args = sys.argv[1:]
    if args[:1] in (["annotate"], ["review"]):
        # Importing Textual creates many objects; garbage collection passes while importing
        # cost about 40 ms before the first screen and free nothing (imported modules stay
        # alive). The apps turn it back on (ui.launch.collect_from_now_on) before they start.
        gc.disable()
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
