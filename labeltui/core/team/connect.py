"""Connecting to the team server: one line per failure, never the password (FORMAT section 10).

`URL` is a libpq connection string or URL; empty means the PG* environment variables and
`~/.pgpass`. psycopg 3 is imported here, lazily: without it, the one line names the extra to
install. A failed connection becomes `LabeltuiError("HOST:PORT: reason")`; every message that
leaves this module has the password (from the URL or PGPASSWORD) scrubbed out.
"""

from __future__ import annotations

import os
import re
from typing import Any

from labeltui.core.team import sql
from labeltui.errors import LabeltuiError

INSTALL_HINT = "team mode needs the PostgreSQL driver: pip install 'labeltui[team]'"


def require_psycopg() -> Any:
    """The psycopg module, or one line saying which extra to install."""
    try:
        import psycopg
    except ImportError:
        raise LabeltuiError(INSTALL_HINT) from None
    return psycopg


def _raw_params(url: str) -> dict[str, str] | None:
    """The URL's parameters as libpq reads them, or None when it cannot read them."""
    psycopg = require_psycopg()
    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return None
    return {k: str(v) for k, v in params.items() if v is not None}


def _params(url: str) -> dict[str, str]:
    """The URL's parameters, or one line saying it is not a connection string."""
    params = _raw_params(url)
    if params is None:
        psycopg = require_psycopg()
        try:
            psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            reason = scrub(_first_line(str(exc)), url)
        else:  # pragma: no cover - it failed a moment ago
            reason = "unreadable"
        raise LabeltuiError(f"not a PostgreSQL connection URL: {reason}")
    return params


def where(url: str) -> str:
    """`HOST:PORT` of the URL (what the one-line errors start with)."""
    params = _raw_params(url) or {}
    host = params.get("host") or params.get("hostaddr") or os.environ.get("PGHOST") or ""
    port = params.get("port") or os.environ.get("PGPORT") or "5432"
    host = host or "localhost"
    return f"{host.split(',')[0]}:{port.split(',')[0]}"


def secrets(url: str) -> list[str]:
    """Every password that could show up in a message about this URL."""
    found = []
    password = (_raw_params(url) or {}).get("password")
    if password:
        found.append(password)
    if os.environ.get("PGPASSWORD"):
        found.append(os.environ["PGPASSWORD"])
    # A URL psycopg could not parse: take what sits between ':' and '@' after '//'.
    match = re.search(r"//[^:/@]*:([^@]*)@", url)
    if match and match.group(1):
        found.append(match.group(1))
    # ... and a keyword string's `password=...` (quoted or not).
    for quoted, bare in re.findall(r"password\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))", url):
        if quoted or bare:
            found.append(quoted or bare)
    return found


def scrub(text: str, url: str) -> str:
    """`text` with every password of `url` replaced by `***`."""
    for secret in sorted(secrets(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


def reason(exc: BaseException, url: str) -> str:
    """A short human reason from a psycopg error (libpq's text, tidied, scrubbed)."""
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # libpq: 'connection failed: connection to server at "h" (ip), port p failed: REASON'
    best = lines[0] if lines else "unknown error"
    for ln in lines:
        if ln.startswith("FATAL:"):
            best = ln[len("FATAL:") :].strip()
            break
    else:
        if " failed: " in best:
            best = best.rsplit(" failed: ", 1)[1]
        if best.lower().startswith("connection refused"):
            best = "connection refused (is the server running?)"
    return scrub(best, url)


def connect(url: str, *, timeout: float = 10, autocommit: bool = True, **extra: Any) -> Any:
    """An open psycopg connection, or `LabeltuiError("HOST:PORT: reason")`.

    `extra`: more libpq parameters (keepalives); the URL's own win where both say."""
    psycopg = require_psycopg()
    params = _params(url)
    kwargs: dict[str, Any] = {"autocommit": autocommit, "application_name": "labeltui"}
    kwargs.update({k: v for k, v in extra.items() if k not in params})
    if "connect_timeout" not in params:
        kwargs["connect_timeout"] = max(1, int(timeout))
    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.Error as exc:
        raise LabeltuiError(f"{where(url)}: {reason(exc, url)}") from None


def check_version(conn: Any, url: str, *, create: bool = False) -> None:
    """Make sure labeltui's tables exist at this labeltui's version.

    `create` (team init): create them when missing. Older tables are upgraded; missing ones
    are an error otherwise (no project can exist yet); newer ones are always refused, their
    meaning being unknown to this labeltui. The usual case (the right version) takes no lock,
    so clients never wait behind a `team init` that is loading a big dataset.
    """
    if _version(conn, url) == sql.VERSION:
        return
    with conn.transaction():
        conn.execute(sql.LOCK_SETUP)
        version = _version(conn, url)
        if version == sql.VERSION:
            return
        if version is None and not create:
            raise LabeltuiError(
                f"{where(url)}: no labeltui project in this database: run 'labeltui team init' "
                "first"
            )
        if version is None:
            for statement in sql.CREATE:
                conn.execute(statement)
        else:
            for step in range(version, sql.VERSION):
                for statement in sql.UPGRADES.get(step, []):
                    conn.execute(statement)
        conn.execute(sql.SET_VERSION, (str(sql.VERSION),))


def _version(conn: Any, url: str) -> int | None:
    """The tables' version (None: no tables); newer than this labeltui is an error."""
    version = None
    if conn.execute(sql.META_EXISTS).fetchone()[0]:
        row = conn.execute(sql.GET_VERSION).fetchone()
        version = int(row[0]) if row else None
    if version is not None and version > sql.VERSION:
        raise LabeltuiError(
            f"{where(url)}: the team tables are version {version}, newer than this labeltui "
            f"knows ({sql.VERSION}): upgrade labeltui (pip install -U 'labeltui[team]')"
        )
    return version


def is_offline_error(exc: BaseException) -> bool:
    """Whether `exc` means the server is gone (network, shutdown), not a bug or bad data."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - callers only get here with psycopg
        return False
    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))
