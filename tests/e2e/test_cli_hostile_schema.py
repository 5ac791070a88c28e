"""Hostile schemas and a schema for other data, given to the real `labeltui` command.

Issue 13: YAML aliases that loop or explode are one clear line within a second; `validate`
prints titles and label names inertly (an OSC 52 clipboard write shows as "␛]52;..."); a schema
that does not fit the dataset, a `--where` that matches nothing and a `--sort` field no item
has are one line each, from `validate` and from `annotate` (before it asks for a terminal).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cli_driver import run, run_timed
from tmux_driver import LABELTUI

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not LABELTUI.exists(), reason="the labeltui script is not installed"),
]

TRIAGE = "tasks:\n  - {name: team, kind: choice, labels: [billing, bug]}\n"
AUDIO = "tasks:\n  - {name: events, kind: audio_marks, labels: [speech, music]}\n"
TICKETS = [{"id": f"T{i}", "text": f"ticket {i}", "channel": "email"} for i in range(12)]


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    err = done.stderr.splitlines()
    assert len(err) == 1, done.stderr
    assert err[0].startswith("labeltui: ") and "\x1b" not in err[0]
    return err[0]


def write(tmp_path: Path, schema: str, rows: list[dict] | None = None) -> None:
    (tmp_path / "schema.yaml").write_text(schema, encoding="utf-8")
    rows = TICKETS if rows is None else rows
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    (tmp_path / "data.jsonl").write_text(data, encoding="utf-8")


def laughs() -> str:
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    return text + "title: *i\n" + TRIAGE


@pytest.mark.parametrize(
    ("schema", "phrase", "line"),
    [
        (laughs(), "aliases", 6),
        ("tasks: &t [{name: t, kind: choice, labels: *t}]\n", "loop", 1),
        ("title: &x [*x]\n" + TRIAGE, "loop", 1),
    ],
    ids=["billion-laughs", "self-alias-in-tasks", "self-alias-in-title"],
)
def test_alias_bombs_are_one_line_within_a_second(tmp_path, schema, phrase, line):
    write(tmp_path, TRIAGE)
    _, baseline = run_timed(tmp_path, "validate", "-s", "schema.yaml")  # start-up on this machine
    (tmp_path / "schema.yaml").write_text(schema)
    for args in (
        ["validate", "-s", "schema.yaml"],
        ["annotate", "data.jsonl", "-s", "schema.yaml"],
    ):
        done, took = run_timed(tmp_path, *args)
        error = one_line_error(done)
        assert error.startswith(f"labeltui: schema.yaml:{line}: ") and phrase in error
        assert took < baseline + 1.0, f"{took:.2f} s (start-up alone: {baseline:.2f} s)"
    assert not list(tmp_path.glob("data.*.jsonl"))


def test_a_raw_escape_in_a_schema_is_one_line_with_its_line(tmp_path):
    write(tmp_path, "title: ok\ninstructions: red \x1b[31m text\n" + TRIAGE)
    error = one_line_error(run(tmp_path, "validate", "-s", "schema.yaml"))
    assert error.startswith("labeltui: schema.yaml:2: ") and "U+001B" in error


def test_validate_prints_titles_and_names_inertly(tmp_path):
    schema = (
        'title: "Tickets \\e]52;c;Y3VybCBldmlsIHwgc2g=\\a"\n'
        "tasks:\n"
        '  - name: "team\\e[2J"\n'
        "    kind: choice\n"
        '    labels: ["bill\\u202eing", "two\\nlines", "sep\\u2028x", "c1\\x9b31m"]\n'
    )
    write(tmp_path, schema)
    done = run(tmp_path, "validate", "-s", "schema.yaml", "data.jsonl")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert not any(c in out for c in "\x1b\x07\x9b\u202e\u2028"), repr(out)
    assert "(Tickets ␛]52;c;Y3VybCBldmlsIHwgc2g=␇)" in out
    assert "task team␛[2J (choice): bill◌ing [1], two⏎lines [2], sep⏎x [3], c1�31m [4]" in out
    assert len(out.splitlines()) == 3  # the schema, its one task, the dataset


def test_validate_on_an_ascii_terminal_escapes_what_it_cannot_show(tmp_path):
    write(tmp_path, 'title: "caf\\xe9 \\e[1m"\n' + TRIAGE)
    done = run(tmp_path, "validate", "-s", "schema.yaml", env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "(caf\\xe9 \\u241b[1m)" in done.stdout


def test_task_names_labeltui_keeps_are_refused_by_validate(tmp_path):
    write(tmp_path, "tasks:\n  - name: _scores\n    kind: choice\n    labels: [a]\n")
    error = one_line_error(run(tmp_path, "validate", "-s", "schema.yaml"))
    assert error.startswith("labeltui: schema.yaml:2: ") and "'_scores'" in error


def test_a_schema_for_other_data_is_refused_by_validate_and_annotate(tmp_path):
    write(tmp_path, AUDIO)
    error = one_line_error(run(tmp_path, "validate", "-s", "schema.yaml", "data.jsonl"))
    assert error.startswith("labeltui: data.jsonl: no item has the audio field 'audio'")
    assert "all 12 items" in error
    # annotate says the same before it asks for a terminal, and leaves no annotation file.
    error = one_line_error(run(tmp_path, "annotate", "data.jsonl", "-s", "schema.yaml"))
    assert "no item has the audio field 'audio'" in error and "terminal" not in error
    assert not list(tmp_path.glob("data.*.jsonl"))


def test_a_choice_schema_on_audio_items_is_refused(tmp_path):
    clips = [{"id": f"A{i}", "audio": f"a{i}.flac", "description": "clip"} for i in range(5)]
    write(tmp_path, TRIAGE, clips)
    error = one_line_error(run(tmp_path, "validate", "-s", "schema.yaml", "data.jsonl"))
    assert "no item has the text field 'text'" in error and "'description'" in error


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--where", "lang=de"], "--where lang=de matched none of the 12 items"),
        (["--where", "channel=fax"], "--where channel=fax matched none of the 12 items"),
        (["--sort", "-confidence"], "none of the 12 items has a number in field 'confidence'"),
    ],
)
def test_a_selection_that_shows_nothing_is_one_line(tmp_path, options, expected):
    write(tmp_path, TRIAGE)
    done = run(tmp_path, "annotate", "data.jsonl", "-s", "schema.yaml", *options)
    error = one_line_error(done)
    assert error.startswith("labeltui: data.jsonl: ") and expected in error
    assert "has no items" not in error and "terminal" not in error
    assert not list(tmp_path.glob("data.*.jsonl"))
