"""`labeltui annotate --db` as a real subprocess: every refusal is one line, exit 2, no
traceback, no password, and nothing left behind (no lease taken, no empty local file)."""

from __future__ import annotations

import json
import subprocess
import sys

import psycopg
import pytest
from pg_cluster import PASSWORD, free_port
from team_helpers import run
from test_team_cli import _one_line_error

from labeltui.core.team.project import init_project


def annotate(url: str, *more: str, cwd=None):
    return run("annotate", "--db", url, "--project", "tickets", "-a", "ann", *more, cwd=cwd)


def test_wrong_password_is_one_line_without_the_password(pg, tmp_path):
    url = pg.url(password="not-the-Pw-31337")
    line = _one_line_error(
        annotate(url, cwd=tmp_path), f"127.0.0.1:{pg.port}:", "password authentication failed"
    )
    assert "not-the-Pw-31337" not in line and PASSWORD not in line
    assert list(tmp_path.iterdir()) == []  # no local file left behind


def test_server_not_running_is_one_line(tmp_path):
    port = free_port()
    url = f"postgresql://labeltui:{PASSWORD}@127.0.0.1:{port}/x"
    line = _one_line_error(annotate(url, cwd=tmp_path), f"127.0.0.1:{port}: connection refused")
    assert PASSWORD not in line


def test_missing_project_is_one_line(db_url, tickets, tmp_path):
    init_project(db_url, "tickets", *tickets)
    work = tmp_path / "work"
    work.mkdir()
    done = run("annotate", "--db", db_url, "--project", "nope", "-a", "ann", cwd=work)
    line = _one_line_error(done, "no project named 'nope'")
    assert PASSWORD not in line and list(work.iterdir()) == []


def test_a_good_server_without_a_terminal_takes_no_lease(db_url, tickets, tmp_path):
    init_project(db_url, "tickets", *tickets)
    work = tmp_path / "work"
    work.mkdir()
    _one_line_error(annotate(db_url, cwd=work), "annotate needs a terminal")
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM labeltui_work").fetchone()[0] == 0
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(
    "more,needle",
    [
        (["data.jsonl"], "DATASET cannot go with --db"),
        (["--schema", "s.yaml"], "--schema cannot go with --db"),
        (["--gold", "g.jsonl", "--gold-every", "3"], "--gold, --gold-every cannot go with --db"),
        (["--lease", "0"], "--lease must be a number of minutes above 0"),
        (["--media", "nowhere"], "--media must be a folder"),
    ],
)
def test_options_that_do_not_fit_team_mode(more, needle, tmp_path):
    url = f"postgresql://labeltui:{PASSWORD}@127.0.0.1:{free_port()}/x"
    line = _one_line_error(annotate(url, *more, cwd=tmp_path), needle)
    assert PASSWORD not in line


def test_team_options_without_db_are_refused(tmp_path):
    (tmp_path / "d.jsonl").write_text('{"text": "a"}\n')
    (tmp_path / "s.yaml").write_text("tasks:\n  - name: t\n    kind: choice\n    labels: [a]\n")
    done = run("annotate", "d.jsonl", "-s", "s.yaml", "--project", "p", cwd=tmp_path)
    _one_line_error(done, "--project goes with --db URL")


def test_without_psycopg_annotate_db_names_the_extra(tmp_path):
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "sys.argv = ['labeltui', 'annotate', '--db', 'postgresql://u:Pw-9@h/d', '-p', 't']\n"
        "from labeltui.entry import main\nmain()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    line = _one_line_error(done, "pip install 'labeltui[team]'")
    assert "Pw-9" not in line


def test_team_init_gold_is_stored_and_reinit_replaces_it(db_url, tickets, tmp_path):
    dataset, schema = tickets
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"text": f"gold {i}", "labels": {"team": "bug"}, "_id": f"g{i}", "_annotator": "lead",
         "_status": "done", "_ts": "2026-01-01T00:00:00.000Z"}
        for i in range(3)
    ]  # fmt: skip
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = run("team", "init", "--db", db_url, "-p", "tickets", str(dataset), "-s", str(schema),
               "--gold", str(gold), "--gold-every", "4")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 gold items about once every 4" in done.stdout
    gold.write_text(json.dumps(rows[0]) + "\n")
    done = run("team", "init", "--db", db_url, "-p", "tickets", str(dataset), "-s", str(schema),
               "--gold", str(gold))  # fmt: skip
    assert done.returncode == 0 and "1 gold items about once every 4" in done.stdout
    with psycopg.connect(db_url) as conn:
        stored = conn.execute("SELECT item_id, data, labels FROM labeltui_gold").fetchall()
    assert [(i, json.loads(d), json.loads(la)) for i, d, la in stored] == [
        ("g0", {"text": "gold 0"}, {"team": "bug"})
    ]
    done = run("team", "init", "--db", db_url, "-p", "other", str(dataset), "-s", str(schema),
               "--gold-every", "3")  # fmt: skip
    _one_line_error(done, "--gold-every needs --gold GOLD")


def test_version_1_tables_are_upgraded_for_gold(db_url, tickets):
    from labeltui.core.team import sql
    from labeltui.core.team.connect import check_version, connect

    with psycopg.connect(db_url, autocommit=True) as conn:  # the tables as version 1 made them
        for statement in sql.CREATE:
            if statement not in sql.GOLD_TABLES:
                conn.execute(statement)
        conn.execute(sql.SET_VERSION, ("1",))
    conn = connect(db_url)
    try:
        check_version(conn, db_url)
        assert conn.execute(sql.GET_VERSION).fetchone()[0] == "2"
        assert conn.execute("SELECT to_regclass('labeltui_gold') IS NOT NULL").fetchone()[0]
    finally:
        conn.close()
    assert init_project(db_url, "tickets", *tickets).project.gold_every is None
