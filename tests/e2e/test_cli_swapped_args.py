"""Dataset and schema given the other way round (`labeltui annotate schema.yaml -s data.jsonl`)
say so in the one error line (issue 14, item 8), and `import`/`export --help` say what
`--schema` is for in each; run as real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SCHEMA = """\
# Ticket triage: one question per ticket.
title: Ticket triage
tasks:
  - name: team
    kind: choice
    labels: [billing, bug]
"""
ROWS = [{"id": "t1", "text": "My invoice is wrong."}, {"id": "t2", "text": "It crashes."}]
SWAPPED = "were the dataset and --schema swapped?"


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "labeltui", *args], cwd=cwd, text=True,
                          capture_output=True, stdin=subprocess.DEVNULL, timeout=60)  # fmt: skip


def error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a refused command: exit 2, no traceback, nothing written."""
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    return done.stderr.strip()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    return tmp_path


def no_annotation_files(folder: Path) -> bool:
    return sorted(p.name for p in folder.iterdir()) == ["data.jsonl", "schema.yaml"]


def test_dataset_given_as_the_schema(folder):
    line = error_line(run(folder, "annotate", "schema.yaml", "-s", "data.jsonl", "-a", "ann"))
    assert line.startswith("labeltui: data.jsonl:2: invalid YAML")
    assert line.endswith("; this file looks like a dataset, not a schema: " + SWAPPED)
    assert no_annotation_files(folder)


def test_a_one_line_dataset_without_suffix_given_as_the_schema(folder):
    (folder / "one").write_text(json.dumps(ROWS[0]) + "\n")  # YAML reads it: unknown key 'id'
    line = error_line(run(folder, "validate", "-s", "one"))
    assert "unknown key 'id'" in line and line.endswith(SWAPPED)


def test_schema_given_as_the_dataset(folder):
    (folder / "other.yml").write_text(SCHEMA)
    line = error_line(run(folder, "annotate", "other.yml", "-s", "schema.yaml", "-a", "ann"))
    assert line.startswith("labeltui: other.yml:1: not valid JSON")
    assert line.endswith("; this file looks like a schema, not a dataset: " + SWAPPED)


def test_schema_without_suffix_given_as_the_dataset(folder):
    (folder / "tickets").write_text(SCHEMA)  # not .yaml, but YAML with `tasks`
    line = error_line(run(folder, "validate", "-s", "schema.yaml", "tickets"))
    assert line.startswith("labeltui: tickets:1: not valid JSON") and line.endswith(SWAPPED)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("notes.txt", "just some notes\n"),  # not JSON, not a schema
        ("data2.jsonl", '{"id": "a", "text": "x"}\n{"id": b}\n'),  # a later line is bad
        ("list.txt", "- tasks\n- more\n"),  # YAML, but a list: not a schema
    ],
)
def test_no_hint_for_a_plain_bad_dataset(folder, name, text):
    (folder / name).write_text(text)
    line = error_line(run(folder, "validate", "-s", "schema.yaml", name))
    assert "swapped" not in line


def test_no_hint_for_a_broken_yaml_schema(folder):
    (folder / "bad.yaml").write_text("tasks: [\n")
    line = error_line(run(folder, "validate", "-s", "bad.yaml"))
    assert "invalid YAML" in line and "swapped" not in line


def test_import_and_export_help_say_what_schema_is_for(folder):
    imported = run(folder, "import", "--help")
    exported = run(folder, "export", "--help")
    assert imported.returncode == exported.returncode == 0
    import_help = " ".join(imported.stdout.split())
    export_help = " ".join(exported.stdout.split())
    assert "for export" not in import_help
    assert "The schema you will annotate the dataset with" in import_help
    assert "The schema the file was annotated with" in export_help
    assert "conll" in export_help.split("The schema the file was annotated with", 1)[1]
