"""The real `labeltui annotate` in tmux: keys typed into a terminal, the file checked after.

These are the tests closest to a person at a keyboard: the terminal sends real escape
sequences, Textual parses them, the app saves, and the annotation file on disk is what counts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tmux_driver import needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]

TRIAGE = """\
instructions: |
  Pick the team that should handle the ticket. ZEBRA-GUIDELINE-7 applies.
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1", hint: invoices}
      - {name: bug, key: "2"}
      - {name: other, key: "3"}
"""

MULTI = """\
tasks:
  - name: topics
    kind: multi_choice
    labels:
      - {name: refund, key: r}
      - {name: login, key: l}
      - {name: delivery, key: d}
  - name: urgency
    kind: choice
    labels:
      - {name: low, key: "1"}
      - {name: high, key: "2"}
"""

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def write(folder: Path, rows: list[dict], schema: str) -> tuple[Path, Path]:
    data = folder / "data.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    (folder / "schema.yaml").write_text(schema)
    return data, folder / "schema.yaml"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def tickets(n: int) -> list[dict]:
    return [
        {"id": f"t{i}", "text": f"ticket number {i} body", "channel": "email"} for i in range(n)
    ]


def test_triage_keys_save_and_advance_then_reopening_resumes(tmp_path, tmux_factory):
    write(tmp_path, tickets(6), TRIAGE)
    args = ["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"]
    t = tmux_factory(args, tmp_path)
    t.wait_for("ticket number 0 body")
    for key, shown_next in (("1", "ticket number 1"), ("2", "ticket number 2")):
        t.send(key)
        t.wait_for(shown_next)
    t.send("3")
    t.wait_for("ticket number 3")
    t.send("C-q")
    assert t.exit_status() == 0
    assert "3 annotations saved this session to" in t.screen()

    out = tmp_path / "data.ann.jsonl"
    saved = lines(out)
    assert [r["labels"] for r in saved] == [{"team": "billing"}, {"team": "bug"}, {"team": "other"}]
    assert [r["_id"] for r in saved] == ["t0", "t1", "t2"]
    for r in saved:
        assert r["_annotator"] == "ann" and r["_status"] == "done"
        assert TS.match(r["_ts"]) and isinstance(r["_ms"], int)
        assert r["channel"] == "email" and r["text"].startswith("ticket number")

    # Reopen: the first item without an annotation is shown, at position 4 of 6.
    t2 = tmux_factory(args, tmp_path)
    screen = t2.wait_for("ticket number 3 body")
    assert re.search(r"\b4/6\b", t2.wait_for("4/6"))
    assert "done 3" in screen or "done 3" in t2.wait_for("done 3")
    t2.send("1")
    t2.wait_for("ticket number 4")
    t2.send("C-q")
    assert t2.exit_status() == 0
    assert [r["_id"] for r in lines(out)] == ["t0", "t1", "t2", "t3"]


def test_multi_choice_skip_and_undo_in_the_real_app(tmp_path, tmux_factory):
    write(tmp_path, tickets(4), MULTI)
    t = tmux_factory(["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"], tmp_path)
    t.wait_for("ticket number 0")
    t.send("d")
    t.send("r")  # toggled in any order; saved in schema order
    t.send("2")
    t.wait_for("(•) high")
    t.send("Enter")
    t.wait_for("ticket number 1")
    t.send("C-k")  # skip
    t.wait_for("ticket number 2")
    t.send("l")
    t.send("1")  # urgency is a required choice: enter saves only with an answer
    t.send("Enter")
    t.wait_for("ticket number 3")
    t.send("C-z")  # undo the last save: back to item 2 with its previous value (none)
    t.wait_for("ticket number 2")
    t.send("C-q")
    assert t.exit_status() == 0
    saved = lines(tmp_path / "data.ann.jsonl")
    assert [(r["_id"], r["_status"]) for r in saved] == [("t0", "done"), ("t1", "skipped")]
    assert saved[0]["labels"] == {"topics": ["refund", "delivery"], "urgency": "high"}
    assert saved[1]["labels"] == {"topics": [], "urgency": None}


def test_markup_and_escape_sequences_in_the_text_are_shown_literally(tmp_path, tmux_factory):
    text = "[bold red]x[/] then \x1b[2J and \x1b[31mred\x1b[0m end-of-text"
    write(tmp_path, [{"id": "a", "text": text}, {"id": "b", "text": "second"}], TRIAGE)
    t = tmux_factory(["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"], tmp_path)
    t.wait_for("end-of-text")
    screen = t.wait_for("billing")  # the whole first screen: the labels come with the text
    assert "[bold red]x[/]" in screen
    assert "␛[2J" in screen and "␛[31mred␛[0m" in screen
    # The screen was not cleared by the text: the header and the labels are still there.
    assert "item a" in screen and "billing" in screen
    t.send("C-q")
    assert t.exit_status() == 0


def test_help_at_80x24_lists_keys_and_instructions(tmp_path, tmux_factory):
    write(tmp_path, tickets(2), TRIAGE)
    t = tmux_factory(["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"], tmp_path, 80, 24)
    t.wait_for("ticket number 0")
    t.send("?")
    screen = t.wait_for("esc or ? closes", "billing — invoices", "esc Close")
    rows = screen.splitlines()
    assert rows[0].strip() == "esc or ? closes · ↑↓ pgup pgdn scroll · g guidelines"
    assert rows[1].strip() == "team (choice) keys"  # the task's keys first
    assert rows[-1].strip() == "esc Close ↑ ↓ pgup pgdn Scroll g Guidelines"  # help's own
    for key_text in ("PgDn", "^k", "^z", "Skip", "Undo"):
        assert key_text in screen, key_text
    assert "ZEBRA-GUIDELINE-7" not in screen  # the guidelines are one key away
    t.send("g")
    t.wait_for("ZEBRA-GUIDELINE-7")
    t.send("g")  # back to the keys
    t.wait_for("billing — invoices")
    t.send("Escape")
    t.wait_gone("esc or ? closes")
    t.wait_for("ticket number 0")
    t.send("C-q")
    assert t.exit_status() == 0
