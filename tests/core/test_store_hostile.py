"""The annotation store against files that others share, delete, replace, tear or fake
(issue 13): it never loses or misattributes a save, and never reports one that is not on disk."""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path
from unittest import mock

import pytest
from core_helpers import read_lines

import labeltui.core.store_files as files_module
from labeltui.core.formats import export_file, import_file
from labeltui.core.store import AnnotationStore, Record, check_output_path
from labeltui.errors import EXIT_LOCKED, LabeltuiError


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "shared.jsonl"


def line(item_id: str, who: str | None, team: str, **extra) -> str:
    obj = {"text": f"text {item_id}", "labels": {"team": team}, "_id": item_id}
    if who is not None:
        obj["_annotator"] = who
    obj.update({"_status": "done", **extra})
    return json.dumps(obj) + "\n"


# -- several annotators in one file -----------------------------------------------------------


def test_only_the_annotators_own_lines_are_theirs(out):
    out.write_text(
        line("a", "bob", "bug")
        + line("b", "bob", "billing")
        + line("b", "ann", "shipping")
        + line("c", "lead", "bug", _from=["bob"])
        + line("a", "ann", "bug", _from=[])
    )
    with AnnotationStore(out, "ann") as ann:
        assert ann.current == {"b": Record({"team": "shipping"}, "done")}
        assert not ann.is_done("a")  # bob's answer and ann's own gold line are not hers
    with AnnotationStore(out, "bob") as bob:
        assert set(bob.current) == {"a", "b"}
        assert bob.current["b"] == Record({"team": "billing"}, "done")


def test_a_review_store_takes_only_its_reviewers_gold_lines(out):
    out.write_text(
        line("a", "lead", "bug")  # lead's own annotation, not gold
        + line("b", "lead", "billing", _from=["ann"])
        + line("c", "other", "bug", _from=["bob"])
    )
    with AnnotationStore(out, "lead", review=True) as review:
        assert review.current == {"b": Record({"team": "billing"}, "done")}
        review.save({"text": "x"}, "c", {"team": "bug"}, extra={"_from": []})
    with AnnotationStore(out, "lead") as person:
        assert person.current == {"a": Record({"team": "bug"}, "done")}


def test_undo_cuts_only_this_sessions_line_and_keeps_the_others(out):
    out.write_text(line("a", "bob", "bug") + line("a", "ann", "billing"))
    with AnnotationStore(out, "ann") as ann:
        ann.save({"text": "x"}, "a", {"team": "shipping"})
        assert ann.undo() == "a"
        assert ann.current["a"] == Record({"team": "billing"}, "done")
        assert ann.undo() is None
    assert [(o["_annotator"], o["labels"]["team"]) for o in read_lines(out)] == [
        ("bob", "bug"),
        ("ann", "billing"),
    ]


def test_a_line_without_annotator_is_nobodys_and_kept(out):
    content = line("a", "ann", "bug") + line("b", None, "bug") + line("c", "", "bug")
    out.write_text(content)
    with AnnotationStore(out, "ann") as store:
        assert set(store.current) == {"a"}
        store.save({}, "b", {"team": "billing"})
    assert out.read_text().startswith(content)
    with AnnotationStore(out, "ann") as again:
        assert set(again.current) == {"a", "b"}
        assert again.current["b"] == Record({"team": "billing"}, "done")


# -- the file deleted or replaced while the store has it open ---------------------------------


def test_a_deleted_file_is_written_again_with_every_line_before_the_next_save(out):
    out.write_text(line("a", "bob", "bug"))
    store = AnnotationStore(out, "ann")
    store.save({"text": "1"}, "i1", {"team": "bug"})
    store.save({"text": "2"}, "i2", {"team": "billing"})
    out.unlink()
    assert store.take_notice() is None
    store.save({"text": "3"}, "i3", {"team": "shipping"})
    assert [(o["_annotator"], o["_id"]) for o in read_lines(out)] == [
        ("bob", "a"),
        ("ann", "i1"),
        ("ann", "i2"),
        ("ann", "i3"),
    ]
    notice = store.take_notice()
    assert notice and "was deleted" in notice and str(out) in notice
    assert store.take_notice() is None
    with pytest.raises(LabeltuiError) as info:  # the new file is locked like the old one
        AnnotationStore(out, "ann")
    assert info.value.exit_code == EXIT_LOCKED
    assert store.undo() == "i3"  # undo works on the new file
    assert [o["_id"] for o in read_lines(out)] == ["a", "i1", "i2"]
    store.save({"text": "4"}, "i4", {"team": "bug"})
    store.close()
    with AnnotationStore(out, "ann") as again:
        assert set(again.current) == {"i1", "i2", "i4"} and again.recovered is None
    assert not list(out.parent.glob(".*.part"))  # no temporary copy left


def test_an_undo_after_a_delete_writes_the_file_again_without_the_undone_line(out):
    store = AnnotationStore(out, "ann")
    store.save({}, "i1", {"team": "bug"})
    store.save({}, "i2", {"team": "bug"})
    out.unlink()
    assert store.undo() == "i2"
    assert [o["_id"] for o in read_lines(out)] == ["i1"]
    store.close()


def test_a_replaced_file_is_moved_aside_never_clobbered(out):
    store = AnnotationStore(out, "ann")
    store.save({}, "i1", {"team": "bug"})
    stranger = out.with_name("new.jsonl")
    stranger.write_text("somebody else's file\n")
    os.replace(stranger, out)  # what an editor or a sync tool does
    store.save({}, "i2", {"team": "billing"})
    store.close()
    assert [o["_id"] for o in read_lines(out)] == ["i1", "i2"]
    (aside,) = out.parent.glob("shared.jsonl.replaced-*")
    assert aside.read_text() == "somebody else's file\n"
    assert str(aside) in store.notices[0] and "replaced" in store.notices[0]


def test_a_file_that_another_session_holds_at_the_path_is_not_touched(out):
    store = AnnotationStore(out, "ann")
    store.save({}, "i1", {"team": "bug"})
    out.unlink()
    other = AnnotationStore(out, "bob")  # a second session made a new file at the path
    other.save({}, "b1", {"team": "bug"})
    store.save({}, "i2", {"team": "bug"})
    (rescued,) = out.parent.glob("shared.rescued-*.jsonl")
    assert store.path == rescued and str(rescued) in store.take_notice()
    assert [o["_id"] for o in read_lines(rescued)] == ["i1", "i2"]
    assert [o["_id"] for o in read_lines(out)] == ["b1"]
    other.save({}, "b2", {"team": "bug"})  # the other session never noticed
    store.save({}, "i3", {"team": "bug"})
    assert [o["_id"] for o in read_lines(rescued)] == ["i1", "i2", "i3"]
    assert [o["_id"] for o in read_lines(out)] == ["b1", "b2"]
    other.close()
    store.close()


def test_a_folder_at_the_path_refuses_the_save(out):
    store = AnnotationStore(out, "ann")
    store.save({}, "i1", {"team": "bug"})
    out.unlink()
    out.mkdir()
    with pytest.raises(LabeltuiError) as info:
        store.save({}, "i2", {"team": "bug"})
    assert "not a regular file" in info.value.message
    assert "nothing was saved" in info.value.message
    assert set(store.current) == {"i1"}
    out.rmdir()  # moved away: the next save writes the file again
    store.save({}, "i2", {"team": "bug"})
    assert [o["_id"] for o in read_lines(out)] == ["i1", "i2"]
    store.close()


def test_a_deleted_folder_refuses_the_save(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    store = AnnotationStore(folder / "a.jsonl", "ann")
    store.save({}, "i1", {"team": "bug"})
    (folder / "a.jsonl").unlink()
    folder.rmdir()
    with pytest.raises(LabeltuiError) as info:
        store.save({}, "i2", {"team": "bug"})
    assert "nothing was saved" in info.value.message and set(store.current) == {"i1"}
    store.close()


def test_a_delete_during_the_write_still_leaves_the_line_at_the_path(out):
    store = AnnotationStore(out, "ann")
    store.save({}, "i1", {"team": "bug"})
    real_fsync = os.fsync
    calls = []

    def fsync_then_delete(fd):
        real_fsync(fd)
        if not calls:
            calls.append(fd)
            out.unlink()

    with mock.patch("labeltui.core.store.os.fsync", fsync_then_delete):
        store.save({}, "i2", {"team": "bug"})
    assert [o["_id"] for o in read_lines(out)] == ["i1", "i2"]
    store.close()


def test_a_symlinked_file_deleted_behind_its_link_is_written_again_where_the_link_points(
    tmp_path,
):
    target = tmp_path / "real.jsonl"
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    store = AnnotationStore(link, "ann")
    store.save({}, "i1", {"team": "bug"})
    target.unlink()
    store.save({}, "i2", {"team": "bug"})
    store.close()
    assert link.is_symlink() and [o["_id"] for o in read_lines(target)] == ["i1", "i2"]


# -- torn tails -------------------------------------------------------------------------------


def test_a_whole_last_line_without_its_newline_is_kept(out):
    content = line("a", "ann", "bug") + line("b", "ann", "billing").rstrip("\n")
    out.write_text(content)
    with AnnotationStore(out, "ann") as store:
        assert store.recovered is None
        assert set(store.current) == {"a", "b"}
        store.save({}, "c", {"team": "bug"})
    assert out.read_text().startswith(content + "\n")
    assert not out.with_name(out.name + ".torn").exists()
    assert [o["_id"] for o in read_lines(out)] == ["a", "b", "c"]


def test_a_whole_last_line_that_is_not_an_annotation_is_refused_unchanged(out):
    content = line("a", "ann", "bug") + '{"id": "x", "text": "a dataset line"}'
    out.write_text(content)
    with pytest.raises(LabeltuiError) as info:
        AnnotationStore(out, "ann")
    assert info.value.line == 2 and out.read_text() == content


def test_adding_the_missing_newline_on_a_full_disk_changes_nothing(out):
    content = line("a", "ann", "bug").rstrip("\n")
    out.write_text(content)

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    with (
        mock.patch("labeltui.core.store.os.write", full),
        pytest.raises(LabeltuiError) as info,
    ):
        AnnotationStore(out, "ann")
    assert "newline" in info.value.message and "No space left" in info.value.message
    assert out.read_text() == content


@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EACCES, "Permission denied"),
    ],
)
@pytest.mark.parametrize("where", ["open", "write"])
def test_a_torn_tail_that_cannot_be_moved_leaves_everything_as_it_was(out, failure, where):
    content = line("a", "ann", "bug") + '{"_id": "b", "lab'
    out.write_text(content)
    torn = out.with_name(out.name + ".torn")
    real = getattr(files_module.os, where)

    def failing(*args, **kwargs):
        if where == "open" and Path(args[0]) != torn:
            return real(*args, **kwargs)
        raise failure

    with mock.patch.object(files_module.os, where, failing), pytest.raises(LabeltuiError) as info:
        AnnotationStore(out, "ann")
    assert info.value.path == str(out) and ".torn" in info.value.message
    assert failure.strerror in info.value.message
    assert out.read_text() == content
    assert not torn.exists()


def test_a_torn_tail_that_cannot_be_moved_keeps_an_older_torn_file_as_it_was(out):
    torn = out.with_name(out.name + ".torn")
    torn.write_bytes(b"older\n")
    out.write_text('{"_id": "b", "lab')

    real_write = os.write

    def short(fd, data):  # a disk that fills up halfway through the tail
        return real_write(fd, data[:3])

    with mock.patch.object(files_module.os, "write", short), pytest.raises(LabeltuiError):
        AnnotationStore(out, "ann")
    assert torn.read_bytes() == b"older\n"


# -- paths that are not regular files ---------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(LabeltuiError) as info:
        AnnotationStore(fifo, "ann")
    assert "named pipe" in info.value.message and info.value.path == str(fifo)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/stdin"])
def test_a_device_is_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    with pytest.raises(LabeltuiError) as info:
        AnnotationStore(device, "ann")
    assert "not a regular file" in info.value.message


def test_a_folder_and_a_symlink_loop_are_refused(tmp_path):
    with pytest.raises(LabeltuiError, match="is a folder"):
        AnnotationStore(tmp_path, "ann")
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop)
    with pytest.raises(LabeltuiError, match="symbolic link loop"):
        check_output_path(loop)
    with pytest.raises(LabeltuiError, match="symbolic link loop"):
        AnnotationStore(loop, "ann")
    check_output_path(tmp_path / "new.jsonl")  # a path that does not exist yet is fine


# -- lone surrogates --------------------------------------------------------------------------


def test_a_lone_surrogate_is_written_back_as_the_same_escape(out):
    item = json.loads('{"id": "s\\ud800", "text": "caf\\u00e9 \\udfff end"}')
    with AnnotationStore(out, "ann") as store:
        store.save(item, item["id"], {"team": json.loads('"x\\udbff"')})
    raw = out.read_bytes()
    assert b"\\ud800" in raw and b"\\udfff" in raw and b"\\udbff" in raw
    assert "café".encode() in raw  # everything else stays UTF-8 as is
    (saved,) = read_lines(out)
    assert saved["text"] == item["text"] and saved["_id"] == item["id"]
    with AnnotationStore(out, "ann") as store:
        assert store.current[item["id"]].labels == {"team": "x\udbff"}


# -- import and export never replace a file a session writes ----------------------------------


def test_import_and_export_refuse_a_file_a_session_holds(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "hello", "label": [[0, 5, "X"]]}\n')
    dataset = tmp_path / "data.jsonl"
    span = {"start": 0, "end": 5, "label": "X", "text": "hello"}
    dataset.write_text(json.dumps({"text": "hello", "labels": {"entities": [span]}}) + "\n")
    target = tmp_path / "held.jsonl"
    for content in ("", line("a", "ann", "bug")):
        target.write_text(content)
        store = AnnotationStore(target, "ann")
        with pytest.raises(LabeltuiError) as info:
            import_file("doccano", source, target)
        assert info.value.exit_code == EXIT_LOCKED and "labeltui session" in info.value.message
        with pytest.raises(LabeltuiError) as info:
            export_file("doccano", dataset, target)
        assert info.value.exit_code == EXIT_LOCKED
        assert target.read_text() == content
        store.close()
    target.write_text("")
    import_file("doccano", source, target)  # once the session is gone it is replaced
    assert "hello" in target.read_text()


# -- a very long item -------------------------------------------------------------------------


@pytest.mark.slow
def test_saving_a_100_mb_item_takes_under_2_seconds(out):
    text = ("héllo wörld, a long ticket text " * 3_300_000)[:100_000_000]
    with AnnotationStore(out, "ann") as store:
        started = time.perf_counter()
        store.save({"id": "big", "text": text}, "big", {"team": "bug"})
        elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{elapsed:.2f} s"
    assert out.stat().st_size > 100_000_000
