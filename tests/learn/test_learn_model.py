"""The model and the worker's engine, with the real scikit-learn on a few saves."""

from __future__ import annotations

import math
from array import array

from learn_helpers import PHRASES, TEAMS, write_data

from labeltui.core.learn.model import Model, TaskSpec
from labeltui.core.learn.worker import Engine, Job, Setup, Window

TEAM = TaskSpec("team", "choice", tuple(TEAMS))
TOPICS = TaskSpec("topics", "multi_choice", ("refund", "login", "delivery"))


def test_one_answer_is_not_enough_two_are():
    model = Model([TEAM])
    model.set_example("a", PHRASES["billing"], {"team": "billing"})
    model.set_example("b", PHRASES["billing"] + " again", {"team": "billing"})
    assert not model.fit()
    assert math.isnan(model.score(["anything"])[0][1])
    model.set_example("c", PHRASES["bug"], {"team": "bug"})
    assert model.fit()
    ((suggested, unsure),) = model.score([PHRASES["bug"] + " today"])
    assert suggested["team"][0]["value"] == "bug"
    assert suggested["team"][0]["agent"] == "model"
    assert 0.5 < suggested["team"][0]["score"] <= 1
    assert 0 < unsure < 1


def test_null_and_skipped_answers_teach_nothing():
    model = Model([TEAM])
    model.set_example("a", PHRASES["billing"], {"team": None})
    model.set_example("b", PHRASES["bug"], {"team": "bug"})
    model.set_example("c", PHRASES["bug"], None)  # forgotten
    assert "c" not in model.examples
    assert not model.fit()  # one usable answer


def test_multi_choice_suggests_the_set_in_schema_order_with_its_probability():
    model = Model([TOPICS])
    model.set_example("a", "refund and my delivery", {"topics": ["refund", "delivery"]})
    model.set_example("b", "cannot login", {"topics": ["login"]})
    model.set_example("c", "refund please", {"topics": ["refund"]})
    model.set_example("d", "delivery missing", {"topics": ["delivery"]})
    assert model.fit()
    ((suggested, unsure),) = model.score(["refund for the late delivery"])
    entry = suggested["topics"][0]
    assert entry["value"] == ["refund", "delivery"]
    assert 0 < entry["score"] <= 1 and 0 < unsure < 1


def test_the_engine_scores_only_unanswered_items_of_the_window(tmp_path):
    data, _ = write_data(tmp_path, n=12)
    raw = data.read_bytes().splitlines(keepends=True)
    starts = array("q", [sum(len(line) for line in raw[:i]) for i in range(12)])
    lengths = array("q", [len(line) for line in raw])
    setup = Setup(str(data), "text", "audio", [TEAM], sample=5, answered=["t0", "t1"])
    engine = Engine(setup)
    examples = [
        ("t0", PHRASES["billing"], {"team": "billing"}),
        ("t1", PHRASES["bug"], {"team": "bug"}),
    ]
    window = Window(0, starts.tobytes(), lengths.tobytes())
    engine.apply(Job(1, examples, [("t2", True)], window))
    result = engine.run(Job(1, window=window))
    assert result.error is None and result.fitted_on == 2
    assert result.first_open == 3
    assert sorted(position for position, *_ in result.scored) == [3, 4, 5, 6, 7]  # sample=5
    uncertainties = [unsure for _, _, unsure, _ in result.scored]
    assert uncertainties == sorted(uncertainties, reverse=True)  # most uncertain first
    by_position = {position: (ident, found) for position, ident, _, found in result.scored}
    assert by_position[4][0] == "t4" and by_position[4][1][0][:2] == ("team", "bug")
    # a job without a window scores the one before
    again = engine.run(Job(2))
    assert sorted(position for position, *_ in again.scored) == [3, 4, 5, 6, 7]


def test_the_engine_seeds_from_the_annotators_earlier_lines(tmp_path):
    data, _ = write_data(tmp_path, n=6)
    out = tmp_path / "out.jsonl"
    out.write_text(
        '{"id": "t0", "text": "refund invoice", "labels": {"team": "billing"}, "_id": "t0",'
        ' "_annotator": "ann", "_status": "done"}\n'
        '{"id": "t1", "text": "app crash", "labels": {"team": "bug"}, "_id": "t1",'
        ' "_annotator": "other", "_status": "done"}\n'
        '{"id": "t2", "text": "app crash error", "labels": {"team": "bug"}, "_id": "t2",'
        ' "_annotator": "ann", "_status": "done"}\n'
    )
    setup = Setup(
        str(data), "text", "audio", [TEAM],
        seed={"t0": {"team": "billing"}, "t2": {"team": "bug"}},
        seed_path=str(out), annotator="ann",
    )  # fmt: skip
    engine = Engine(setup)
    assert engine.model.examples == {
        "t0": ("refund invoice", {"team": "billing"}),
        "t2": ("app crash error", {"team": "bug"}),
    }
    assert engine.model.fit()
