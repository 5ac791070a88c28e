"""`labeltui annotate`: open a session and run the app, and the quick way there.

Start-up is part of the product: `annotate` should show its first screen as soon as a bare
Textual app would. typer costs about 30 ms before the first screen (importing it, then
building every command's parser from its signature), so the common command lines (a dataset
and the options below, each once) are parsed here; anything else (`--help`, an unknown
or repeated option, a missing value) goes to typer, which gives its usual help and errors.
`tests/test_entry.py` checks both give the same call, and that this table matches typer's.
"""

from __future__ import annotations

from pathlib import Path

#: Every option of `annotate` (as typer defines it in cli.py) -> its parameter.
OPTIONS = {
    "--schema": "schema",
    "-s": "schema",
    "--annotator": "annotator",
    "-a": "annotator",
    "--out": "out",
    "-o": "out",
    "--where": "where",
    "--sort": "sort",
    "--gold": "gold",
    "--gold-every": "gold_every",
    "--db": "db",
    "--project": "project",
    "-p": "project",
    "--lease": "lease",
    "--media": "media",
    "--uncertainty": "uncertainty",
}
#: Every flag of `annotate` (an option without a value) -> its parameter.
FLAGS = {"--learn": "learn"}
_REPEATABLE = {"where"}


def default_annotator() -> str:
    """The login name, as FORMAT section 3 asks; `annotator` when there is none."""
    import getpass

    try:
        return getpass.getuser() or "annotator"
    except Exception:  # no login name (containers without a passwd entry)
        return "annotator"


def run_annotate(
    dataset: Path | None = None,
    schema: Path | None = None,
    annotator: str | None = None,
    out: Path | None = None,
    where: list[str] | None = None,
    sort: str | None = None,
    gold: Path | None = None,
    gold_every: int | None = None,
    db: str | None = None,
    project: str | None = None,
    lease: float | None = None,
    media: Path | None = None,
    learn: bool = False,
    uncertainty: str | None = None,
) -> None:
    """Open the session (a LabeltuiError: nothing opened) and run the app until quit."""
    from labeltui.errors import LabeltuiError

    if uncertainty is not None and not learn:
        raise LabeltuiError("--uncertainty goes with --learn")
    if db is not None:
        given = {"DATASET": dataset, "--schema": schema, "--where": where, "--gold": gold,
                 "--gold-every": gold_every, "--learn": learn}  # fmt: skip
        extra = [name for name, value in given.items() if value]
        if extra:
            raise LabeltuiError(
                f"{', '.join(extra)} cannot go with --db: the team project on the server has "
                "the items, the schema and the gold items (labeltui team init)"
            )
        run_team(db, project or "", annotator, out, lease=lease, media=media, sort=sort)
        return
    team_only = {"--project": project, "--lease": lease, "--media": media}
    extra = [name for name, value in team_only.items() if value is not None]
    if extra:
        raise LabeltuiError(f"{', '.join(extra)} goes with --db URL (team mode)")
    assert dataset is not None and schema is not None  # the parsers said so already
    if learn:  # a model in the loop: scikit-learn only in its own process
        from labeltui.core.learn_session import open_learn_session as opener

        if gold is None and gold_every is not None:
            raise LabeltuiError("--gold and --gold-every go together: give both or neither")
        extra: dict = {"strategy": uncertainty or "entropy", "gold": gold}
    else:
        from labeltui.core.session import open_session as opener

        extra = {"gold": gold, "gold_every": gold_every}
    session = opener(
        dataset, schema, annotator or default_annotator(), out, where=where, sort=sort, **extra
    )
    from labeltui.ui.app import make_app  # Textual: only once the input is known to be good
    from labeltui.ui.launch import run_app

    run_app(session, make_app, "annotate", ("annotation", "annotations"))


def run_team(
    db: str,
    project: str,
    annotator: str | None,
    out: Path | None,
    *,
    lease: float | None = None,
    media: Path | None = None,
    sort: str | None = None,
) -> None:
    """`annotate --db`: the team project's items, fetched ahead (`core.team.queue`)."""
    from labeltui.core.team.start import open_team_queue
    from labeltui.ui.launch import require_terminal

    queue = open_team_queue(
        db, project, annotator or default_annotator(), out,
        lease_minutes=lease, media=media, sort=sort,
        before_start=lambda: require_terminal("annotate"),  # connected, no lease taken yet
    )  # fmt: skip
    from labeltui.ui.app import make_team_app
    from labeltui.ui.launch import run_app

    run_app(queue, make_team_app, "annotate", ("annotation", "annotations"))


def parse_quick(args: list[str]) -> dict | None:
    """`run_annotate`'s arguments for the words after `annotate`, or None to ask typer."""
    from labeltui.commands.quick import convert, parse_words, path, real

    parsed = parse_words(args, OPTIONS, FLAGS, _REPEATABLE)
    if parsed is None:
        return None
    positional, values = parsed
    if "db" in values:
        if positional:
            return None  # typer's path says DATASET cannot go with --db
    elif len(positional) != 1 or "schema" not in values:
        return None
    else:
        values["dataset"] = positional[0]
    paths = dict.fromkeys(("dataset", "schema", "out", "gold", "media"), path)
    return convert(values, {**paths, "gold_every": _digits, "lease": real})


def _digits(text: str) -> int | None:
    """--gold-every: plain digits; anything else (a sign, other scripts' digits) goes to typer,
    which converts it as int() does and lets the session say what is wrong with it."""
    return int(text) if text.isascii() and text.isdigit() else None
