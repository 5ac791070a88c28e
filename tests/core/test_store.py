"""The annotation store (FORMAT section 3): append-only lines, last wins, lock, torn tail, undo."""

from __future__ import annotations

import errno
import json
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import pytest
from core_helpers import last_wins, read_lines
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import labeltui.core.store as store_module
from labeltui.core.store import AnnotationStore, Record, default_output, utc_timestamp
from labeltui.errors import EXIT_LOCKED, LabeltuiError

TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "data.ann.jsonl"


def test_save_appends_one_line_with_the_documented_layout(out):
    item = {"id": "t1", "text": "héllo\u2028there", "meta": {"a": 1}, "score": 0.5}
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    with AnnotationStore(out, "ann") as store:
        store.save(item, "t1", {"team": "bug", "topics": ["a", "b"]}, ms=1234)
        raw = out.read_bytes()
        assert raw.endswith(b"\n") and raw.count(b"\n") == 1
        store.save({"text": "x"}, "hx", {"team": None}, status="skipped")
    after = datetime.now(timezone.utc) + timedelta(seconds=1)
    first, second = read_lines(out)
    assert list(first) == [
        "id",
        "text",
        "meta",
        "score",
        "labels",
        "_id",
        "_annotator",
        "_status",
        "_ts",
        "_ms",
    ]
    assert {k: first[k] for k in item} == item
    assert first["labels"] == {"team": "bug", "topics": ["a", "b"]}
    assert (first["_id"], first["_annotator"], first["_status"], first["_ms"]) == (
        "t1",
        "ann",
        "done",
        1234,
    )
    assert TS.match(first["_ts"]), first["_ts"]
    stamp = datetime.strptime(first["_ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert before <= stamp <= after
    assert list(second) == ["text", "labels", "_id", "_annotator", "_status", "_ts"]
    assert second["_status"] == "skipped"


def test_save_replaces_meta_fields_of_the_input(out):
    """An annotation file used as a dataset: its old labels and _fields are not duplicated."""
    item = {
        "text": "t",
        "labels": {"team": "old"},
        "_id": "x",
        "_annotator": "bob",
        "_status": "skipped",
        "_ts": "2000-01-01T00:00:00.000Z",
        "_ms": 9,
        "keep": True,
    }
    with AnnotationStore(out, "ann") as store:
        store.save(item, "x", {"team": "new"})
    (line,) = read_lines(out)
    assert list(line) == ["text", "keep", "labels", "_id", "_annotator", "_status", "_ts"]
    assert (line["labels"], line["_annotator"], line["_status"]) == ({"team": "new"}, "ann", "done")
    assert line["_ts"] != item["_ts"]


def test_line_is_utf8_and_unescaped(out):
    with AnnotationStore(out, "ann") as store:
        store.save({"text": "你好 🎉"}, "h1", {})
    assert "你好 🎉".encode() in out.read_bytes()


def test_utc_timestamp_format():
    moment = datetime(2026, 11, 23, 10, 15, 2, 123987, tzinfo=timezone.utc)
    assert utc_timestamp(moment) == "2026-11-23T10:15:02.123Z"
    assert utc_timestamp(moment.replace(microsecond=999)) == "2026-11-23T10:15:02.000Z"
    assert TS.match(utc_timestamp())


def test_reopen_replays_last_wins(out):
    with AnnotationStore(out, "ann") as store:
        store.save({}, "a", {"t": "x"})
        store.save({}, "b", {"t": "y"})
        store.save({}, "a", {"t": "z"}, status="skipped")
    with AnnotationStore(out, "ann") as store:
        assert store.current == {
            "a": Record({"t": "z"}, "skipped"),
            "b": Record({"t": "y"}, "done"),
        }
        assert store.is_done("a") and store.is_done("b") and not store.is_done("c")
        assert not store.can_undo  # undo is for this session's saves only
        assert store.undo() is None
    assert len(read_lines(out)) == 3


def test_replay_of_a_line_without_status_or_labels(out):
    out.write_text(
        '{"_id": "a", "_annotator": "ann"}\n\n'
        '{"_id": "b", "labels": null, "_status": "skipped", "_annotator": "ann"}\n'
    )
    with AnnotationStore(out, "ann") as store:
        assert store.current == {"a": Record({}, "done"), "b": Record({}, "skipped")}


def test_replay_refuses_labels_that_are_not_an_object(out):
    """As every reader does (`annotations.line.line_labels`)."""
    out.write_text('{"_id": "b", "labels": [1], "_status": "done", "_annotator": "ann"}\n')
    with pytest.raises(LabeltuiError) as info:
        AnnotationStore(out, "ann")
    assert str(info.value) == f"{out}:1: 'labels' must be an object of task names to values"


@pytest.mark.parametrize(
    ("content", "line", "phrase"),
    [
        ('{"_id": "a", "_annotator": "ann"}\n{oops}\n', 2, "not valid JSON (Expecting"),
        ('{"_id": "a", "_annotator": "ann"}\n\n{"id": "a", "text": "x"}\n', 3, "needs an '_id'"),
        ('[1]\n{"_id": "a"}\n', 1, "expected a JSON object, found an array"),
        ('{"_id": 5}\n', 1, "needs an '_id'"),
    ],
)
def test_a_file_that_is_not_an_annotation_file(out, content, line, phrase):
    out.write_text(content)
    with pytest.raises(LabeltuiError) as info:
        AnnotationStore(out, "ann")
    assert (info.value.path, info.value.line) == (str(out), line)
    assert phrase in info.value.message
    assert out.read_text() == content  # never changed
    with AnnotationStore(out.with_name("other.jsonl"), "ann"):
        pass


def test_unwritable_location(tmp_path):
    with pytest.raises(LabeltuiError) as info:
        AnnotationStore(tmp_path / "missing" / "x.jsonl", "ann")
    assert "cannot open annotation file" in info.value.message


def test_second_store_on_the_same_file_is_locked_out(out):
    first = AnnotationStore(out, "ann")
    first.save({}, "a", {"t": 1})
    with pytest.raises(LabeltuiError) as info:
        AnnotationStore(out, "ann")
    assert info.value.exit_code == EXIT_LOCKED == 3
    assert info.value.path == str(out)
    assert "another labeltui session" in info.value.message
    first.save({}, "b", {"t": 2})  # the first one is unaffected
    first.close()
    first.close()
    with AnnotationStore(out, "ann") as second:
        assert set(second.current) == {"a", "b"}


def test_lock_is_released_when_the_store_fails_to_open(out):
    out.write_text("garbage\n")
    with pytest.raises(LabeltuiError):
        AnnotationStore(out, "ann")
    out.write_text("")
    with AnnotationStore(out, "ann") as store:
        assert store.current == {}


@pytest.mark.parametrize("tail", [b'{"_id": "b", "lab', b"x", b"\xff\xfe garbage", b"   "])
def test_torn_tail_is_moved_aside(out, tail):
    with AnnotationStore(out, "ann") as store:
        store.save({"text": "a"}, "a", {"t": "x"})
    good = out.read_bytes()
    with open(out, "ab") as f:
        f.write(tail)
    with AnnotationStore(out, "ann") as store:
        assert store.recovered is not None
        assert str(out.with_name(out.name + ".torn")) in store.recovered
        assert out.read_bytes() == good
        assert store.current == {"a": Record({"t": "x"}, "done")}
        store.save({"text": "b"}, "b", {"t": "y"})
    torn = out.with_name(out.name + ".torn")
    assert torn.read_bytes() == tail + b"\n"
    assert [line["_id"] for line in read_lines(out)] == ["a", "b"]
    with AnnotationStore(out, "ann") as store:
        assert store.recovered is None


def test_torn_tail_that_is_the_whole_file(out):
    out.write_bytes(b'{"_id": "a", "labels"')
    with AnnotationStore(out, "ann") as store:
        assert store.recovered and store.current == {}
        store.save({}, "a", {})
    assert [line["_id"] for line in read_lines(out)] == ["a"]


def test_two_torn_tails_are_both_kept(out):
    for tail in (b"first", b"second"):
        with open(out, "ab") as f:
            f.write(tail)
        with AnnotationStore(out, "ann") as store:
            assert store.recovered
    assert out.with_name(out.name + ".torn").read_bytes() == b"first\nsecond\n"
    assert out.read_bytes() == b""


def test_undo_truncates_the_last_save_and_restores_the_previous_value(out):
    with AnnotationStore(out, "ann") as store:
        store.save({}, "a", {"t": "old"})
    size_after_first_session = out.stat().st_size
    with AnnotationStore(out, "ann") as store:
        store.save({}, "a", {"t": "new"})
        store.save({}, "b", {"t": "b1"}, status="skipped")
        store.save({}, "a", {"t": "newer"})
        assert store.undo() == "a"
        assert store.current["a"] == Record({"t": "new"}, "done")
        assert store.undo() == "b"
        assert "b" not in store.current and not store.is_done("b")
        assert store.undo() == "a"
        assert store.current["a"] == Record({"t": "old"}, "done")
        assert out.stat().st_size == size_after_first_session
        assert store.undo() is None  # earlier sessions' lines are never removed
        assert not store.can_undo
        store.save({}, "c", {"t": "c"})
        assert store.can_undo
    assert [(line["_id"], line["labels"]) for line in read_lines(out)] == [
        ("a", {"t": "old"}),
        ("c", {"t": "c"}),
    ]


def test_default_output(tmp_path):
    assert default_output(tmp_path / "tickets.jsonl", "ann") == tmp_path / "tickets.ann.jsonl"
    assert default_output("d/x.y.jsonl", "bob") == Path("d/x.y.bob.jsonl")


# -- saves, undos and crashes against a model ---------------------------------------------------

_ids = st.sampled_from(["a", "b", "c", "7", "h0123456789abcdef", "ü"])
_labels = st.fixed_dictionaries(
    {},
    optional={
        "team": st.one_of(st.none(), st.sampled_from(["bug", "billing", "[x]\n"])),
        "topics": st.lists(st.sampled_from(["r", "s", "t"]), unique=True),
    },
)


def _is_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return False
    return True


# A crash's partial line is never valid JSON (a whole line without its newline is kept).
_partial = (
    st.binary(min_size=0, max_size=40)
    .map(lambda b: b.replace(b"\n", b""))
    .filter(lambda b: not _is_json(b))
)


class StoreMachine(RuleBasedStateMachine):
    """Any sequence of saves, undos and crashes keeps the file equal to a last-wins dict model."""

    def __init__(self) -> None:
        super().__init__()
        self.store: AnnotationStore | None = None

    @initialize()
    def open(self) -> None:
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="labeltui-store-"))
        self.path = self.folder / "ann.jsonl"
        self.store = AnnotationStore(self.path, "ann")
        self.model: dict[str, tuple[dict, str]] = {}
        self.history: list[tuple[str, tuple[dict, str] | None]] = []
        self.torn = b""

    @rule(item_id=_ids, labels=_labels, status=st.sampled_from(["done", "skipped"]))
    def save(self, item_id, labels, status) -> None:
        self.store.save({"text": f"text of {item_id}", "n": 1}, item_id, labels, status=status)
        self.history.append((item_id, self.model.get(item_id)))
        self.model[item_id] = (labels, status)

    @rule()
    def undo(self) -> None:
        undone = self.store.undo()
        if not self.history:
            assert undone is None
            return
        item_id, previous = self.history.pop()
        assert undone == item_id
        if previous is None:
            del self.model[item_id]
        else:
            self.model[item_id] = previous

    @rule(partial=_partial)
    def crash(self, partial: bytes) -> None:
        self.store.close()
        if partial:
            with open(self.path, "ab") as f:
                f.write(partial)
            self.torn += partial + b"\n"
        self.store = AnnotationStore(self.path, "ann")
        assert (self.store.recovered is not None) == bool(partial)
        self.history = []  # a new session cannot undo the old one's saves

    @precondition(lambda self: self.store is not None)
    @invariant()
    def file_matches_model(self) -> None:
        replayed = {
            item_id: (obj["labels"], obj["_status"])
            for item_id, obj in last_wins(self.path).items()
        }
        assert replayed == self.model
        assert {k: (r.labels, r.status) for k, r in self.store.current.items()} == self.model
        for obj in read_lines(self.path):
            assert obj["text"] == f"text of {obj['_id']}" and obj["_annotator"] == "ann"
        torn = self.path.with_name(self.path.name + ".torn")
        assert (torn.read_bytes() if torn.exists() else b"") == self.torn

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()
            # the file reopens to the same state (no torn tail left behind)
            with AnnotationStore(self.path, "ann") as again:
                assert again.recovered is None
                assert {k: (r.labels, r.status) for k, r in again.current.items()} == self.model
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)


StoreMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestStoreMachine = StoreMachine.TestCase


def test_every_line_is_one_json_object(out):
    with AnnotationStore(out, "ann") as store:
        for i in range(20):
            store.save({"text": "line\nbreak\r\u2028"}, f"i{i}", {"t": str(i)})
    raw = out.read_bytes()
    assert raw.count(b"\n") == 20
    assert [json.loads(line)["_id"] for line in raw.split(b"\n")[:-1]] == [
        f"i{i}" for i in range(20)
    ]


# -- a disk that fails mid-save -----------------------------------------------------------------


def test_short_write_is_cut_off_and_reported(out):
    real_write = os.write
    with AnnotationStore(out, "ann") as store:
        store.save({"text": "a"}, "a", {"t": "x"})
        before = out.read_bytes()

        def short_write(fd, data):
            return real_write(fd, data[: len(data) // 2])

        with (
            mock.patch.object(store_module.os, "write", short_write),
            pytest.raises(LabeltuiError) as info,
        ):
            store.save({"text": "b"}, "b", {"t": "y"})
        assert info.value.path == str(out)
        assert out.read_bytes() == before
        assert set(store.current) == {"a"}
        store.save({"text": "c"}, "c", {"t": "z"})
    assert [line["_id"] for line in read_lines(out)] == ["a", "c"]


def test_failed_write_is_a_labeltui_error(out):
    with AnnotationStore(out, "ann") as store:
        store.save({"text": "a"}, "a", {"t": "x"})
        before = out.read_bytes()

        def full_disk(fd, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        with (
            mock.patch.object(store_module.os, "write", full_disk),
            pytest.raises(LabeltuiError) as info,
        ):
            store.save({"text": "b"}, "b", {"t": "y"})
        assert info.value.path == str(out)
        assert out.read_bytes() == before
        assert set(store.current) == {"a"}


def test_discard_removes_only_a_file_this_store_created_and_left_empty(tmp_path):
    new = tmp_path / "new.jsonl"
    store = AnnotationStore(new, "ann")
    assert store.created and new.exists()
    store.discard_if_unused()
    assert not new.exists()

    existing = tmp_path / "existing.jsonl"
    existing.write_text("")  # empty, but not ours: kept
    store = AnnotationStore(existing, "ann")
    assert not store.created
    store.discard_if_unused()
    assert existing.exists()

    used = tmp_path / "used.jsonl"
    store = AnnotationStore(used, "ann")
    store.save({"text": "x"}, "a", {"t": "x"})
    store.discard_if_unused()
    assert len(read_lines(used)) == 1


def test_replay_words_a_bad_line_as_every_reader_and_keeps_old_nan_lines(out):
    """The store reads its file with the one line iterator: the same `FILE:LINE: not valid JSON
    (... at column N)` as every command; NaN, which older versions wrote, is still read back."""
    out.write_text('{"_id": "a", "_annotator": "ann", "_ms": NaN}\n{"_id": "b",,}\n')
    with pytest.raises(LabeltuiError) as info:
        AnnotationStore(out, "ann")
    assert str(info.value) == (
        f"{out}:2: not valid JSON (Expecting property name enclosed in double quotes at column 13)"
    )
    out.write_text('{"_id": "a", "_annotator": "ann", "_ms": NaN}\n')
    with AnnotationStore(out, "ann") as store:
        assert store.current == {"a": Record({}, "done")}
