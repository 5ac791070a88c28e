"""Team mode on PostgreSQL (FORMAT section 10): one project shared by annotators on many machines.

- `sql`: every statement and the tables' version; `connect`: one-line errors, no password;
- `project`: `team init` (COPY of the dataset); `claim`: leases with `FOR UPDATE SKIP LOCKED`;
- `outbox`: `TeamClient`, the local-first client the app uses (save, send, resend, undo);
  `local`: its annotation file read as the outbox, and the undo sidecar;
- `status`, `pull`: `team status` and `team pull`.

psycopg 3 is imported lazily inside these modules only (`connect.require_psycopg`), so importing
`labeltui.core.team` costs nothing and works without the `team` extra.
"""

from __future__ import annotations

__all__ = ["claim", "connect", "local", "outbox", "project", "pull", "sql", "status"]
