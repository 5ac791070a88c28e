"""Team mode's tests run against a real PostgreSQL started here (see pg_cluster.py).

One cluster per test session (per xdist worker), a fresh database per test. Where no server
can be started: on CI (CI=true) every team test fails with the reason; elsewhere it skips.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from pg_cluster import Cluster, Unavailable, start_cluster

_names = itertools.count()


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL for the team tests: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg() -> Cluster:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'labeltui[team]')")
    try:
        cluster = start_cluster()
    except Unavailable as exc:
        _unavailable(str(exc))
    yield cluster
    cluster.stop("immediate")
    cluster.remove()


@pytest.fixture
def db_url(pg: Cluster) -> str:
    """A libpq URL of a new, empty database (with the password)."""
    return pg.create_database(f"t{os.getpid()}_{next(_names)}")


@pytest.fixture
def tickets(tmp_path: Path) -> tuple[Path, Path]:
    """A small dataset (12 items) and a triage schema."""
    dataset = tmp_path / "tickets.jsonl"
    dataset.write_text(
        "".join(f'{{"id": "t{i}", "text": "ticket {i}", "score": {i % 5}}}\n' for i in range(12))
    )
    schema = tmp_path / "tickets.schema.yaml"
    schema.write_text(SCHEMA)
    return dataset, schema


SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels: [billing, bug, other]
"""
