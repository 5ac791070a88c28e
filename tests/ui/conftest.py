"""Fixtures that build a real session on files in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ui_fixtures import TEXTS, TRIAGE_SCHEMA, write_dataset

from labeltui.core.session import Session, open_session


@pytest.fixture
def make_session(tmp_path: Path) -> Callable[..., Session]:
    """Build a session: `make_session(schema_text, rows=None, annotator="ann")`."""
    opened: list[Session] = []

    def make(schema_text: str = TRIAGE_SCHEMA, rows: list[dict] | None = None, **kw) -> Session:
        if rows is None:
            rows = [{"id": f"t{i}", "text": t, "channel": "email"} for i, t in enumerate(TEXTS)]
        dataset = write_dataset(tmp_path / "data.jsonl", rows)
        schema = tmp_path / "schema.yaml"
        schema.write_text(schema_text)
        session = open_session(dataset, schema, kw.get("annotator", "ann"), kw.get("out"))
        session.index.scan_all()
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()
