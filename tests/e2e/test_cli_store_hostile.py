"""The real `labeltui` command against hostile annotation files (issue 13), as a subprocess.

A FIFO, a device or a symbolic link loop as the annotation file is one clear line (never a
hang), a torn tail that cannot be moved aside is one clear line that changes nothing, and
`import`/`export -o` never replace a file a running `annotate` holds (exit 3, as `annotate`'s
own lock).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from cli_driver import run
from test_cli_bad_input import ANNOTATE, one_line_error
from test_tmux_annotate import TRIAGE, tickets, write
from tmux_driver import LABELTUI, needs_tmux

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not LABELTUI.exists(), reason="the labeltui script is not installed"),
]


def test_a_fifo_as_out_or_as_the_annotation_file_is_refused_at_once(tmp_path):
    write(tmp_path, tickets(2), TRIAGE)
    os.mkfifo(tmp_path / "pipe.jsonl")
    line = one_line_error(run(tmp_path, *ANNOTATE, "--out", "pipe.jsonl"), 2)
    assert "pipe.jsonl" in line and "named pipe" in line
    os.mkfifo(tmp_path / "data.ann.jsonl")  # the default annotation file
    line = one_line_error(run(tmp_path, *ANNOTATE), 2)
    assert "data.ann.jsonl" in line and "named pipe" in line


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/stdin", "/dev/null"])
def test_a_device_as_out_is_refused_at_once(tmp_path, device):
    write(tmp_path, tickets(2), TRIAGE)
    line = one_line_error(run(tmp_path, *ANNOTATE, "--out", device), 2)
    assert device in line and "not a regular file" in line


def test_stdin_as_out_is_refused_when_it_is_a_pipe(tmp_path):
    write(tmp_path, tickets(2), TRIAGE)
    done = subprocess.run(
        [str(LABELTUI), *ANNOTATE, "--out", "/dev/stdin"],
        cwd=tmp_path,
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    line = one_line_error(done, 2)
    assert "/dev/stdin" in line and "named pipe" in line


def test_a_symlink_loop_as_out_is_one_clear_line(tmp_path):
    write(tmp_path, tickets(2), TRIAGE)
    (tmp_path / "loop.jsonl").symlink_to("loop.jsonl")
    line = one_line_error(run(tmp_path, *ANNOTATE, "--out", "loop.jsonl"), 2)
    assert "loop.jsonl" in line and "symbolic link loop" in line
    assert "RuntimeError" not in line


@pytest.mark.parametrize("blocker", ["full disk", "folder"])
def test_a_torn_tail_that_cannot_be_moved_is_one_line_and_changes_nothing(tmp_path, blocker):
    write(tmp_path, tickets(2), TRIAGE)
    out = tmp_path / "data.ann.jsonl"
    saved = {"text": "x", "labels": {"team": "bug"}, "_id": "t0", "_annotator": "ann"}
    content = json.dumps(saved) + '\n{"_id": "t1", "lab'
    out.write_text(content)
    torn = tmp_path / "data.ann.jsonl.torn"
    if blocker == "full disk":
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full")
        torn.symlink_to("/dev/full")  # every write to it fails with ENOSPC, as a full disk
    else:
        torn.mkdir()  # a .torn that cannot be written
    line = one_line_error(run(tmp_path, *ANNOTATE), 2)
    assert "data.ann.jsonl" in line and ".torn" in line and "left as it is" in line
    assert out.read_text() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["data.jsonl", "schema.yaml", "data.ann.jsonl", "data.ann.jsonl.torn"]
    )
    assert torn.is_symlink() or not any(torn.iterdir())


def _hold(tmp_path: Path, tmux_factory, out: str):
    """A running annotate on `out` that has not saved yet (its file is still empty)."""
    app = tmux_factory([*ANNOTATE, "--out", out], tmp_path)
    app.wait_for("ticket number 0 body")
    assert (tmp_path / out).read_bytes() == b""
    return app


@needs_tmux
def test_import_and_export_refuse_a_file_a_running_annotate_holds(tmp_path, tmux_factory):
    write(tmp_path, tickets(3), TRIAGE)
    (tmp_path / "ner.jsonl").write_text('{"text": "hello", "label": [[0, 5, "X"]]}\n')
    span = {"start": 0, "end": 5, "label": "X", "text": "hello"}
    (tmp_path / "spans.jsonl").write_text(
        json.dumps({"text": "hello", "labels": {"entities": [span]}}) + "\n"
    )
    app = _hold(tmp_path, tmux_factory, "held.jsonl")
    held = tmp_path / "held.jsonl"
    inode = held.stat().st_ino
    line = one_line_error(
        run(tmp_path, "import", "ner.jsonl", "--from", "doccano", "-o", "held.jsonl"), 3
    )
    assert "held.jsonl" in line and "labeltui session" in line
    line = one_line_error(
        run(tmp_path, "export", "spans.jsonl", "--to", "doccano", "-o", "held.jsonl"), 3
    )
    assert "held.jsonl" in line
    assert held.stat().st_ino == inode and held.read_bytes() == b""

    app.send("2")  # the app saves on into the same file
    app.wait_for("ticket number 1 body")
    app.send("C-q")
    assert app.exit_status() == 0
    saved = [json.loads(x) for x in held.read_text().splitlines()]
    assert [(r["_id"], r["labels"]) for r in saved] == [("t0", {"team": "bug"})]
    assert held.stat().st_ino == inode
