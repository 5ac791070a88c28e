"""`labeltui agree`: inter-annotator agreement of annotation files (FORMAT sections 4 and 5).

Thin on purpose: typer parses the options and `run_agree` (agree_run.py, typer-free: the
`labeltui` script's quick way calls it too) calls `labeltui.core.agree` and prints the report
(Rich, in agree_report.py) or the JSON object. Nothing here imports Textual.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from labeltui.commands.agree_run import run_agree


class Weights(str, Enum):
    linear = "linear"
    quadratic = "quadratic"


def agree(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Annotation files (one or more; a file may hold several annotators).",
            metavar="FILE...",
            show_default=False,
        ),
    ] = None,
    task: Annotated[
        str | None,
        typer.Option("--task", "-t", help="Only this task (default: every task in the files)."),
    ] = None,
    json_: Annotated[
        bool,
        typer.Option("--json", help="Print only the JSON report (keys in the README)."),
    ] = False,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance", help="audio_marks: seconds both ends of two marks may differ by."
        ),
    ] = 0.5,
    schema: Annotated[
        Path | None,
        typer.Option(
            "--schema",
            "-s",
            help="The schema: label order, task kinds, and 'ordinal: true' for weighted "
            "statistics (without it, kinds come from the values and labels are sorted).",
            show_default=False,
        ),
    ] = None,
    weights: Annotated[
        Weights | None,
        typer.Option(
            "--weights",
            help="Weighted kappa of ordinal tasks: linear or quadratic (default quadratic).",
            show_default=False,
        ),
    ] = None,
    ci: Annotated[
        bool, typer.Option("--ci", help="Add bootstrap 95% confidence intervals.")
    ] = False,
    ci_samples: Annotated[
        int, typer.Option("--ci-samples", help="Bootstrap resamples for --ci.", min=10)
    ] = 1000,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Seed of the bootstrap, for repeatable intervals."),
    ] = None,
    pair: Annotated[
        str | None,
        typer.Option(
            "--pair", help="Confusion matrix of these two annotators: a,b (default: the first)."
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option("--top", help="How many items with the most disagreement to list.", min=0),
    ] = 10,
    competence: Annotated[
        bool,
        typer.Option(
            "--competence",
            help="choice tasks: estimate each annotator's accuracy without gold (Dawid-Skene).",
        ),
    ] = False,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold",
            help="Score each annotator against this gold file (e.g. review's output): accuracy "
            "and kappa, or F1.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Agreement between annotators: kappas, alpha, F1, and the items to review.

    Only each annotator's current line per item counts, and only when it is `done`.

    Example: labeltui agree tickets.ann.jsonl tickets.bob.jsonl

    Example: labeltui agree *.jsonl --schema tickets.schema.yaml --json

    Example: labeltui agree tickets.*.jsonl --gold tickets.gold.jsonl
    """
    run_agree(
        files,
        task=task,
        json_=json_,
        tolerance=tolerance,
        schema=schema,
        weights=weights.value if weights is not None else None,
        ci=ci,
        ci_samples=ci_samples,
        seed=seed,
        pair=pair,
        top=top,
        competence=competence,
        gold=gold,
    )
