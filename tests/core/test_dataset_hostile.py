"""Hostile and half-written files in the dataset index and the shared line rules (issue 13).

The background index of the app must end every scan with `error` set (the annotate screen's
banner shows it: `show_index_error`), never with an exception that leaves "indexing…" for ever;
a half-written last line is left out with a note; a huge single line costs one read and one
parse. The annotation reader's forked pieces keep the notes (gold lines, a torn tail) right.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from unittest import mock

import pytest

from labeltui.core import dataset as dataset_module
from labeltui.core.agree.reading import read as ar
from labeltui.core.annotations import lines as lines_module
from labeltui.core.annotations import parse as parse_module
from labeltui.core.dataset import DatasetIndex, id_hash
from labeltui.core.ids import content_hash
from labeltui.errors import LabeltuiError

DEEP = ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000]


def write(tmp_path: Path, content: str | bytes, name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def rows(n: int) -> str:
    return "".join(json.dumps({"id": f"r{i}", "text": f"row {i}"}) + "\n" for i in range(n))


# -- deep nesting: the error is set, never raised, in every chunk size -----------------------------


@pytest.mark.parametrize("deep", DEEP, ids=["arrays", "objects"])
@pytest.mark.parametrize("chunk", [64, 1 << 22])
def test_a_deeply_nested_line_sets_the_index_error_with_its_line(tmp_path, deep, chunk):
    path = write(tmp_path, rows(3) + deep + "\n" + rows(2))
    with mock.patch.object(lines_module, "CHUNK", chunk):
        index = DatasetIndex(path)
        index.scan()  # as the app's background worker does: no exception may escape
    assert index.error is not None and index.error.line == 4
    assert index.error.message == "not valid JSON (arrays or objects nested too deeply)"
    assert len(index) == 3 and index.item(2).id == "r2"
    index.close()


# -- half-written last line -----------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [16, 64, 1 << 22])
def test_an_incomplete_last_line_is_left_out_with_a_note(tmp_path, notes, chunk):
    path = write(tmp_path, rows(3) + '{"id": "r3", "text": "half of it')
    with mock.patch.object(lines_module, "CHUNK", chunk):
        index = DatasetIndex(path).scan_all()  # no error
    assert len(index) == 3 and index.complete and index.incomplete_line == 4
    assert notes == [f"{path}:4: incomplete last line left out (a save in progress or a crash)"]
    index.close()


def test_a_complete_last_line_without_newline_counts_and_a_bad_middle_line_is_an_error(
    tmp_path, notes
):
    index = DatasetIndex(write(tmp_path, rows(2) + '{"id": "last", "text": "x"}')).scan_all()
    assert [index.item(i).id for i in range(len(index))] == ["r0", "r1", "last"]
    assert index.incomplete_line is None and notes == []
    bad = DatasetIndex(write(tmp_path, '{"id": "a", "text": "half\n' + rows(1), "bad.jsonl"))
    with pytest.raises(LabeltuiError) as info:
        bad.scan_all()
    assert info.value.line == 1 and "Unterminated string starting at column 21" in str(info.value)
    assert "at at" not in str(info.value)


def test_a_cut_inside_a_multibyte_character_is_incomplete_too(tmp_path, notes):
    half = '{"id": "z", "text": "日本"}'.encode()[:-4]  # ends inside 本
    index = DatasetIndex(write(tmp_path, rows(1).encode() + half)).scan_all()
    assert len(index) == 1 and index.incomplete_line == 2 and len(notes) == 1


# -- lone surrogates, NaN, UTF-16, huge integers -----------------------------------------------


def test_lone_surrogates_in_ids_and_texts_are_kept(tmp_path):
    path = write(tmp_path, '{"id": "a\\ud800", "text": "x \\udc00 y"}\n{"text": "\\ud83d"}\n')
    index = DatasetIndex(path).scan_all()
    assert index.item(0).id == "a\ud800" and index.item(0).text == "x \udc00 y"
    assert index.find("a\ud800") == 0
    assert index.item(1).id == content_hash({"text": "\ud83d"}) and index.item(1).id.startswith("h")
    assert id_hash("a\ud800") != id_hash("a\ud801")
    index.close()


def test_content_hashes_of_valid_text_are_unchanged():
    # the documented, stable hash (README): surrogatepass changes nothing for valid text
    assert (
        content_hash({"text": "Ünïcode ✓ 😀"})
        == "h" + __import__("hashlib").sha256('{"text":"Ünïcode ✓ 😀"}'.encode()).hexdigest()[:16]
    )


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_with_their_line(tmp_path, constant):
    path = write(tmp_path, rows(1) + f'{{"id": "b", "score": {constant}}}\n')
    with pytest.raises(LabeltuiError) as info:
        DatasetIndex(path).scan_all()
    assert info.value.line == 2
    assert info.value.message == (
        f"not valid JSON ({constant} is not a JSON number; write null for a missing value)"
    )
    assert parse_module.parse_line(b'{"x": NaN}', allow_nan=True)["x"] != 0  # agree and stats only


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named_at_line_1(tmp_path, encoding):
    path = write(tmp_path, rows(2).encode(encoding))
    with pytest.raises(LabeltuiError) as info:
        DatasetIndex(path).scan_all()
    assert info.value.line == 1 and info.value.message == parse_module.NOT_UTF8_UTF16


def test_a_5000_digit_number_gets_a_plain_message(tmp_path):
    with pytest.raises(LabeltuiError) as info:
        DatasetIndex(write(tmp_path, '{"id": ' + "9" * 5000 + "}\n")).scan_all()
    assert "thousands of digits" in info.value.message
    assert "set_int_max_str_digits" not in info.value.message


# -- only regular files -----------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_without_a_writer_is_refused_at_once(tmp_path):
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def open_it() -> None:
        try:
            DatasetIndex(fifo)
        except BaseException as exc:  # kept for the assertion
            outcome.append(exc)

    thread = threading.Thread(target=open_it, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():  # unblock the open so the thread can end, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("opening a FIFO as a dataset blocked")
    assert isinstance(outcome[0], LabeltuiError)
    assert "is a pipe (FIFO), not a regular file" in outcome[0].message


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused_before_reading(tmp_path):
    with pytest.raises(LabeltuiError, match="is a character device, not a regular file"):
        DatasetIndex("/dev/zero")
    with pytest.raises(LabeltuiError, match="is a folder"):
        DatasetIndex(tmp_path)


# -- a huge single line: one read, one parse -------------------------------------------------------


def test_a_huge_line_is_parsed_once_for_the_scan_and_the_first_screen(tmp_path):
    text = "wörd 日本 😀 " * 200_000  # ~2.6 MB on one line, without an id: content hash
    path = write(tmp_path, json.dumps({"text": text}, ensure_ascii=False) + "\n" + rows(2))
    parsed = []
    real = parse_module.parse_line
    real_fast = parse_module.parse_fast

    def counting(raw: bytes, *args: object) -> object:
        parsed.append(len(raw))
        return real(raw, *args)

    def counting_fast(raw: bytes, *args: object, **kw: object) -> object:
        parsed.append(len(raw))
        return real_fast(raw, *args, **kw)

    hashed = []
    real_hash = dataset_module.item_id

    def counting_hash(*args: object) -> str:
        hashed.append(1)
        return real_hash(*args)

    with (
        mock.patch.object(lines_module, "parse_line", counting),
        mock.patch.object(lines_module, "parse_fast", counting_fast),
        mock.patch.object(dataset_module, "parse_fast", counting_fast),
        mock.patch.object(dataset_module, "item_id", counting_hash),
    ):
        index = DatasetIndex(path)
        index.scan(stop=lambda i, ident: True)  # as `resume` does: the first item only
        item = index.item(0)
    assert item.text == text and item.id == content_hash({"text": text})
    big = [n for n in parsed if n > 1_000_000]
    assert len(big) == 1  # not read and parsed again for the first screen
    assert len(hashed) == 1  # nor its content hash computed twice
    index.close()


def test_the_item_cache_stops_at_a_byte_budget(tmp_path):
    path = write(
        tmp_path, "".join(json.dumps({"id": i, "text": "x" * 5000}) + "\n" for i in range(40))
    )
    with mock.patch.object(dataset_module, "_CACHE_BYTES", 20_000):
        index = DatasetIndex(path).scan_all()
        for i in range(40):
            assert index.item(i).id == str(i)
        assert len(index._cache) <= 4  # 5 kB lines, 20 kB budget
        assert index._cached_bytes == sum(index._cache_bytes.values()) <= 20_000
    index.close()


# -- the annotation reader's pieces (agree): notes survive the fork and the line offsets ----------


def annotation_lines(who: str, n: int, **extra: object) -> str:
    return "".join(
        json.dumps({"_id": f"i{i}", "_annotator": who, "_status": "done",
                    "labels": {"t": "ab"[i % 2]}, "pad": "p" * 40, **extra}) + "\n"
        for i in range(n)
    )  # fmt: skip


@pytest.mark.parametrize("workers", [1, 3])
def test_forked_pieces_count_gold_lines_and_find_the_torn_tail(
    tmp_path, monkeypatch, workers, notes
):
    monkeypatch.setattr(ar, "MIN_PIECE_BYTES", 1000)
    monkeypatch.setattr(ar, "READ_BYTES", 777)
    a = write(tmp_path, annotation_lines("a", 300), "a.jsonl")
    mixed = annotation_lines("b", 150) + annotation_lines("b", 40, _from=["a"])
    mixed += annotation_lines("b", 150)[: -len(annotation_lines("b", 1)) // 2]  # torn tail
    b = write(tmp_path, mixed, "b.jsonl")
    expected_torn = mixed.count("\n") + 1
    table = ar.read_annotation_files([a, b], workers=workers, parallel_bytes=0)
    assert notes == [
        f"{b}:{expected_torn}: incomplete last line left out (a save in progress or a crash)",
        f"{b}: 40 review (gold) lines left out of agreement; they are not an annotator's answers",
    ]
    assert len(table.ann) == 300 + 150 + 149  # gold lines and the torn tail left out
    lines_of_b = sorted(int(x) for x in table.line[table.file == 1])
    assert lines_of_b[149] == 150 and lines_of_b[150] == 191  # numbering skips the gold lines
