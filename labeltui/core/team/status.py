"""`team status`: how far a team project is (FORMAT section 10).

Per annotator: items done and skipped (their current line's status), live leases, and the
rate per hour (items done whose `_ts` falls in the last hour). For the project: items, items
left at the overlap (fewer than K done), live leases. `as_json` is the `--json` object exactly
as FORMAT says; the readable table is the command's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from labeltui.core.store import utc_timestamp
from labeltui.core.team import sql
from labeltui.core.team.project import Project


@dataclass
class AnnotatorStatus:
    done: int = 0
    skipped: int = 0
    leases: int = 0
    per_hour: int = 0


@dataclass
class Status:
    project: str
    overlap: int
    items: int
    items_left: int
    leases: int
    annotators: dict[str, AnnotatorStatus] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "items_left": self.items_left,
            "leases": self.leases,
            "annotators": {
                name: {"done": a.done, "skipped": a.skipped, "per_hour": a.per_hour}
                for name, a in self.annotators.items()
            },
        }


def team_status(conn: Any, project: Project, now: datetime | None = None) -> Status:
    """The project's status, read in one snapshot (a read-only repeatable-read transaction)."""
    now = now or datetime.now(timezone.utc)
    hour_ago = utc_timestamp(now - timedelta(hours=1))
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        items, left = conn.execute(
            sql.STATUS_ITEMS, {"p": project.id, "k": project.overlap}
        ).fetchone()
        status = Status(project.name, project.overlap, items, left, 0)
        for name, done, skipped, leases in conn.execute(sql.STATUS_ANNOTATORS, (project.id,)):
            status.annotators[name] = AnnotatorStatus(done, skipped, leases)
            status.leases += leases
        for name, count in conn.execute(sql.STATUS_RATE, (project.id, hour_ago)):
            status.annotators.setdefault(name, AnnotatorStatus()).per_hour = count
    return status
