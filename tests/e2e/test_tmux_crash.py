"""kill -9 the real app at different moments: nothing confirmed is lost, every line parses.

A save is confirmed when the screen has moved on to the next item (the line is fsynced before
the app shows it). After each SIGKILL the file must hold every confirmed item, only whole JSON
lines, and reopening must resume at the first item without an annotation.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time

import pytest
from test_tmux_annotate import TRIAGE, tickets, write
from tmux_driver import needs_tmux, pid_alive

pytestmark = [pytest.mark.e2e, needs_tmux]

ARGS = ["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"]


def parsed(path) -> list[dict]:
    """Every line of the file as JSON; fails on a torn or partial line."""
    raw = path.read_bytes()
    assert raw == b"" or raw.endswith(b"\n"), "the file ends inside a line"
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


def position(screen: str) -> int:
    match = re.search(r"\b(\d+)/~?\d+\b", screen)
    assert match, screen
    return int(match.group(1))


def kill(t) -> None:
    pid = t.app_pid()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    t.exit_status()  # the shell saw it die


def test_sigkill_at_three_moments_loses_nothing_confirmed(tmp_path, tmux_factory):
    write(tmp_path, tickets(60), TRIAGE)
    out = tmp_path / "data.ann.jsonl"
    confirmed: dict[str, str] = {}

    # 1. Right after a confirmed save.
    t = tmux_factory(ARGS, tmp_path)
    t.wait_for("ticket number 0 body")
    t.send("1")
    t.wait_for("ticket number 1 body")
    confirmed["t0"] = "billing"
    kill(t)
    assert {r["_id"]: r["labels"]["team"] for r in parsed(out)} == confirmed

    # 2. In the middle of a burst of keys: whatever the screen reached is on disk.
    t = tmux_factory(ARGS, tmp_path)
    t.wait_for("ticket number 1 body")
    t.send(*["2"] * 15)
    time.sleep(0.15)
    shown = position(t.screen())
    kill(t)
    saved = {r["_id"]: r["labels"]["team"] for r in parsed(out)}
    for i in range(1, shown - 1):  # items before the one on screen were confirmed
        confirmed[f"t{i}"] = "bug"
    assert confirmed.items() <= saved.items()
    assert set(saved) <= {f"t{i}" for i in range(16)}

    # 3. While the app is idle on a reopened session: then reopen once more and check resume.
    t = tmux_factory(ARGS, tmp_path)
    first_open = len(saved)
    t.wait_for(f"ticket number {first_open} body")
    t.send("3")
    t.wait_for(f"ticket number {first_open + 1} body")
    confirmed[f"t{first_open}"] = "other"
    time.sleep(0.3)
    kill(t)
    saved = {r["_id"]: r["labels"]["team"] for r in parsed(out)}
    assert confirmed.items() <= saved.items()
    assert all(r["_annotator"] == "ann" and r["_status"] == "done" for r in parsed(out))

    t = tmux_factory(ARGS, tmp_path)
    t.wait_for(f"ticket number {len(saved)} body")
    assert position(t.screen()) == len(saved) + 1
    t.send("C-q")
    assert t.exit_status() == 0
    assert not (tmp_path / "data.ann.jsonl.torn").exists()
