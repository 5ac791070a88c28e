"""`labeltui team ...` as real subprocesses: the commands, and one line for each bad input."""

from __future__ import annotations

import json
import sys

import pytest
from pg_cluster import PASSWORD, free_port
from team_helpers import read_lines, run

from labeltui.core.team.outbox import TeamClient


def _one_line_error(done, *needles: str) -> str:
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("labeltui: ")
    assert "Traceback" not in done.stderr and not done.stdout.strip()
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _init(url, dataset, schema, *more: str):
    return run(
        "team", "init", "--db", url, "--project", "tickets", str(dataset),
        "--schema", str(schema), *more,
    )  # fmt: skip


def test_init_status_pull_and_agree_on_the_pulled_file(db_url, tickets, tmp_path):
    dataset, schema = tickets
    done = _init(db_url, dataset, schema, "--overlap", "2")
    assert done.returncode == 0, done.stderr
    assert "12 items added, 12 in all, overlap 2" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    for name, label in (("ann", "bug"), ("bob", "bug"), ("cy", "billing")):
        with TeamClient(db_url, "tickets", name, tmp_path / f"{name}.jsonl") as client:
            for _ in range(4):
                got = client.claim()
                client.save(got.data, got.item_id, {"team": label})
    status = run("team", "status", "--db", db_url, "--project", "tickets", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert set(report) == {"items", "items_left", "leases", "annotators"}
    assert (report["items"], report["items_left"], report["leases"]) == (12, 8, 0)
    assert report["annotators"] == {
        n: {"done": 4, "skipped": 0, "per_hour": 4} for n in ("ann", "bob", "cy")
    }
    readable = run("team", "status", "--db", db_url, "--project", "tickets")
    assert readable.returncode == 0 and "8 left at overlap 2" in readable.stdout
    assert "ann" in readable.stdout and PASSWORD not in readable.stdout
    pulled = tmp_path / "all.jsonl"
    done = run("team", "pull", "--db", db_url, "--project", "tickets", "-o", str(pulled))
    assert done.returncode == 0, done.stderr
    lines = read_lines(pulled)
    assert len(lines) == 12 and {ln["_annotator"] for ln in lines} == {"ann", "bob", "cy"}
    agree = run("agree", str(pulled), "--json")
    assert agree.returncode == 0, agree.stderr
    result = json.loads(agree.stdout)
    assert result["tasks"]["team"]["items"] == 4  # t0..t3, labelled by ann and bob


def test_rerun_adds_new_items_and_refuses_a_changed_schema(db_url, tickets):
    dataset, schema = tickets
    assert _init(db_url, dataset, schema).returncode == 0
    with dataset.open("a") as f:
        f.write('{"id": "new", "text": "one more"}\n')
    again = _init(db_url, dataset, schema)
    assert again.returncode == 0 and "1 items added, 13 in all" in again.stdout
    schema.write_text(schema.read_text().replace("other]", "other, spam]"))
    line = _one_line_error(_init(db_url, dataset, schema), str(schema), "another schema")
    assert PASSWORD not in line


def test_wrong_password_is_one_line_without_the_password(pg, tickets):
    dataset, schema = tickets
    url = pg.url(password="not-the-Pw-31337")
    line = _one_line_error(
        run("team", "status", "--db", url, "--project", "tickets"),
        f"127.0.0.1:{pg.port}:",
        "password authentication failed",
    )
    assert "not-the-Pw-31337" not in line and PASSWORD not in line
    line = _one_line_error(_init(url, dataset, schema), "password authentication failed")
    assert "not-the-Pw-31337" not in line


def test_server_not_running_is_one_line(tickets):
    port = free_port()
    url = f"postgresql://labeltui:{PASSWORD}@127.0.0.1:{port}/x"
    line = _one_line_error(
        run("team", "pull", "--db", url, "--project", "tickets", "-o", "x.jsonl"),
        f"127.0.0.1:{port}: connection refused",
    )
    assert PASSWORD not in line


def test_project_that_does_not_exist_is_one_line(db_url, tickets, tmp_path):
    dataset, schema = tickets
    line = _one_line_error(
        run("team", "status", "--db", db_url, "--project", "nope"), "no labeltui project"
    )
    assert _init(db_url, dataset, schema).returncode == 0
    line = _one_line_error(
        run("team", "pull", "--db", db_url, "--project", "nope", "-o", str(tmp_path / "o")),
        "no project named 'nope'",
    )
    assert PASSWORD not in line and not (tmp_path / "o").exists()


def test_empty_db_uses_the_pg_environment(pg, db_url, tickets):
    dataset, schema = tickets
    assert _init(db_url, dataset, schema).returncode == 0
    env = {
        "PGHOST": "127.0.0.1",
        "PGPORT": str(pg.port),
        "PGUSER": "labeltui",
        "PGPASSWORD": PASSWORD,
        "PGDATABASE": db_url.rsplit("/", 1)[1],
    }
    done = run("team", "status", "--project", "tickets", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["items"] == 12
    env["PGPASSWORD"] = "wrong-Pw-4242"
    line = _one_line_error(run("team", "status", "--project", "tickets", env=env))
    assert "wrong-Pw-4242" not in line


@pytest.mark.parametrize("command", ["status", "init"])
def test_without_psycopg_the_extra_is_named(tmp_path, command):
    import subprocess

    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "sys.argv = ['labeltui', 'team', "
        + repr(command)
        + ", '--project', 'p'"
        + (", 'd.jsonl', '--schema', 's.yaml'" if command == "init" else "")
        + "]\nfrom labeltui.cli import app\napp()\n"
    )
    (tmp_path / "d.jsonl").write_text('{"text": "a"}\n')
    (tmp_path / "s.yaml").write_text("tasks:\n  - name: t\n    kind: choice\n    labels: [a]\n")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    _one_line_error(done, "pip install 'labeltui[team]'")
