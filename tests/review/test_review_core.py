"""core.review (load, compare, session): joining files, scores, the queue, `_from`."""

from __future__ import annotations

import json

import pytest
from review_helpers import TEAM, line, read_lines, write_lines, write_schema

from labeltui.core.review.compare import (
    f1,
    majority,
    outvoted,
    outvoted_elements,
    task_disagreement,
)
from labeltui.core.review.load import load_review
from labeltui.core.review.session import default_gold
from labeltui.core.schema import load_schema, parse_schema
from labeltui.core.store import AnnotationStore
from labeltui.errors import EXIT_LOCKED, LabeltuiError

SPANS = parse_schema("tasks:\n  - {name: e, kind: spans, labels: [A, B]}\n").tasks[0]
MARKS = parse_schema("tasks:\n  - {name: m, kind: audio_marks, labels: [s, c]}\n").tasks[0]


def loaded(files, schema, **kw):
    return load_review(files, load_schema(schema), **kw)


# -- joining -----------------------------------------------------------------------------------


def test_join_keeps_the_last_done_line_per_annotator_and_item(triage):
    files, schema = triage
    got = loaded(files, schema, only_disagreements=False)
    assert got.annotators == ["ann", "bob", "cy"]
    items = {item.id: item for item in got.items}
    assert set(items) == set(TEAM)
    # bob wrote t1 twice: the last line (billing) wins over the first (shipping)
    assert items["t1"].answers == {
        "ann": {"team": "bug"},
        "bob": {"team": "billing"},
        "cy": {"team": "bug"},
    }
    # bob's current t4 line is skipped: no answer from bob; cy never did t3
    assert list(items["t4"].answers) == ["ann", "cy"]
    assert list(items["t3"].answers) == ["ann", "bob"]
    # the item's own fields come along, without labels or annotation keys
    assert items["t2"].data == {
        "id": "t2",
        "text": "Where is my parcel? I paid twice.",
        "channel": "email",
    }


def test_a_done_line_after_a_skipped_one_counts_again(tmp_path):
    rows = [
        line("x", "ann", {"team": "bug"}, "skipped"),
        line("x", "ann", {"team": "bug"}),
        line("x", "bob", {"team": "billing"}),
        line("x", "bob", {"team": "billing"}, "skipped"),
    ]
    files = [write_lines(tmp_path / "both.jsonl", rows)]
    got = loaded(files, write_schema(tmp_path), only_disagreements=False)
    assert got.items[0].answers == {"ann": {"team": "bug"}}
    assert got.annotators == ["ann"]  # bob has no done answer anywhere


def test_a_line_without_status_counts_as_done_and_a_bad_status_is_an_error(tmp_path):
    """The one `_status` rule (`annotations.line.line_done`), as agree, stats and export."""
    imported = line("x", "ann", {"team": "bug"})
    del imported["_status"]  # from an import or another tool
    rows = [imported, line("x", "bob", {"team": "billing"})]
    files = [write_lines(tmp_path / "both.jsonl", rows)]
    got = loaded(files, write_schema(tmp_path), only_disagreements=False)
    assert got.items[0].answers == {"ann": {"team": "bug"}, "bob": {"team": "billing"}}
    rows.append(line("x", "cy", {"team": "bug"}, "maybe"))
    write_lines(files[0], rows)
    with pytest.raises(LabeltuiError) as info:
        loaded(files, write_schema(tmp_path))
    said = f'{files[0]}:3: \'_status\' must be "done" or "skipped", not "maybe"'
    assert str(info.value) == said


def test_several_annotators_in_one_file(mixed):
    files, schema = mixed
    got = loaded(files, schema)
    assert got.annotators == ["ann", "bob", "cy"]
    assert len(got.items) == 1 and list(got.items[0].answers) == ["ann", "bob", "cy"]


# -- scores and order ----------------------------------------------------------------------------


def test_choice_score_is_one_minus_the_share_of_agreeing_pairs(triage):
    files, schema = triage
    scores = {item.id: item.score for item in loaded(files, schema, only_disagreements=False).items}
    # t1: bug, billing, bug -> 1 agreeing pair of 3; t2: three different answers -> none
    assert scores["t1"] == pytest.approx(1 - 1 / 3)
    assert scores["t2"] == pytest.approx(1.0)
    assert scores["t0"] == scores["t3"] == scores["t4"] == 0.0


def test_queue_holds_only_disagreements_most_first_by_default(triage):
    files, schema = triage
    got = loaded(files, schema)
    assert got.only_disagreements is True
    assert [item.id for item in got.queue] == ["t2", "t1"]


def test_all_queues_every_item_ties_in_file_order(triage):
    files, schema = triage
    got = loaded(files, schema, only_disagreements=False)
    assert [item.id for item in got.queue] == ["t2", "t1", "t0", "t3", "t4"]


def test_one_annotator_reviews_every_item_by_default(triage):
    files, schema = triage
    got = loaded(files[:1], schema)
    assert got.annotators == ["ann"] and got.only_disagreements is False
    assert [item.id for item in got.queue] == ["t0", "t1", "t2", "t3", "t4"]
    assert loaded(files[:1], schema, only_disagreements=True).queue == []


def test_where_and_sort(tmp_path):
    rows = []
    for ident, prio, a, b in [
        ("a", 3, "bug", "billing"),
        ("b", 1, "bug", "bug"),
        ("c", 2, "bug", "billing"),
        ("d", None, "billing", "bug"),
    ]:
        extra = {"prio": prio} if prio is not None else {}
        rows.append(line(ident, "ann", {"team": a}, lang="de" if ident != "c" else "en", **extra))
        rows.append(line(ident, "bob", {"team": b}, lang="de" if ident != "c" else "en", **extra))
    files = [write_lines(tmp_path / "two.jsonl", rows)]
    schema = write_schema(tmp_path)
    assert [i.id for i in loaded(files, schema, sort="prio").queue] == ["c", "a", "d"]
    assert [i.id for i in loaded(files, schema, sort="-prio", only_disagreements=False).queue] == [
        "a",
        "c",
        "b",
        "d",
    ]
    assert [i.id for i in loaded(files, schema, where=["lang=de"]).queue] == ["a", "d"]


def test_span_disagreement_is_one_minus_mean_pairwise_f1(mixed):
    files, schema = mixed
    item = loaded(files, schema).items[0]
    # team: bug, bug, billing -> 1 - 1/3. spans: ann-bob 1 of 2+2 match (F1 .5), ann-cy .5,
    # bob-cy 0 -> 1 - 1/3. The item: the mean of its two tasks.
    assert item.score == pytest.approx(2 / 3)


def test_span_f1_counts_exact_matches_only():
    a = ((0, 5, "A"), (6, 9, "B"))
    assert f1(SPANS, a, a) == 1.0
    assert f1(SPANS, a, ((0, 5, "A"),)) == pytest.approx(2 / 3)
    assert f1(SPANS, a, ((0, 5, "B"), (6, 8, "B"))) == 0.0
    assert f1(SPANS, (), ()) == 1.0
    assert task_disagreement(SPANS, [a, a, ()]) == pytest.approx(1 - 1 / 3)


def test_marks_match_one_to_one_within_the_tolerance():
    a = ((1.0, 2.0, "s"), (4.2, 4.2, "c"))
    near = ((1.3, 2.4, "s"), (4.0, 4.0, "c"))
    assert f1(MARKS, a, near, tolerance=0.5) == 1.0
    assert f1(MARKS, a, near, tolerance=0.3) == pytest.approx(0.5)  # only the click is close
    assert f1(MARKS, a, ((1.0, 2.0, "c"), (4.2, 4.2, "c")), tolerance=0.5) == pytest.approx(0.5)
    # two clicks near one: one pair only
    assert f1(MARKS, ((4.2, 4.2, "c"), (4.3, 4.3, "c")), ((4.25, 4.25, "c"),)) == pytest.approx(
        2 / 3
    )


def test_marks_within_tolerance_are_no_disagreement(tmp_path):
    schema = write_schema(tmp_path, "tasks:\n  - {name: ev, kind: audio_marks, labels: [s]}\n")
    rows = [
        line("w", "ann", {"ev": [{"start": 1.0, "end": 2.0, "label": "s"}]}, audio="a.wav"),
        line("w", "bob", {"ev": [{"start": 1.2, "end": 2.1, "label": "s"}]}, audio="a.wav"),
    ]
    files = [write_lines(tmp_path / "m.jsonl", rows)]
    assert loaded(files, schema).queue == []
    assert [i.id for i in loaded(files, schema, tolerance=0.1).queue] == ["w"]


# -- markers and the pre-filled answer --------------------------------------------------------


def test_outvoted_marks_answers_without_a_strict_majority():
    assert outvoted(["a", "a", "b"]) == [False, False, True]
    assert outvoted(["a", "b"]) == [True, True]
    assert outvoted(["a", "a"]) == [False, False]
    assert outvoted(["a"]) == [False]
    answers = [((0, 5, "A"), (6, 9, "B")), ((0, 5, "A"),), ((0, 5, "A"), (7, 9, "B"))]
    assert outvoted_elements(SPANS, answers[0], answers) == [False, True]
    marks = [((1.0, 1.0, "c"),), ((1.2, 1.2, "c"),), ((3.0, 3.0, "c"),)]
    assert outvoted_elements(MARKS, marks[0], marks, 0.5) == [False]
    assert outvoted_elements(MARKS, marks[2], marks, 0.5) == [True]


def test_majority_is_the_most_common_answer_ties_to_the_first_annotator():
    schema = parse_schema("tasks:\n  - {name: t, kind: choice, labels: [a, b, c]}\n")
    assert majority(schema, {"x": {"t": "a"}, "y": {"t": "b"}, "z": {"t": "b"}}) == {"t": "b"}
    assert majority(schema, {"x": {"t": "c"}, "y": {"t": "b"}}) == {"t": "c"}


# -- saving, _from, resume -----------------------------------------------------------------------


def test_save_writes_a_gold_line_with_from(triage, make_review, tmp_path):
    files, schema = triage
    review = make_review(files, schema)
    assert review.item().id == "t2"
    assert review.values() == {"team": "billing"}  # no majority: the first annotator's answer
    assert review.save({"team": "bug"}) == ["bob"]
    assert review.item().id == "t1"
    assert review.save({"team": "shipping"}) == []  # nobody said so: edited by hand
    gold = read_lines(tmp_path / "gold.jsonl")
    assert [g["_id"] for g in gold] == ["t2", "t1"]
    first = gold[0]
    assert list(first) == [
        "id",
        "text",
        "channel",
        "labels",
        "_id",
        "_annotator",
        "_status",
        "_ts",
        "_ms",
        "_from",
    ]
    assert first["labels"] == {"team": "bug"} and first["_annotator"] == "lead"
    assert first["_status"] == "done" and first["_from"] == ["bob"]
    assert first["text"] == "Where is my parcel? I paid twice."
    assert gold[1]["_from"] == []


def test_from_lists_every_annotator_with_the_same_whole_answer(triage, make_review):
    files, schema = triage
    review = make_review(files, schema)
    review.next()  # t1: ann and cy said bug
    assert review.sources({"team": "bug"}) == ["ann", "cy"]
    assert review.sources({"team": "billing"}) == ["bob"]


def test_span_from_ignores_the_text_key_and_order(mixed, make_review):
    files, schema = mixed
    review = make_review(files, schema)
    ann = review.answer("ann")
    assert ann is not None
    reordered = {
        "team": "bug",
        "entities": [
            {"start": s["start"], "end": s["end"], "label": s["label"]}
            for s in reversed(ann["entities"])
        ],
    }
    assert review.sources(reordered) == ["ann"]


def test_reopening_skips_items_already_in_the_gold_file(triage, make_review, tmp_path):
    files, schema = triage
    first = make_review(files, schema)
    first.save({"team": "bug"})
    first.close()
    again = make_review(files, schema)
    assert again.item().id == "t1" and again.remaining() == 1
    again.save({"team": "bug"})
    again.close()
    done = make_review(files, schema)
    assert done.remaining() == 0
    assert done.values() == {"team": "bug"}  # the gold line, not the majority


def test_undo_removes_the_last_gold_line(triage, make_review, tmp_path):
    files, schema = triage
    review = make_review(files, schema)
    review.save({"team": "bug"})
    assert review.undo() is True
    assert review.item().id == "t2" and review.remaining() == 2
    assert (tmp_path / "gold.jsonl").read_text() == ""
    assert review.undo() is False


def test_the_gold_file_is_locked(triage, make_review):
    files, schema = triage
    make_review(files, schema)
    with pytest.raises(LabeltuiError) as err:
        make_review(files, schema)
    assert err.value.exit_code == EXIT_LOCKED


def test_store_extra_keys_never_replace_the_format_keys(tmp_path):
    store = AnnotationStore(tmp_path / "g.jsonl", "lead")
    store.save(
        {"text": "x", "_from": ["old"]},
        "i",
        {"t": "a"},
        extra={"_from": ["ann"], "_annotator": "evil"},
    )
    store.close()
    saved = json.loads((tmp_path / "g.jsonl").read_text())
    assert saved["_annotator"] == "lead" and saved["_from"] == ["ann"]
    assert list(saved)[-1] == "_from"


def test_default_gold_path(tmp_path):
    assert default_gold(tmp_path / "tickets.ann.jsonl") == tmp_path / "tickets.gold.jsonl"
    assert default_gold(tmp_path / "all.jsonl") == tmp_path / "all.gold.jsonl"


def test_lines_are_read_back_by_offset_with_a_bom_and_crlf(tmp_path):
    rows = [
        line("a", "ann", {"team": "bug"}, text="first ✓"),
        line("a", "bob", {"team": "billing"}),
    ]
    blob = "".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in rows)
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + blob.encode("utf-8"))
    got = loaded([path], write_schema(tmp_path))
    item = got.queue[0]
    assert item.data["text"] == "first ✓"
    assert item.answers == {"ann": {"team": "bug"}, "bob": {"team": "billing"}}
    assert item.where("bob") == (str(path), 2)
    got.close()


def test_an_unknown_label_on_a_replaced_line_is_no_error(tmp_path):
    rows = [line("a", "ann", {"team": "nope"}), line("a", "ann", {"team": "bug"})]
    got = loaded([write_lines(tmp_path / "a.jsonl", rows)], write_schema(tmp_path))
    assert got.items[0].answers == {"ann": {"team": "bug"}}
    got.close()
