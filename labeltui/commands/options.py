"""Options that several commands share, defined once so their flags and help stay the same."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

_SCHEMA = typer.Option("--schema", "-s", help="The YAML label schema.", show_default=False)
SchemaOption = Annotated[Path, _SCHEMA]
"""The schema, required (annotate, validate)."""
MaybeSchemaOption = Annotated[Path | None, _SCHEMA]
"""The same flag, checked by the command so that a missing one is one line (review)."""
WhereOption = Annotated[
    list[str] | None,
    typer.Option("--where", help="Only items whose FIELD equals VALUE (FIELD=VALUE; repeatable)."),
]
