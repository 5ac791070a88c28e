"""Suggestions in the session (pre-fill rule, the `more_suggestions` hook, the merged list) and
`--sort suggestions` (least certain first, without a scored suggestion last, ties in file
order), on files the tests build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from core_helpers import write_jsonl

from labeltui.core.items import Item
from labeltui.core.session import Session, open_session
from labeltui.errors import LabeltuiError

SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels: [billing, bug, other]
  - name: topics
    kind: multi_choice
    labels: [refund, crash]
"""


def sug(value: Any, score: float | None = None, agent: str = "rules") -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "agent": agent}
    if score is not None:
        out["score"] = score
    return out


@pytest.fixture
def make(tmp_path: Path):
    opened: list[Session] = []

    def open_(rows: list[dict], **kw: Any) -> Session:
        data = write_jsonl(tmp_path / "data.jsonl", rows)
        schema = tmp_path / "schema.yaml"
        schema.write_text(SCHEMA)
        session = open_session(data, schema, "ann", tmp_path / "out.jsonl", **kw)
        session.index.scan_all()
        opened.append(session)
        return session

    yield open_
    for session in opened:
        session.close()


def test_best_suggestion_prefilled_only_where_labels_has_no_value(make):
    rows = [
        {"id": "a", "text": "x",
         "suggestions": {"team": [sug("bug", 0.4), sug("billing", 0.9)],
                         "topics": [sug(["refund"], 0.7)]}},
        {"id": "b", "text": "y", "labels": {"team": "other", "topics": None},
         "suggestions": {"team": [sug("bug", 0.9)], "topics": [sug(["crash"], 0.6)]}},
    ]  # fmt: skip
    session = make(rows)
    assert session.values() == {"team": "billing", "topics": ["refund"]}
    assert set(session.suggested().prefilled) == {"team", "topics"}
    session.go(1)
    assert session.values() == {"team": "other", "topics": ["crash"]}
    assert set(session.suggested().prefilled) == {"topics"}


def test_no_prefill_over_the_annotators_own_line_even_a_null(make):
    rows = [{"id": "a", "text": "x", "suggestions": {"team": [sug("bug", 0.9)]}},
            {"id": "b", "text": "y"}]  # fmt: skip
    session = make(rows)
    session.save({"team": "other", "topics": []}, status="skipped")
    session.go(0)
    assert session.values() == {"team": "other", "topics": []}
    session.save({"team": None, "topics": []}, status="skipped")
    session.go(0)
    assert session.values()["team"] is None  # their skipped line says nothing: kept
    assert session.suggested().prefilled == {}
    assert session.suggestions()["team"][0]["value"] == "bug"  # still shown


def test_saving_records_the_choice_not_the_suggestion(make, tmp_path):
    rows = [{"id": "a", "text": "x", "suggestions": {"team": [sug("bug", 0.9)]}},
            {"id": "b", "text": "y"}]  # fmt: skip
    session = make(rows)
    values = session.values()
    values["team"] = "other"
    session.save(values)
    saved = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert saved[0]["labels"] == {"team": "other", "topics": None}
    assert saved[0]["suggestions"] == {"team": [sug("bug", 0.9)]}  # input field, unchanged


def test_invalid_or_unscored_suggestions_and_prefill(make):
    rows = [
        {"id": "a", "text": "x", "suggestions": {"team": [sug("nope", 0.99), sug("bug")]}},
        {"id": "b", "text": "y", "suggestions": {"team": [sug("nope", 0.99)]}},
    ]
    session = make(rows)
    assert session.values()["team"] == "bug"  # unscored but valid beats an unknown label
    merged = session.suggestions()["team"]
    assert [m["value"] for m in merged] == ["bug", "nope"]
    assert "not a label" in merged[1]["problem"] and "problem" not in merged[0]
    session.go(1)
    assert session.values()["team"] is None  # nothing valid to pre-fill: nothing


def test_wrong_shape_is_shown_inertly_and_prefills_nothing(make):
    rows = [{"id": "a", "text": "x", "suggestions": {"team": [{"value": "bug", "score": 7}]}}]
    session = make(rows)
    assert session.values() == {"team": None, "topics": None}
    error = session.suggested().error
    assert error == (
        "suggestions ignored: data.jsonl:1: suggestions.team[0].score must be from 0 to 1, not 7"
    )


class Learned(Session):
    """What `annotate --learn` does: a `model` suggestion added to the dataset's."""

    def more_suggestions(self, item: Item) -> dict[str, list[dict[str, Any]]]:
        return {"team": [sug("other", 0.95, "model")]}


def test_more_suggestions_hook_is_merged_and_can_win(make):
    rows = [{"id": "a", "text": "x", "suggestions": {"team": [sug("bug", 0.9)]}},
            {"id": "b", "text": "y", "suggestions": {"team": "broken"}}]  # fmt: skip
    plain = make(rows)
    assert Session.more_suggestions(plain, plain.item()) == {}
    session = Learned(index=plain.index, schema=plain.schema, store=plain.store)
    assert session.values()["team"] == "other"
    merged = session.suggestions()["team"]
    assert [(m["value"], m["agent"]) for m in merged] == [("other", "model"), ("bug", "rules")]
    session.go(1)  # the dataset's field is broken: the model's still counts
    assert session.values()["team"] == "other"
    assert session.suggested().error is not None


# -- --sort suggestions ------------------------------------------------------------------------

SORT_ROWS = [
    {"id": "none", "text": "x"},
    {"id": "sure", "text": "x", "suggestions": {"team": [sug("bug", 0.95)]}},
    {"id": "unsure", "text": "x", "suggestions": {"team": [sug("bug", 0.4), sug("other", 0.35)]}},
    {"id": "unscored", "text": "x", "suggestions": {"team": [sug("bug")]}},
    {"id": "tie1", "text": "x", "suggestions": {"team": [sug("bug", 0.7)]}},
    {"id": "two", "text": "x",
     "suggestions": {"team": [sug("bug", 0.99)], "topics": [sug(["crash"], 0.5)]}},
    {"id": "tie2", "text": "x", "suggestions": {"team": [sug("other", 0.7)]}},
    {"id": "badlabel", "text": "x", "suggestions": {"team": [sug("nope", 0.01)]}},
]  # fmt: skip


def order(session: Session) -> list[str]:
    return [session.index.item(i).id for i in range(len(session.index))]


def test_sort_suggestions_least_certain_first_without_scored_last(make):
    session = make(SORT_ROWS, sort="suggestions")
    assert order(session) == [
        "unsure", "two", "tie1", "tie2", "sure", "none", "unscored", "badlabel"
    ]  # fmt: skip
    assert session.position == 0  # resumed at the least certain item


def test_sort_minus_suggestions_most_certain_first(make):
    session = make(SORT_ROWS, sort="-suggestions")
    assert order(session)[:5] == ["sure", "tie1", "tie2", "two", "unsure"]
    assert order(session)[5:] == ["none", "unscored", "badlabel"]


def test_sort_suggestions_wrong_shape_refuses_with_file_and_line(make, tmp_path):
    rows = [*SORT_ROWS[:3], {"id": "bad", "text": "x", "suggestions": {"team": [{"score": 1}]}}]
    with pytest.raises(LabeltuiError) as caught:
        make(rows, sort="suggestions")
    assert str(caught.value) == (f"{tmp_path / 'data.jsonl'}:4: suggestions.team[0] has no 'value'")
    assert not (tmp_path / "out.jsonl").exists()


def test_sort_suggestions_with_none_scored_says_why(make):
    with pytest.raises(LabeltuiError) as caught:
        make([{"id": "a", "text": "x"}, {"id": "b", "text": "y"}], sort="suggestions")
    assert "--sort suggestions: none of the 2 items has a scored suggestion" in str(caught.value)


def test_annotate_sort_suggestions_bad_line_subprocess(tmp_path):
    """The command line: one plain line, exit 2, no traceback, no annotation file."""
    rows = [SORT_ROWS[1], {"id": "bad", "text": "x", "suggestions": ["bug"]}]
    data = write_jsonl(tmp_path / "data.jsonl", rows)
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    done = subprocess.run(
        [sys.executable, "-m", "labeltui", "annotate", str(data), "-s", "schema.yaml",
         "-a", "ann", "--sort", "suggestions"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"labeltui: {data}:2: 'suggestions' must be an object of task names to lists of "
        "{value, score, agent}, not ['bug']"
    ]
    assert not (tmp_path / "data.ann.jsonl").exists()


def test_sample_suggest_dataset_is_its_recipe_and_sorts(tmp_path):
    """sample_data/tickets-suggest.jsonl is what its rules file's recipe makes, and opens with
    `--sort suggestions` on its least certain ticket."""
    sample = Path(__file__).resolve().parents[2] / "sample_data"
    head = tmp_path / "t40.jsonl"
    head.write_bytes(b"".join((sample / "tickets.jsonl").read_bytes().splitlines(True)[:40]))
    made = tmp_path / "made.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "labeltui", "suggest", str(head),
         "-s", str(sample / "tickets.schema.yaml"),
         "-r", str(sample / "tickets-suggest.rules.yaml"), "-o", str(made)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert made.read_bytes() == (sample / "tickets-suggest.jsonl").read_bytes()
    session = open_session(made, sample / "tickets.schema.yaml", "ann", tmp_path / "o.jsonl",
                           sort="suggestions")  # fmt: skip
    try:
        scores = [
            found[0]["score"]
            if (found := session.suggestions(session.index.item(i)).get("team"))
            else None
            for i in range(len(session.index))
        ]
    finally:
        session.close()
    scored = [s for s in scores if s is not None]
    assert scored == sorted(scored) and scored[0] < 1.0 and len(scored) >= 10
    assert scores[: len(scored)] == scored  # the unsuggested tickets last
