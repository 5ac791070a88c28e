"""Options that several commands share, defined once so their flags and help stay the same."""

from __future__ import annotations

from typing import Annotated

import typer

WhereOption = Annotated[
    list[str] | None,
    typer.Option("--where", help="Only items whose FIELD equals VALUE (FIELD=VALUE; repeatable)."),
]
