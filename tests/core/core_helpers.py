"""Small file builders shared by the core tests (imported as a plain module, like ui_fixtures)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path


def jsonl(rows: Iterable[dict]) -> str:
    """Rows as JSONL text (one object per line, newline-terminated, UTF-8 as is)."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def write_jsonl(path: Path, rows: Iterable[dict]) -> Path:
    path.write_text(jsonl(rows), encoding="utf-8")
    return path


def read_lines(path: Path) -> list[dict]:
    """Every line of a JSONL file, parsed (raises when one does not parse)."""
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").split("\n") if line]


def last_wins(path: Path) -> dict[str, dict]:
    """An independent replay of an annotation file: the last line per `_id`."""
    current: dict[str, dict] = {}
    for obj in read_lines(path):
        current[obj["_id"]] = obj
    return current
