"""`labeltui agree` without typer: the command's body, and the quick way there.

`agree` on small files takes less time than importing typer and building the commands
(about 40 ms), so the usual command lines (files, and the options below each once) are
parsed here (commands/quick.py) and call `run_agree` straight away; anything else goes to
typer (commands/agree.py), which calls the same `run_agree`. `tests/test_entry_agree.py`
checks both give the same call, and that these tables match typer's.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labeltui.core.agree import Agreement

#: Every option of `agree` (as typer defines it in agree.py) -> its parameter.
OPTIONS = {
    "--task": "task",
    "-t": "task",
    "--tolerance": "tolerance",
    "--schema": "schema",
    "-s": "schema",
    "--weights": "weights",
    "--ci-samples": "ci_samples",
    "--seed": "seed",
    "--pair": "pair",
    "--top": "top",
    "--gold": "gold",
}
#: Every flag of `agree` (an option without a value) -> its parameter.
FLAGS = {"--json": "json_", "--ci": "ci", "--competence": "competence"}
WEIGHTS = ("linear", "quadratic")
"""The values of `--weights` (typer's `Weights`)."""


def run_agree(
    files: list[Path] | None,
    task: str | None = None,
    json_: bool = False,
    tolerance: float = 0.5,
    schema: Path | None = None,
    weights: str | None = None,
    ci: bool = False,
    ci_samples: int = 1000,
    seed: int | None = None,
    pair: str | None = None,
    top: int = 10,
    competence: bool = False,
    gold: Path | None = None,
) -> None:
    """Compute the agreement and print the report (or the JSON object); a LabeltuiError when
    no two annotators share an item, after the report."""
    import json

    from labeltui.core.agree import analyze
    from labeltui.errors import LabeltuiError

    if not files:
        raise LabeltuiError("no annotation files given (labeltui agree FILE... )")
    result = analyze(
        list(files),
        task=task,
        schema=schema,
        tolerance=tolerance,
        weights=weights,
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


def _pair(text: str | None, result: Agreement) -> tuple[str, str] | None:
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


def parse_quick(args: list[str]) -> dict[str, Any] | None:
    """`run_agree`'s arguments for the words after `agree`, or None to ask typer."""
    from labeltui.commands.quick import convert, integer, parse_words, path, real

    parsed = parse_words(args, OPTIONS, FLAGS)
    if parsed is None:
        return None
    positional, values = parsed
    if not positional or values.get("weights", WEIGHTS[0]) not in WEIGHTS:
        return None  # typer's path: the command says no files were given; typer, the weights
    files = [path(word) for word in positional]
    if None in files:
        return None
    converters = {
        "tolerance": real,
        "ci_samples": lambda text: integer(text, minimum=10),  # as typer's min=
        "seed": integer,
        "top": lambda text: integer(text, minimum=0),
        "schema": path,
        "gold": path,
    }
    arguments = convert(values, converters)
    return None if arguments is None else {"files": files, **arguments}
