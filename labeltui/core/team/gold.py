"""Gold items in a team project (`team init --gold GOLD --gold-every N`, FORMAT section 11).

`team init` reads the gold file as `annotate --gold` does (`read_gold_items`: the current done
lines) and stores each item's fields and expected labels in the server, replacing the project's
earlier gold set; `annotate --db` loads them at start and mixes them into the annotator's queue
(`TeamQueue`), so every annotator of the project gets the same gold items the lead chose,
each at positions seeded by the annotator's name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from labeltui.core.gold_queue import GoldItem, GoldPlan, read_gold_items
from labeltui.core.team import sql
from labeltui.errors import LabeltuiError

DEFAULT_EVERY = 10
"""`--gold-every` when `--gold` is given without it."""


def read_gold(path: str | Path | None, every: int | None) -> list[GoldItem] | None:
    """The gold file's items (checked before anything touches the server), or None."""
    if every is not None:
        GoldPlan(0, every, "")  # --gold-every must be 2 or more
    if path is None:
        return None
    return read_gold_items(path)


def store_gold(conn: Any, pid: int, items: list[GoldItem] | None, every: int | None,
               current_every: int | None) -> None:  # fmt: skip
    """Replace the project's gold items (when `items`), and set how often they come."""
    if items is None and every is None:
        return
    if items is None and current_every is None:
        raise LabeltuiError("--gold-every needs --gold GOLD (the project has no gold items)")
    if items is not None:
        conn.execute(sql.DROP_GOLD, (pid,))
        with conn.cursor() as cur:
            cur.executemany(
                sql.ADD_GOLD,
                [
                    (pid, k, g.id, json.dumps(g.data, ensure_ascii=False),
                     json.dumps(g.labels, ensure_ascii=False))
                    for k, g in enumerate(items)
                ],
            )  # fmt: skip
    conn.execute(sql.SET_GOLD_EVERY, (every or current_every or DEFAULT_EVERY, pid))


def load_gold(client: Any) -> tuple[list[GoldItem], int | None]:
    """The project's gold items and how often they come, for `TeamQueue` (none: `[]`)."""
    every = client.project.gold_every
    if not every:
        return [], None
    rows = client.fetch(sql.GET_GOLD, (client.project.id,))
    return [GoldItem(r[0], json.loads(r[1]), json.loads(r[2])) for r in rows], every
