"""End to end: the real `labeltui review` in tmux reviews three annotators' files.

The keys go through a terminal as a user types them: `M-2` is ESC then `2` (alt+2), `C-a` then
`1` the prefix form. The gold file is checked after `ctrl+q`. The app's stderr is never
redirected (Textual draws on it).
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from review_helpers import read_lines, triage_files, write_schema

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

LABELTUI = Path(sys.executable).parent / "labeltui"


class Tmux:
    """One tmux server on its own socket, one session of a fixed size."""

    def __init__(self, command: str, cwd: Path) -> None:
        self.socket = f"labeltui-review-{uuid.uuid4().hex[:8]}"
        env_cmd = f"cd {shlex.quote(str(cwd))} && {command}; echo EXIT=$?; sleep 60"
        self.tmux("new-session", "-d", "-s", "r", "-x", "100", "-y", "30", env_cmd)
        self.path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return out.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "r")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "r", key)
            time.sleep(0.15)  # ESC+digit must arrive as one sequence, and keys in order

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        if self.path.name == self.socket:  # tmux leaves its socket file behind
            self.path.unlink(missing_ok=True)


def test_review_three_annotators_in_a_terminal(tmp_path):
    files = triage_files(tmp_path)
    schema = write_schema(tmp_path)
    names = " ".join(shlex.quote(f.name) for f in files)
    command = f"{shlex.quote(str(LABELTUI))} review {names} --schema {schema.name} -a lead"
    term = Tmux(command, tmp_path)
    try:
        screen = term.wait_for("2 of 2 left")
        # the most disagreement first: t2, every annotator a different team, each marked
        assert "item t2" in screen
        for name, team in (("ann", "billing"), ("bob", "bug"), ("cy", "shipping")):
            row = next(r for r in screen.splitlines() if f" {name} " in r and "alt+" in r)
            assert "≠" in row and team in row
        term.keys("M-2")  # alt+2: bob's answer
        term.wait_for("_from: bob")
        term.keys("Enter")
        screen = term.wait_for("1 of 2 left")
        assert "item t1" in screen
        term.keys("C-a", "3")  # ctrl+a then 3: cy's answer (3 is also a label key)
        term.wait_for("_from: ann, cy")
        term.keys("Enter")
        term.wait_for("0 of 2 left")
        term.keys("C-q")
        screen = term.wait_for("EXIT=0")
        assert "2 gold answers saved this session" in screen
    finally:
        term.close()
    gold = read_lines(tmp_path / "tickets.gold.jsonl")
    assert [(g["_id"], g["labels"], g["_from"], g["_annotator"]) for g in gold] == [
        ("t2", {"team": "bug"}, ["bob"], "lead"),
        ("t1", {"team": "bug"}, ["ann", "cy"], "lead"),
    ]
    assert all(g["_status"] == "done" and g["channel"] == "email" for g in gold)
