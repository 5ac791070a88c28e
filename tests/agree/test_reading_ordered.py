"""The reader's shortcuts for ids in order and for tables where every record counts
(reading/ordered.py, `AnnotationTable.every_current`, `build_task(current=None)`): the same
groups, the same current records and the same matrices as the general paths, or a fallback."""

from __future__ import annotations

import os

import numpy as np
import pytest
from agree_helpers import line

from labeltui.core.agree.matrix import build_task
from labeltui.core.agree.reading import fork as reader_fork
from labeltui.core.agree.reading import read as ar
from labeltui.core.agree.reading import table as at
from labeltui.core.agree.reading.ordered import ordered_groups


def sorted_grouping(words):
    """What sorting gives: (first row of each group, group of each row), groups in key order."""
    keys = [tuple(row) for row in words.tolist()]
    distinct = sorted(set(keys))
    code = {key: i for i, key in enumerate(distinct)}
    first = [keys.index(key) for key in distinct]
    return np.array(first), np.array([code[key] for key in keys])


@pytest.mark.parametrize("width", [1, 2, 3])
def test_windows_of_one_increasing_sequence_are_grouped_as_a_sort_groups_them(width):
    rng = np.random.default_rng(width)
    hits = 0
    for _ in range(400):
        sequence = np.unique(rng.integers(0, 60, size=(40, width)).astype(np.uint64), axis=0)
        windows = []
        for _ in range(rng.integers(1, 5)):
            a = int(rng.integers(0, len(sequence)))
            windows.append(sequence[a : int(rng.integers(a + 1, len(sequence) + 1))])
        words = np.concatenate(windows)
        got = ordered_groups(words)
        if got is None:  # a window starting before the first: sorted instead
            continue
        hits += 1
        first, inverse = sorted_grouping(words)
        assert got[0].tolist() == first.tolist() and got[1].tolist() == inverse.tolist()
    assert hits > 100


def test_keys_in_no_order_or_off_the_sequence_are_left_to_the_sort():
    rng = np.random.default_rng(0)
    assert ordered_groups(rng.permutation(np.arange(500, dtype=np.uint64))[:, None]) is None
    two_runs = np.array([[1], [3], [5], [2], [3]], dtype=np.uint64)  # 2 is not in 1, 3, 5
    assert ordered_groups(two_runs) is None
    words = np.array([[1], [2], [2], [3], [1], [2], [3]], dtype=np.uint64)  # a repeated item
    first, inverse = at.group_rows(words)
    assert first.tolist() == [0, 1, 3] and inverse.tolist() == [0, 1, 1, 2, 0, 1, 2]


def annotated(path, items, annotators, skip=()):
    path.write_text(
        "".join(
            line(who, f"t{i:05d}", {"t": ["x", "y"][(i + k) % 2]})
            for i in items
            for k, who in enumerate(annotators)
            if (i, who) not in skip
        )
    )


def test_every_current_matches_current(tmp_path):
    path = tmp_path / "a.jsonl"
    annotated(path, range(50), ["ann", "bob"])
    table = ar.read_annotation_files([path])
    assert table.every_current() and table.current().tolist() == list(range(100))
    with path.open("a") as f:  # a later line for the same annotator and item
        f.write(line("ann", "t00003", {"t": "y"}))
    table = ar.read_annotation_files([path])
    assert not table.every_current() and len(table.current()) == 100
    with path.open("a") as f:
        f.write(line("cy", "t00004", {"t": "y"}, status="skipped"))
    table = ar.read_annotation_files([path])
    assert not table.every_current()


@pytest.mark.parametrize("skip", [(), ((3, "bob"),)])
def test_the_matrix_of_every_record_is_the_matrix_of_their_indices(tmp_path, skip):
    path = tmp_path / "a.jsonl"
    annotated(path, range(30), ["cy", "ann", "bob"], skip=set(skip))
    with path.open("a") as f:  # a value of another task only: no value for "t"
        f.write(line("ann", "t00040", {"u": "z"}))
    table = ar.read_annotation_files([path])
    whole = build_task(table, None, "t")
    listed = build_task(table, np.arange(len(table.ann)), "t")
    assert whole.annotators == listed.annotators == ["ann", "bob", "cy"]
    assert np.array_equal(whole.matrix, listed.matrix)
    assert np.array_equal(whole.items, listed.items)


def test_forked_readers_of_files_in_the_same_order_share_one_numbering(tmp_path, monkeypatch):
    paths = [tmp_path / f"{who}.jsonl" for who in ("ann", "bob", "cy")]
    for k, path in enumerate(paths):
        annotated(path, range(k, 3000), [path.stem])  # each file starts at another item
    monkeypatch.setattr(ar, "MIN_PIECE_BYTES", 1000)
    serial = ar.read_annotation_files(paths, workers=1)
    forked = ar.read_annotation_files(paths, workers=3, parallel_bytes=0)
    for table in (serial, forked):
        ids = [table.item_ids[i] for i in table.item.tolist()]
        assert ids == [f"t{i:05d}" for k in range(3) for i in range(k, 3000)]
    assert list(serial.item_ids) == list(forked.item_ids)  # keys in byte order, both


def test_a_running_child_is_told_apart_from_a_finished_one():
    child = reader_fork.fork(lambda _: os.read(os.open(os.devnull, os.O_RDONLY), 1), None)
    assert reader_fork.collect(child) == b""
    r, w = os.pipe()
    slow = reader_fork.fork(lambda fd: os.read(fd, 1), r)
    assert reader_fork.running(slow)
    os.write(w, b"x")
    assert reader_fork.collect(slow) == b"x"
    os.close(r)
    os.close(w)
