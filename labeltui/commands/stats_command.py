"""`labeltui stats` as typer defines it: its options and help.

The body is `stats_run.run_stats` (no typer: the usual lines get there the quick way, see
entry.py), the readable report `stats_report.print_stats`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def stats(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Annotation files and/or datasets with pre-annotations (one or more).",
            metavar="FILE...",
            show_default=False,
        ),
    ] = None,
    schema: Annotated[
        Path | None,
        typer.Option(
            "--schema",
            "-s",
            help="The schema: task kinds, label order, and labels never used (count 0).",
            show_default=False,
        ),
    ] = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print only the JSON object (keys in the README).")
    ] = False,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold",
            help="A gold file: each annotator's accuracy on its items, first and last 50.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Label counts and shares per task and annotator; items done/skipped; pace.

    Only each annotator's current line per item counts (the last one). Lines without
    `_annotator` (a dataset's pre-annotations) count as one annotator named after the file.

    Example: labeltui stats tickets.ann.jsonl tickets.bob.jsonl

    Example: labeltui stats tickets.jsonl --schema tickets.schema.yaml --json

    Example: labeltui stats tickets.*.jsonl --gold tickets.gold.jsonl
    """
    from labeltui.commands.stats_run import run_stats

    run_stats(files, schema=schema, json_=json_, gold=gold)
