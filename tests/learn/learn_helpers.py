"""Datasets and schemas the --learn tests build: three teams whose tickets use clearly
different words, so a model fitted on a few saves tells them apart."""

from __future__ import annotations

import json
from pathlib import Path

TRIAGE = """\
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1"}
      - {name: bug, key: "2"}
      - {name: shipping, key: "3"}
"""

MULTI = """\
tasks:
  - name: topics
    kind: multi_choice
    labels: [refund, login, delivery]
"""

SPANS_ONLY = """\
tasks:
  - name: entities
    kind: spans
    labels: [PERSON]
"""

PHRASES = {
    "billing": "refund my invoice, I was charged twice on my card",
    "bug": "the app crashes with an error when I open settings",
    "shipping": "my parcel is late and the tracking shows no delivery",
}
TEAMS = list(PHRASES)


def team_of(item_id: str) -> str:
    """The team item `t<i>` belongs to."""
    return TEAMS[int(item_id[1:]) % 3]


def write_data(folder: Path, n: int = 60, schema: str = TRIAGE) -> tuple[Path, Path]:
    """`data.jsonl` (items t0..t<n-1>, team i % 3, its phrase plus filler) and `schema.yaml`."""
    data = folder / "data.jsonl"
    with data.open("w") as out:
        for i in range(n):
            text = f"{PHRASES[TEAMS[i % 3]]} (ticket {i}, filler words {'x' * (i % 7)})"
            out.write(json.dumps({"id": f"t{i}", "text": text}) + "\n")
    schema_path = folder / "schema.yaml"
    schema_path.write_text(schema)
    return data, schema_path


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
