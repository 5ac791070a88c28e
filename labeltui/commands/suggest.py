"""`labeltui suggest`: suggestions from labelling rules and functions (FORMAT section 9).

Thin: the votes, the combining and the writing are `labeltui.core.suggest`; this parses the
options, draws a progress bar on standard error (when it is a terminal), prints the notes
(functions that failed, rules that never voted) and the report.
"""

from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class Combine(str, Enum):
    majority = "majority"
    dawid_skene = "dawid-skene"


def suggest(
    dataset: Annotated[
        Path, typer.Argument(help="The JSONL dataset.", metavar="DATASET", show_default=False)
    ],
    schema: Annotated[
        Path | None,
        typer.Option("--schema", "-s", help="The YAML label schema.", show_default=False),
    ] = None,
    rules: Annotated[
        list[Path] | None,
        typer.Option("--rules", "-r", help="A YAML rules file (repeatable).", show_default=False),
    ] = None,
    functions: Annotated[
        list[Path] | None,
        typer.Option(
            "--functions",
            help="A Python file whose lf_* functions vote (it is code: it runs only when "
            "named here; repeatable).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="The dataset to write, with suggestions.", show_default=False
        ),
    ] = None,
    combine: Annotated[
        Combine,
        typer.Option("--combine", help="How votes of several rules combine."),
    ] = Combine.majority,
    report: Annotated[
        bool,
        typer.Option("--report", help="Print coverage, overlaps, conflicts (accuracy) per rule."),
    ] = False,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold",
            help="With --report: score each rule against this annotation file.",
            show_default=False,
        ),
    ] = None,
    json_: Annotated[
        bool, typer.Option("--json", help="With --report: print only the JSON object.")
    ] = False,
) -> None:
    """Add suggestions to a dataset from labelling rules (YAML) and functions (Python).

    Example: labeltui suggest tickets.jsonl -s tickets.schema.yaml -r rules.yaml -o out.jsonl

    Example: labeltui suggest tickets.jsonl -s tickets.schema.yaml -r rules.yaml --report --json
    """
    import json

    from labeltui.core import suggest as core
    from labeltui.core.annotations.notes import note
    from labeltui.errors import LabeltuiError

    if schema is None:
        raise LabeltuiError("no schema given (labeltui suggest DATASET --schema SCHEMA ...)")
    if out is None and not report:
        raise LabeltuiError("give -o OUT to write the dataset, or --report (or both)")
    if (gold is not None or json_) and not report:
        flag = "--gold" if gold is not None else "--json"
        raise LabeltuiError(f"{flag} goes with --report")
    plan = core.plan(dataset, schema, rules or [], functions or [], combine.value, gold)
    if out is not None:
        from labeltui.core.formats.files import refuse_overwriting

        refuse_overwriting(dataset, out)
    bar = _Bar() if sys.stderr.isatty() else None
    try:
        outcome = core.run(plan, out, report, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    _notes(plan, outcome, note)
    if report:
        from labeltui.core.suggest.report import FAILED, summary, table

        names = [v.name for v in plan.voters]
        result = summary(names, outcome.counts, outcome.items, plan.gold is not None)
        if json_:
            sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        else:
            tasks = {v.name: v.task for v in plan.voters}
            failed = {n: row[FAILED] for n, row in zip(names, outcome.counts, strict=True)}
            print(f"{outcome.items} items, {len(names)} rules")
            sys.stdout.write(_safe(table(result, tasks, failed)))


def _notes(plan, outcome, say) -> None:  # type: ignore[no-untyped-def]
    from labeltui.core.display import visible_line
    from labeltui.core.suggest.report import VOTED
    from labeltui.core.suggest.rules import Rule

    for voter, row in zip(plan.voters, outcome.counts, strict=True):
        failures = outcome.failures.counts.get(voter.name, 0)
        if failures:
            item, reason = outcome.failures.first[voter.name]
            more = f" (and on {failures - 1} more items)" if failures > 1 else ""
            say(
                visible_line(
                    f"{plan.places[voter.name]}: {voter.name} {reason} on item {item}{more}; "
                    "counted as failing, its vote there is an abstain"
                )
            )
        elif row[VOTED] == 0 and outcome.items:
            what = "rule" if isinstance(voter, Rule) else "function"
            say(
                visible_line(
                    f"{plan.places[voter.name]}: {what} {voter.name!r} abstained on every item"
                )
            )


def _safe(text: str) -> str:
    from labeltui.core.display import visible_line

    return "\n".join(visible_line(line) for line in text.split("\n"))


class _Bar:
    """A one-line progress bar on standard error, redrawn at most 10 times a second."""

    WIDTH = 30

    def __init__(self) -> None:
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(share * self.WIDTH)
        sys.stderr.write(f"\rsuggest [{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
