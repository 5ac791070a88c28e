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
import threading
import time
from pathlib import Path

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


def position(screen: str, default: int | None = None) -> int:
    """The item number in the status line (`default`, if given, when a half-drawn frame has
    no status line yet)."""
    match = re.search(r"\b(\d+)/~?\d+\b", screen)
    if match is None and default is not None:
        return default
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
    t.wait_for("ticket number 0 body", "done ")
    t.send("1")
    t.wait_for("ticket number 1 body", "done ")
    confirmed["t0"] = "billing"
    kill(t)
    assert {r["_id"]: r["labels"]["team"] for r in parsed(out)} == confirmed

    # 2. In the middle of a burst of keys: whatever the screen reached is on disk.
    t = tmux_factory(ARGS, tmp_path)
    t.wait_for("ticket number 1 body", "done ")
    t.send(*["2"] * 15)
    time.sleep(0.15)
    shown = position(t.wait_for("done "))
    kill(t)
    saved = {r["_id"]: r["labels"]["team"] for r in parsed(out)}
    for i in range(1, shown - 1):  # items before the one on screen were confirmed
        confirmed[f"t{i}"] = "bug"
    assert confirmed.items() <= saved.items()
    assert set(saved) <= {f"t{i}" for i in range(16)}

    # 3. While the app is idle on a reopened session: then reopen once more and check resume.
    t = tmux_factory(ARGS, tmp_path)
    first_open = len(saved)
    t.wait_for(f"ticket number {first_open} body", "done ")
    t.send("3")
    t.wait_for(f"ticket number {first_open + 1} body", "done ")
    confirmed[f"t{first_open}"] = "other"
    time.sleep(0.3)
    kill(t)
    saved = {r["_id"]: r["labels"]["team"] for r in parsed(out)}
    assert confirmed.items() <= saved.items()
    assert all(r["_annotator"] == "ann" and r["_status"] == "done" for r in parsed(out))

    t = tmux_factory(ARGS, tmp_path)
    screen = t.wait_for(f"ticket number {len(saved)} body", "done ")
    assert position(screen) == len(saved) + 1
    t.send("C-q")
    assert t.exit_status() == 0
    assert not (tmp_path / "data.ann.jsonl.torn").exists()


def test_sigkill_during_a_burst_of_20_keys(tmp_path, tmux_factory):
    """Twenty label keys in one burst, SIGKILL while the app works through them.

    The position on screen just before the kill is a lower bound: every item before it was
    confirmed. The app may have saved a few more than it drew (a save comes before its frame),
    so the count is at least that and at most the keys sent, always the first items in order.
    """
    write(tmp_path, tickets(40), TRIAGE)
    out = tmp_path / "data.ann.jsonl"
    t = tmux_factory(ARGS, tmp_path)
    t.wait_for("ticket number 0 body", "done ")
    pane_pid = int(t.tmux("list-panes", "-t", "e2e", "-F", "#{pane_pid}").split()[0])
    pid = t.app_pid()
    assert pid != pane_pid and pid_alive(pid)
    assert b"labeltui" in Path(f"/proc/{pid}/cmdline").read_bytes()
    # The keys go one `send-keys` at a time (a fast typist, ~200 keys/s), so the kill lands
    # in the middle of the burst rather than before or after it.
    killed = threading.Event()

    def typist() -> None:
        for _ in range(20):
            if killed.is_set():
                return
            t.send("1")

    sender = threading.Thread(target=typist)
    sender.start()
    shown = 1
    deadline = time.monotonic() + 10
    while shown < 6 and time.monotonic() < deadline:
        shown = position(t.screen(), default=shown)
    os.kill(pid, signal.SIGKILL)
    killed.set()
    sender.join()
    assert t.exit_status() == 128 + signal.SIGKILL

    saved = parsed(out)
    n = len(saved)
    assert shown - 1 <= n <= 20, (shown, n)
    assert [r["_id"] for r in saved] == [f"t{i}" for i in range(n)]
    assert all(r["labels"] == {"team": "billing"} and r["_status"] == "done" for r in saved)

    t = tmux_factory(ARGS, tmp_path)
    screen = t.wait_for(f"ticket number {n} body", "done ")
    assert position(screen) == n + 1
    t.send("C-q")
    assert t.exit_status() == 0
    assert len(parsed(out)) == n
