"""LearnSession: the model's suggestions, the queue by uncertainty, moving back, undo, the
refusals of open_learn_session, and a worker process that fits and leaves nothing behind."""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from learn_helpers import MULTI, SPANS_ONLY, TRIAGE, team_of, write_data

from labeltui.core.learn_session import LearnSession, open_learn_session
from labeltui.errors import LabeltuiError


@pytest.fixture
def opened():
    sessions: list[LearnSession] = []
    yield sessions
    for session in sessions:
        session.close()


def open_inline(tmp_path, opened, n=60, schema=TRIAGE, **kw) -> LearnSession:
    data, schema_path = write_data(tmp_path, n, schema)
    session = open_learn_session(
        data, schema_path, "ann", tmp_path / "out.jsonl", inline=True, **kw
    )
    session.index.scan_all()
    opened.append(session)
    return session


def label_shown(session: LearnSession) -> str:
    team = team_of(session.item().id)
    session.save({"team": team})
    return team


def test_before_two_answers_it_moves_as_usual(tmp_path, opened):
    session = open_inline(tmp_path, opened)
    label_shown(session)
    assert session.position == 1
    assert session.more_suggestions(session.item()) == {}
    assert session.model_status().startswith("model: learning")


def test_after_a_save_the_next_item_is_the_most_uncertain_scored_one(tmp_path, opened):
    session = open_inline(tmp_path, opened)
    for _ in range(3):  # billing, bug, shipping
        label_shown(session)
    assert session.fitted_on == 3
    assert len(session._model) == 57  # every item without a line (the window holds them all)
    label_shown(session)  # save, then move (inline: by the model of the 4 saves already)
    scored = dict(session._model)
    assert len(scored) == 56
    unanswered = {i: u for i, (u, _) in scored.items() if not session.store.is_done(i)}
    most = max(unanswered, key=lambda i: unanswered[i])
    assert session.item().id == most
    assert session.position != 4  # not simply the next line
    # the model's suggestion is there, pre-filled, for the item shown
    suggested = session.more_suggestions(session.item())["team"][0]
    assert suggested["agent"] == "model" and 0 < suggested["score"] <= 1
    assert session.values()["team"] == suggested["value"]


def test_strategy_changes_the_order(tmp_path, opened):
    session = open_inline(tmp_path, opened, strategy="margin")
    for _ in range(3):
        label_shown(session)
    assert session.strategy == "margin"
    assert session.learner.engine.model.strategy == "margin"


def test_previous_goes_back_to_the_item_shown_before(tmp_path, opened):
    session = open_inline(tmp_path, opened)
    shown = []
    for _ in range(4):
        shown.append(session.item().id)
        label_shown(session)
    assert shown != ["t0", "t1", "t2", "t3"]  # the queue jumped
    for ident in reversed(shown):  # back through what was shown, not the lines above
        assert session.previous()
        assert session.item().id == ident
    assert not session.previous()  # on t0, nothing above it


def test_answered_items_get_no_model_suggestion_and_undo_forgets_the_save(tmp_path, opened):
    session = open_inline(tmp_path, opened)
    shown = []
    for _ in range(3):
        shown.append(session.item().id)
        label_shown(session)
    model = session.learner.engine.model
    assert set(model.examples) == set(shown)
    assert session.undo()
    assert set(model.examples) == set(shown[:2])
    assert session.item().id == shown[2] and not session.store.is_done(shown[2])
    session.save({"team": "bug"}, status="skipped")
    assert shown[2] not in model.examples  # a skip teaches nothing
    first = session.index.item(0)
    assert session.store.is_done(first.id)
    assert session.more_suggestions(first) == {}


def test_multi_choice_items_get_a_set_suggestion(tmp_path, opened):
    session = open_inline(tmp_path, opened, schema=MULTI)
    answers = [["refund"], ["login"], ["delivery"], ["refund", "delivery"]]
    for value in answers:
        session.save({"topics": value})
    shown = session.more_suggestions(session.item())["topics"][0]
    assert isinstance(shown["value"], list) and shown["agent"] == "model"


def test_refusals_are_one_line_and_leave_no_file(tmp_path, monkeypatch):
    data, schema = write_data(tmp_path, 5, SPANS_ONLY)
    out = tmp_path / "out.jsonl"
    with pytest.raises(LabeltuiError, match="needs a choice or multi_choice task"):
        open_learn_session(data, schema, "ann", out)
    schema.write_text(TRIAGE)
    with pytest.raises(LabeltuiError, match="does not go with --gold"):
        open_learn_session(data, schema, "ann", out, gold=data)
    with pytest.raises(LabeltuiError, match="unknown uncertainty measure 'variance'"):
        open_learn_session(data, schema, "ann", out, strategy="variance")
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "sklearn" else real(name, *a)
    )
    with pytest.raises(LabeltuiError, match=r"install labeltui\[learn\]"):
        open_learn_session(data, schema, "ann", out)
    assert not out.exists()


def test_the_worker_process_fits_returns_suggestions_and_closes(tmp_path):
    data, schema = write_data(tmp_path, 30)
    session = open_learn_session(data, schema, "ann", tmp_path / "out.jsonl")
    try:
        session.index.scan_all()
        process = session.learner.process
        pid = process.pid
        assert process.is_alive() and pid != os.getpid()
        for _ in range(3):
            label_shown(session)
        assert session.wait_for_model(timeout=30), session.learn_error
        assert session.fitted_on == 3 and session.learn_error is None
        assert len(session._model) == 27
        ident, (_, found) = next(iter(session._model.items()))
        assert found[0][0] == "team" and found[0][1] == team_of(ident)
    finally:
        session.close()
    assert multiprocessing.active_children() == []
    with pytest.raises(ProcessLookupError):  # gone, and reaped (no zombie either)
        os.kill(pid, 0)


SCRIPT = """
import sys
import time
from pathlib import Path
from labeltui.core.learn_session import open_learn_session
session = open_learn_session(sys.argv[1], sys.argv[2], "ann", sys.argv[3])
session.index.scan_all()
for team in ("billing", "bug", "shipping"):
    session.save({"team": team})
assert session.wait_for_model(timeout=30), session.learn_error
assert session._model, "no scores"
print("sklearn" in sys.modules, sorted(m for m in sys.modules if m.startswith(("textual", "rich"))))
session.close()
"""


def test_the_session_process_never_imports_scikit_learn_or_the_ui(tmp_path):
    """The model lives in the worker: the app's process loads neither scikit-learn nor, from
    the core, any UI (a command line starting from `python -c`, as spawn must handle)."""
    data, schema = write_data(tmp_path, 20)
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data), str(schema), str(tmp_path / "out.jsonl")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "[]"]
    assert run.stderr == ""


ORPHAN = """
import sys, time
from labeltui.core.learn_session import open_learn_session
session = open_learn_session(sys.argv[1], sys.argv[2], "ann", sys.argv[3])
print(session.learner.process.pid, flush=True)
time.sleep(60)
"""


def test_a_killed_session_leaves_no_worker_behind(tmp_path):
    data, schema = write_data(tmp_path, 10)
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN, str(data), str(schema), str(tmp_path / "out.jsonl")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        worker = int(parent.stdout.readline())
        os.kill(worker, 0)  # running
    finally:
        parent.kill()  # kill -9: no close, no atexit
        parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{worker}/stat").read_text().split()[2] == "Z":
            break  # exited; reaped by init in due course
        time.sleep(0.1)
    else:
        os.kill(worker, 9)
        pytest.fail("the worker outlived its session")
