"""The real `labeltui review` when it opens and closes its gold file (issue 13), as processes.

- `--out` a symbolic link loop: one `FILE: ...` line and exit 2 (before, `Path.resolve()`
  raised a RuntimeError traceback);
- quitting at once leaves no empty gold file behind (tmux);
- a gold file deleted while review runs is written anew, and review says so on exit, as
  `annotate` does (tmux);
- `review --help` says `--schema` is required.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from cli_driver import run
from tmux_driver import LABELTUI, Tmux, needs_tmux

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))
from review_helpers import TRIAGE, read_lines, triage_files

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not LABELTUI.exists(), reason="the labeltui script is not installed"),
]


def review_args(tmp_path: Path, *extra: str) -> list[str]:
    files = triage_files(tmp_path)
    (tmp_path / "schema.yaml").write_text(TRIAGE)
    return ["review", *(f.name for f in files), "-s", "schema.yaml", "-a", "lead", "--all", *extra]


def test_a_gold_path_that_is_a_link_loop_is_one_line(tmp_path):
    args = review_args(tmp_path, "-o", "loop.jsonl")
    (tmp_path / "loop.jsonl").symlink_to("loop.jsonl")
    done = run(tmp_path, *args)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "RuntimeError" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("labeltui: loop.jsonl: is a symbolic link loop"), lines[0]


def test_review_help_says_the_schema_is_required(tmp_path):
    done = run(tmp_path, "review", "--help")
    assert done.returncode == 0
    schema_line = next(x for x in done.stdout.splitlines() if "-s, --schema" in x)
    assert "(required)" in schema_line, schema_line


@needs_tmux
def test_quitting_at_once_leaves_no_empty_gold_file(tmp_path):
    term = Tmux(review_args(tmp_path), tmp_path)
    try:
        term.wait_for("5 of 5 left", "item t")
        assert (tmp_path / "tickets.gold.jsonl").exists()  # opened (and locked) while it runs
        term.send("C-q")
        screen = term.wait_for("EXIT=")
        assert term.exit_status() == 0
    finally:
        term.close()
    assert "0 gold answers saved this session" in screen, screen
    assert not (tmp_path / "tickets.gold.jsonl").exists()


@needs_tmux
def test_a_gold_file_deleted_while_review_runs_is_written_anew_and_said_on_exit(tmp_path):
    gold = tmp_path / "tickets.gold.jsonl"
    term = Tmux(review_args(tmp_path), tmp_path, width=160, height=40)
    try:
        term.wait_for("5 of 5 left", "item t")
        term.send("C-k")  # skip the first item: one gold line
        term.wait_for("4 of 5 left")
        gold.unlink()
        term.send("C-k")  # the store notices, writes the file anew with both lines
        term.wait_for("3 of 5 left")
        time.sleep(0.2)
        term.send("C-q")
        screen = term.wait_for("EXIT=", "gold answers saved")
        assert term.exit_status() == 0
    finally:
        term.close()
    rows = read_lines(gold)
    assert len(rows) == 2 and all(r["_status"] == "skipped" for r in rows)
    flat = " ".join(screen.split())  # the notice wraps at the pane's width
    assert "was deleted while labeltui had it open; it was written again" in flat, screen
    assert "2 gold answers saved this session" in flat, screen


def test_an_error_naming_a_file_prints_escapes_and_newlines_inertly(tmp_path):
    """`errors.report`: a file name with an ESC (a title-setting sequence) or a newline is
    printed with stand-ins on one line; before, the raw ESC reached the terminal."""
    (tmp_path / "schema.yaml").write_text(TRIAGE)
    name = "gone\x1b]0;owned\x07\nnext.jsonl"
    done = run(tmp_path, "review", name, "-s", "schema.yaml", "-a", "lead")
    assert done.returncode == 2, done.stderr
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr, repr(done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "gone␛]0;owned␇⏎next.jsonl" in lines[0], lines[0]
