"""The team client: local first, then the server (FORMAT section 10).

`TeamClient` is what the app (and the tests, through the same code) uses for `annotate --db`:
it claims items, renews and releases leases, and saves. A save goes through
`labeltui.core.store.AnnotationStore` exactly as without a server (appended and fsynced to
`<project>.<annotator>.jsonl`, or `--out`), and only then is sent. While the server cannot be
reached nothing fails: the line waits in the outbox and `status_line()` says
`offline, N to send`; `flush()` (called after each save and by the app's retry timer) sends it.

What was acknowledged needs no bookkeeping that a `kill -9` could lose: at start the client asks
the server which of this annotator's (item, `_ts`) it holds and sends the local lines it lacks;
the server stores each once (its key is project, annotator, item, `_ts`). An undo is the one
thing the local file cannot tell afterwards, so its intent is appended and fsynced to
`<file>.undone` before the line is cut, and the retraction is sent (again) until acknowledged.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Any

from labeltui.core.store import AnnotationStore
from labeltui.core.team import sql
from labeltui.core.team.claim import (
    DEFAULT_LEASE,
    Claimed,
    claim_next,
    ensure_order,
    release,
    relet,
    renew,
)
from labeltui.core.team.connect import check_version, connect, is_offline_error
from labeltui.core.team.local import (
    Line,
    clear_undone,
    local_lines,
    read_back,
    record_undo,
    undone_intents,
)
from labeltui.core.team.project import get_project, open_project

BATCH = 200
"""Lines sent in one transaction."""

_KEEPALIVE: dict[str, Any] = {
    "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2,
    "tcp_user_timeout": 10000,
}  # fmt: skip
"""A dead network is noticed within ~10 s instead of the kernel's two hours."""


def default_out(project: str, annotator: str, folder: str | Path = ".") -> Path:
    """`<project>.<annotator>.jsonl` in the working folder (FORMAT section 10)."""
    return Path(folder) / f"{project}.{annotator}.jsonl"


class TeamClient:
    """One annotator's connection to a team project, with the local-first outbox.

    Thread-safe, and the screen never waits on the network: local work (the file, the queue)
    holds `_local`, network work holds `_net` (taken first when both are needed), so a save made
    while a worker is claiming or sending returns as soon as its line is on disk. The app saves
    with `send=False` and calls `flush()` from a worker (after each save and every few seconds
    while offline). `online` is False while the server cannot be reached.
    """

    def __init__(
        self,
        url: str,
        project: str,
        annotator: str,
        out: str | Path | None = None,
        *,
        lease: float = DEFAULT_LEASE,
        sort: str | None = None,
    ) -> None:
        self.url = url
        self.sort = sort or None
        """`[-]FIELD`: claims follow this numeric field instead of dataset order."""
        self.annotator = annotator
        self.lease = lease
        self._local = threading.RLock()
        self._net = threading.RLock()
        self._inflight: set[tuple[str, str]] = set()
        """Lines being sent right now (an undo of one of them must be sent too)."""
        # At start an unreachable server or a missing project is an error (one line, exit 2).
        self._conn: Any = None
        conn, self.project = open_project(url, project, **_KEEPALIVE)
        self._conn = conn
        if self.sort:
            try:
                ensure_order(conn, self.project, self.sort)
            except BaseException:
                conn.close()
                raise
        self.out = Path(out) if out is not None else default_out(project, annotator)
        self.store = AnnotationStore(self.out, annotator)
        self.undone_path = self.out.with_name(self.out.name + ".undone")
        self._pending: dict[tuple[str, str], Line] = {}
        self._retract: dict[tuple[str, str], None] = {}
        self._saved: list[tuple[str, str]] = []
        """(item, _ts) of this session's saves, for undo."""
        self.held: dict[int, Claimed] = {}
        self._hint = -1
        """Every item up to this one is done by this annotator: claims search after it."""
        self._refront = False
        self._mine: set[int] = set()
        """Items done this session after the hint (they move the hint on when it reaches them)."""
        self.online = True
        self.last_try = time.monotonic()
        self._recover()
        self.flush()

    # -- what the app shows ------------------------------------------------------------------

    @property
    def to_send(self) -> int:
        """Lines (and undos) not yet acknowledged by the server."""
        return len(self._pending) + len(self._retract)

    def status_line(self) -> str | None:
        """`offline, N to send` while offline with N > 0; else None."""
        n = self.to_send
        return f"offline, {n} to send" if not self.online and n else None

    def schema(self) -> Any:
        """The project's schema, as stored at `team init`."""
        from labeltui.core.schema import parse_schema

        return parse_schema(self.project.schema_yaml, f"{self.project.name} (schema)")

    def fetch(self, query: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Rows of a read-only query (at start: the project's gold items); [] when offline."""
        with self._net:
            if not self._ensure():
                return []
            try:
                return list(self._conn.execute(query, args).fetchall())
            except Exception as exc:
                self._failed(exc)
                return []

    # -- claiming ------------------------------------------------------------------------

    def claim(self) -> Claimed | None:
        """Lease the next item (sending the outbox first, so the server knows what is done).

        None when nothing is left for this annotator, or when offline (`online` tells which).
        """
        with self._net:
            if not self.flush():
                return None
            with self._local:
                held, after = tuple(self.held), self._hint
            try:
                if self._refront:
                    self._frontier()
                    after = self._hint
                got = self._claim(held, after)
                # `team init` added items: the sort order is built again, positions change.
                if got is None and self.sort and ensure_order(self._conn, self.project, self.sort):
                    self._frontier()
                    got = self._claim(held, self._hint)
            except Exception as exc:
                self._failed(exc)
                return None
            if got is not None:
                with self._local:
                    self.held[got.no] = got
            return got

    def _claim(self, held: tuple[int, ...], after: int) -> Claimed | None:
        return claim_next(
            self._conn, self.project, self.annotator, lease=self.lease, held=held, after=after,
            sort=self.sort,
        )  # fmt: skip

    def held_items(self) -> list[int]:
        """The items this client holds leases on now (safe from any thread)."""
        with self._local:
            return list(self.held)

    def renew(self, no: int) -> bool:
        """Extend the lease on an item on screen; False when offline or no longer leased."""
        with self._net:
            if not self._ensure():
                return False
            try:
                return renew(self._conn, self.project, self.annotator, no, self.lease) is not None
            except Exception as exc:
                self._failed(exc)
                return False

    def relet(self, item: Claimed) -> bool:
        """Lease an item again whose save was undone (sent first, so the undo is in); True
        when it is held again. False offline (try again later) or when it has a line."""
        with self._net:
            if not self.flush():
                return False
            try:
                expires = relet(self._conn, self.project, self.annotator, item.no, self.lease)
            except Exception as exc:
                self._failed(exc)
                return False
            if expires is not None:
                with self._local:
                    self.held[item.no] = item
            return True

    def release(self, no: int) -> None:
        """Give an item back (ctrl+q with it on screen). Offline, the lease simply expires."""
        with self._net:
            with self._local:
                self.held.pop(no, None)
            if not self._ensure():
                return
            try:
                release(self._conn, self.project, self.annotator, no)
            except Exception as exc:
                self._failed(exc)

    # -- saving (AnnotationStore's API, so a session can use the client in its place) --------

    @property
    def current(self) -> dict[str, Any]:
        return self.store.current

    def is_done(self, item_id: str) -> bool:
        return self.store.is_done(item_id)

    @property
    def can_undo(self) -> bool:
        return bool(self._saved) and self.store.can_undo

    def save(
        self,
        item_data: dict[str, Any],
        item_id: str,
        labels: dict[str, Any],
        status: str = "done",
        ms: int | None = None,
        extra: dict[str, Any] | None = None,
        *,
        send: bool = True,
    ) -> None:
        """Append and fsync the line locally (as `AnnotationStore.save`), then send it.

        A failure to send only leaves the line in the outbox. `send=False` returns as soon as
        the line is on disk (the app sends from a worker with `flush()`).
        """
        with self._local:
            offset = os.path.getsize(self.store.path)
            self.store.save(item_data, item_id, labels, status, ms, extra)
            line = read_back(self.store.path, offset, item_id, self.annotator)
            self._pending[(line.item_id, line.ts)] = line
            self._saved.append((line.item_id, line.ts))
            for no, held in list(self.held.items()):
                if held.item_id == item_id:
                    del self.held[no]
                    if held.pos >= 0:
                        self._advance(held.pos)
        if send:
            self.flush()

    def _advance(self, pos: int) -> None:
        self._mine.add(pos)
        while self._hint + 1 in self._mine:
            self._hint += 1
            self._mine.discard(self._hint)

    def undo(self, *, send: bool = True) -> str | None:
        """Take back this session's last save, locally and (now or later) on the server."""
        with self._local:
            if not self.can_undo:
                return None
            key = self._saved[-1]
            record_undo(self.undone_path, key)
            undone = self.store.undo()
            self._saved.pop()
            if self._pending.pop(key, None) is None or key in self._inflight:
                self._retract[key] = None  # it was (or is being) sent: send the undo too
            self._hint, self._mine = -1, set()  # the item may be behind the hint: ask anew
            self._refront = True
        if send:
            self.flush()
        return undone

    # -- sending -----------------------------------------------------------------------------

    def flush(self) -> bool:
        """Send every unacknowledged line and undo; True when all arrived (online)."""
        with self._net:
            self.last_try = time.monotonic()
            if not self._ensure():
                return False
            try:
                while batch := self._next_lines():
                    try:
                        self._send(batch)
                    finally:
                        with self._local:
                            self._inflight.clear()
                    with self._local:
                        for line in batch:
                            self._pending.pop((line.item_id, line.ts), None)
                while keys := self._next_retracts():
                    self._send_retract(keys)
                    with self._local:
                        for key in keys:
                            self._retract.pop(key, None)
                        if not self._retract:
                            clear_undone(self.undone_path)
            except Exception as exc:
                self._failed(exc)
                return False
            self.online = True
            return True

    def _next_lines(self) -> list[Line]:
        with self._local:
            batch = list(self._pending.values())[:BATCH]
            self._inflight = {(ln.item_id, ln.ts) for ln in batch}
            return batch

    def _next_retracts(self) -> list[tuple[str, str]]:
        with self._local:
            return list(self._retract)[:BATCH]

    def _send(self, batch: list[Line]) -> None:
        p, a, k = self.project.id, self.annotator, self.project.overlap
        rows = [
            (p, a, ln.item_id, ln.ts, ln.seq, ln.status, ln.text, k)
            for ln in sorted(batch, key=lambda ln: (ln.item_id, ln.ts))  # one lock order
        ]
        if len(rows) == 1:  # the usual case, a save: one round trip (autocommit)
            self._conn.execute(sql.SEND_LINE, rows[0])
            return
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.executemany(sql.SEND_LINE, rows)

    def _send_retract(self, keys: list[tuple[str, str]]) -> None:
        p, a, k = self.project.id, self.annotator, self.project.overlap
        rows = [(p, a, item_id, ts, k) for item_id, ts in sorted(keys)]
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.executemany(sql.RETRACT_LINE, rows)

    # -- connection ------------------------------------------------------------------------

    def _ensure(self) -> bool:
        """A usable connection, reconnecting when there is none; False while offline."""
        if self._conn is not None and not self._conn.closed:
            return True
        try:
            self._conn = connect(self.url, timeout=5, **_KEEPALIVE)
            check_version(self._conn, self.url)
            self.project = get_project(self._conn, self.url, self.project.name)
        except Exception:
            self._drop()
            self.online = False
            return False
        return True

    def _failed(self, exc: BaseException) -> None:
        """A failure while talking to the server: offline errors mark us offline; others
        (a bug, bad data) are raised, after dropping the connection in any case."""
        self._drop()
        self.online = False
        if not is_offline_error(exc):
            raise exc

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def close(
        self, *, release_held: bool = True, send: bool = True, timeout: float | None = None
    ) -> None:
        """Release held leases (best effort), try a last send, close the file.

        `send=False` skips the network (quitting while offline: what is unsent goes on the
        next start, and unreleased leases expire). `timeout`: give up the network part when
        another thread has held it that long (a call hanging on a dead network); the file is
        closed in any case.
        """
        got = self._net.acquire(timeout=-1 if timeout is None else timeout)
        try:
            if got and send:
                if release_held and self._ensure():
                    for no in list(self.held):
                        self.release(no)
                self.flush()
            if got:
                self._drop()
        finally:
            if got:
                self._net.release()
            with self._local:
                self.store.close()

    def __enter__(self) -> TeamClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- recovery at start ----------------------------------------------------------------

    def _recover(self) -> None:
        """Queue the local lines the server lacks, and undos not yet acknowledged."""
        local = local_lines(self.store.path, self.annotator)
        sent = {
            (r[0], r[1])
            for r in self._conn.execute(sql.SENT_KEYS, (self.project.id, self.annotator))
        }
        for key, line in local.items():
            if key not in sent:
                self._pending[key] = line
        self._frontier()
        for key in undone_intents(self.undone_path):
            if key not in local:  # the cut happened: the server must forget the line
                self._retract[key] = None

    def _frontier(self) -> None:
        args = {"p": self.project.id, "a": self.annotator, "sort": self.sort}
        query = sql.FRONTIER_SORTED if self.sort else sql.FRONTIER
        hint = int(self._conn.execute(query, args).fetchone()[0])
        with self._local:
            self._hint, self._mine, self._refront = hint, set(), False
