"""Schemas, texts and file helpers shared by the UI tests."""

from __future__ import annotations

import json
from pathlib import Path

TRIAGE_SCHEMA = """\
title: Ticket triage
instructions: |
  Pick the team that should handle the ticket.
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1", hint: invoices and refunds}
      - {name: bug, key: "2", hint: something is broken}
      - {name: shipping, key: "3"}
"""

MULTI_SCHEMA = """\
tasks:
  - name: topics
    kind: multi_choice
    labels: [refund, login, mobile]
  - name: priority
    kind: choice
    labels:
      - {name: low, key: l}
      - {name: high, key: h}
"""

TEXTS = [
    "My invoice shows the wrong amount.",
    "The app crashes when I log in.",
    "Where is my parcel? It is late.",
    "Please refund my last payment.",
    "Login page is blank on mobile.",
]


def write_dataset(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    return path


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]
