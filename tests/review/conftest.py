"""Fixtures: three annotators' files in a temporary folder, and a review opened on them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from review_helpers import mixed_files, triage_files, write_schema

from labeltui.core.review.load import load_review
from labeltui.core.review.session import Review, open_review
from labeltui.core.schema import load_schema


@pytest.fixture
def triage(tmp_path: Path) -> tuple[list[Path], Path]:
    """(files, schema): tickets.ann/bob/cy.jsonl and a single-choice schema with digit keys."""
    return triage_files(tmp_path), write_schema(tmp_path)


@pytest.fixture
def make_review(tmp_path: Path) -> Callable[..., Review]:
    """`make_review(files, schema, reviewer="lead", out=None, **load_options)`."""
    opened: list[Review] = []

    def make(files, schema, reviewer: str = "lead", out=None, **options) -> Review:
        loaded = load_review(files, load_schema(schema), **options)
        review = open_review(loaded, files, reviewer, out or tmp_path / "gold.jsonl")
        opened.append(review)
        return review

    yield make
    for review in opened:
        review.close()


@pytest.fixture
def mixed(tmp_path: Path) -> tuple[list[Path], Path]:
    return mixed_files(tmp_path)
