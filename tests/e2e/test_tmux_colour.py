"""Colours that keep their meaning with 8 and 16 colours (TERM=xterm) and without colour."""

from __future__ import annotations

import json
import re

import pytest
from tmux_driver import needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]

SCHEMA = "tasks:\n  - name: team\n    kind: choice\n    labels: [billing, bug, other]\n"
RED = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:31|91)m")


def start(tmp_path, tmux_factory, env):
    rows = [{"id": f"t{i}", "text": f"ticket number {i} body"} for i in range(3)]
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    args = ["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"]
    t = tmux_factory(args, tmp_path, 80, 24, env=env)
    t.wait_for("ticket number 0 body", "billing", "Quit", "pgdn Next")
    return t


def test_eight_colours_show_no_red_on_a_screen_without_errors(tmp_path, tmux_factory):
    t = start(tmp_path, tmux_factory, {"TERM": "xterm", "COLORTERM": ""})
    coloured = t.tmux("capture-pane", "-p", "-e", "-t", "e2e")
    assert "\x1b[" in coloured  # colours are on at all
    assert not RED.search(coloured), coloured
    t.send("C-q")
    assert t.exit_status() == 0


def test_no_color_still_marks_the_focus_selection_and_keys(tmp_path, tmux_factory):
    t = start(tmp_path, tmux_factory, {"NO_COLOR": "1"})
    plain = t.wait_for("▌", "pgdn Next")  # the focused task's bar reads without colour
    assert "( ) billing" in plain and "? All keys" in plain
    t.send("C-q")
    assert t.exit_status() == 0
