"""The line rules of `labeltui.core.annotations`, unit by unit: the `_status` rule, the task kind
values show, the optional orjson parser, and the line iterator (places, byte order mark, blank
lines, a half-written last line, one error wording)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from unittest import mock

import pytest

from labeltui.core.agree import matrix as agree_matrix
from labeltui.core.annotations import line as line_rules
from labeltui.core.annotations import lines as lines_module
from labeltui.core.annotations import notes as notes_module
from labeltui.core.annotations import parse
from labeltui.core.annotations.lines import LineScanner, read_lines
from labeltui.core.annotations.values import task_kind, value_kind
from labeltui.core.formats import values as format_values
from labeltui.errors import LabeltuiError


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"_status": "done"}, True),
        ({"_status": "skipped"}, False),
        ({}, True),  # no `_status`: an imported or foreign line counts as an answer
        ({"_status": "maybe"}, None),
        ({"_status": None}, None),
        ({"_status": 1}, None),
        ({"_status": ["done"]}, None),
    ],
)
def test_the_status_rule(obj, expected):
    assert line_rules.line_done(obj) is expected


SPAN = {"start": 0, "end": 2, "label": "X", "text": "ab"}
MARK = {"start": 0.5, "end": 1.0, "label": "bird"}


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("pos", "choice"),
        (["a", "b"], "multi_choice"),
        ([SPAN], "spans"),
        ([MARK, {"start": 2, "end": 2, "label": "x"}], "audio_marks"),
        (None, None),
        ([], None),
        (3, None),
        ({"a": 1}, None),
        (["a", SPAN], None),  # a mix tells nothing
        ([SPAN, MARK], None),  # some with text, some without
        ([{"start": "0", "end": 1, "label": "x"}], None),  # no numeric start: not a mark
    ],
)
def test_value_kind(value, kind):
    assert value_kind(value) == kind


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([None, [], [SPAN], ["a"]], "spans"),  # the first value that shows a kind decides
        ([None, "a", [SPAN]], "choice"),
        ([[], None], "multi_choice"),  # an empty list is a list: never a choice
        ([None], "choice"),
        ([], "choice"),
        ([3, [MARK]], "audio_marks"),  # a value that shows nothing is the reader's error
    ],
)
def test_task_kind(values, kind):
    assert task_kind(iter(values)) == kind


def test_every_reader_uses_the_one_inference():
    """`export` (formats/values.py) and `agree` (matrix.py) have no inference of their own."""
    assert format_values.kind_of([SPAN]) == "spans"
    assert format_values.kind_of([MARK]) == "audio_marks"
    assert format_values.kind_of(["a"]) is None  # export only asks about spans and marks
    assert agree_matrix._classify([SPAN]) == "spans"
    assert agree_matrix._classify([MARK]) == "audio_marks"
    assert agree_matrix._classify([{**SPAN, "end": "x"}]) == "bad"  # shows spans, is not valid
    assert agree_matrix._classify([]) == "empty"


def test_orjson_is_the_fast_parser_and_can_be_switched_off():
    orjson = pytest.importorskip("orjson")
    assert parse.fast_loads is orjson.loads
    code = (
        "from labeltui.core.annotations import parse; print(parse.fast_loads is parse.parse_line)"
    )
    env = {"LABELTUI_NO_ORJSON": "1", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "True", out.stderr


def test_the_fast_parser_falls_back_to_the_careful_one():
    assert parse.parse_fast(b'{"a": "\\ud800"}') == {"a": "\ud800"}  # orjson refuses it
    with pytest.raises(parse.BadLine, match=r"not valid JSON \(NaN is not a JSON number"):
        parse.parse_fast(b'{"a": NaN}')
    assert parse.parse_fast(b'{"a": NaN}', allow_nan=True)["a"] != 0


def test_an_annotation_line_is_checked_once(tmp_path):
    line = line_rules.AnnotationLine.of(
        {"_id": 7, "_annotator": "ann", "_from": [], "labels": {"t": "x"}}
    )
    assert (line.id, line.annotator, line.done, line.gold) == ("7", "ann (gold)", True, True)
    dataset = line_rules.AnnotationLine.of({"id": "a", "text": "x"})
    assert (dataset.annotator, dataset.id, dataset.labels) == (None, "a", {})
    for bad, words in [
        ({"_annotator": ""}, "'_annotator' must be a non-empty string"),
        ({"_id": 1.5}, "'_id' must be a string"),
        ({"labels": ["x"]}, "'labels' must be an object"),
        ({"_status": "maybe"}, "'_status' must be"),
    ]:
        with pytest.raises(parse.BadLine, match=words):
            line_rules.AnnotationLine.of(bad)


@pytest.mark.parametrize("chunk", [5, 64, 4 << 20])
def test_the_line_iterator_gives_places_and_leaves_out_a_torn_last_line(tmp_path, notes, chunk):
    rows = [{"id": "a"}, {"id": "b", "text": "é" * 30}]
    data = b"\xef\xbb\xbf" + b"\n".join(json.dumps(r).encode() for r in rows) + b'\n\n  \n{"id": '
    path = tmp_path / "d.jsonl"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        with mock.patch.object(lines_module, "CHUNK", chunk):
            scanner = LineScanner(fd, path)
            got = list(scanner)
        for _, offset, length, obj in got:
            assert json.loads(os.pread(fd, length, offset)) == obj  # the place reads it back
    finally:
        os.close(fd)
    assert [(n, o) for n, _, _, o in got] == [(1, rows[0]), (2, rows[1])]
    assert got[0][1] == 3  # after the byte order mark
    assert scanner.incomplete_line == 5 and notes == [f"{path}:5: {notes_module.INCOMPLETE}"]


def test_a_whole_last_line_that_is_only_refused_is_an_error_not_a_torn_line(tmp_path, notes):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a"}\n{"x": NaN}')  # no newline, but whole: NaN is refused
    with pytest.raises(LabeltuiError) as info:
        list(read_lines(path))
    assert (info.value.line, notes) == (2, [])
    assert info.value.message.startswith("not valid JSON (NaN is not a JSON number")


def test_one_wording_for_a_bad_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a"}\n[1, 2]\n')
    with pytest.raises(LabeltuiError) as info:
        list(read_lines(path))
    assert str(info.value) == f"{path}:2: expected a JSON object, found an array"
    path.write_text('{"id": "a"}\n{"id": "b",}\n')
    with pytest.raises(LabeltuiError) as info:
        list(read_lines(path))
    assert (
        str(info.value) == f"{path}:2: not valid JSON (Expecting property name enclosed in "
        "double quotes at column 12)"
    )
