"""`labeltui annotate --learn` from the command line: its refusals are one line (exit 2, no
traceback, no file made), and in tmux the real command spawns its model process, shows the
model's suggestion pre-filled after a few answers, and saves only what the annotator confirmed."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from learn_helpers import read_lines, team_of, write_data

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from tmux_driver import Tmux, needs_tmux

KEYS = {"billing": "1", "bug": "2", "shipping": "3"}


def labeltui(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labeltui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


REFUSALS = [
    (["--learn", "--uncertainty", "surprise"], "surprise"),
    (["--uncertainty", "margin"], "--uncertainty goes with --learn"),
    (["--learn", "--gold", "gold.jsonl", "--gold-every", "3"], "--learn does not go with --gold"),
    (["--learn", "--gold-every", "3"], "--gold and --gold-every go together"),
]


@pytest.mark.parametrize(
    "extra,said", REFUSALS, ids=lambda x: " ".join(x) if isinstance(x, list) else ""
)
def test_refusals_are_one_line(tmp_path, extra, said):
    write_data(tmp_path, 6)
    done = labeltui(["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann", *extra], tmp_path)
    assert done.returncode == 2, done.stderr
    assert said in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "data.ann.jsonl").exists()


def test_learn_does_not_go_with_db(tmp_path):
    done = labeltui(["annotate", "--db", "postgresql://u:secret@127.0.0.1:9/x", "-p", "p",
                     "--learn"], tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert "--learn cannot go with --db" in done.stderr
    assert "secret" not in done.stderr and "Traceback" not in done.stderr


def test_a_spans_only_schema_is_refused(tmp_path):
    from learn_helpers import SPANS_ONLY

    write_data(tmp_path, 6, SPANS_ONLY)
    done = labeltui(["annotate", "data.jsonl", "-s", "schema.yaml", "--learn"], tmp_path)
    assert done.returncode == 2 and "needs a choice or multi_choice task" in done.stderr


SHOWN = re.compile(r"\(ticket (\d+),")
MODEL_LINE = re.compile(r"pre-filled: (\w+) (0\.\d\d|1\.00) model")


@pytest.mark.e2e
@needs_tmux
def test_tmux_model_suggestion_appears_and_enter_saves_it(tmp_path):
    write_data(tmp_path, 40)
    t = Tmux(["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann", "--learn"], tmp_path)
    try:
        pressed = {}
        for _ in range(3):  # three different answers: the model can fit
            ident = "t" + SHOWN.search(t.wait_for("(ticket ", "ann")).group(1)
            pressed[ident] = team_of(ident)
            t.send(KEYS[team_of(ident)])
            t.wait_for(f"done {len(pressed)} ")
        # The model's process starts (importing scikit-learn) and fits; its results are taken
        # when the annotator moves, so move on (pagedown saves nothing) until one shows.
        deadline = time.monotonic() + 60
        found = None
        while time.monotonic() < deadline and found is None:
            t.send("PageDown")
            time.sleep(0.5)
            screen = t.screen()
            found = MODEL_LINE.search(screen)
        assert found is not None, t.screen()
        screen = t.screen()
        shown = "t" + SHOWN.search(screen).group(1)
        t.send("Enter")
        t.wait_for("done 4 ")
        t.send("C-q")
        assert t.exit_status() == 0
    finally:
        t.close()
    lines = read_lines(tmp_path / "data.ann.jsonl")
    saved = {line["_id"]: line["labels"]["team"] for line in lines}
    assert saved == {**pressed, shown: found.group(1)}
    assert all(line["_status"] == "done" and "suggestions" not in line for line in lines)
