"""Reading annotation files: the current line counts, every line is checked, pieces agree."""

from __future__ import annotations

import json

import numpy as np
import pytest
from agree_helpers import line

from labeltui.core import annotation_files as af
from labeltui.core.agree import agree_files
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


def messy_file(path, n=3000):
    rng = np.random.default_rng(0)
    parts = ["\ufeff"]
    for i in range(n):
        ann = ["ann", "bob", "cy"][i % 3]
        item = f"i{rng.integers(0, 700)}"
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


def test_fast_path_parallel_pieces_and_careful_path_agree(tmp_path, monkeypatch):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    messy_file(one)
    messy_file(two, 2000)
    serial = af.read_annotation_files([one, two], workers=1)
    monkeypatch.setattr(af, "MIN_PIECE_BYTES", 1000)  # several pieces per file, read by forks
    pieces = af._split([str(one), str(two)], [one.stat().st_size, two.stat().st_size], 3)
    assert len(pieces) == 6 and all(p[3] < p[4] for p in pieces)
    parallel = af.read_annotation_files([one, two], workers=3, parallel_bytes=0)
    assert len(serial.ann) == len(parallel.ann) > 4000
    assert table_summary(serial) == table_summary(parallel)
    assert np.array_equal(serial.line, parallel.line) and np.array_equal(serial.done, parallel.done)
    assert sorted(serial.item_ids) == sorted(parallel.item_ids)
    in_order = [[t.item_ids[i] for i in np.argsort(t.first_seen())] for t in (serial, parallel)]
    first_line = next(x for x in one.read_text(encoding="utf-8-sig").splitlines() if x.strip())
    assert in_order[0] == in_order[1] and in_order[0][0] == json.loads(first_line)["_id"]
    # small reads (lines cut across reads) and ids that all share one hash give the same
    monkeypatch.setattr(af, "READ_BYTES", 777)
    monkeypatch.setattr(af, "hash", lambda s: 0, raising=False)
    tiny = af.read_annotation_files([one, two], workers=3, parallel_bytes=0)
    assert table_summary(tiny) == table_summary(serial)
    assert np.array_equal(tiny.line, serial.line)
    monkeypatch.undo()
    monkeypatch.setattr(af, "MIN_PIECE_BYTES", 1000)
    # the careful path alone (every block refused by the fast path) gives the same
    monkeypatch.setattr(af._Worker, "_fast", lambda self, *a: (_ for _ in ()).throw(af._BlockError))
    careful = af.read_annotation_files([one, two], workers=1)
    assert table_summary(careful) == table_summary(serial)


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
        ('{"id": 1, "text": "a dataset line"}\n', "not an annotation line", 1),
    ],
)
def test_bad_lines_are_named(tmp_path, text, message, line_no):
    path = tmp_path / "bad.jsonl"
    path.write_text(text)
    with pytest.raises(LabeltuiError) as info:
        af.read_annotation_files([path])
    assert message in info.value.message and info.value.line == line_no
    assert info.value.path == str(path)


def test_a_bad_line_deep_in_a_piece_of_a_big_file_has_its_line_number(tmp_path, monkeypatch):
    monkeypatch.setattr(af, "MIN_PIECE_BYTES", 1000)
    path = tmp_path / "big.jsonl"
    lines = [line("a", str(i), {"t": "x"}) for i in range(5000)]
    lines[4321] = lines[4321][:-5] + "\n"
    path.write_text("".join(lines))
    with pytest.raises(LabeltuiError) as info:
        af.read_annotation_files([path], workers=3, parallel_bytes=0)
    assert info.value.line == 4322 and "not valid JSON" in info.value.message


def test_non_ascii_ids_and_a_value_that_json_accepts_but_orjson_refuses(tmp_path):
    path = tmp_path / "u.jsonl"
    big = '{"n": 123456789012345678901234567890, ' + line("b", "ü😀", {"t": "y"})[1:]
    path.write_text(line("a", "ü😀", {"t": "y"}) + big, encoding="utf-8")
    out = agree_files([path])["tasks"]["t"]
    assert out["items"] == 1 and out["percent_agreement"] == 1.0


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


def test_json_output_is_strict_json(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(line("a", "1", {"t": "x"}) + line("b", "1", {"t": "x"}))
    out = agree_files([path])
    text = json.dumps(out, allow_nan=False)
    assert json.loads(text)["tasks"]["t"]["fleiss_kappa"] is None


@pytest.mark.parametrize("read_bytes", [5, 64, 1 << 20])
def test_no_newline_at_the_end_and_lines_cut_across_reads(tmp_path, monkeypatch, read_bytes):
    monkeypatch.setattr(af, "READ_BYTES", read_bytes)
    path = tmp_path / "a.jsonl"
    path.write_text(line("a", "1", {"t": "x"}) + "\n" + line("b", "1", {"t": "y"}).rstrip("\n"))
    table = af.read_annotation_files([path])
    assert table.line.tolist() == [1, 3]
    out = agree_files([path])["tasks"]["t"]
    assert out["items"] == 1 and out["percent_agreement"] == 0.0
