"""Duplicate ids while scanning (FORMAT section 1: the first line with an id wins).

The index remembers the ids it met compactly (a bitmap, a small dict of recent hashes, then
item indices sorted by hash); these tests push every path: tiny read chunks, tiny merge sizes,
hash functions with collisions and with equal low bits, `--where` filtering, resuming.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

import pytest
from core_helpers import jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import labeltui.core.dataset as dataset_module
from labeltui.core.annotations import lines as lines_module
from labeltui.core.dataset import DatasetIndex
from labeltui.core.selection import SortKey, Where
from labeltui.core.session import open_session
from labeltui.core.store import AnnotationStore

REAL_HASH = dataset_module.id_hash


def colliding_hash(value: str) -> int:
    """Few distinct values: most different ids share a hash (and 0 is one of them)."""
    return len(value) % 3


def low_bits_equal_hash(value: str) -> int:
    """Distinct hashes whose low 32 bits are all 0: every bitmap test after the first hits."""
    return (REAL_HASH(value) >> 32) << 32


HASHES = {"real": REAL_HASH, "colliding": colliding_hash, "low-bits": low_bits_equal_hash}


def patched(chunk: int | None = None, flush: int | None = None, hash_name: str = "real"):
    stack = ExitStack()
    if chunk is not None:
        stack.enter_context(mock.patch.object(lines_module, "CHUNK", chunk))
    if flush is not None:
        stack.enter_context(mock.patch.object(dataset_module, "_FLUSH", flush))
    if hash_name != "real":
        stack.enter_context(mock.patch.object(dataset_module, "id_hash", HASHES[hash_name]))
    return stack


def first_occurrences(rows: list[dict], where: dict | None = None, hash_fn=REAL_HASH):
    """An independent reading: [(id, 1-based line)] of the lines kept, duplicates, filtered.

    With a filter, an id whose first line was filtered out keeps its later lines out too
    (compared by hash, as documented in labeltui/core/dataset.py).
    """
    kept: dict[str, int] = {}
    filtered: set[int] = set()
    dups = out = 0
    for line, row in enumerate(rows, start=1):
        ident = str(row["id"])
        if ident in kept or hash_fn(ident) in filtered:
            dups += 1
        elif where and any(str(row.get(k)) != v for k, v in where.items()):
            filtered.add(hash_fn(ident))
            out += 1
        else:
            kept[ident] = line
    return list(kept.items()), dups, out


def read_back(index: DatasetIndex) -> list[tuple[str, int]]:
    return [(index.item(i).id, index.item(i).line) for i in range(len(index))]


def write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_text(jsonl(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("flush", [1, 3, 1 << 16])
def test_duplicates_across_chunk_boundaries(tmp_path, flush):
    rows = [{"id": f"k{i % 40}", "text": f"line {i}"} for i in range(200)]
    path = write(tmp_path, rows)
    with patched(chunk=64, flush=flush):
        index = DatasetIndex(path).scan_all()
    assert read_back(index) == [(f"k{i}", i + 1) for i in range(40)]
    assert [index.item(i).text for i in range(3)] == ["line 0", "line 1", "line 2"]
    assert index.duplicates == 160
    for i in range(40):
        assert index.find(f"k{i}") == i
    assert index._seen is None  # dropped once complete


def test_duplicates_inside_one_chunk(tmp_path):
    rows = [{"id": "a", "text": "1"}, {"id": "b"}, {"id": "a", "text": "2"}, {"id": "c"}]
    rows += [{"id": "b"}, {"id": "a", "text": "3"}, {"text": "h"}, {"text": "h", "x": 1}]
    index = DatasetIndex(write(tmp_path, rows)).scan_all()
    assert [i for i, _ in read_back(index)][:3] == ["a", "b", "c"]
    assert [line for _, line in read_back(index)] == [1, 2, 4, 7]
    assert index.item(0).text == "1"
    assert index.duplicates == 4


@pytest.mark.parametrize("flush", [1, 1 << 16])
@pytest.mark.parametrize("chunk", [64, 1 << 22])
def test_where_first_line_wins_even_when_filtered_out(tmp_path, chunk, flush):
    rows = [
        {"id": "a", "lang": "de"},  # filtered out: later "a" lines stay out even when matching
        {"id": "b", "lang": "en"},
        {"id": "a", "lang": "en"},
        {"id": "c", "lang": "en"},
        {"id": "b", "lang": "de"},
        {"id": "d", "lang": "fr"},
        {"id": "a", "lang": "en"},
        {"id": "d", "lang": "en"},
        {"id": "e", "lang": "en"},
    ]
    path = write(tmp_path, rows)
    with patched(chunk=chunk, flush=flush):
        index = DatasetIndex(path, where=Where.parse(["lang=en"])).scan_all()
    assert read_back(index) == [("b", 2), ("c", 4), ("e", 9)]
    assert (index.duplicates, index.filtered_out) == (4, 2)


@pytest.mark.parametrize("flush", [1, 2, 1 << 16])
@pytest.mark.parametrize("hash_name", ["colliding", "low-bits"])
def test_equal_hashes_with_different_ids_are_both_kept(tmp_path, hash_name, flush):
    names = ["a", "bb", "ccc", "dddd", "e", "ff", "ggg", "a", "dddd", "ff", "hhhhh", "e"]
    rows = [{"id": name, "text": f"{name}#{n}"} for n, name in enumerate(names)]
    assert colliding_hash("a") == colliding_hash("dddd")  # the patch really collides
    path = write(tmp_path, rows)
    with patched(chunk=64, flush=flush, hash_name=hash_name):
        index = DatasetIndex(path).scan_all()
        for n, name in enumerate(dict.fromkeys(names)):
            assert index.find(name) == n
    expected, dups, _ = first_occurrences(rows)
    assert read_back(index) == expected
    assert index.duplicates == dups == 4
    assert index.item(0).text == "a#0"


def test_resume_lands_after_a_duplicate_in_the_same_chunk(tmp_path):
    rows = [{"id": "a"}, {"id": "b"}, {"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}]
    dataset = write(tmp_path, rows)
    schema = tmp_path / "schema.yaml"
    schema.write_text(
        "text_field: null\ntasks:\n  - name: t\n    kind: choice\n    labels: [x, y]\n"
    )
    out = tmp_path / "out.jsonl"
    with AnnotationStore(out, "ann") as store:
        for ident in ("a", "b"):
            store.save({"id": ident}, ident, {"t": "x"})
    for chunk in (1 << 22, 16):
        with patched(chunk=chunk):
            session = open_session(dataset, schema, "ann", out)
        try:
            assert session.item().id == "c"
            assert session.position == session.index.find("c") == 2
            assert session.index.duplicates == 2
        finally:
            session.close()


def test_count_ids_compares_by_item(tmp_path):
    rows = [{"id": i % 7} for i in range(30)]
    index = DatasetIndex(write(tmp_path, rows)).scan_all()
    assert index.count_ids([]) == 0
    assert index.count_ids(["0", "3", "6", "7", "x"]) == 3
    assert index.count_ids(str(i) for i in range(100)) == 7


def test_recent_hashes_stay_bounded_while_scanning(tmp_path):
    rows = [{"id": f"r{i}"} for i in range(3000)]
    path = write(tmp_path, rows)
    with patched(chunk=256, flush=100):
        index = DatasetIndex(path)
        sizes = []
        index.scan(progress=lambda ix: sizes.append(len(ix._seen.recent) if ix._seen else 0))
    assert len(index) == 3000 and index.complete
    assert max(sizes) < 100 + 256 // 10  # a chunk holds at most 25 of these lines


# -- random files -------------------------------------------------------------------------------


@st.composite
def datasets(draw):
    names = st.sampled_from(["a", "b", "cc", "7", "ddd", "e", "ff", "q1"])
    ids = draw(st.lists(names, max_size=60))
    rows = [
        {"id": ident, "n": n, "lang": draw(st.sampled_from(["en", "de"]))}
        for n, ident in enumerate(ids)
    ]
    return rows


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=datasets(),
    chunk=st.sampled_from([8, 24, 64, 200, 1 << 22]),
    flush=st.sampled_from([1, 2, 5, 1 << 16]),
    hash_name=st.sampled_from(["real", "colliding", "low-bits"]),
    filtered=st.booleans(),
    stops=st.sets(st.integers(0, 12), max_size=4),
)
def test_items_are_the_first_occurrence_of_each_id(
    tmp_path, rows, chunk, flush, hash_name, filtered, stops
):
    path = write(tmp_path, rows)
    where = {"lang": "en"} if filtered else None
    expected, dups, out = first_occurrences(rows, where, HASHES[hash_name])
    calls: list[tuple[int, str]] = []

    def stop(index: int, ident: str) -> bool:
        calls.append((index, ident))
        return len(calls) - 1 in stops

    with patched(chunk=chunk, flush=flush, hash_name=hash_name):
        index = DatasetIndex(path, where=Where.parse(["lang=en"] if filtered else None))
        rounds = 0
        while not index.complete:
            index.scan(stop=stop)
            assert index.error is None
            if calls:  # the index stopped on the item it announced
                position, ident = calls[-1]
                assert index.find(ident) == position == len(index) - 1
            rounds += 1
            assert rounds <= len(rows) + 10
        assert calls == [(i, ident) for i, (ident, _) in enumerate(expected)]
        assert read_back(index) == expected
        assert (index.duplicates, index.filtered_out) == (dups, out)
        for position, (ident, _) in enumerate(expected):
            assert index.find(ident) == position
        assert index.count_ids(i for i, _ in expected) == len(expected)
    index.close()


# -- the quick scan (`_scan_batch`) against the careful line-by-line one ------------------------


def careful_scan(path: Path, sort: str | None = None) -> DatasetIndex:
    """The index as the line-by-line loop alone builds it."""
    with mock.patch.object(DatasetIndex, "_scan_batch", lambda self: False):
        return DatasetIndex(path, sort=SortKey.parse(sort)).scan_all()


def index_arrays(index: DatasetIndex) -> tuple:
    return (list(index._starts), list(index._lengths), list(index._lines), list(index._hashes),
            [repr(v) for v in index._sort_values], index.duplicates,
            index.incomplete_line)  # fmt: skip


@st.composite
def raw_files(draw):
    """Lines as other programs write them: string, integer and missing ids (content hashes),
    repeats near and far, blank lines, CRLF and spaces around the object, a last line with or
    without its newline, a torn last line."""
    names = st.sampled_from(["a", "b", "cc", "7", "ddd", "e", "ff", "q1", 7, 12, None])
    lines = []
    for n in range(draw(st.integers(0, 80))):
        ident = draw(names)
        row = {"text": f"t{n % 5}"} if ident is None else {"id": ident, "n": n}
        row["score"] = draw(st.sampled_from([0.5, 2, -1, "high", None, True]))
        pad = draw(st.sampled_from(["", "", "", " ", "\r", "  \t"]))
        lines.append(json.dumps(row) + pad)
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "   "])))
    text = "\n".join(lines)
    end = draw(st.sampled_from(["\n", "", '\n{"id": "torn", "te']))
    return (text + end) if lines else end.lstrip("\n")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=raw_files(),
    chunk=st.sampled_from([24, 64, 200, 1 << 22]),
    flush=st.sampled_from([1, 2, 5, 1 << 16]),
    hash_name=st.sampled_from(["real", "colliding", "low-bits"]),
    bom=st.booleans(),
    sort=st.sampled_from([None, "score", "-score"]),
)
def test_the_quick_scan_indexes_as_the_careful_one(
    tmp_path, text, chunk, flush, hash_name, bom, sort
):
    path = tmp_path / "data.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    with patched(chunk=chunk, flush=flush, hash_name=hash_name):
        quick = DatasetIndex(path, sort=SortKey.parse(sort)).scan_all()
        careful = careful_scan(path, sort)
    assert index_arrays(quick) == index_arrays(careful)
    assert read_back(quick) == read_back(careful)  # in the sorted order with `sort`


@pytest.mark.parametrize("sort", [None, "-score"])
def test_the_quick_scan_takes_big_files_and_finds_far_duplicates(tmp_path, sort):
    """Past the first merge of the hashes (`_FLUSH`), chunks are added at once; a repeat of an
    id from long before, or from the same chunk, sends its chunk to the line-by-line step."""
    rows = [{"id": f"r{i}", "text": "x" * (i % 50), "score": i % 97} for i in range(150_000)]
    rows[120_000] = {"id": "r17", "text": "again"}  # far
    rows[140_001] = {"id": "r140000", "text": "again"}  # the line before
    rows.append({"id": 5})
    path = write(tmp_path, rows)
    taken: list[bool] = []
    real = DatasetIndex._add_all_new

    def spy(self, *args):
        taken.append(real(self, *args))
        return taken[-1]

    with mock.patch.object(DatasetIndex, "_add_all_new", spy):
        quick = DatasetIndex(path, sort=SortKey.parse(sort)).scan_all()
    assert taken.count(False) == 2 and taken.count(True) > 50  # the two repeats' chunks
    assert quick.duplicates == 2 and len(quick) == 150_000 - 1
    assert quick.item(quick.find("r17")).text == "x" * 17  # the first line with the id
    careful = careful_scan(path, sort)
    assert index_arrays(quick) == index_arrays(careful)
    if sort is None:
        assert quick.find("r17") == 17 and quick.find("5") == len(quick) - 1
    else:
        assert quick.item(0).data["score"] == 96 and read_back(quick) == read_back(careful)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"id": [1]}', "'id' must be a string or an integer"),
    ],
)
def test_a_bad_line_deep_in_a_big_file_is_named_as_before(tmp_path, bad, message):
    lines = [json.dumps({"id": f"r{i}"}) for i in range(100_000)]
    lines[90_000] = bad
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines) + "\n")
    errors = []
    for index in (DatasetIndex(path), None):
        if index is None:
            with mock.patch.object(DatasetIndex, "_scan_batch", lambda self: False):
                index = DatasetIndex(path)
                index.scan()
        else:
            index.scan()
        assert index.error is not None and len(index) == 90_000
        errors.append(str(index.error))
    assert errors[0] == errors[1]
    assert ":90001:" in errors[0] and message in errors[0]


def test_a_merge_after_only_colliding_items_keeps_every_item(tmp_path):
    """Items whose hash collides with another id's are kept apart (`collided`), not among the
    recent ones; a merge with no recent item must still take them in (found by hypothesis:
    `sorter.size must equal a.size` at the next merge)."""
    names = ["a"] * 5 + ["b", "7"] + ["a"] * 6 + ["cc"]
    rows = [
        {"id": name, "n": n, "lang": "de" if name == "7" else "en"} for n, name in enumerate(names)
    ]
    path = write(tmp_path, rows)
    with patched(chunk=8, flush=1, hash_name="colliding"):
        index = DatasetIndex(path, where=Where.parse(["lang=en"])).scan_all()
        assert read_back(index) == [("a", 1), ("b", 6), ("cc", 14)]
        assert [index.find(name) for name in ("a", "b", "cc", "7")] == [0, 1, 2, None]
    assert (index.duplicates, index.filtered_out) == (10, 1)


@pytest.mark.parametrize("read_ahead", [1, 64, 1 << 20])
@pytest.mark.parametrize("sort", [None, "-score"])
def test_items_in_one_pass_are_the_items_one_by_one(tmp_path, read_ahead, sort):
    """`DatasetIndex.items` (validate's pass) reads neighbouring lines together; it gives what
    `item(i)` gives for every i: repeats left out, blank lines, a BOM, a sorted order."""
    rows = [{"id": f"k{i % 30}", "text": f"line {i}", "score": i % 7} for i in range(80)]
    text = "\ufeff" + "\n".join(
        json.dumps(r) + ("\n" if i % 9 == 0 else "") for i, r in enumerate(rows)
    )
    path = tmp_path / "data.jsonl"
    path.write_text(text + "\n", encoding="utf-8")
    with mock.patch.object(dataset_module, "_READ_AHEAD", read_ahead):
        index = DatasetIndex(path, sort=SortKey.parse(sort)).scan_all()
        streamed = list(index.items())
    one_by_one = [index.item(i) for i in range(len(index))]
    assert len(index) == 30 and streamed == one_by_one
    assert [item.index for item in streamed] == list(range(30))
