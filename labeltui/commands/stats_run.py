"""`labeltui stats` without typer: the command's body, and the quick way there.

As for `agree` (agree_run.py): importing typer and building every command's parser costs
about 40-60 ms, a twentieth of `stats` on a million items, so the usual command lines (files,
each option below at most once) are parsed here and call `run_stats` straight away; anything
else goes to typer (stats_command.py), which calls the same `run_stats`.
`tests/test_entry_stats.py` checks both give the same call, and that these tables match typer's.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

#: Every option of `stats` (as typer defines it in stats_command.py) -> its parameter.
OPTIONS = {"--schema": "schema", "-s": "schema", "--gold": "gold"}
#: Every flag of `stats` (an option without a value) -> its parameter.
FLAGS = {"--json": "json_"}


def run_stats(
    files: list[Path] | None,
    schema: Path | None = None,
    json_: bool = False,
    gold: Path | None = None,
) -> None:
    """Count and print the report (or the JSON object)."""
    from labeltui.core.label_stats import label_stats
    from labeltui.errors import LabeltuiError

    if not files:
        raise LabeltuiError("no files given (labeltui stats FILE...)")
    loaded = None
    if schema is not None:
        from labeltui.core.schema import load_schema

        loaded = load_schema(schema)
    result = label_stats(files, loaded, gold=gold)
    if json_:
        import json

        from labeltui.core.annotations.notes import printable

        # printable: a lone surrogate becomes its \uXXXX escape, which inside a JSON string
        # means the same character (the only place one can be).
        text = json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False)
        sys.stdout.write(printable(text) + "\n")
    else:
        from labeltui.commands.stats_report import print_stats

        print_stats(result)


def parse_quick(args: list[str]) -> dict[str, Any] | None:
    """`run_stats`' arguments for the words after `stats`, or None to ask typer."""
    from labeltui.commands.quick import convert, parse_words, path

    parsed = parse_words(args, OPTIONS, FLAGS)
    if parsed is None:
        return None
    positional, values = parsed
    if not positional:
        return None  # typer's path: the command says no files were given
    files = [path(word) for word in positional]
    if None in files:
        return None
    arguments = convert(values, {"schema": path, "gold": path})
    return None if arguments is None else {"files": files, **arguments}
