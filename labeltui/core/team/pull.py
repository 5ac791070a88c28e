"""`team pull -o FILE`: every annotator's current lines as one annotation file.

Each line is written exactly as the annotator's client saved it locally (FORMAT section 3), one
per (annotator, item): the newest by `_ts`. So `agree`, `review`, `stats` and `export` read the
file unchanged. The file is written beside its final path and renamed into place, so it is
never seen half-written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from labeltui.core.team import sql
from labeltui.core.team.project import Project
from labeltui.errors import LabeltuiError


def pull(conn: Any, project: Project, out: str | Path) -> int:
    """Write the project's current lines to `out`; return how many."""
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise LabeltuiError(f"cannot write here: {exc.strerror}", out) from None
    count = 0
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            with conn.transaction(), conn.cursor(name="labeltui_pull") as cur:
                cur.itersize = 5000
                cur.execute(sql.PULL_LINES, (project.id, project.id))
                for (line,) in cur:
                    f.write(line.encode("utf-8") + b"\n")
                    count += 1
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not type(exc).__module__.startswith("psycopg"):
            raise LabeltuiError(f"cannot write the file: {exc.strerror}", out) from None
        raise
    return count
