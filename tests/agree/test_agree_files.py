"""Reading annotation files: the current line counts, every line is checked, every path of the
reader (fast blocks, careful lines, forked pieces, keyed or listed ids) gives the same table."""

from __future__ import annotations

import json
import os
import random

import numpy as np
import pytest
from agree_helpers import line

from labeltui.core.agree import agree_files
from labeltui.core.agree.reading import fork as reader_fork
from labeltui.core.agree.reading import read as ar
from labeltui.core.agree.reading import table as at
from labeltui.errors import LabeltuiError


def table_summary(table):
    cur = table.current()
    out = {}
    for name, column in table.tasks.items():
        for r in cur.tolist():
            code = int(column.codes[r])
            value = None if code < 0 else column.values[code]
            out[(table.annotators[table.ann[r]], table.item_ids[table.item[r]], name)] = value
    return out


def records(table):
    """Every record (not only the current ones) as comparable tuples, in file order."""
    out = []
    for r in range(len(table.ann)):
        values = []
        for name, column in table.tasks.items():
            code = int(column.codes[r])
            values.append((name, None if code < 0 else json.dumps(column.values[code])))
        out.append((table.where(r), table.annotators[table.ann[r]],
                    table.item_ids[table.item[r]], bool(table.done[r]), tuple(values)))  # fmt: skip
    return out


def messy_file(path, n=3000):
    rng = np.random.default_rng(0)
    parts = ["\ufeff"]
    for i in range(n):
        ann = ["ann", "bob", "cy"][i % 3] if i < n // 2 else "dee"
        item = f"i{rng.integers(0, 700)}" if i % 13 else f"long-id-ü-{rng.integers(0, 50)}"
        if i % 97 == 0:
            parts.append("\n")  # blank line
        if i % 89 == 0:
            parts.append(f'{{"text": NaN, "_id": "{item}", "_annotator": "{ann}", '
                         '"_status": "done", "labels": {"m": ["a"]}}\n')  # fmt: skip
            continue
        status = "skipped" if i % 7 == 0 else "done"
        value = ["x", "y", None][i % 3]
        labels = {"t": value} if i % 5 else {"t": value, "m": ["a", "b"][: i % 3]}
        end = "\r\n" if i % 11 == 0 else "\n"
        parts.append(line(ann, item, labels, status=status).replace("\n", end))
    path.write_text("".join(parts), encoding="utf-8")


@pytest.fixture
def two_files(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    messy_file(one)
    messy_file(two, 2000)
    return one, two


def refuse(*args):
    raise ar._BlockError


def test_forked_pieces_small_reads_listed_ids_and_careful_path_all_agree(two_files, monkeypatch):
    one, two = two_files
    serial = ar.read_annotation_files([one, two], workers=1)
    expected = records(serial)
    assert len(expected) > 4000 and serial.item_ids.keyed
    monkeypatch.setattr(ar, "MIN_PIECE_BYTES", 1000)  # several pieces per file, read by forks
    pieces = ar._split([str(one), str(two)], [one.stat().st_size, two.stat().st_size], 3)
    assert len(pieces) == 6 and all(p.start < p.end for p in pieces)
    parallel = ar.read_annotation_files([one, two], workers=3, parallel_bytes=0)
    assert records(parallel) == expected
    assert table_summary(parallel) == table_summary(serial)
    assert sorted(serial.item_ids) == sorted(parallel.item_ids)
    in_order = [[t.item_ids[i] for i in np.argsort(t.first_seen())] for t in (serial, parallel)]
    first_line = next(x for x in one.read_text(encoding="utf-8-sig").splitlines() if x.strip())
    assert in_order[0] == in_order[1] and in_order[0][0] == json.loads(first_line)["_id"]
    # reads that cut lines anywhere, and ids grouped by a dictionary instead of keys
    monkeypatch.setattr(ar, "READ_BYTES", 777)
    monkeypatch.setattr(at, "MAX_ID_BYTES", 4)
    listed = ar.read_annotation_files([one, two], workers=3, parallel_bytes=0)
    assert not listed.item_ids.keyed and records(listed) == expected
    # the careful path alone (every block refused by the fast path)
    monkeypatch.setattr(ar._Worker, "_fast", refuse)
    assert records(ar.read_annotation_files([one, two], workers=1)) == expected


def test_the_last_line_counts_even_when_skipped(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        line("a", "1", {"t": "x"}) + line("b", "1", {"t": "x"})
        + line("a", "2", {"t": "x"}) + line("b", "2", {"t": "y"})
        + line("a", "1", {"t": "x"}, status="skipped")  # a's item 1 no longer counts
        + line("b", "2", {"t": "x"})  # b corrected item 2
    )  # fmt: skip
    out = agree_files([path])["tasks"]["t"]
    assert out["items"] == 1 and out["percent_agreement"] == 1.0


@pytest.mark.parametrize(
    "text, message, line_no",
    [
        ('{"_id": "1"}\n', "it has no '_annotator'", 1),
        (line("a", "1", {"t": "x"}) + "{broken\n", "not valid JSON", 2),
        (line("a", "1", {"t": "x"}) + "\n\n[1, 2]\n", "expected a JSON object, found an array", 4),
        (line("a", "1", {"t": "x"}).replace('"done"', '"maybe"'), "'_status' must be", 1),
        (line("a", "1", {"t": "x"}).replace('"_id": "1"', '"_id": 1.5'), "'_id' must be", 1),
        (line("a", "1", None), "'labels' must be an object", 1),
        (line("a", "1", {"t": "x"}).replace('"a"', '""'), "'_annotator' must be a non-empty", 1),
        ('{"id": 1, "text": "a dataset line"}\n', "not an annotation line", 1),
    ],
)
def test_bad_lines_are_named(tmp_path, text, message, line_no):
    path = tmp_path / "bad.jsonl"
    path.write_text(line("a", "0", {"t": "x"}) * 1500 + text)  # past the first block
    with pytest.raises(LabeltuiError) as info:
        ar.read_annotation_files([path])
    assert message in info.value.message and info.value.line == 1500 + line_no
    assert info.value.path == str(path)


def test_the_first_bad_line_in_file_order_is_named_whichever_reader_finds_it(tmp_path, monkeypatch):
    monkeypatch.setattr(ar, "MIN_PIECE_BYTES", 1000)
    paths = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    for path, bad in zip(paths, (4321, 77), strict=True):
        lines = [line("a", str(i), {"t": "x"}) for i in range(5000)]
        lines[bad] = lines[bad][:-5] + "\n"
        lines[4900] = "[]\n"  # a second error, later in the same file
        path.write_text("".join(lines))
    for workers in (1, 2, 3):
        with pytest.raises(LabeltuiError) as info:
            ar.read_annotation_files(paths, workers=workers, parallel_bytes=0)
        assert (info.value.path, info.value.line) == (str(paths[0]), 4322)
        assert "not valid JSON" in info.value.message


def test_a_byte_order_mark_at_the_start_is_read(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_text("\ufeff" + line("a", "1", {"t": "x"}) + line("b", "1", {"t": "x"}) * 1500)
    table = ar.read_annotation_files([path])
    assert table.line.tolist() == list(range(1, 1502)) and table.annotators == ["a", "b"]


def test_a_failing_reader_process_is_one_error_not_a_hang():
    def boom(_):
        raise RuntimeError("disk on fire")

    with pytest.raises(LabeltuiError, match=r"reading failed: RuntimeError\(.disk on fire"):
        reader_fork.collect(reader_fork.fork(boom, None))
    with pytest.raises(LabeltuiError, match="reader process failed"):
        reader_fork.collect(reader_fork.fork(lambda _: os._exit(3), None))


def test_non_ascii_ids_and_a_value_that_json_accepts_but_orjson_refuses(tmp_path):
    path = tmp_path / "u.jsonl"
    big = '{"n": NaN, ' + line("b", "ü😀", {"t": "y"})[1:]
    path.write_text(line("a", "ü😀", {"t": "y"}) + big, encoding="utf-8")
    out = agree_files([path])["tasks"]["t"]
    assert out["items"] == 1 and out["percent_agreement"] == 1.0


def test_numeric_ids_join_their_string_form(tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_text(line("a", "7", {"t": "x"}) + line("b", "7", {"t": "x"}).replace('"7"', "7"))
    out = agree_files([path])["tasks"]["t"]
    assert out["items"] == 1


def random_ids(n, seed=1):
    rng = random.Random(seed)
    pieces = ["a", "b", "é", "😀", "\ud800", "x" * 9, "-", "0", "\x01"]
    ids = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(n)]
    return [*ids, "", "a", "abcdefgh", "abcdefghi", "abcdefgh\x01"]


def same_grouping(ids, distinct, codes):
    """codes give equal numbers exactly to equal ids, and distinct[code] is the id."""
    assert len(distinct) == len(set(ids)) and len(codes) == len(ids)
    assert [distinct[c] for c in codes.tolist()] == ids


def collect(blocks):
    ids = at.IdCollector()
    for block in blocks:
        ids.add(block)
    return ids.finish()


@pytest.mark.parametrize("how", ["keys", "wide keys, every mix colliding", "dictionary"])
def test_item_ids_are_grouped_exactly(monkeypatch, how):
    monkeypatch.setattr(at, "ID_CHUNK", 700)  # chunks of keys of different widths
    ids = random_ids(3000)
    if how.startswith("wide"):
        monkeypatch.setattr(at, "_mix", lambda words: np.zeros(len(words), dtype=np.uint64))
    blocks = [ids[i : i + 250] for i in range(0, len(ids), 250)]
    if how == "dictionary":
        blocks[5][3] = "has a \0 inside"
        ids[5 * 250 + 3] = blocks[5][3]
    groups, codes = collect(blocks)
    assert (groups.ids is None) == (how != "dictionary")
    same_grouping(ids, groups.table_ids(), codes)
    # two readers that share some ids: one numbering
    a, b = ids[:2000], ids[1000:]
    (ga, ca), (gb, cb) = collect([a]), collect([b[:10], b[10:]])
    merged, maps = at.merge_ids([ga, gb])
    same_grouping(a + b, merged, np.concatenate([maps[0][ca], maps[1][cb]]))


def test_ids_holding_a_nul_or_too_long_for_keys_use_the_dictionary():
    assert at.id_words("a\0b\0c", 2) is None  # three ids where two were joined
    assert at.id_words("x" * (at.MAX_ID_BYTES + 1), 1) is None
    words, lens = at.id_words("ab\0\0abc", 3)
    assert lens.tolist() == [2, 0, 3] and words[1, 0] == 0
    ids = at.ItemIds(words, lens)
    assert list(ids) == ["ab", "", "abc"] and ids[-1] == "abc" and ids[0:2] == ["ab", ""]


def test_values_that_do_not_fit_the_kind_name_the_line(tmp_path):
    path = tmp_path / "mix.jsonl"
    path.write_text(line("a", "1", {"t": "x"}) + line("b", "1", {"t": ["x"]}))
    with pytest.raises(LabeltuiError) as info:
        agree_files([path])
    assert info.value.line == 2 and "does not fit a choice task" in info.value.message
    path.write_text(line("a", "1", {"t": [{"start": 0, "end": 1}]}) + line("b", "1", {"t": []}))
    with pytest.raises(LabeltuiError) as info:
        agree_files([path])
    assert info.value.line == 1


def test_numbers_and_booleans_are_values_of_their_own(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text(line("a", "1", {"t": 1}) + line("b", "1", {"t": True}))
    table = ar.read_annotation_files([path])
    column = table.tasks["t"]
    assert [(type(column.values[c]), column.values[c]) for c in column.codes.tolist()] == [
        (int, 1),
        (bool, True),
    ]


def test_json_output_is_strict_json(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(line("a", "1", {"t": "x"}) + line("b", "1", {"t": "x"}))
    out = agree_files([path])
    text = json.dumps(out, allow_nan=False)
    assert json.loads(text)["tasks"]["t"]["fleiss_kappa"] is None


@pytest.mark.parametrize("read_bytes", [5, 64, 1 << 20])
def test_no_newline_at_the_end_and_lines_cut_across_reads(tmp_path, monkeypatch, read_bytes):
    monkeypatch.setattr(ar, "READ_BYTES", read_bytes)
    path = tmp_path / "a.jsonl"
    path.write_text(line("a", "1", {"t": "x"}) + "\n" + line("b", "1", {"t": "y"}).rstrip("\n"))
    table = ar.read_annotation_files([path])
    assert table.line.tolist() == [1, 3]
    out = agree_files([path])["tasks"]["t"]
    assert out["items"] == 1 and out["percent_agreement"] == 0.0


SPAN = {"start": 0, "end": 2, "label": "PER", "text": "Al"}


@pytest.mark.parametrize(
    "values",
    [
        [[SPAN], [], [SPAN, {**SPAN, "start": 1}]],  # the usual: checked together
        [[SPAN], [{**SPAN, "start": True}]],  # a bool is no offset
        [[SPAN], [{**SPAN, "start": -1}]],
        [[SPAN], [{**SPAN, "start": 3}]],  # start after end
        [[SPAN], [{k: v for k, v in SPAN.items() if k != "text"}]],  # a mark, not a span
        [[SPAN], [{**SPAN, "label": 1}]],
        [[SPAN], [{**SPAN, "text": None}]],
        [[SPAN], [{**SPAN, "end": 2.0}]],
        [[SPAN], ["PER"]],  # a multi_choice value among spans
        [[SPAN], "PER"],
        [[], []],
        [[SPAN], [{**SPAN, "start": 10**30, "end": 10**31}]],
        [[{"start": 0.5, "end": 1.0, "label": "music"}], []],
    ],
)
def test_span_values_checked_together_are_classified_as_one_by_one(values):
    """`matrix._classify_all` takes a fast path for lists of spans; it must say what
    `_classify` says of each value."""
    from labeltui.core.agree import matrix

    assert matrix._classify_all(values) == [matrix._classify(v) for v in values]
