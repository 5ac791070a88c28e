"""Files the suggest tests build: a schema with a choice, a multi_choice and a spans task."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from labeltui.core.schema import parse_schema

SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels: [billing, bug, shipping, other]
  - name: tags
    kind: multi_choice
    labels: [urgent, angry]
  - name: entities
    kind: spans
    labels: [PRODUCT, PLACE]
"""


def schema():
    return parse_schema(SCHEMA, "schema.yaml")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write_dataset(folder: Path, rows: list[dict[str, Any]], name: str = "data.jsonl") -> Path:
    return write(folder, name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
