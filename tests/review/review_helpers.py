"""Annotation files written as `labeltui annotate` writes them, and schemas, for review tests.

Imported as a plain module (like `ui_fixtures`): pytest puts this folder on `sys.path`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TRIAGE = """\
title: Ticket triage
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1", hint: invoices and refunds}
      - {name: bug, key: "2"}
      - {name: shipping, key: "3"}
"""

MIXED = """\
title: Tickets with entities
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1"}
      - {name: bug, key: "2"}
  - name: entities
    kind: spans
    labels:
      - {name: PRODUCT, key: p, color: cyan}
      - {name: DATE, key: d, color: magenta}
"""

MARKS = """\
tasks:
  - name: events
    kind: audio_marks
    labels:
      - {name: speech, key: s}
      - {name: click, key: c}
"""

TEXTS = {
    "t0": "My invoice shows the wrong amount.",
    "t1": "The app crashes when I log in.",
    "t2": "Where is my parcel? I paid twice.",
    "t3": "Please refund my last payment.",
    "t4": "Login page is blank on mobile.",
}

# ann, bob, cy per item (None: no line). t4: bob's current line is `skipped`.
TEAM = {
    "t0": ("billing", "billing", "billing"),
    "t1": ("bug", "billing", "bug"),
    "t2": ("billing", "bug", "shipping"),
    "t3": ("shipping", "shipping", None),
    "t4": ("bug", "billing", "bug"),
}
ANNOTATORS = ("ann", "bob", "cy")


def line(
    ident: str,
    annotator: str,
    labels: dict[str, Any],
    status: str = "done",
    text: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One annotation line: the item's fields, then labels and the `_` keys (FORMAT §3)."""
    row: dict[str, Any] = {"id": ident, "text": TEXTS.get(ident, "") if text is None else text}
    row.update(fields)
    row.update(
        labels=labels,
        _id=ident,
        _annotator=annotator,
        _status=status,
        _ts="2026-11-23T10:15:02.123Z",
        _ms=1200,
    )
    return row


def write_lines(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def triage_files(folder: Path) -> list[Path]:
    """tickets.ann/bob/cy.jsonl with TEAM's answers; bob re-did t1 (last wins) and skipped t4."""
    paths = []
    for n, annotator in enumerate(ANNOTATORS):
        rows = []
        for ident, answers in TEAM.items():
            if answers[n] is None:
                continue
            if annotator == "bob" and ident == "t1":  # an earlier line, replaced below
                rows.append(line(ident, annotator, {"team": "shipping"}, channel="email"))
            rows.append(line(ident, annotator, {"team": answers[n]}, channel="email"))
            if annotator == "bob" and ident == "t4":
                rows.append(line(ident, annotator, {"team": None}, "skipped", channel="email"))
        paths.append(write_lines(folder / f"tickets.{annotator}.jsonl", rows))
    return paths


def write_schema(folder: Path, text: str = TRIAGE, name: str = "schema.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


MIXED_TEXT = "The Acme Router X2 stopped working on 3 May; support promised a fix by Friday."


def span(word: str, label: str, text: str = MIXED_TEXT) -> dict[str, Any]:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "label": label, "text": word}


def mixed_files(folder: Path) -> tuple[list[Path], Path]:
    """Three annotators on one ticket: a choice task and spans that partly disagree."""
    answers = {
        "ann": ("bug", [span("Acme Router X2", "PRODUCT"), span("3 May", "DATE")]),
        "bob": ("bug", [span("Router X2", "PRODUCT"), span("3 May", "DATE")]),
        "cy": ("billing", [span("Acme Router X2", "PRODUCT"), span("Friday", "DATE")]),
    }
    rows = [
        line("m1", who, {"team": team, "entities": spans}, text=MIXED_TEXT, channel="chat")
        for who, (team, spans) in answers.items()
    ]
    one = write_lines(folder / "mixed.all.jsonl", rows)  # three annotators in one file
    return [one], write_schema(folder, MIXED, "mixed.schema.yaml")
