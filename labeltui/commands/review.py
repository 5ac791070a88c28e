"""`labeltui review`: adjudicate several annotators' answers into a gold file.

Thin on purpose: parse the options, call `labeltui.core.review`, run the app. The core and the
app are imported inside the function so that `labeltui --help` stays fast; a `LabeltuiError` is
left to the CLI group, which prints it as one line and exits non-zero.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from labeltui.commands.options import WhereOption

ReviewSchemaOption = Annotated[
    Path | None,
    typer.Option("--schema", "-s", help="The YAML label schema (required).", show_default=False),
]
"""Checked by the command, so that a missing one is one line, not typer's box; the help says
it is required all the same."""


def review(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Annotation files (one per annotator, or several annotators in one file).",
            metavar="FILE...",
            show_default=False,
        ),
    ] = None,
    schema: ReviewSchemaOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The gold file (default: <stem>.gold.jsonl beside the first FILE, stem = its "
            "name up to the first dot).",
            show_default=False,
        ),
    ] = None,
    annotator: Annotated[
        str | None,
        typer.Option("--annotator", "-a", help="The reviewer's name (default: your login name)."),
    ] = None,
    only_disagreements: Annotated[
        bool | None,
        typer.Option(
            "--only-disagreements/--all",
            help="Queue only items whose answers differ (default when two or more annotators "
            "are loaded), or every item.",
            show_default=False,
        ),
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            help="Order by a numeric field of the items; -FIELD for descending "
            "(default: most disagreement first).",
        ),
    ] = None,
    where: WhereOption = None,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance", help="Seconds within which two audio marks' ends count as equal."
        ),
    ] = 0.5,
) -> None:
    """Review several annotators' answers side by side and write the gold answers.

    Example: labeltui review tickets.ann.jsonl tickets.bob.jsonl --schema tickets.schema.yaml
    """
    from labeltui.commands.annotate import default_annotator
    from labeltui.core.review.load import load_review
    from labeltui.core.review.session import check_answers, open_review
    from labeltui.core.schema import load_schema
    from labeltui.errors import LabeltuiError

    if not files:
        raise LabeltuiError("review needs one or more annotation files: labeltui review FILE...")
    if schema is None:
        raise LabeltuiError("review needs the schema: --schema SCHEMA")
    the_schema = load_schema(schema)
    loaded = load_review(
        list(files),
        the_schema,
        only_disagreements=only_disagreements,
        where=where,
        sort=sort,
        tolerance=tolerance,
    )
    try:
        check_answers(loaded)  # before "nothing to review": a bad file is an error either way
    except BaseException:
        loaded.close()
        raise
    people = len(loaded.annotators)
    if not loaded.queue:
        loaded.close()
        what = "disagreement" if loaded.only_disagreements else "item"
        hint = " (--all reviews every item)" if loaded.only_disagreements else ""
        print(
            f"labeltui: no {what} to review among {len(loaded.items)} items from {people} "
            f"annotator{'s' * (people != 1)}{hint}",
            file=sys.stderr,
        )
        return
    session = open_review(loaded, list(files), annotator or default_annotator(), out)
    from labeltui.ui.app import make_review_app
    from labeltui.ui.launch import run_app

    run_app(session, make_review_app, "review", ("gold answer", "gold answers"))
