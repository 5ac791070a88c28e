"""Bad input given to the real `labeltui` command, run as a separate process (no tmux).

FORMAT section 6: the command exits non-zero with one plain line naming the file (and the line
where there is one), never a traceback, and never touches an existing annotation file. The
lock case starts a first app in tmux and a second one as a plain subprocess on the same file.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from cli_driver import run
from test_tmux_annotate import TRIAGE, lines, tickets, write
from tmux_driver import LABELTUI, needs_tmux

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not LABELTUI.exists(), reason="the labeltui script is not installed"),
]

ANNOTATE = ["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"]


def one_line_error(done: subprocess.CompletedProcess[str], exit_code: int) -> str:
    """The single stderr line of a refused command (checks the exit code and no traceback)."""
    assert done.returncode == exit_code, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    err = done.stderr.splitlines()
    assert len(err) == 1, done.stderr
    assert err[0].startswith("labeltui: "), err[0]
    return err[0]


def line_of(text: str, needle: str) -> int:
    """1-based number of the line of `text` that contains `needle` (computed by the test)."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_missing_dataset_or_schema_is_one_line_exit_2(tmp_path):
    (tmp_path / "schema.yaml").write_text(TRIAGE)
    line = one_line_error(run(tmp_path, "annotate", "nope.jsonl", "-s", "schema.yaml"), 2)
    assert "nope.jsonl" in line
    assert not list(tmp_path.glob("nope.*.jsonl")), "no annotation file for a missing dataset"

    write(tmp_path, tickets(2), TRIAGE)
    line = one_line_error(run(tmp_path, "annotate", "data.jsonl", "-s", "nope.yaml"), 2)
    assert "nope.yaml" in line


def test_a_malformed_json_line_is_named_by_file_and_line(tmp_path):
    (tmp_path / "schema.yaml").write_text(TRIAGE)
    # Blank lines count: the first item is the bad line 3, so annotate refuses before the app.
    (tmp_path / "data.jsonl").write_text('\n\n{"id": "c", text}\n{"id": "d", "text": "ok"}\n')
    previous = b'{"_id": "zz", "labels": {"team": "bug"}}\n'
    (tmp_path / "data.ann.jsonl").write_bytes(previous)
    line = one_line_error(run(tmp_path, *ANNOTATE), 2)
    assert "data.jsonl:3:" in line and "JSON" in line
    assert (tmp_path / "data.ann.jsonl").read_bytes() == previous, "annotation file touched"

    # validate reads every line: a bad line 5 after good ones, and a line that is no object.
    rows = [json.dumps(r) for r in tickets(3)]
    (tmp_path / "late.jsonl").write_text("\n".join([*rows, "", "{oops"]) + "\n")
    line = one_line_error(run(tmp_path, "validate", "-s", "schema.yaml", "late.jsonl"), 2)
    assert "late.jsonl:5:" in line
    (tmp_path / "list.jsonl").write_text(rows[0] + "\n[1, 2]\n")
    line = one_line_error(run(tmp_path, "validate", "-s", "schema.yaml", "list.jsonl"), 2)
    assert "list.jsonl:2:" in line


@pytest.mark.parametrize(
    ("labels", "needle", "word"),
    [
        # a label on a key the app keeps for itself (help)
        ('      - {name: billing, key: "?"}\n      - {name: bug, key: "2"}\n', "?", "?"),
        # two labels of one task on the same key: the second one is named
        ('      - {name: billing, key: "1"}\n      - {name: bug, key: "1"}\n', "bug", "bug"),
    ],
)
def test_a_schema_key_clash_names_the_schema_line(tmp_path, labels, needle, word):
    schema = "tasks:\n  - name: team\n    kind: choice\n    labels:\n" + labels
    write(tmp_path, tickets(2), schema)
    line = one_line_error(run(tmp_path, *ANNOTATE), 2)
    assert f"schema.yaml:{line_of(schema, needle)}:" in line
    assert word in line
    assert not (tmp_path / "data.ann.jsonl").exists()
    line = one_line_error(run(tmp_path, "validate", "-s", "schema.yaml"), 2)
    assert f"schema.yaml:{line_of(schema, needle)}:" in line


@needs_tmux
def test_a_dataset_locked_by_a_running_app_is_refused_with_exit_3(tmp_path, tmux_factory):
    write(tmp_path, tickets(3), TRIAGE)
    first = tmux_factory(ANNOTATE, tmp_path)
    first.wait_for("ticket number 0 body")
    first.send("2")
    first.wait_for("ticket number 1 body")  # one save confirmed while the second try runs
    out = tmp_path / "data.ann.jsonl"
    before = out.read_bytes()

    line = one_line_error(run(tmp_path, *ANNOTATE), 3)
    assert "data.ann.jsonl" in line
    assert out.read_bytes() == before, "the refused command touched the file"

    # The first app never noticed: it saves on, and quits cleanly.
    first.send("1")
    first.wait_for("ticket number 2 body")
    first.send("C-q")
    assert first.exit_status() == 0
    assert [(r["_id"], r["labels"]["team"]) for r in lines(out)] == [
        ("t0", "bug"),
        ("t1", "billing"),
    ]
