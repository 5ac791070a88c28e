"""`labeltui agree`: inter-annotator agreement of annotation files (FORMAT sections 4 and 5).

Thin on purpose: parse the options, call `labeltui.core.agree`, print the report (Rich, in
agree_report.py) or the JSON object. Nothing here imports Textual, so the command starts fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


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
    import json

    from labeltui.core.agree import analyze
    from labeltui.errors import LabeltuiError

    if not files:
        raise LabeltuiError("no annotation files given (labeltui agree FILE... )")
    result = analyze(
        files,
        task=task,
        schema=schema,
        tolerance=tolerance,
        weights=weights.value if weights is not None else None,
        ci=ci,
        seed=seed,
        ci_samples=ci_samples,
        gold=gold,
        competence=competence,
    )
    pair_names = _pair(pair, result)
    if json_:
        sys.stdout.write(json.dumps(result.json, indent=2, allow_nan=False) + "\n")
    else:
        from labeltui.commands.agree_report import print_report

        print_report(result, pair=pair_names, top=top)
    if result.shared_items == 0:
        raise LabeltuiError(
            "no item was labelled by two annotators or more: nothing to compare "
            "(statistics are null)"
        )


def _pair(text: str | None, result) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    from labeltui.errors import LabeltuiError

    if text is None:
        return None
    names = [n.strip() for n in text.split(",")]
    if len(names) != 2 or not all(names) or names[0] == names[1]:
        raise LabeltuiError(f"--pair takes two different annotators as a,b, not {text!r}")
    known = sorted({who for r in result.tasks for who in r.data.annotators})
    for name in names:
        if name not in known:
            raise LabeltuiError(f"--pair: unknown annotator {name!r} (known: {', '.join(known)})")
    return names[0], names[1]
