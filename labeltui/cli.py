"""The `labeltui` command: parse, call the core or the app, print one line.

Kept thin and light: the Textual app is imported inside `annotate` only, and every
`LabeltuiError` becomes one plain line on stderr with a non-zero exit, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperCommand, TyperGroup

from labeltui import __version__
from labeltui.commands.annotate import default_annotator, run_annotate
from labeltui.commands.options import MaybeSchemaOption, SchemaOption, WhereOption
from labeltui.errors import LabeltuiError, report


class _Group(TyperGroup):
    """Turns a LabeltuiError from any command into one line on stderr and its exit code."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except LabeltuiError as exc:
            raise typer.Exit(report(exc)) from None


class _Command(TyperCommand):
    """Usage lines name arguments as the README does (`DATASET`, `FILE...`): typer wraps a
    required argument in braces (`{DATASET}`), which reads like a set of choices."""

    def collect_usage_pieces(self, ctx):  # type: ignore[no-untyped-def]
        pieces = super().collect_usage_pieces(ctx)
        return [_usage_piece(p) for p in pieces]


def _usage_piece(piece: str) -> str:
    """`{DATASET}` -> `DATASET`; `[FILE...]` -> `FILE...`: the files are optional to the parser only
    so that the command can say itself, in one line, that none were given."""
    if piece.startswith("{") and piece.endswith("}"):
        return piece[1:-1]
    if piece == "[FILE...]":
        return "FILE..."
    return piece


app = typer.Typer(
    cls=_Group,
    name="labeltui",
    help="Keyboard-driven data annotation in the terminal: JSONL in, JSONL out.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"labeltui {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Keyboard-driven data annotation in the terminal: JSONL in, JSONL out."""


class _AnnotateCommand(_Command):
    """`DATASET` is optional to the parser only (`--db` takes the items from the server): the
    usage line names it as required, and the command says itself when it is missing."""

    def collect_usage_pieces(self, ctx):  # type: ignore[no-untyped-def]
        pieces = super().collect_usage_pieces(ctx)
        return ["DATASET" if p == "[DATASET]" else p for p in pieces]


def _missing(ctx: typer.Context, hint: str, kind: str) -> None:
    """typer's own error for a missing argument or option (usage line, exit 2)."""
    from typer._click.exceptions import MissingParameter  # typer's own click: it prints these

    raise MissingParameter(ctx=ctx, param_hint=hint, param_type=kind)


@app.command(cls=_AnnotateCommand)
def annotate(
    ctx: typer.Context,
    dataset: Annotated[
        Path | None,
        typer.Argument(help="The JSONL dataset.", metavar="DATASET", show_default=False),
    ] = None,
    schema: MaybeSchemaOption = None,
    annotator: Annotated[
        str | None,
        typer.Option("--annotator", "-a", help="Your name (default: your login name)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Annotation file (default: <dataset stem>.<annotator>.jsonl)."
        ),
    ] = None,
    where: WhereOption = None,
    sort: Annotated[
        str | None,
        typer.Option(
            "--sort",
            help="Order items by a numeric field; -FIELD for descending (e.g. -score); "
            "'suggestions': least certain suggestion first.",
        ),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold",
            help="Gold file (annotation lines, e.g. review's output) to mix into the queue.",
        ),
    ] = None,
    gold_every: Annotated[
        int | None,
        typer.Option(
            "--gold-every",
            metavar="N",
            help="With --gold: about one item in every N is a gold item (N >= 2).",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Team mode: a libpq URL (postgresql://user@host/db; empty: the PG* variables). "
            "Items and schema come from the server; no DATASET or --schema.",
            show_default=False,
        ),
    ] = None,
    project: Annotated[
        str | None,
        typer.Option("--project", "-p", help="With --db: the project's name.", show_default=False),
    ] = None,
    lease: Annotated[
        float | None,
        typer.Option(
            "--lease",
            metavar="MIN",
            help="With --db: minutes an item stays yours unless renewed (default 30).",
        ),
    ] = None,
    media: Annotated[
        Path | None,
        typer.Option(
            "--media",
            metavar="DIR",
            help="With --db: the folder relative audio paths are under (default: here).",
        ),
    ] = None,
    learn: Annotated[
        bool,
        typer.Option(
            "--learn",
            help="A model learns from your answers in the background, suggests labels and "
            "brings the least certain items next (needs labeltui[learn]).",
        ),
    ] = False,
    uncertainty: Annotated[
        str | None,
        typer.Option(
            "--uncertainty",
            metavar="entropy|least|margin",
            help="With --learn: how the model's uncertainty is measured (default entropy).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Label a dataset, one item at a time (or a team project's items with --db).

    Example: labeltui annotate sample_data/tickets.jsonl --schema sample_data/tickets.schema.yaml
    """
    if db is None and dataset is None:
        _missing(ctx, "'DATASET'", "argument")
    if db is None and schema is None:
        _missing(ctx, "'--schema' / '-s'", "option")
    options = {"gold": gold, "gold_every": gold_every, "db": db, "project": project,
               "lease": lease, "media": media, "learn": learn or None,
               "uncertainty": uncertainty}  # fmt: skip
    run_annotate(
        dataset,
        schema,
        annotator,
        out,
        where,
        sort,
        **{k: v for k, v in options.items() if v is not None},
    )


@app.command(cls=_Command)
def validate(
    schema: SchemaOption,
    dataset: Annotated[
        Path | None,
        typer.Argument(help="A dataset to check against the schema.", metavar="[DATASET]"),
    ] = None,
) -> None:
    """Check a schema (and a dataset) and print a short summary.

    Example: labeltui validate --schema sample_data/tickets.schema.yaml sample_data/tickets.jsonl
    """
    import sys

    from labeltui.core.validate import summarize, validate_files

    report = validate_files(schema, dataset)
    # Names are printed inertly (stand-ins such as "␛"); a terminal whose encoding cannot show
    # a character gets its escape (\u241b) rather than a traceback.
    encoding = sys.stdout.encoding or "utf-8"
    print(summarize(report).encode(encoding, "backslashreplace").decode(encoding))


# Commands in their own modules; each imports only typer at the top, so `--help` stays fast.
from labeltui.commands.agree import agree  # noqa: E402
from labeltui.commands.convert import export, import_  # noqa: E402
from labeltui.commands.review import review  # noqa: E402
from labeltui.commands.stats_command import stats  # noqa: E402
from labeltui.commands.suggest import suggest  # noqa: E402

app.command("agree", cls=_Command)(agree)
app.command("review", cls=_Command)(review)
app.command("import", cls=_Command)(import_)
app.command("export", cls=_Command)(export)
app.command("stats", cls=_Command)(stats)
app.command("suggest", cls=_Command)(suggest)

from labeltui.commands.team import register as _team  # noqa: E402

app.add_typer(_team(_Command), name="team")


__all__ = ["app", "default_annotator"]
