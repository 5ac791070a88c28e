"""Claiming items, renewing and releasing leases (FORMAT section 10).

A claim is one short transaction: first a live lease this annotator already holds from an
earlier session (so a crash does not strand its items), else the next open item in dataset
order that this annotator has not done and whose done count plus live leases is below K,
locked with `FOR UPDATE SKIP LOCKED` (so concurrent claimers never wait on each other), checked
again after the lock (see `sql` for why), and leased. No transaction stays open afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from labeltui.core.team import sql
from labeltui.core.team.project import Project
from labeltui.errors import LabeltuiError

DEFAULT_LEASE = 30 * 60
"""Seconds a lease lasts unless renewed (FORMAT section 10: 30 minutes)."""


@dataclass(frozen=True)
class Claimed:
    """An item leased to this annotator."""

    no: int
    """Its position in the dataset (the key of `work`)."""
    item_id: str
    line: str
    """The dataset line as stored at `team init`."""
    expires: datetime
    pos: int = -1
    """Its position in the claim order (dataset order, or its rank under `--sort`); -1 for a
    lease taken back from an earlier session."""

    @property
    def data(self) -> dict[str, Any]:
        """The item's fields, decoded."""
        obj = json.loads(self.line)
        return obj if isinstance(obj, dict) else {}


def claim_next(
    conn: Any,
    project: Project,
    annotator: str,
    *,
    lease: float = DEFAULT_LEASE,
    held: tuple[int, ...] = (),
    after: int = -1,
    sort: str | None = None,
) -> Claimed | None:
    """Lease the next item for `annotator`, or None when nothing is left for them.

    `held`: items this client already holds (on screen, fetched ahead): never returned again.
    `after`: a position up to which this annotator has done every item (a hint that skips
    them; the search comes back to the start before it says nothing is left).
    `sort`: `[-]FIELD` as `annotate --sort` (build it first with `ensure_order`).
    """
    args: dict[str, Any] = {
        "p": project.id,
        "a": annotator,
        "k": project.overlap,
        "secs": float(lease),
        "held": list(held),
        "after": after,
        "sort": sort,
    }
    row = conn.execute(sql.CLAIM, args).fetchone()  # autocommit: one short transaction
    return None if row is None else Claimed(*row)


def ensure_order(conn: Any, project: Project, sort: str) -> bool:
    """Build the sort order `[-]FIELD` in the server once (later claims use it as an index);
    True when this call built it.

    Refused in one line when no item has a number in the field (as `annotate --sort`).
    """
    from labeltui.core.selection import SUGGESTIONS, SortKey

    key = SortKey.parse(sort)
    if key is None:
        return False
    if key.field == SUGGESTIONS:
        raise LabeltuiError(
            f"--sort {sort} is for dataset files only: the team store orders items by a "
            "numeric field (--sort [-]FIELD)"
        )
    if conn.execute(sql.ORDER_EXISTS, (project.id, sort)).fetchone() is not None:
        return False
    args = {"p": project.id, "sort": sort, "desc": key.descending,
            "path": key.field.split(".")}  # fmt: skip
    with conn.transaction():
        conn.execute(sql.LOCK_SETUP)
        if conn.execute(sql.ORDER_EXISTS, (project.id, sort)).fetchone() is not None:
            return False
        if not conn.execute(sql.ORDER_NUMERIC, args).fetchone()[0]:
            first = conn.execute(sql.FIRST_ITEM, (project.id,)).fetchone()
            total = conn.execute(sql.COUNT_ITEMS, (project.id,)).fetchone()[0]
            raise LabeltuiError(
                key.why_none(total, None if first is None else json.loads(first[0]))
            )
        conn.execute(sql.BUILD_ORDER, args)
    return True


def renew(conn: Any, project: Project, annotator: str, no: int,
          lease: float = DEFAULT_LEASE) -> datetime | None:  # fmt: skip
    """Extend the lease on item `no`; None when there is no lease (the item was saved)."""
    args = {"p": project.id, "a": annotator, "no": no, "secs": float(lease)}
    with conn.transaction():
        conn.execute(sql.LOCK_ITEM, (project.id, no))
        row = conn.execute(sql.RENEW_LEASE, args).fetchone()
    return None if row is None else row[0]


def release(conn: Any, project: Project, annotator: str, no: int) -> None:
    """Give item `no` back (ctrl+q with the item on screen): others may claim it at once."""
    with conn.transaction():
        conn.execute(sql.LOCK_ITEM, (project.id, no))
        conn.execute(sql.RELEASE_LEASE, (project.id, no, annotator))


def relet(conn: Any, project: Project, annotator: str, no: int,
          lease: float = DEFAULT_LEASE) -> datetime | None:  # fmt: skip
    """Lease item `no` again after its save was undone (it is back on the annotator's screen);
    None when the annotator has a line for it after all."""
    args = {"p": project.id, "a": annotator, "no": no, "secs": float(lease)}
    with conn.transaction():
        conn.execute(sql.LOCK_ITEM, (project.id, no))
        row = conn.execute(sql.RELET_LEASE, args).fetchone()
    return None if row is None else row[0]
