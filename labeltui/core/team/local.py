"""The client's local side: its annotation file read as outbox entries, and the undo sidecar.

The annotation file (FORMAT section 3, written by `AnnotationStore`) is the outbox itself: each
of this annotator's lines is one entry, keyed by (item, `_ts`). `<file>.undone` holds the undos
not yet acknowledged by the server, one JSON `[item, _ts]` per line, fsynced before the store
cuts the line, so an undo survives a `kill -9` too.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Line:
    """One of this annotator's lines, as sent to the server."""

    item_id: str
    ts: str
    seq: int
    """The line's byte offset in the local file: orders two saves with the same `_ts`."""
    status: str
    text: str


def parse(raw: bytes, offset: int, annotator: str) -> Line | None:
    """One local line as an outbox entry, or None (someone else's, review's, not a line)."""
    text = raw.strip()
    if not text:
        return None
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    if not isinstance(obj, dict) or obj.get("_annotator") != annotator or "_from" in obj:
        return None
    item_id, ts = obj.get("_id"), obj.get("_ts")
    if not isinstance(item_id, str) or not isinstance(ts, str):
        return None
    return Line(item_id, ts, offset, str(obj.get("_status", "done")), text.decode("utf-8"))


def local_lines(path: Path, annotator: str) -> dict[tuple[str, str], Line]:
    """Every line of `annotator` in the file, by (item, `_ts`)."""
    lines: dict[tuple[str, str], Line] = {}
    offset = 0
    with open(path, "rb") as f:
        for raw in f:
            here, offset = offset, offset + len(raw)
            line = parse(raw, here, annotator)
            if line is not None:
                lines[(line.item_id, line.ts)] = line
    return lines


def read_back(path: Path, offset: int, item_id: str, annotator: str) -> Line:
    """The line the store just appended at `offset`."""
    with open(path, "rb") as f:
        f.seek(offset)
        line = parse(f.readline(), offset, annotator)
    if line is None or line.item_id != item_id:  # pragma: no cover - the store's contract
        raise RuntimeError("the saved line could not be read back")
    return line


def record_undo(path: Path, key: tuple[str, str]) -> None:
    """Append and fsync the intent to undo (item, `_ts`), before the line is cut."""
    with open(path, "a", encoding="utf-8") as sidecar:
        sidecar.write(json.dumps(list(key), ensure_ascii=False) + "\n")
        sidecar.flush()
        os.fsync(sidecar.fileno())


def undone_intents(path: Path) -> list[tuple[str, str]]:
    """The undos recorded and not yet cleared."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    keys = []
    for raw in text.splitlines():
        with contextlib.suppress(ValueError, TypeError):
            item_id, ts = json.loads(raw)
            keys.append((str(item_id), str(ts)))
    return keys


def clear_undone(path: Path) -> None:
    """Every undo arrived: the intents are no longer needed."""
    with contextlib.suppress(FileNotFoundError), open(path, "r+", encoding="utf-8") as sidecar:
        sidecar.truncate(0)
        os.fsync(sidecar.fileno())
