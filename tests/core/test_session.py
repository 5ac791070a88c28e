"""The session (the annotation state machine): resume, moving, search, save, skip, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import read_lines, write_jsonl

from labeltui.core.session import AnswerRefused, Session, open_session
from labeltui.core.store import AnnotationStore
from labeltui.errors import EXIT_LOCKED, LabeltuiError

SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels: [billing, bug, other]
  - name: topics
    kind: multi_choice
    labels: [refund, crash, login]
"""

TEXTS = [
    "Refund for my last invoice please",
    "The app crashes on start",
    "Cannot LOGIN since yesterday",
    "Invoice address is wrong",
    "Crash when exporting a report",
    "Thanks, all good now",
]


@pytest.fixture
def files(tmp_path: Path):
    def make(rows=None, schema=SCHEMA):
        if rows is None:
            rows = [{"id": f"t{i}", "text": t, "channel": "email"} for i, t in enumerate(TEXTS)]
        dataset = write_jsonl(tmp_path / "tickets.jsonl", rows)
        schema_path = tmp_path / "schema.yaml"
        schema_path.write_text(schema)
        return dataset, schema_path

    return make


@pytest.fixture
def session(files):
    opened: list[Session] = []

    def make(rows=None, annotator="ann", out=None, full=True, schema=SCHEMA) -> Session:
        dataset, schema_path = files(rows, schema)
        s = open_session(dataset, schema_path, annotator, out)
        if full:
            s.index.scan_all()
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


def out_file(tmp_path: Path, annotator: str = "ann") -> Path:
    return tmp_path / f"tickets.{annotator}.jsonl"


def prewrite(tmp_path: Path, saves: list[tuple[str, dict, str]], annotator="ann") -> None:
    with AnnotationStore(out_file(tmp_path, annotator), annotator) as store:
        for item_id, labels, status in saves:
            store.save({"id": item_id}, item_id, labels, status=status)


# -- resuming -----------------------------------------------------------------------------------


def test_fresh_session_starts_at_the_first_item(session):
    s = session(full=False)
    assert s.position == 0
    assert s.item().id == "t0"
    assert len(s.index) == 1  # only as far as needed; the rest is indexed in the background


def test_resume_at_the_first_item_without_a_current_line(tmp_path, session):
    prewrite(
        tmp_path,
        [
            ("t0", {"team": "billing"}, "done"),
            ("t1", {}, "skipped"),
            ("t3", {"team": "bug"}, "done"),
        ],
    )
    s = session(full=False)
    assert (s.position, s.item().id) == (2, "t2")
    assert s.status() is None
    assert s.status(s.index.item(0)) == "done"
    assert s.status(s.index.item(1)) == "skipped"


def test_resume_when_everything_is_labelled_stays_on_the_last_item(tmp_path, session):
    prewrite(tmp_path, [(f"t{i}", {}, "done") for i in range(len(TEXTS))])
    s = session(full=False)
    assert s.position == len(TEXTS) - 1
    assert s.index.complete


def test_resume_after_reopening_a_session(tmp_path, session, files):
    s = session()
    s.save({"team": "bug", "topics": []})
    s.save({"team": "other", "topics": ["crash"]})
    s.close()
    dataset, schema = files()
    again = open_session(dataset, schema, "ann")
    try:
        assert again.item().id == "t2"
        assert again.values(again.index.item(1)) == {"team": "other", "topics": ["crash"]}
    finally:
        again.close()


def test_empty_dataset_opens_an_empty_session(session):
    s = session(rows=[])
    assert s.empty
    assert s.go(3) is False and s.next() is False
    assert s.next_unanswered() is False and s.search("x") is False
    assert s.progress().total == 0


# -- moving -------------------------------------------------------------------------------------


def test_next_and_previous_clamp(session):
    s = session()
    assert s.previous() is False and s.position == 0
    for expected in range(1, len(TEXTS)):
        assert s.next() is True
        assert s.position == expected
    assert s.next() is False and s.position == len(TEXTS) - 1
    assert s.previous() is True and s.position == len(TEXTS) - 2


def test_go_clamps_and_reports_change(session):
    s = session()
    assert s.go(3) is True and s.item().id == "t3"
    assert s.go(3) is False
    assert s.go(99) is True and s.position == len(TEXTS) - 1
    assert s.go(-5) is True and s.position == 0


def test_next_unanswered_skips_labelled_items_and_wraps(tmp_path, session):
    prewrite(tmp_path, [("t1", {}, "done"), ("t2", {}, "skipped"), ("t5", {}, "done")])
    s = session()
    assert s.position == 0
    assert s.next_unanswered() is True and s.item().id == "t3"
    assert s.next_unanswered() is True and s.item().id == "t4"
    assert s.next_unanswered() is True and s.item().id == "t0"  # wrapped past t5


def test_next_unanswered_when_only_the_shown_item_is_unlabelled(tmp_path, session):
    prewrite(tmp_path, [(f"t{i}", {}, "done") for i in range(1, len(TEXTS))])
    s = session()
    assert s.position == 0
    assert s.next_unanswered() is False and s.position == 0


def test_next_unanswered_when_all_are_labelled(tmp_path, session):
    prewrite(tmp_path, [(f"t{i}", {}, "done") for i in range(len(TEXTS))])
    s = session()
    s.go(2)
    assert s.next_unanswered() is False and s.position == 2


def test_search_is_case_insensitive_wraps_and_repeats(session):
    s = session()
    assert s.search("INVOICE") is True and s.item().id == "t3"  # starts after the shown item
    assert s.last_search == "INVOICE"
    assert s.search() is True and s.item().id == "t0"  # wrapped around
    assert s.search() is True and s.item().id == "t3"
    assert s.search("crash") is True and s.item().id == "t4"
    assert s.search("login") is True and s.item().id == "t2"
    assert s.search("no such words") is False and s.item().id == "t2"
    assert s.last_search == "no such words"


def test_search_finds_only_the_shown_item(session):
    s = session()
    s.go(5)
    assert s.search("thanks") is True and s.position == 5


def test_search_with_nothing_to_look_for(session):
    s = session()
    assert s.search() is False
    assert s.search("") is False and s.position == 0


def test_search_unicode_casefold(session):
    rows = [{"id": "a", "text": "x"}, {"id": "b", "text": "Die STRASSE"}, {"id": "c"}]
    s = session(rows=rows)
    assert s.search("straße") is True and s.item().id == "b"


# -- values, saving, skipping, undo -------------------------------------------------------------


def test_values_prefer_the_annotators_line_over_pre_annotations(tmp_path, session):
    rows = [
        {"id": "a", "text": "x", "labels": {"team": "bug", "topics": ["crash"], "other": 1}},
        {"id": "b", "text": "y", "labels": {"team": "billing"}},
        {"id": "c", "text": "z"},
    ]
    prewrite(tmp_path, [("b", {"team": "other", "topics": ["login"]}, "done")])
    s = session(rows=rows)
    assert s.values(s.index.item(0)) == {"team": "bug", "topics": ["crash"]}
    assert s.values(s.index.item(1)) == {"team": "other", "topics": ["login"]}
    assert s.values(s.index.item(2)) == {"team": None, "topics": None}
    assert s.values() == s.values(s.index.item(0))


def test_save_writes_one_line_and_advances(tmp_path, session):
    s = session()
    s.save({"team": "bug", "topics": ["crash"]})
    assert s.position == 1 and s.saves == 1
    (line,) = read_lines(out_file(tmp_path))
    assert line["id"] == "t0" and line["text"] == TEXTS[0] and line["channel"] == "email"
    assert line["labels"] == {"team": "bug", "topics": ["crash"]}
    assert (line["_id"], line["_annotator"], line["_status"]) == ("t0", "ann", "done")
    assert isinstance(line["_ms"], int) and line["_ms"] >= 0
    assert s.status(s.index.item(0)) == "done"
    assert s.values(s.index.item(0)) == {"team": "bug", "topics": ["crash"]}


def test_save_on_the_last_item_stays_there(session):
    s = session()
    s.go(len(TEXTS) - 1)
    s.save({"team": "other", "topics": []})
    assert s.position == len(TEXTS) - 1


def test_skip_writes_skipped_with_the_shown_values(tmp_path, session):
    rows = [{"id": "a", "text": "x", "labels": {"team": "bug"}}, {"id": "b", "text": "y"}]
    s = session(rows=rows)
    s.skip()
    assert s.position == 1
    s.skip()
    first, second = read_lines(out_file(tmp_path))
    assert (first["_id"], first["_status"], first["labels"]) == (
        "a",
        "skipped",
        {"team": "bug", "topics": None},
    )
    assert (second["_id"], second["_status"]) == ("b", "skipped")
    assert s.status(s.index.item(0)) == "skipped"


def test_undo_goes_back_and_restores_the_previous_value(tmp_path, session):
    prewrite(tmp_path, [("t1", {"team": "billing", "topics": []}, "done")])
    s = session()
    assert s.position == 0
    s.save({"team": "bug", "topics": []})
    s.go(1)
    s.save({"team": "other", "topics": ["login"]})
    s.go(4)
    assert s.undo() is True
    assert s.position == 1
    assert s.values() == {"team": "billing", "topics": []}
    assert s.status() == "done"
    assert s.undo() is True
    assert s.position == 0
    assert s.status() is None and s.values() == {"team": None, "topics": None}
    assert s.undo() is False and s.position == 0
    assert s.saves == 0
    assert [line["_id"] for line in read_lines(out_file(tmp_path))] == ["t1"]


def test_progress_counts(tmp_path, session):
    prewrite(tmp_path, [("t0", {}, "done"), ("t1", {}, "skipped")])
    s = session()
    p = s.progress()
    assert (p.position, p.total, p.total_known, p.done, p.skipped) == (3, len(TEXTS), True, 1, 1)
    assert p.annotated == 2
    assert (p.saved_this_session, p.rate_per_hour, p.remaining_seconds) == (0, None, None)
    s.save({"team": "bug", "topics": []})
    s.save({"team": "bug", "topics": []})
    p = s.progress()
    assert (p.position, p.done, p.skipped, p.saved_this_session) == (5, 3, 1, 2)
    assert p.rate_per_hour is not None and p.rate_per_hour > 0
    expected_remaining = (len(TEXTS) - 4) / p.rate_per_hour * 3600
    assert p.remaining_seconds == pytest.approx(expected_remaining, rel=0.05)
    s.go(2)
    s.save({"team": "other", "topics": []})  # a second save of one item is not a new item
    assert s.progress().done == 3


def test_progress_skipping_and_undoing_move_items_between_done_and_skipped(tmp_path, session):
    prewrite(tmp_path, [("t0", {}, "done")])
    s = session()
    s.go(1)
    s.skip()
    p = s.progress()
    assert (p.done, p.skipped, p.annotated) == (1, 1, 2)
    s.go(0)
    s.skip()  # a done item skipped now: it no longer counts as done
    assert (s.progress().done, s.progress().skipped) == (0, 2)
    assert s.undo() and (s.progress().done, s.progress().skipped) == (1, 1)
    assert s.undo() and (s.progress().done, s.progress().skipped) == (1, 0)


def test_progress_before_the_index_is_complete(session):
    s = session(full=False)
    s.index.count_lines()
    p = s.progress()
    assert (p.total_known, p.total) == (False, len(TEXTS))


def test_progress_done_counts_only_items_of_the_dataset(tmp_path, session):
    prewrite(tmp_path, [("t0", {}, "done"), ("gone-1", {}, "done"), ("gone-2", {}, "done")])
    s = session()
    assert s.progress().done == 1


# -- opening errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "a/b", "a\\b", " ann", "ann ", "a\0b"])
def test_bad_annotator_name(files, name):
    dataset, schema = files()
    with pytest.raises(LabeltuiError) as info:
        open_session(dataset, schema, name)
    assert "annotator name" in info.value.message
    assert not list(dataset.parent.glob("tickets.*.jsonl"))


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_out_equal_to_the_dataset(files, spelling):
    dataset, schema = files()
    before = dataset.read_bytes()
    out = {
        "same": dataset,
        "dotted": dataset.parent / "." / dataset.name,
        "symlink": dataset.parent / "link.jsonl",
    }[spelling]
    if spelling == "symlink":
        out.symlink_to(dataset)
    with pytest.raises(LabeltuiError) as info:
        open_session(dataset, schema, "ann", out=out)
    assert "overwrite the dataset" in info.value.message
    assert dataset.read_bytes() == before


def test_out_elsewhere(tmp_path, files):
    dataset, schema = files()
    out = tmp_path / "elsewhere.jsonl"
    s = open_session(dataset, schema, "bob", out=out)
    try:
        s.save({"team": "bug", "topics": []})
    finally:
        s.close()
    assert read_lines(out)[0]["_annotator"] == "bob"
    assert not out_file(tmp_path, "bob").exists()


@pytest.mark.parametrize(
    ("first", "phrase"),
    [
        ('{"id": "t0", "text": ', "not valid JSON"),
        ("[]", "expected a JSON object"),
        ('""', "expected a JSON object"),
        ('{"id": 0.5}', "'id' must be a string or an integer"),
    ],
)
def test_malformed_first_line(files, first, phrase):
    dataset, schema = files()
    dataset.write_text(first + "\n" + dataset.read_text())
    with pytest.raises(LabeltuiError) as info:
        open_session(dataset, schema, "ann")
    assert (info.value.path, info.value.line) == (str(dataset), 1)
    assert phrase in info.value.message
    with AnnotationStore(dataset.parent / "tickets.ann.jsonl", "ann"):
        pass  # the failed open released its lock


def test_malformed_later_line_opens_and_keeps_the_error(files):
    dataset, schema = files()
    dataset.write_text(dataset.read_text() + "{broken\n")
    s = open_session(dataset, schema, "ann")
    try:
        s.index.scan()
        assert len(s.index) == len(TEXTS)
        assert s.index.error is not None and s.index.error.line == len(TEXTS) + 1
    finally:
        s.close()


def test_bad_schema_is_raised_before_anything_opens(files, tmp_path):
    dataset, schema = files(schema="tasks: []\n")
    with pytest.raises(LabeltuiError) as info:
        open_session(dataset, schema, "ann")
    assert info.value.path == str(schema)
    assert not out_file(tmp_path).exists()


def test_second_session_on_the_same_output_is_locked(session, files):
    s = session()
    dataset, schema = files()
    with pytest.raises(LabeltuiError) as info:
        open_session(dataset, schema, "ann")
    assert info.value.exit_code == EXIT_LOCKED
    s.save({"team": "bug", "topics": []})


def test_progress_counts_the_items_before_a_bad_line_as_the_total(tmp_path):
    """After the index stops at a bad line, the status shows a settled total, not `indexing…`."""
    from labeltui.core.session import open_session

    (tmp_path / "d.jsonl").write_text('{"id":"a","text":"x"}\n{"id":"b","text":"y"}\n{"id": c}\n')
    (tmp_path / "s.yaml").write_text("tasks:\n  - {name: t, kind: choice, labels: [a, b]}\n")
    session = open_session(tmp_path / "d.jsonl", tmp_path / "s.yaml", "ann")
    try:
        session.index.scan()
        assert session.index.error is not None and session.index.error.line == 3
        progress = session.progress()
        assert progress.total_known and progress.total == 2
    finally:
        session.close()


# -- refused saves (issue 13: only what the annotator meant is saved) -----------------------------


def test_save_refuses_a_required_choice_without_an_answer_and_writes_nothing(tmp_path, session):
    s = session()
    with pytest.raises(AnswerRefused) as refused:
        s.save({"team": None, "topics": []})
    assert refused.value.missing == ["team"] and refused.value.problems == []
    assert s.position == 0 and not out_file(tmp_path).read_text()
    s.save({"team": None, "topics": []}, status="skipped")  # skipping stays open
    assert read_lines(out_file(tmp_path))[0]["_status"] == "skipped"


def test_save_refuses_values_no_task_can_hold_whatever_the_status(tmp_path, session):
    s = session()
    for status in ("done", "skipped"):
        with pytest.raises(AnswerRefused) as refused:
            s.save({"team": "shiping", "topics": ["crash", "nope"]}, status=status)
        assert refused.value.problems == [
            "team='shiping' is not a label of this task",
            "topics: 'nope' is not a label of this task",
        ]
    assert s.position == 0 and not out_file(tmp_path).read_text()


def test_required_false_allows_an_empty_answer(tmp_path, session):
    schema = SCHEMA.replace("kind: choice\n", "kind: choice\n    required: false\n")
    s = session(schema=schema)
    s.save({"team": None, "topics": []})
    assert read_lines(out_file(tmp_path))[0]["labels"] == {"team": None, "topics": []}


AUDIO_SCHEMA = """\
tasks:
  - {name: events, kind: audio_marks, labels: [cough]}
"""


def test_an_item_whose_audio_cannot_be_read_can_only_be_skipped(tmp_path, session):
    (tmp_path / "junk.wav").write_bytes(b"not audio at all")
    rows = [
        {"id": "gone", "audio": "missing.wav"},
        {"id": "junk", "audio": "junk.wav"},
        {"id": "none", "text": "no audio field"},
    ]
    s = session(rows=rows, schema=AUDIO_SCHEMA)
    for expected in ("audio file not found", "not a readable audio file", "no audio field"):
        with pytest.raises(AnswerRefused) as refused:
            s.save({"events": []})
        assert expected in refused.value.unusable
        s.skip()
    assert [line["_status"] for line in read_lines(out_file(tmp_path))] == ["skipped"] * 3
