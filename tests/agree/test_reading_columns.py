"""A piece's columns filled in place (core/agree/reading/columns.py) and the reader's one key
column for item ids (`table.IdCollector`): the same records, line numbers and groups as the
blocks joined at the end, however the columns grow, and line numbers kept only after a gap."""

from __future__ import annotations

import random

import numpy as np
from agree_helpers import line

from labeltui.core.agree.reading import columns as ac
from labeltui.core.agree.reading import merge as am
from labeltui.core.agree.reading import read as ar
from labeltui.core.agree.reading import table as at


def block(n: int, line_of: np.ndarray | int, tasks: dict[str, int], ms: bool = False) -> ac.Block:
    start = line_of if isinstance(line_of, int) else 0
    return ac.Block(
        ann=np.arange(start, start + n, dtype=np.int32) % 3,
        done=np.arange(n) % 2 == 0,
        line=line_of,
        tasks={name: np.full(n, code, dtype=np.int32) for name, code in tasks.items()},
        ms=np.arange(n, dtype=np.float64) if ms else None,
    )


def joined(blocks: list[ac.Block]) -> dict:
    """What the blocks give, joined one by one (the columns' meaning, without their tricks)."""
    names: dict[str, None] = {}
    for b in blocks:
        names.update(dict.fromkeys(b.tasks))
    lines = [
        np.arange(b.line, b.line + len(b.ann)) if isinstance(b.line, int) else b.line
        for b in blocks
    ]
    return {
        "ann": np.concatenate([b.ann for b in blocks]).tolist(),
        "done": np.concatenate([b.done for b in blocks]).tolist(),
        "line": np.concatenate(lines).tolist(),
        "tasks": {
            name: np.concatenate(
                [b.tasks.get(name, np.full(len(b.ann), -1, dtype=np.int32)) for b in blocks]
            ).tolist()
            for name in names
        },
    }


def filled(blocks: list[ac.Block], capacity: int) -> tuple[dict, am.PieceData]:
    columns = ac.PieceColumns(capacity)
    for b in blocks:
        columns.append(b)
    data = columns.finish()
    line_of = data.line
    n = len(data.ann)
    lines = np.arange(line_of, line_of + n) if isinstance(line_of, int) else line_of
    got = {
        "ann": data.ann.tolist(),
        "done": data.done.tolist(),
        "line": lines.tolist(),
        "tasks": {name: codes.tolist() for name, codes in data.tasks.items()},
    }
    return got, data


def test_consecutive_lines_are_not_stored_and_new_or_missing_tasks_read_minus_one():
    blocks = [block(5, 1, {"a": 1}), block(3, 6, {"a": 2, "b": 7}), block(4, 9, {"b": 3})]
    for capacity in (1, 4, 100):  # grown by doubling, or room from the start
        got, data = filled(blocks, capacity)
        assert got == joined(blocks)
        assert data.line == 1  # 1..12 without a gap: a number, not a column
        assert list(data.tasks) == ["a", "b"]


def test_a_gap_in_the_lines_makes_a_column_from_the_numbers_so_far():
    gap = block(3, np.array([9, 11, 12], dtype=np.int32), {"a": 0})
    blocks = [block(4, 2, {"a": 1}), gap, block(2, 13, {"a": 2}), block(0, 15, {})]
    for capacity in (2, 50):
        got, data = filled(blocks, capacity)
        assert got == joined(blocks)
        assert not isinstance(data.line, int)
    # an array of consecutive numbers (the careful path) is no gap
    _, data = filled([block(2, 1, {}), block(2, np.array([3, 4], dtype=np.int32), {})], 8)
    assert data.line == 1
    _, data = filled([block(2, 5, {}), block(1, 8, {})], 8)  # a number after a gap
    assert data.line.tolist() == [5, 6, 8]


def test_ms_is_a_column_when_the_first_block_has_it():
    blocks = [block(3, 1, {"a": 1}, ms=True), block(2, 4, {"a": 1}, ms=True)]
    _, data = filled(blocks, 2)
    assert data.ms is not None and data.ms.tolist() == [0, 1, 2, 0, 1]
    _, data = filled([block(3, 1, {"a": 1})], 2)
    assert data.ms is None
    _, data = filled([], 2)
    assert data.ms is None and len(data.ann) == 0


def test_merge_numbers_the_lines_of_a_piece_given_by_its_first():
    out = np.zeros(5, dtype=np.int32)
    am._number(out, 3, 10)
    assert out.tolist() == [13, 14, 15, 16, 17]
    am._number(out, np.array([1, 2, 4, 5, 9], dtype=np.int32), 10)
    assert out.tolist() == [11, 12, 14, 15, 19]


def test_merge_numbers_long_pieces_slice_by_slice(monkeypatch):
    monkeypatch.setattr(am, "NUMBER_SLICE", 4)
    out = np.zeros(11, dtype=np.int32)
    am._number(out, 1, 100)
    assert out.tolist() == list(range(101, 112))


def test_expected_lines_is_a_little_more_than_the_lines(tmp_path, monkeypatch):
    assert ac.expected_lines("not read", 0, 1000) >= 1000 // ac.SMALL_LINE_BYTES
    monkeypatch.setattr(ac, "SMALL_PIECE_BYTES", 0)  # every piece sampled
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"x" * 99 + b"\n" + b"y" * 9 + b"\n" * 1000)
    size = path.stat().st_size
    assert ac.expected_lines(str(path), 0, 100) >= 1
    assert ac.expected_lines(str(path), 110, size) >= 1000
    path.write_bytes(b"z" * 1000)
    assert ac.expected_lines(str(path), 0, 1000) == ac.MIN_CAPACITY
    assert ac.expected_lines(str(tmp_path / "gone.jsonl"), 0, 10) == ac.MIN_CAPACITY


def test_files_with_gaps_read_the_same_line_numbers_serial_and_forked(tmp_path, monkeypatch):
    """Blank lines and review lines leave gaps; the numbers are the lines' own."""
    rng = random.Random(3)
    paths = []
    for who in ("ann", "bob"):
        rows = []
        for i in range(4000):
            rows.append(line(who, f"t{i:05d}", {"t": rng.choice("xyz")}))
            if rng.random() < 0.01:
                rows.append("\n")
            if rng.random() < 0.005:
                rows.append(line("gold", f"t{i:05d}", {"t": "x"}, _from="ann"))
        path = tmp_path / f"{who}.jsonl"
        path.write_text("".join(rows))
        paths.append(path)
    expected = []
    for k, path in enumerate(paths):
        for number, text in enumerate(path.read_text().splitlines(), 1):
            if text.strip() and '"_from"' not in text:
                expected.append((k, number))
    monkeypatch.setattr(ar, "MIN_PIECE_BYTES", 1000)
    for workers in (1, 3):
        table = ar.read_annotation_files(paths, workers=workers, parallel_bytes=0)
        assert list(zip(table.file.tolist(), table.line.tolist(), strict=True)) == expected


def random_ids(rng: random.Random, n: int, longest: int) -> list[str]:
    return [
        "".join(rng.choice("abé😀-0") for _ in range(rng.randint(0, longest))) for _ in range(n)
    ]


def test_keys_of_growing_width_and_number_are_grouped_exactly():
    rng = random.Random(5)
    parts = [random_ids(rng, rng.randint(1, 300), rng.choice([2, 5, 9])) for _ in range(30)]
    every = [i for part in parts for i in part]
    for reserve in (0, 10, 100_000):
        ids = at.IdCollector()
        ids.reserve(reserve)
        for part in parts:
            keys = at.id_words("\0".join(part), len(part))
            assert keys is not None
            ids.add_keys(keys[0])
        groups, codes = ids.finish()
        assert ids.count == len(every) == len(codes)
        assert groups.ids is None  # keys, with lengths found from them
        distinct = groups.table_ids()
        assert len(distinct) == len(set(every))
        assert [distinct[c] for c in codes.tolist()] == every


def test_key_lengths_are_the_ids_byte_lengths():
    ids = ["", "a", "abcdefgh", "abcdefghi", "é😀", "x" * 24]
    words, lens = at.id_words("\0".join(ids), len(ids))
    assert at.key_lengths(words).tolist() == lens.tolist()


def test_keys_and_texts_mixed_with_ids_that_cannot_be_keys_keep_their_order():
    ids = at.IdCollector()
    ids.reserve(2)
    words, _ = at.id_words("ab\0c", 2)
    ids.add(["x", "y"])
    ids.add_keys(words)
    ids.add(["has \0 nul", "y"])
    ids.add_keys(at.id_words("abcdefghij\0x", 2)[0])
    ids.add(["z"])
    groups, codes = ids.finish()
    assert groups.ids is not None
    got = [groups.ids[c] for c in codes.tolist()]
    assert got == ["x", "y", "ab", "c", "has \0 nul", "y", "abcdefghij", "x", "z"]
