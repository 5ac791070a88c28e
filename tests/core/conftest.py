"""Fixtures the core tests share."""

from __future__ import annotations

import pytest

from labeltui.core.annotations.notes import set_note_sink


@pytest.fixture
def notes():
    """The notes said while the test runs (instead of standard error)."""
    said: list[str] = []
    previous = set_note_sink(said.append)
    yield said
    set_note_sink(previous)
