"""Team mode on PostgreSQL (FORMAT section 10): one project shared by annotators on many machines.

- `sql`: every statement and the tables' version; `connect`: one-line errors, no password;
- `project`: `team init` (COPY of the dataset); `claim`: leases with `FOR UPDATE SKIP LOCKED`;
- `outbox`: `TeamClient`, the local-first client the app uses (save, send, resend, undo);
  `local`: its annotation file read as the outbox, and the undo sidecar;
- `status`, `pull`: `team status` and `team pull`;
- `queue`: `TeamQueue`, the `ItemQueue` of `annotate --db` (items fetched ahead, sends and lease
  renewals in a thread), `start` opens it, `answers` has its item and refusal helpers;
  `gold`: gold items stored by `team init --gold` and mixed into the queue.

psycopg 3 is imported lazily inside these modules only (`connect.require_psycopg`), so importing
`labeltui.core.team` costs nothing and works without the `team` extra.
"""

from __future__ import annotations

__all__ = [
    "answers", "claim", "connect", "gold", "local", "outbox", "project", "pull", "queue", "sql",
    "start", "status",
]  # fmt: skip
