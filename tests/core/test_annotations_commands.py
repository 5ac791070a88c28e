"""Every command follows the one set of line rules (`labeltui.core.annotations`).

Each rule is checked against every reader: `agree`, `stats`, `review`, `export` and
`annotate` (the store's replay of the annotation file; `validate`/the dataset index too where
the rule is about any JSONL line). Before the one package, the copies disagreed: the store
worded a JSON error without the column, `review` left out lines without `_status`, `export`
took `"_status": "maybe"` for an answer, and `stats` called a task of empty lists a choice.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from labeltui.core.agree import agree_files
from labeltui.core.formats.current import read_current
from labeltui.core.label_stats import label_stats
from labeltui.core.review.load import load_review
from labeltui.core.schema import parse_schema
from labeltui.core.store import AnnotationStore

SCHEMA = "tasks:\n  - name: team\n    kind: choice\n    labels: [x, y]\n"

COMMANDS = {
    "agree": ["agree", "f.jsonl"],
    "stats": ["stats", "f.jsonl"],
    "review": ["review", "f.jsonl", "--schema", "s.yaml"],
    "export": ["export", "f.jsonl", "--to", "doccano", "-o", "out.jsonl"],
    "annotate": [
        "annotate",
        "d.jsonl",
        "--schema",
        "s.yaml",
        "--annotator",
        "bob",
        "--out",
        "f.jsonl",
    ],
}


def line(ident: str, who: str, team: object, status: str | None = "done", **extra) -> str:
    obj = {"text": f"text of {ident}", "labels": {"team": team}, "_id": ident, "_annotator": who}
    if status is not None:
        obj["_status"] = status
    obj.update(extra)
    return json.dumps(obj) + "\n"


def run(tmp_path: Path, content: str, command: str) -> subprocess.CompletedProcess:
    (tmp_path / "f.jsonl").write_text(content, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(SCHEMA)
    (tmp_path / "d.jsonl").write_text('{"id": "i0", "text": "text of i0"}\n')
    return subprocess.run(
        [sys.executable, "-m", "labeltui", *COMMANDS[command]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


BAD_JSON = line("i0", "bob", "x") + '{"text": "b", oops}\n'
BAD_STATUS = line("i0", "ann", "x") + line("i0", "bob", "y", status="maybe")


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            BAD_JSON,
            "labeltui: f.jsonl:2: not valid JSON (Expecting property name enclosed in double "
            "quotes at column 15)",
        ),
        (BAD_STATUS, 'labeltui: f.jsonl:2: \'_status\' must be "done" or "skipped", not "maybe"'),
    ],
    ids=["bad-json", "bad-status"],
)
def test_every_command_words_a_bad_line_the_same(tmp_path, command, content, said):
    done = run(tmp_path, content, command)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == said
    assert "Traceback" not in done.stderr


NO_STATUS = (
    line("i0", "ann", "x", status=None)  # imported or from another tool: counts as done
    + line("i0", "bob", "x")
    + line("i1", "ann", "y", status=None)
    + line("i1", "bob", "y")
)


def test_a_line_without_status_counts_as_done_for_every_reader(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text(NO_STATUS)
    agreed = agree_files([path])["tasks"]["team"]
    assert agreed["annotators"] == ["ann", "bob"] and agreed["items"] == 2
    assert label_stats([path])["annotators"]["ann"]["done"] == 2
    loaded = load_review([path], parse_schema(SCHEMA))
    try:
        assert [list(item.refs) for item in loaded.items] == [["ann", "bob"], ["ann", "bob"]]
    finally:
        loaded.close()
    exported = read_current(path, annotator="ann")
    assert [e.id for e in exported.entries] == ["i0", "i1"] and exported.skipped == 0
    with AnnotationStore(path, "ann") as store:  # annotate's replay
        assert {k: r.status for k, r in store.current.items()} == {"i0": "done", "i1": "done"}


def test_a_bad_status_is_an_error_for_every_reader(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text(BAD_STATUS)
    errors = []
    for read in (
        lambda: agree_files([path]),
        lambda: label_stats([path]),
        lambda: load_review([path], parse_schema(SCHEMA)),
        lambda: read_current(path),
        lambda: AnnotationStore(path, "bob"),
    ):
        with pytest.raises(Exception) as info:
            read()
        errors.append(str(info.value))
    assert len(set(errors)) == 1, errors
    assert errors[0].startswith(f"{path}:2: '_status' must be")


def test_agree_stats_and_export_infer_the_same_task_kind(tmp_path):
    """One inference (`task_kind`): the first value that shows a kind decides, and a task of
    empty lists only is a multi_choice task (an empty list is no choice) for agree and stats."""
    span = {"start": 0, "end": 4, "label": "P", "text": "text"}
    path = tmp_path / "f.jsonl"
    path.write_text(
        line("i0", "ann", [])
        + line("i0", "bob", [])
        + line("i1", "ann", [])
        + line("i1", "bob", [])
    )
    assert agree_files([path])["tasks"]["team"]["kind"] == "multi_choice"
    assert label_stats([path])["tasks"]["team"]["kind"] == "multi_choice"
    path.write_text(line("i0", "ann", []) + line("i0", "bob", [span]) + line("i1", "ann", [span]))
    assert agree_files([path])["tasks"]["team"]["kind"] == "spans"
    assert label_stats([path])["tasks"]["team"]["kind"] == "spans"
    (tmp_path / "s.yaml").write_text(SCHEMA)
    done = subprocess.run(
        [sys.executable, "-m", "labeltui", "export", "f.jsonl", "--to", "doccano", "-o", "o.jsonl",
         "--annotator", "bob"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "o.jsonl").read_text())["label"] == [[0, 4, "P"]]


TORN = line("i0", "ann", "x") + line("i0", "bob", "x") + '{"text": "b", "labels": {"te'


@pytest.mark.parametrize("command", ["agree", "stats", "review", "export"])
def test_a_half_written_last_line_gets_the_same_note_from_every_reader(tmp_path, command):
    done = run(tmp_path, TORN, command)
    note = (
        "labeltui: note: f.jsonl:3: incomplete last line left out (a save in progress or a crash)"
    )
    assert note in done.stderr.splitlines(), done.stderr
