"""`labeltui team init|status|pull`: a project shared through PostgreSQL (FORMAT section 10).

Thin: parse, call `labeltui.core.team`, print. psycopg is imported by the core only when a
command runs; without it the command says which extra to install (one line, exit 2).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        help="libpq URL (postgresql://user@host/db); empty: the PG* variables and ~/.pgpass.",
        show_default=False,
    ),
]
ProjectOption = Annotated[
    str, typer.Option("--project", "-p", help="The project's name.", show_default=False)
]

team_app = typer.Typer(
    name="team",
    help="Team mode: one project shared by annotators through PostgreSQL.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def init(
    dataset: Annotated[
        Path, typer.Argument(help="The JSONL dataset.", metavar="DATASET", show_default=False)
    ],
    project: ProjectOption,
    schema: Annotated[
        Path, typer.Option("--schema", "-s", help="The YAML label schema.", show_default=False)
    ],
    db: DbOption = "",
    overlap: Annotated[
        int | None,
        typer.Option(
            "--overlap", help="How many different annotators label each item (default 1)."
        ),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold",
            help="Gold file (annotation lines, e.g. review's output): mixed into every "
            "annotator's queue (replaces the project's earlier gold items).",
        ),
    ] = None,
    gold_every: Annotated[
        int | None,
        typer.Option(
            "--gold-every",
            metavar="N",
            help="About one item in every N is a gold item (N >= 2; default 10 with --gold).",
        ),
    ] = None,
) -> None:
    """Create a project from a dataset and a schema, or add new items to it.

    Example: labeltui team init --db postgresql://lead@db/labels --project tickets
    tickets.jsonl --schema tickets.schema.yaml --overlap 2
    """
    import time

    from labeltui.core.team.project import init_project

    start = time.monotonic()
    result = init_project(db, project, dataset, schema, overlap, gold, gold_every)
    took = time.monotonic() - start
    verb = "created" if result.created else "updated"
    dup = f", {result.duplicates} duplicate ids dropped" if result.duplicates else ""
    every = result.project.gold_every
    golds = f", {result.gold} gold items about once every {every}" if every else ""
    print(
        f"project {result.project.name} {verb}: {result.added} items added, "
        f"{result.total} in all, overlap {result.project.overlap}{dup}{golds} ({took:.1f} s)"
    )


def status(
    project: ProjectOption,
    db: DbOption = "",
    json_: Annotated[bool, typer.Option("--json", help="Print only the JSON object.")] = False,
) -> None:
    """Per annotator: done, skipped, live leases, rate per hour; and the items left.

    Example: labeltui team status --db postgresql://lead@db/labels --project tickets
    """
    import json

    from labeltui.core.team.project import open_project
    from labeltui.core.team.status import team_status

    conn, found = open_project(db, project)
    try:
        report = team_status(conn, found)
    finally:
        conn.close()
    if json_:
        sys.stdout.write(json.dumps(report.as_json(), indent=2) + "\n")
        return
    print(
        f"{report.project}: {report.items} items, {report.items_left} left at overlap "
        f"{report.overlap}, {report.leases} live leases"
    )
    if not report.annotators:
        print("nobody has started yet")
        return
    width = max(9, *(len(name) for name in report.annotators))
    print(f"{'annotator':<{width}}  {'done':>7}  {'skipped':>7}  {'leases':>6}  {'per hour':>8}")
    for name, a in report.annotators.items():
        print(f"{name:<{width}}  {a.done:>7}  {a.skipped:>7}  {a.leases:>6}  {a.per_hour:>8}")


def pull(
    project: ProjectOption,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The annotation file to write.", show_default=False)
    ],
    db: DbOption = "",
) -> None:
    """Write every annotator's current lines to one file, for agree, review, stats, export.

    Example: labeltui team pull --db postgresql://lead@db/labels --project tickets -o all.jsonl
    """
    from labeltui.core.team.project import open_project
    from labeltui.core.team.pull import pull as pull_lines

    conn, found = open_project(db, project)
    try:
        count = pull_lines(conn, found, out)
    finally:
        conn.close()
    print(f"{count} lines written to {out}")


def register(command_cls: type) -> typer.Typer:
    """The `team` sub-app with its commands, using the CLI's usage-line class."""
    team_app.command("init", cls=command_cls)(init)
    team_app.command("status", cls=command_cls)(status)
    team_app.command("pull", cls=command_cls)(pull)
    return team_app
