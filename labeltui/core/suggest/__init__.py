"""Suggestions from labelling rules and functions (FORMAT section 9): the pure core of
`labeltui suggest`.

rules.py (YAML rules: load, validate, match), functions.py (`lf_*` from `--functions FILE.py`),
combine.py (majority, Dawid–Skene), report.py (Snorkel's summary per rule), run.py (read, vote,
write). `plan` checks every input before a line of the dataset is read: a bad rules file,
schema or gold file stops the run with nothing written.
"""

from __future__ import annotations

from pathlib import Path

from labeltui.core.suggest.run import Outcome, Plan, run
from labeltui.errors import LabeltuiError

__all__ = ["Outcome", "Plan", "plan", "run"]


def plan(
    dataset: Path,
    schema_path: Path,
    rules: list[Path],
    functions: list[Path],
    combine: str = "majority",
    gold: Path | None = None,
) -> Plan:
    """Load and check the schema, rules, functions and gold file; the plan of the run."""
    from labeltui.core.schema import load_schema
    from labeltui.core.suggest.combine import AGENTS
    from labeltui.core.suggest.functions import LabelFunction, load_functions
    from labeltui.core.suggest.report import load_gold
    from labeltui.core.suggest.rules import Rule, load_rules

    if combine not in AGENTS:
        raise LabeltuiError(f"unknown --combine {combine!r} (known: {', '.join(AGENTS)})")
    if not rules and not functions:
        raise LabeltuiError("give --rules RULES.yaml or --functions FILE.py (or both)")
    schema = load_schema(schema_path)
    voters: list[Rule | LabelFunction] = []
    where: dict[str, str] = {}
    for path in rules:
        for rule in load_rules(path, schema):
            _unique(rule.name, f"{path}:{rule.line}", where, path, rule.line)
            voters.append(rule)
    for path in functions:
        for function in load_functions(path, schema):
            _unique(function.name, f"{path}:{function.line}", where, path, function.line)
            voters.append(function)
    gold_answers = None if gold is None else load_gold(gold, schema)
    return Plan(Path(dataset), schema, voters, combine, gold_answers, where)


def _unique(name: str, place: str, where: dict[str, str], path: Path, line: int) -> None:
    if name in where:
        raise LabeltuiError(f"duplicate rule name {name!r} (first at {where[name]})", path, line)
    where[name] = place
