"""`team init`: a project's schema and items in the server (FORMAT section 10).

The dataset is read line by line (ids as in FORMAT section 1, the first of two lines with one id
wins) and streamed to the server with `COPY`, so a million lines load in seconds. Re-running it
adds the new items after the old ones and refuses a schema whose meaning changed (comments and
layout may change: the hash is of the parsed YAML). `--overlap` may be changed on re-run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labeltui.core.ids import BadId, item_id
from labeltui.core.team import sql
from labeltui.core.team.connect import check_version, connect, where
from labeltui.errors import LabeltuiError


@dataclass(frozen=True)
class Project:
    """A project as stored: `id` keys every other table."""

    id: int
    name: str
    schema_yaml: str
    schema_hash: str
    text_field: str
    audio_field: str
    overlap: int
    gold_every: int | None = None
    """Gold items come about once every this many items (None: the project has none)."""


@dataclass(frozen=True)
class InitResult:
    project: Project
    created: bool
    added: int
    """Items added by this run."""
    total: int
    duplicates: int
    """Lines dropped: an id seen before (in this file or already in the project)."""
    gold: int = 0
    """The project's gold items (`--gold`)."""


def schema_hash(text: str) -> str:
    """A hash of the schema's meaning: the parsed YAML, not its comments or layout."""
    import yaml

    data = yaml.safe_load(text)
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def get_project(conn: Any, url: str, name: str) -> Project:
    """The project named `name`, or one line saying it does not exist."""
    row = conn.execute(sql.GET_PROJECT, (name,)).fetchone()
    if row is None:
        raise LabeltuiError(
            f"{where(url)}: no project named {name!r} in this database "
            "(create it with 'labeltui team init')"
        )
    return Project(*row)


def open_project(url: str, name: str, **extra: Any) -> tuple[Any, Project]:
    """Connect, check the tables' version, and find the project."""
    conn = connect(url, **extra)
    try:
        check_version(conn, url)
        return conn, get_project(conn, url, name)
    except BaseException:
        conn.close()
        raise


def init_project(
    url: str,
    name: str,
    dataset: str | Path,
    schema_path: str | Path,
    overlap: int | None = None,
    gold: str | Path | None = None,
    gold_every: int | None = None,
) -> InitResult:
    """Create the project (or add new items to it) from `dataset` and the schema; with
    `gold`, store (replace) its gold items (`core.team.gold`)."""
    from labeltui.core.schema import load_schema
    from labeltui.core.team.gold import read_gold, store_gold

    if not name or not name.strip():
        raise LabeltuiError("--project needs a name")
    if overlap is not None and overlap < 1:
        raise LabeltuiError(f"--overlap must be 1 or more, not {overlap}")
    schema = load_schema(schema_path)  # validated before anything touches the server
    gold_items = read_gold(gold, gold_every)
    schema_text = Path(schema_path).read_text(encoding="utf-8")
    digest = schema_hash(schema_text)
    dataset = Path(dataset)
    if not dataset.is_file():
        raise LabeltuiError("dataset not found", dataset)
    conn = connect(url)
    try:
        check_version(conn, url, create=True)
        with conn.transaction():
            conn.execute(sql.LOCK_SETUP)
            row = conn.execute(sql.GET_PROJECT, (name,)).fetchone()
            created = row is None
            if created:
                k = overlap or 1
                pid = conn.execute(
                    sql.ADD_PROJECT,
                    (name, schema_text, digest, schema.text_field, schema.audio_field, k),
                ).fetchone()[0]
            else:
                project = Project(*row)
                if project.schema_hash != digest:
                    raise LabeltuiError(
                        f"project {name!r} was created with another schema; a project keeps "
                        "its schema (start a new project for a new schema)",
                        schema_path,
                    )
                pid = project.id
                if overlap is not None and overlap != project.overlap:
                    conn.execute(sql.SET_OVERLAP, (overlap, pid))
                    conn.execute(sql.REOPEN_ITEMS, (overlap, pid))
                    conn.execute(sql.REOPEN_ORDERS, (pid,))
            added, duplicates = _load_items(conn, pid, dataset, schema.text_field,
                                            schema.audio_field)  # fmt: skip
            if added:
                conn.execute(sql.DROP_ORDERS, (pid,))
            current = conn.execute(sql.GET_PROJECT, (name,)).fetchone()
            store_gold(conn, pid, gold_items, gold_every, Project(*current).gold_every)
            total = conn.execute(sql.COUNT_ITEMS, (pid,)).fetchone()[0]
            project = Project(*conn.execute(sql.GET_PROJECT, (name,)).fetchone())
            golds = conn.execute(sql.COUNT_GOLD, (pid,)).fetchone()[0]
        return InitResult(project, created, added, total, duplicates, golds)
    finally:
        conn.close()


def _load_items(
    conn: Any, pid: int, dataset: Path, text_field: str, audio_field: str
) -> tuple[int, int]:
    """COPY the dataset's new items into the project; return (added, duplicates)."""
    seen: set[str] = {r[0] for r in conn.execute(sql.ITEM_IDS, (pid,))}
    no = int(conn.execute(sql.MAX_NO, (pid,)).fetchone()[0]) + 1
    added = duplicates = 0
    loads = _loads()
    with conn.cursor() as cur, cur.copy(sql.COPY_ITEMS) as copy, open(dataset, "rb") as lines:
        for number, raw in enumerate(lines, start=1):
            stripped = raw.strip()
            if not stripped:
                continue
            obj = _parse(loads, stripped, dataset, number)
            try:
                ident = item_id(obj, text_field, audio_field)
            except BadId as exc:
                raise LabeltuiError(str(exc), dataset, number) from None
            if ident in seen:
                duplicates += 1
                continue
            seen.add(ident)
            copy.write_row((pid, no, ident, stripped.decode("utf-8")))
            no += 1
            added += 1
    return added, duplicates


def _loads() -> Any:
    try:
        import orjson

        return orjson.loads
    except ImportError:  # pragma: no cover - orjson is a dependency
        return json.loads


def _parse(loads: Any, raw: bytes, dataset: Path, number: int) -> dict[str, Any]:
    """A dataset line as a dict, or the one-line error of FORMAT section 6."""
    from labeltui.core.annotations.parse import BadLine, parse_line, type_name

    try:
        obj = loads(raw)
    except Exception:
        try:
            obj = parse_line(raw)
        except BadLine as exc:
            raise LabeltuiError(str(exc), dataset, number) from None
    if not isinstance(obj, dict):
        raise LabeltuiError(
            f"each line must be a JSON object, not {type_name(obj)}", dataset, number
        )
    if b"\x00" in raw:
        raise LabeltuiError("the line holds a NUL byte, which PostgreSQL cannot store",
                            dataset, number)  # fmt: skip
    return obj
