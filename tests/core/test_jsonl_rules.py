"""The line rules every reader shares (`labeltui.core.jsonl`): the `_status` rule, the task kind
a value shows, the optional orjson parser; and `agree` and `stats` following them alike."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from labeltui.core import jsonl
from labeltui.core.agree import agree_files
from labeltui.core.agree import matrix as agree_matrix
from labeltui.core.formats import values as format_values
from labeltui.core.label_stats import label_stats
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
    assert jsonl.line_done(obj) is expected


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
    assert jsonl.value_kind(value) == kind


def test_every_reader_uses_the_one_inference():
    """`export` (formats/values.py), `agree` (matrix.py) and `stats` have no inference of their
    own: they see the same kind for the same value."""
    assert format_values.kind_of([SPAN]) == "spans"
    assert format_values.kind_of([MARK]) == "audio_marks"
    assert format_values.kind_of(["a"]) is None  # export only asks about spans and marks
    assert agree_matrix._classify([SPAN]) == "spans"
    assert agree_matrix._classify([MARK]) == "audio_marks"
    assert agree_matrix._classify([{**SPAN, "end": "x"}]) == "bad"  # shows spans, is not valid
    assert agree_matrix._classify([]) == "empty"


def test_orjson_is_the_fast_parser_and_can_be_switched_off():
    orjson = pytest.importorskip("orjson")
    assert jsonl.fast_loads is orjson.loads
    code = "from labeltui.core import jsonl; print(jsonl.fast_loads is jsonl.parse_line)"
    env = {"LABELTUI_NO_ORJSON": "1", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "True", out.stderr


def _lines(who: str, values: list[str], status: str | None) -> str:
    out = []
    for i, value in enumerate(values):
        obj = {"text": f"t{i}", "labels": {"team": value}, "_id": f"i{i}", "_annotator": who}
        if status is not None:
            obj["_status"] = status
        out.append(json.dumps(obj) + "\n")
    return "".join(out)


def test_agree_and_stats_count_a_line_without_status_as_done(tmp_path):
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text(_lines("ann", ["x", "y", "x"], None))
    b.write_text(_lines("bob", ["x", "y", "y"], "done") + _lines("bob", ["x"], "skipped"))
    agreed = agree_files([a, b])["tasks"]["team"]
    assert agreed["annotators"] == ["ann", "bob"]
    assert agreed["items"] == 2  # item i0 was skipped last by bob: only i1 and i2 are shared
    stats = label_stats([a, b])
    assert stats["annotators"]["ann"]["done"] == 3
    assert stats["annotators"]["bob"]["done"] == 2 and stats["annotators"]["bob"]["skipped"] == 1


def test_a_bad_status_is_an_error_in_both(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(_lines("ann", ["x"], "done") + _lines("bob", ["x"], "maybe"))
    with pytest.raises(LabeltuiError, match="'_status' must be") as agree_error:
        agree_files([path])
    with pytest.raises(LabeltuiError, match="'_status' must be") as stats_error:
        label_stats([path])
    assert agree_error.value.line == stats_error.value.line == 2
