"""The dataset index (FORMAT section 1): ids, duplicates, line ends, errors, incremental scans."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from unittest import mock

import pytest
from core_helpers import jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import labeltui.core.dataset as dataset_module
from labeltui.core.annotations import lines as lines_module
from labeltui.core.dataset import DatasetIndex
from labeltui.errors import EXIT_BAD_INPUT, LabeltuiError

MiB = 1 << 20


def reference_hash(obj: dict, text_field: str = "text", audio_field: str = "audio") -> str:
    """The recipe documented in labeltui/core/ids.py and the README, written out again."""
    fields = {}
    for name in (text_field, audio_field):
        if name in obj:
            fields[name] = obj[name]
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "h" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def reference_scan(data: bytes, text_field: str = "text", audio_field: str = "audio"):
    """An independent, slow reading of a dataset: [(id, line)], duplicates, error line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    seen: set[str] = set()
    items, dups = [], 0
    torn = len(lines) if not data.endswith(b"\n") else None
    """A last line without a newline that does not parse is left out (issue 13), not an error."""
    for number, raw in enumerate(lines, start=1):
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            return items, dups, None if number == torn else number
        if not text:
            continue
        try:
            obj = json.loads(text)
        except ValueError:
            return items, dups, None if number == torn else number
        if not isinstance(obj, dict):
            return items, dups, number
        raw_id = obj.get("id")
        if raw_id is None:
            ident = reference_hash(obj, text_field, audio_field)
        elif isinstance(raw_id, str) or (isinstance(raw_id, int) and not isinstance(raw_id, bool)):
            ident = str(raw_id)
        else:
            return items, dups, number
        if ident in seen:
            dups += 1
            continue
        seen.add(ident)
        items.append((ident, number))
    return items, dups, None


def write(tmp_path: Path, content: bytes | str, name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def scanned(path: Path, **kw) -> DatasetIndex:
    index = DatasetIndex(path, **kw)
    index.scan()
    return index


def ids(index: DatasetIndex) -> list[str]:
    return [index.item(i).id for i in range(len(index))]


def lines(index: DatasetIndex) -> list[int]:
    return [index.item(i).line for i in range(len(index))]


# -- ids ----------------------------------------------------------------------------------------


def test_string_and_integer_ids(tmp_path):
    path = write(tmp_path, jsonl([{"id": "a-1", "text": "x"}, {"id": 42, "text": "y"}]))
    index = DatasetIndex(path).scan_all()
    assert ids(index) == ["a-1", "42"]
    assert index.complete and index.error is None


def test_integer_and_string_forms_of_an_id_are_one_item(tmp_path):
    path = write(tmp_path, jsonl([{"id": 7, "text": "first"}, {"id": "7", "text": "second"}]))
    index = DatasetIndex(path).scan_all()
    assert ids(index) == ["7"]
    assert index.item(0).text == "first"
    assert index.duplicates == 1


def test_content_hash_matches_the_documented_recipe(tmp_path):
    rows = [
        {"text": "Héllo wörld — 你好 🎉"},
        {"text": "with audio", "audio": "clips/a.wav"},
        {"audio": "only.wav"},
        {"other": 1},
        {"text": {"nested": [1, 2]}},
    ]
    index = DatasetIndex(write(tmp_path, jsonl(rows))).scan_all()
    got = ids(index)
    assert got == [reference_hash(r) for r in rows]
    for value in got:
        assert len(value) == 17 and value[0] == "h"
        int(value[1:], 16)


def test_content_hash_is_pinned():
    """The recipe is part of the file contract: these values must never change."""
    from labeltui.core.ids import content_hash

    assert content_hash({"text": "hello"}) == reference_hash({"text": "hello"})
    blob = b'{"text":"hello"}'
    assert content_hash({"text": "hello"}) == "h" + hashlib.sha256(blob).hexdigest()[:16]
    blob = '{"audio":"a.wav","text":"é"}'.encode()
    expected = "h" + hashlib.sha256(blob).hexdigest()[:16]
    assert content_hash({"text": "é", "audio": "a.wav"}) == expected


def test_content_hash_ignores_labels_and_other_fields(tmp_path):
    rows = [
        {"text": "same"},
        {"text": "same", "labels": {"team": "bug"}, "meta": 3},
        {"text": "same", "_id": "x", "_annotator": "ann", "_status": "done"},
    ]
    index = DatasetIndex(write(tmp_path, jsonl(rows))).scan_all()
    assert ids(index) == [reference_hash({"text": "same"})]
    assert index.duplicates == 2


def test_content_hash_uses_the_schema_fields(tmp_path):
    rows = [{"body": "a", "clip": "x.wav", "text": "ignored"}, {"body": "a", "clip": "x.wav"}]
    index = DatasetIndex(write(tmp_path, jsonl(rows)), text_field="body", audio_field="clip")
    index.scan_all()
    assert ids(index) == [reference_hash(rows[0], "body", "clip")]
    assert index.duplicates == 1


@pytest.mark.parametrize(("value", "kind"), [("1.5", "float"), ("2.0", "float"), ("true", "bool")])
def test_id_that_is_a_float_or_bool_is_an_error(tmp_path, value, kind):
    data = f'{{"id": 1, "text": "ok"}}\n\n{{"id": {value}, "text": "bad"}}\n{{"id": 3}}\n'
    index = scanned(write(tmp_path, data))
    assert index.error is not None
    assert index.error.line == 3
    assert index.error.path == str(tmp_path / "data.jsonl")
    assert "'id' must be a string or an integer" in index.error.message
    assert kind in index.error.message
    assert ids(index) == ["1"]  # the items before the bad line stay usable
    with pytest.raises(LabeltuiError) as info:
        DatasetIndex(tmp_path / "data.jsonl").scan_all()
    assert info.value.line == 3


# -- duplicates, blank lines, line ends ---------------------------------------------------------


def test_duplicates_dropped_first_wins_and_counted(tmp_path):
    rows = [
        {"id": "a", "text": "first a"},
        {"id": "b", "text": "b"},
        {"id": "a", "text": "second a"},
        {"text": "no id"},
        {"text": "no id", "extra": 1},
        {"id": "a", "text": "third a"},
    ]
    index = DatasetIndex(write(tmp_path, jsonl(rows))).scan_all()
    assert ids(index) == ["a", "b", reference_hash({"text": "no id"})]
    assert index.item(0).text == "first a"
    assert "extra" not in index.item(2).data
    assert index.duplicates == 3


def test_blank_lines_are_ignored_and_line_numbers_count_them(tmp_path):
    data = '\n   \n{"id": "a"}\n\t\n\n{"id": "b"}\n \n'
    index = DatasetIndex(write(tmp_path, data)).scan_all()
    assert ids(index) == ["a", "b"]
    assert lines(index) == [3, 6]


def test_utf8_bom(tmp_path):
    data = b'\xef\xbb\xbf{"id": "a", "text": "caf\xc3\xa9"}\n{"id": "b"}\n'
    index = DatasetIndex(write(tmp_path, data)).scan_all()
    assert ids(index) == ["a", "b"]
    assert index.item(0).text == "café"
    assert index.item(0).data == {"id": "a", "text": "café"}


def test_utf8_bom_without_id_hashes_like_without_bom(tmp_path):
    index = DatasetIndex(write(tmp_path, b'\xef\xbb\xbf{"text": "x"}\n')).scan_all()
    assert ids(index) == [reference_hash({"text": "x"})]


def test_utf8_bom_then_blank_first_line(tmp_path):
    data = b'\xef\xbb\xbf\n{"id": "a"}\n'
    index = scanned(write(tmp_path, data))
    assert index.error is None
    assert ids(index) == ["a"]
    assert lines(index) == [2]


def test_crlf_line_ends(tmp_path):
    data = '{"id": "a", "text": "one"}\r\n\r\n{"id": "b", "text": "two\\r\\nlines"}\r\n'
    index = DatasetIndex(write(tmp_path, data)).scan_all()
    assert ids(index) == ["a", "b"]
    assert lines(index) == [1, 3]
    assert index.item(0).text == "one"
    assert index.item(1).text == "two\r\nlines"
    assert index.count_lines() == 3


def test_last_line_without_newline(tmp_path):
    data = '{"id": "a"}\n{"id": "b", "text": "end"}'
    index = DatasetIndex(write(tmp_path, data)).scan_all()
    assert ids(index) == ["a", "b"]
    assert index.item(1).text == "end"
    assert index.count_lines() == 2


def test_empty_file(tmp_path):
    index = DatasetIndex(write(tmp_path, b"")).scan_all()
    assert len(index) == 0 and index.complete and index.count_lines() == 0


@pytest.mark.parametrize("where", ["first", "middle", "last-no-newline"])
def test_line_longer_than_the_read_chunk(tmp_path, where):
    big = {"id": "big", "text": "é" * (lines_module.CHUNK // 2 + MiB)}  # > 4 MiB of UTF-8
    small = [{"id": f"s{i}", "text": f"small {i}"} for i in range(3)]
    rows = {"first": [big, *small], "middle": [small[0], big, *small[1:]]}.get(where, [*small, big])
    data = jsonl(rows).encode("utf-8")
    assert len(data) > lines_module.CHUNK + MiB
    if where == "last-no-newline":
        data = data[:-1]
    index = DatasetIndex(write(tmp_path, data)).scan_all()
    assert ids(index) == [r["id"] for r in rows]
    position = ids(index).index("big")
    assert index.item(position).text == big["text"]
    assert lines(index) == [1, 2, 3, 4]
    assert index.count_lines() == 4


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "phrase"),
    [
        (b'{"id": "x", "text": ', "not valid JSON"),
        (b"not json at all", "not valid JSON"),
        (b"[1, 2, 3]", "expected a JSON object, found an array"),
        (b'"a string"', "expected a JSON object, found a string"),
        (b"17", "expected a JSON object, found a number"),
        (b"null", "expected a JSON object, found null"),
        (b'{"id": "x", "text": "caf\xe9"}', "not valid UTF-8"),
        (b'{"id": "x", "text": "\xc3"}', "not valid UTF-8"),
    ],
)
def test_bad_line_names_the_line(tmp_path, bad, phrase):
    data = b'{"id": "a"}\n\n{"id": "b"}\r\n' + bad + b'\n{"id": "c"}\n'
    path = write(tmp_path, data)
    index = scanned(path)
    assert index.error is not None
    assert (index.error.path, index.error.line) == (str(path), 4)
    assert phrase in index.error.message
    assert index.error.exit_code == EXIT_BAD_INPUT
    assert str(index.error).startswith(f"{path}:4: ")
    assert ids(index) == ["a", "b"]
    assert not index.complete
    with pytest.raises(LabeltuiError) as info:
        DatasetIndex(path).scan_all()
    assert (info.value.line, info.value.message) == (4, index.error.message)


def test_bad_line_after_a_long_line(tmp_path):
    long_row = {"id": "long", "text": "x" * (lines_module.CHUNK + 10)}
    data = jsonl([{"id": "a"}, long_row]).encode() + b"{oops\n"
    index = scanned(write(tmp_path, data))
    assert index.error is not None and index.error.line == 3
    assert ids(index) == ["a", "long"]


def test_missing_dataset_and_folder(tmp_path):
    with pytest.raises(LabeltuiError) as info:
        DatasetIndex(tmp_path / "nope.jsonl")
    assert "not found" in info.value.message
    with pytest.raises(LabeltuiError) as info:
        DatasetIndex(tmp_path)
    assert "folder" in info.value.message


# -- decoding items -----------------------------------------------------------------------------


def test_item_decodes_text_audio_and_keeps_every_field(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "data.jsonl"
    absolute = str(tmp_path / "abs.wav")
    rows = [
        {"id": "rel", "text": "t", "audio": "clips/a.wav", "meta": {"k": [1, 2]}},
        {"id": "abs", "audio": absolute},
        {"id": "none", "text": 12, "audio": ""},
        {"id": "pre", "text": "p", "labels": {"team": "bug"}},
        {"id": "badlabels", "labels": ["x"]},
    ]
    path.write_text(jsonl(rows), encoding="utf-8")
    index = DatasetIndex(path).scan_all()
    rel = index.item(0)
    assert rel.audio == str(tmp_path / "sub" / "clips" / "a.wav")
    assert (rel.text, rel.data, rel.index, rel.line) == ("t", rows[0], 0, 1)
    assert index.item(1).audio == absolute
    assert index.item(1).text is None
    assert (index.item(2).text, index.item(2).audio) == ("12", None)
    assert index.item(3).prefilled == {"team": "bug"}
    assert index.item(4).prefilled == {}
    assert index.item(0) is index.item(0)  # cached
    with pytest.raises(IndexError):
        index.item(5)
    with pytest.raises(IndexError):
        index.item(-1)


def test_item_uses_the_schema_fields(tmp_path):
    rows = [{"id": 1, "body": "the body", "text": "not this", "clip": "c.ogg", "audio": "n.wav"}]
    index = DatasetIndex(write(tmp_path, jsonl(rows)), text_field="body", audio_field="clip")
    item = index.scan_all().item(0)
    assert (item.text, item.audio) == ("the body", str(tmp_path / "c.ogg"))


def test_item_with_empty_field_names_has_no_text_or_audio(tmp_path):
    rows = [{"id": 1, "text": "x", "audio": "a.wav"}]
    index = DatasetIndex(write(tmp_path, jsonl(rows)), text_field="", audio_field="")
    item = index.scan_all().item(0)
    assert (item.text, item.audio) == (None, None)


def test_find(tmp_path):
    rows = [{"id": 5, "text": "a"}, {"id": "x"}, {"text": "hashed"}]
    index = DatasetIndex(write(tmp_path, jsonl(rows))).scan_all()
    assert index.find("5") == 0
    assert index.find("x") == 1
    assert index.find(reference_hash({"text": "hashed"})) == 2
    assert index.find("missing") is None
    assert index.find("X") is None


def test_find_only_sees_indexed_items(tmp_path):
    index = DatasetIndex(write(tmp_path, jsonl([{"id": "a"}, {"id": "b"}])))
    index.scan(stop=lambda i, ident: True)
    assert len(index) == 1
    assert index.find("b") is None
    index.scan()
    assert index.find("b") == 1


@pytest.mark.parametrize(
    ("data", "count"),
    [
        (b"", 0),
        (b"\n", 1),
        (b"a\nb\n", 2),
        (b"a\nb", 2),
        (b"a\n\n\nb\n", 4),
        (b"a\r\nb\r\n", 2),
    ],
)
def test_count_lines(tmp_path, data, count):
    assert DatasetIndex(write(tmp_path, data)).count_lines() == count


def test_count_lines_across_chunks(tmp_path):
    data = b"".join(b"%d\n" % i for i in range(1000))
    path = write(tmp_path, data)
    with mock.patch.object(lines_module, "CHUNK", 7):
        assert DatasetIndex(path).count_lines() == 1000
        assert DatasetIndex(write(tmp_path, data + b"tail")).count_lines() == 1001


# -- incremental scanning -----------------------------------------------------------------------

_texts = st.sampled_from(["a", "b", "Ünïcode ✓", "tab\there", "", "[bold]x[/]", "\u2028sep"])
_row = st.one_of(
    st.fixed_dictionaries(
        {"id": st.one_of(st.integers(0, 6), st.sampled_from(["a", "b", "c", "7"]))},
        optional={"text": _texts, "labels": st.just({"t": "x"})},
    ),
    st.fixed_dictionaries({"text": _texts}, optional={"audio": st.sampled_from(["x.wav"])}),
)
_line = st.one_of(
    _row.map(lambda r: json.dumps(r, ensure_ascii=False)),
    st.sampled_from(["", " ", "\t", "  \t "]),
)


@st.composite
def datasets(draw):
    rows = draw(st.lists(_line, max_size=25))
    if draw(st.booleans()) and rows:
        bad = draw(st.sampled_from(["{oops", "[1]", '{"id": 1.5}', '{"id": false}']))
        rows.insert(draw(st.integers(0, len(rows))), bad)
    end = draw(st.sampled_from(["\n", "\r\n"]))
    data = "".join(row + end for row in rows)
    if data and draw(st.booleans()):
        data = data[: -len(end)]  # no newline after the last line
    return data.encode("utf-8")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=datasets(),
    stops=st.sets(st.integers(0, 30), max_size=8),
    chunk=st.sampled_from([4, 9, 16, 64, 1 << 22]),
)
def test_incremental_scan_equals_one_full_scan(tmp_path, data, stops, chunk):
    path = tmp_path / "data.jsonl"
    path.write_bytes(data)
    expected, dups, error_line = reference_scan(data)

    full = DatasetIndex(path)
    full.scan()
    assert [(full.item(i).id, full.item(i).line) for i in range(len(full))] == expected
    assert full.duplicates == dups
    assert (full.error.line if full.error else None) == error_line
    full.close()

    calls: list[tuple[int, str]] = []

    def stop(index: int, ident: str) -> bool:
        calls.append((index, ident))
        return len(calls) - 1 in stops

    with mock.patch.object(lines_module, "CHUNK", chunk):
        index = DatasetIndex(path)
        rounds = 0
        while not index.complete and index.error is None:
            index.scan(stop=stop)
            rounds += 1
            assert rounds <= 40 + len(data)
        assert calls == [(i, ident) for i, (ident, _) in enumerate(expected)]
        assert [(index.item(i).id, index.item(i).line) for i in range(len(index))] == expected
        assert index.duplicates == dups
        assert (index.error.line if index.error else None) == error_line
        if error_line is None:
            assert index.complete
            for i, (ident, _) in enumerate(expected):
                assert index.find(ident) == i
        index.close()


def test_scan_progress_and_cancel(tmp_path):
    path = write(tmp_path, jsonl({"id": i} for i in range(50)))
    with (
        mock.patch.object(lines_module, "CHUNK", 64),
        mock.patch.object(dataset_module, "_STEP", 128),
    ):
        index = DatasetIndex(path)
        index.scan(cancelled=lambda: True)
        assert len(index) == 0 and not index.complete
        seen: list[int] = []
        index.scan(progress=lambda ix: seen.append(len(ix)))
    assert index.complete and len(index) == 50
    assert seen == sorted(seen) and seen[-1] == 50 and len(seen) > 1


def test_close_is_idempotent(tmp_path):
    index = DatasetIndex(write(tmp_path, b'{"id": 1}\n'))
    index.close()
    index.close()
    assert os.path.exists(tmp_path / "data.jsonl")


def test_find_from_another_thread_does_not_break_the_background_scan(tmp_path):
    path = write(tmp_path, jsonl({"id": f"i{i}", "text": "t"} for i in range(300)))
    index = DatasetIndex(path)
    index.scan(stop=lambda i, ident: i == 1)  # the first screen: two items indexed
    assert len(index) == 2
    index._cache.clear()
    inside, release = threading.Event(), threading.Event()
    real_item = index.item
    finder = None

    def slow_item(position: int):
        if threading.current_thread() is finder:
            inside.set()
            release.wait(timeout=1)  # a decode that takes a while (a cold disk)
        return real_item(position)

    index.item = slow_item  # type: ignore[method-assign]
    found: list[int | None] = []
    finder = threading.Thread(target=lambda: found.append(index.find("i0")))
    finder.start()
    try:
        assert inside.wait(timeout=5)
        index.scan()  # the background index goes on meanwhile
    finally:
        release.set()
        finder.join(timeout=5)
    assert index.complete and index.error is None and len(index) == 300
    assert found == [0]


def test_the_number_of_lines_is_estimated_from_the_first_screen_until_counted(tmp_path):
    """The status line shows `~N` from the first frame (not `~1` until the count is done)."""
    path = tmp_path / "data.jsonl"
    path.write_text(jsonl([{"id": f"r{i:05d}", "text": "x" * (i % 40)} for i in range(20_000)]))
    index = DatasetIndex(path)
    assert index.estimated_lines() is None  # nothing read yet
    index.scan(stop=lambda i, ident: True)  # the first screen's item
    assert len(index) == 1 and index.lines_total is None
    assert abs(index.estimated_lines() - 20_000) < 20_000 * 0.05
    assert index.count_lines() == 20_000 and index.estimated_lines() == 20_000
    index.close()
