"""The quick way into a command: its usual command lines parsed without typer.

typer costs about 40 ms at start-up (importing it, then building every command's parser
from its signature): more than `agree` takes on a small file, and felt before `annotate`'s
first screen. So the `labeltui` script (entry.py) parses the usual lines of those two itself
(`parse_words`, then `convert`), and gives anything else (`--help`, an unknown or repeated
option, a missing value, a value typer would refuse) to typer, which gives its usual help
and errors. Each converter returns what typer would pass, or None where typer would refuse
the value and say why.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

Words = tuple[list[str], dict[str, Any]]


def parse_words(
    args: list[str],
    options: dict[str, str],
    flags: dict[str, str],
    repeatable: Collection[str] = (),
) -> Words | None:
    """The positional words and the options given (`options`/`flags`: option -> parameter),
    as text (a list for a `repeatable` one; True for a flag), or None to ask typer."""
    values: dict[str, Any] = {}
    positional: list[str] = []
    words = iter(args)
    for word in words:
        if word in flags:
            if flags[word] in values:
                return None
            values[flags[word]] = True
        elif word.startswith("-"):
            name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
            key = options.get(name)
            if key is None or (key in values and key not in repeatable):
                return None
            if not equals:
                value = next(words, "")
            if not value:  # missing or empty
                return None
            if key in repeatable:
                values.setdefault(key, []).append(value)
            else:
                values[key] = value
        elif word:
            positional.append(word)
        else:
            return None
    return positional, values


def convert(
    values: dict[str, Any], converters: dict[str, Callable[[str], Any]]
) -> dict[str, Any] | None:
    """`values` with those that have a converter converted, or None if typer would refuse one."""
    out = dict(values)
    for key, to_value in converters.items():
        if key in out:
            out[key] = to_value(out[key])
            if out[key] is None:
                return None
    return out


def path(text: str) -> Path | None:
    """As typer's Path: a path that exists must be readable (a missing one is the command's)."""
    if os.path.exists(text) and not os.access(text, os.R_OK):
        return None
    return Path(text)


def integer(text: str, minimum: int | None = None) -> int | None:
    """As typer's int (`min=minimum`)."""
    try:
        value = int(text)
    except ValueError:
        return None
    return None if minimum is not None and value < minimum else value


def real(text: str) -> float | None:
    """As typer's float."""
    try:
        return float(text)
    except ValueError:
        return None
