"""Connection strings: `HOST:PORT` for the one-line errors, and no password in any message."""

from __future__ import annotations

import pytest

pytest.importorskip("psycopg")

from labeltui.core.team.connect import connect, scrub, where
from labeltui.errors import LabeltuiError


def test_where_names_host_and_port(monkeypatch):
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.delenv("PGPORT", raising=False)
    assert where("postgresql://ann:pw@db.example:6543/labels") == "db.example:6543"
    assert where("host=10.0.0.5 dbname=x") == "10.0.0.5:5432"
    assert where("") == "localhost:5432"
    monkeypatch.setenv("PGHOST", "pg.internal")
    monkeypatch.setenv("PGPORT", "5433")
    assert where("") == "pg.internal:5433"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ann:Hunter2-xyz@db/labels",
        "host=db password=Hunter2-xyz dbname=labels",
        "host=db password='Hunter2-xyz' dbname=labels",
    ],
)
def test_scrub_removes_the_password(url):
    assert scrub(f"failed for {url}: Hunter2-xyz", url).count("Hunter2-xyz") == 0


def test_pgpassword_is_scrubbed_too(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "Env-Secret-99")
    assert "Env-Secret-99" not in scrub("oops Env-Secret-99", "")


def test_an_unreadable_url_is_one_line_without_the_password():
    with pytest.raises(LabeltuiError) as caught:
        connect("password Hunter2-xyz")
    assert "not a PostgreSQL connection URL" in str(caught.value)
    assert "Hunter2-xyz" not in str(caught.value)
