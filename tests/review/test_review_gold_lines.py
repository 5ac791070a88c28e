"""Review's gold lines (issue 13, Answers item 5): every line carries `_from`; the gold store
replays only its reviewer's `_from` lines; `_from` credits exactly the annotators whose answer
was saved; a wrong-typed answer in an annotation file is refused with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import MARKS, MIXED, TRIAGE, line, read_lines, write_lines, write_schema

from labeltui.core.review.load import load_review
from labeltui.core.review.session import check_answers, open_review
from labeltui.core.schema import load_schema
from labeltui.ui.app import make_review_app
from labeltui.ui.widgets.choice_editor import ChoiceEditor

MULTI = """\
tasks:
  - name: tags
    kind: multi_choice
    labels:
      - {name: urgent, key: u}
      - {name: refund, key: r}
"""


def gold(tmp_path: Path) -> list[dict]:
    path = tmp_path / "gold.jsonl"
    return read_lines(path) if path.exists() else []


# -- every gold line carries _from --------------------------------------------------------------


def test_every_line_review_writes_carries_from(triage, make_review, tmp_path):
    files, schema = triage
    review = make_review(files, schema, only_disagreements=False)
    assert review.item().id == "t2"
    assert review.save({"team": "bug"}) == ["bob"]  # an annotator's answer
    assert review.save({"team": "shipping"}) == []  # t1: nobody's answer (edited)
    assert review.item().id == "t0"  # everyone said billing
    assert review.save({"team": "billing"}, status="skipped") == []  # a skip credits nobody
    lines = gold(tmp_path)
    assert [g["_status"] for g in lines] == ["done", "done", "skipped"]
    assert [g["_from"] for g in lines] == [["bob"], [], []]
    assert all(g["_annotator"] == "lead" for g in lines)


def test_a_skip_credits_nobody_even_when_the_labels_match_an_answer(triage, make_review, tmp_path):
    files, schema = triage
    review = make_review(files, schema)
    assert review.values() == {"team": "billing"}  # ann's answer, shown first
    review.save(review.values(), status="skipped")
    assert gold(tmp_path)[0]["_from"] == []


# -- reopening: only the reviewer's own `_from` lines are reviews --------------------------------


def test_the_reviewers_own_annotations_in_the_gold_file_are_not_reviews(triage, tmp_path):
    files, schema = triage
    out = tmp_path / "shared.jsonl"
    write_lines(
        out,
        [
            line("t2", "lead", {"team": "bug"}),  # lead annotated t2 (no _from): not a review
            {**line("t1", "lead", {"team": "bug"}), "_from": ["ann", "cy"]},  # lead reviewed t1
            {**line("t2", "boss", {"team": "bug"}), "_from": ["bob"]},  # another reviewer
        ],
    )
    review = open_review(load_review(files, load_schema(schema)), files, "lead", out)
    try:
        assert review.status(review.queue[0]) is None  # t2: lead's annotation and boss's gold
        assert {item.id: review.status(item) for item in review.queue} == {
            "t2": None,
            "t1": "done",
        }
        assert review.remaining() == 1 and review.item().id == "t2"
        assert review.values() == {"team": "billing"}  # the majority rule, not lead's own line
        assert review.save({"team": "bug"}) == ["bob"]
        assert review.remaining() == 0
    finally:
        review.close()
    rows = read_lines(out)
    assert len(rows) == 4 and rows[-1]["_from"] == ["bob"] and rows[-1]["_annotator"] == "lead"


# -- _from is exact per task kind ---------------------------------------------------------------


def review_of(tmp_path, schema_text: str, answers: dict[str, dict], text: str = "x" * 40):
    """A review of one item `i` with each annotator's `labels` (a fresh gold file)."""
    rows = [line("i", who, labels, text=text) for who, labels in answers.items()]
    files = [write_lines(tmp_path / "answers.jsonl", rows)]
    schema = load_schema(write_schema(tmp_path, schema_text, "s.yaml"))
    return open_review(
        load_review(files, schema, only_disagreements=False), files, "lead", tmp_path / "gold.jsonl"
    )


def spans(*triples) -> list[dict]:
    return [{"start": s, "end": e, "label": lab, "text": "x" * (e - s)} for s, e, lab in triples]


def test_spans_from_counts_a_repeated_span(tmp_path):
    """Before: the spans were compared as sets, so [A, A] was credited for saving [A]."""
    review = review_of(
        tmp_path,
        MIXED,
        {
            "ann": {"team": "bug", "entities": spans((0, 4, "PRODUCT"), (0, 4, "PRODUCT"))},
            "bob": {"team": "bug", "entities": spans((0, 4, "PRODUCT"))},
            "cy": {"entities": spans((0, 4, "PRODUCT"))},  # no team: the same as null
        },
    )
    try:
        assert review.sources({"team": "bug", "entities": spans((0, 4, "PRODUCT"))}) == ["bob"]
        assert review.sources({"team": None, "entities": spans((0, 4, "PRODUCT"))}) == ["cy"]
        twice = spans((0, 4, "PRODUCT"), (0, 4, "PRODUCT"))
        assert review.sources({"team": "bug", "entities": twice}) == ["ann"]
        other = {"team": "bug", "entities": spans((0, 4, "DATE"))}
        assert review.sources(other) == []  # the edited case
        review.save(other)
    finally:
        review.close()
    assert gold(tmp_path)[0]["_from"] == []


def test_marks_from_counts_a_repeated_mark_and_rounds_to_the_millisecond(tmp_path):
    one = {"start": 1.0, "end": 2.0, "label": "speech"}
    review = review_of(
        tmp_path,
        MARKS,
        {
            "ann": {"events": [one, one]},
            "bob": {"events": [{"start": 1.0004, "end": 2, "label": "speech"}]},
        },
    )
    try:
        assert review.sources({"events": [one]}) == ["bob"]
        assert review.sources({"events": [one, one]}) == ["ann"]
        assert review.sources({"events": [{**one, "label": "click"}]}) == []
    finally:
        review.close()


def test_an_answer_that_does_not_fit_is_never_credited(tmp_path):
    """multi_choice is a set of labels (any order), each at most once."""
    review = review_of(
        tmp_path,
        MULTI,
        {"ann": {"tags": []}, "bob": {"tags": ["urgent"]}, "cy": {"tags": ["refund", "urgent"]}},
    )
    try:
        assert review.sources({"tags": []}) == ["ann"]
        assert review.sources({"tags": ["urgent", "refund"]}) == ["cy"]
        assert review.sources({"tags": "urgent"}) == []  # a string is no multi_choice answer
        assert review.sources({"tags": ["urgent", "urgent"]}) == []
    finally:
        review.close()


# -- wrong-typed answers are refused with file:line --------------------------------------------


@pytest.mark.parametrize(
    ("schema_text", "bad", "words"),
    [
        (None, {"team": {"x": 1}}, "team={'x': 1} is not a label name"),
        (None, {"team": 3}, "team=3 is not a label name"),
        (MULTI, {"tags": "urgent"}, "tags: the value must be a list of label names"),
        (MULTI, {"tags": ["urgent", 1]}, "tags: 1 is not a label name"),
        (MULTI, {"tags": ["urgent", "urgent"]}, "'urgent' is listed twice"),
        (MIXED, {"team": "bug", "entities": "Acme"}, "entities: the value must be a list"),
        (MIXED, {"team": "bug", "entities": [[0, 4, "PRODUCT"]]}, "entities: entry 1 is not"),
        (
            MIXED,
            {"team": "bug", "entities": [{"start": 0.0, "end": 4, "label": "PRODUCT"}]},
            "offsets must be whole numbers",
        ),
        (
            MIXED,
            {"team": "bug", "entities": [{"start": 0, "end": 4, "label": "PLACE"}]},
            "'PLACE', not a label of this task",
        ),
        (MARKS, {"events": [{"start": 2, "end": 1, "label": "speech"}]}, "ends (1 s) before"),
        (MARKS, {"events": [{"start": 1, "end": 1e308, "label": "speech"}]}, "longer than any"),
        (MARKS, {"events": [{"start": -1, "end": 1, "label": "speech"}]}, "before the audio"),
    ],
)
def test_a_wrong_typed_answer_is_refused_with_its_file_and_line(tmp_path, schema_text, bad, words):
    schema = load_schema(write_schema(tmp_path, schema_text or TRIAGE))
    good = {task.name: None for task in schema.tasks}
    path = write_lines(
        tmp_path / "answers.jsonl",
        [
            line("a", "ann", good),
            line("b", "ann", bad, text="Acme Router"),  # replaced below: history, no error
            line("b", "ann", good),
            line("a", "bob", good),
            line("b", "bob", bad, text="Acme Router"),  # line 5: bob's current answer
        ],
    )
    loaded = load_review([path], schema)
    with pytest.raises(Exception) as caught:
        check_answers(loaded)
    loaded.close()
    message = str(caught.value)
    assert message.startswith(f"{path}:5: bob's answer does not fit the schema: "), message
    assert words in message


def test_open_review_refuses_them_too_and_leaves_no_gold_file(tmp_path):
    schema = load_schema(write_schema(tmp_path, MULTI))
    path = write_lines(tmp_path / "a.jsonl", [line("a", "ann", {"tags": "urgent"})])
    with pytest.raises(Exception, match=r"a\.jsonl:1: ann's answer does not fit"):
        open_review(load_review([path], schema), [path], "lead", tmp_path / "gold.jsonl")
    assert not (tmp_path / "gold.jsonl").exists()


# -- one wording for an edited answer -------------------------------------------------------------


async def test_status_and_save_message_say_the_same_for_an_edited_answer(triage, make_review):
    app = make_review_app(make_review(*triage))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("pagedown")  # t1: ann bug, bob billing, cy bug
        await pilot.press("3")  # shipping, which nobody gave
        assert app.screen.query_one(ChoiceEditor).value() == "shipping"
        await pilot.press("enter")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Saved; _from: [] (edited).") for m in messages), messages
        assert not any("nobody" in m for m in messages)
