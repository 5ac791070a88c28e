"""The shape path of the annotation reader (core/agree/reading/shape.py, shaped.py) against the
full parse: the same table, or the same error, for every file, tricky lines included.

`read.SHAPES = False` makes the reader parse every line (orjson, with `parse_line` deciding
what orjson refuses), which is the behaviour before the shape path; every test here reads the
same file both ways and compares what comes out, and checks that the shape path did read
lines (else the comparison would prove nothing).
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labeltui.core.agree.reading import read as ar
from labeltui.core.agree.reading import shape as sh
from labeltui.core.agree.reading import shaped as shaped_module
from labeltui.core.agree.reading.extras import ReadOptions
from labeltui.errors import LabeltuiError

TS = "2026-11-23T10:15:02.123Z"


def plain(item: str = "t1", ann: str = "a", label: Any = "bug", **extra: Any) -> dict[str, Any]:
    """A line as `labeltui annotate` writes it (item fields, then labels and the meta keys)."""
    obj: dict[str, Any] = {"id": item, "text": f"text of {item}", "labels": {"team": label}}
    obj.update({"_id": item, "_annotator": ann, "_status": "done", "_ts": TS, "_ms": 812})
    obj.update(extra)
    return obj


def dump(obj: dict[str, Any], **kwargs: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, **kwargs)


def outcome(path: Path, shapes: bool, stats: bool, monkeypatch: Any) -> Any:
    """What reading `path` gives: a summary of the table, or the error (message, file, line).

    For `stats` the values of skipped lines are left out: the full parse itself keeps them in
    its block path and drops them in its line-by-line path (`extras.stats_line`), and `stats`
    counts done lines only."""
    monkeypatch.setattr(ar, "SHAPES", shapes)
    try:
        table = ar.read_annotation_files([path], workers=1, options=ReadOptions(stats=stats))
    except LabeltuiError as exc:
        return ("error", exc.message, exc.path, exc.line)
    ids = [table.item_ids[i] for i in table.item.tolist()]
    ms = None if table.ms is None else [None if math.isnan(x) else x for x in table.ms.tolist()]
    return {
        "annotators": table.annotators,
        "records": [
            (int(f), int(ln), table.annotators[a], ids[r], bool(d))
            for r, (f, ln, a, d) in enumerate(
                zip(table.file, table.line, table.ann, table.done, strict=True)
            )
        ],
        "tasks": {
            name: (
                [
                    c.values[i] if i >= 0 and (done or not stats) else None
                    for i, done in zip(c.codes.tolist(), table.done.tolist(), strict=True)
                ],
                None if stats else c.values,
            )
            for name, c in table.tasks.items()
        },
        "ms": ms,
        "times": {k: (v.first, v.last) for k, v in table.times.items()},
        "notes": table.notes,
        "gold_answers": table.gold_answers,
    }


class Counted:
    """Counts the lines the shape path read (wraps `read.read_shaped`)."""

    def __init__(self, monkeypatch: Any) -> None:
        self.lines = 0
        original = shaped_module.read_shaped  # not `ar.read_shaped`: it may be wrapped already

        def counted(*args: Any, **kwargs: Any) -> Any:
            rows = original(*args, **kwargs)
            self.lines += int(rows.fast.sum())
            return rows

        monkeypatch.setattr(ar, "read_shaped", counted)


def both(path: Path, monkeypatch: Any, stats: bool = False) -> tuple[Any, int]:
    """(the outcome, which must be the same both ways; the lines the shape path read)."""
    full = outcome(path, False, stats, monkeypatch)
    counter = Counted(monkeypatch)
    shaped = outcome(path, True, stats, monkeypatch)
    assert shaped == full
    return shaped, counter.lines


# ----------------------------------------------------------------------------------------------
# Lines picked by hand


TRICKY = [
    # escaped quotes and backslashes in an item field, and in the values agree keeps
    dump(plain(text='say "hi" \\ there')),
    dump(plain(item='a"b', ann="x\\y", label='"quoted"')),
    # unicode: as is, and as \u escapes (ensure_ascii), a lone surrogate escape
    dump(plain(item="é1", ann="ü", label="ß")),
    json.dumps(plain(item="é2", label="ñ")),
    dump(plain(text="x")).replace('"x"', '"\\ud800"'),
    # keys in another order, and compact separators
    dump(dict(reversed(list(plain(item="t9").items())))),
    dump(plain(item="t10"), separators=(",", ":")),
    # duplicate keys: the last one wins, in the top level and in labels
    dump(plain(item="t11"))[:-1] + ', "_annotator": "dup"}',
    dump(plain(item="t12")).replace('"labels": {', '"labels": {"team": "first", '),
    # a label, a text and a key that look like the keys agree reads
    dump(plain(item="t13", label="_id")),
    dump(plain(item="t14", label='", "_id": "evil')),
    dump(plain(item="t15", text='"_annotator": "b", "_id": "t0"')),
    dump({'"_id': "k", **plain(item="t16")}),
    # numbers where strings are, and strings where numbers are
    dump(plain(item="t17", _id=17)),
    dump(plain(item="t18", _ms="12")),
    dump(plain(item="t19", _ms=1.5)),
    dump(plain(item="t20", _ms=-3)),
    dump(plain(item="t21", _ms=12345678901234567890)),
    dump(plain(item="t22", _ms=0)),
    dump(plain(item="t23")).replace('"_ms": 812', '"_ms": -0'),
    dump(plain(item="t24")).replace('"_ms": 812', '"_ms": 1e3'),
    # whitespace: tabs, several spaces, a carriage return
    dump(plain(item="t25")).replace(", ", ",\t", 1),
    dump(plain(item="t26")).replace(": ", ":   "),
    dump(plain(item="t27")) + "\r",
    # null and skipped, nested item fields, gold answers, more tasks
    dump(plain(item="t28", label=None)),
    dump({**plain(item="t29"), "_status": "skipped", "labels": {}}),
    dump({**plain(item="t30"), "meta": {"k": [1, 2, {"x": "y"}], "n": None, "b": True}}),
    dump(plain(item="t31", _gold=True)),
    dump({**plain(item="t32"), "labels": {"team": "bug", "tone": "calm"}}),
    dump({**plain(item="t33"), "labels": {"team": ["a", "b"]}}),
]

BAD = [
    dump(plain(item="b1")).replace('"_ms": 812', '"_ms": 0812'),
    dump(plain(item="b2")).replace('"_ms": 812', '"_ms": -'),
    dump(plain(item="b3"))[:-5],
    dump(plain(item="b4", _status="maybe")),
    dump(plain(item="b5", ann="")),
    dump(plain(item="b6")).replace('"t', '"\\q', 1),
    dump(plain(item="b7")).replace("text of", "text\x01of"),
    dump(plain(item="b8")).replace('"_id": "b8"', '"_id": "b8" "x"'),
    dump(plain(item="b9")).replace("{", "[", 1),
    dump(plain(item="b10", _from=["a"])),
]


def write(tmp: Path, lines: list[str], name: str = "a.jsonl") -> Path:
    path = tmp / name
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
    return path


def ordinary(n: int, ann: str = "a", start: int = 0) -> list[str]:
    return [
        dump(plain(item=f"o{i}", ann=ann, label=["bug", "billing"][i % 2]))
        for i in range(start, start + n)
    ]


@pytest.mark.parametrize("stats", [False, True])
def test_tricky_lines_read_as_the_full_parse_reads_them(tmp_path, monkeypatch, stats):
    lines = ordinary(5)
    for tricky in TRICKY:
        lines += [tricky, *ordinary(2, start=len(lines))]
    got, fast = both(write(tmp_path, lines), monkeypatch, stats)
    assert fast >= 2 * len(TRICKY) + 5  # the ordinary lines
    assert got["records"][5][2:4] == ("a", "t1")  # and the tricky ones were read, not lost
    by_item = {rec[3]: rec[2] for rec in got["records"]}
    assert by_item["t11"] == "dup" and by_item['a"b'] == "x\\y"


@pytest.mark.parametrize("bad", range(len(BAD)))
def test_a_bad_line_is_the_same_error(tmp_path, monkeypatch, bad):
    lines = [*ordinary(5), BAD[bad], *ordinary(5, start=5)]
    got, fast = both(write(tmp_path, lines), monkeypatch)
    if bad == len(BAD) - 1:  # a review line: left out with a note, not an error
        assert got["notes"] and fast == 10
    elif bad in (3, 4):  # a value agree refuses
        assert got[0] == "error" and got[3] == 6
    else:
        assert got[0] == "error" and got[3] == 6 and got[1].startswith("not valid JSON")


def test_the_shapes_of_several_annotators_and_a_byte_order_mark(tmp_path, monkeypatch):
    lines = [*ordinary(3, "b"), *ordinary(3, "a"), *ordinary(4, "c")]
    path = write(tmp_path, lines)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    got, fast = both(path, monkeypatch, stats=True)
    assert got["annotators"] == ["b", "a", "c"] and fast == 9  # the first line: parsed


def test_lines_cut_across_reads_and_a_torn_tail(tmp_path, monkeypatch):
    monkeypatch.setattr(ar, "READ_BYTES", 300)  # a line is longer than one read
    lines = [*ordinary(20), dump(plain(item="long", text="x" * 1000)), *ordinary(5, start=20)]
    path = write(tmp_path, lines)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(dump(plain(item="torn"))[:40])
    got, fast = both(path, monkeypatch, stats=True)
    assert fast == 26 and got["notes"] and len(got["records"]) == 26


# ----------------------------------------------------------------------------------------------
# Random files


_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
_RAW_NUMBERS = ["0", "-0", "7", "-12", "0812", "-", "1.5", "1e3", "00", "123456789012345678901"]
_MUTATIONS = [
    "plain", "plain", "plain", "shuffle", "compact", "ascii", "dup_first", "dup_last", "raw_ms",
    "tab", "no_ts", "nested", "cut", "id_number", "label_list", "no_labels",
]  # fmt: skip


@st.composite
def random_line(draw: Any) -> str:
    item = draw(st.sampled_from(["t1", "t2", "t3", "é", 'q"', "b\\s", "n" * 70, ""]))
    ann = draw(st.sampled_from(["a", "b", "annotator_one", "ü", ""]))
    label = draw(st.sampled_from(["bug", "billing", "_id", '", "x": "', None, "ñ", "l" * 12]))
    obj = plain(item=item, ann=ann, label=label, text=draw(_TEXT))
    obj["_status"] = draw(st.sampled_from(["done", "done", "skipped", "later"]))
    obj["_ms"] = draw(st.one_of(st.integers(-5, 10**13), st.floats(-1, 1e6), st.none()))
    mutation = draw(st.sampled_from(_MUTATIONS))
    if mutation == "shuffle":
        obj = dict(draw(st.permutations(list(obj.items()))))
    elif mutation == "no_ts":
        del obj["_ts"]
    elif mutation == "nested":
        obj["meta"] = {"k": [1, draw(_TEXT)], "x": None}
    elif mutation == "id_number":
        obj["_id"] = draw(st.integers(-3, 10**20))
    elif mutation == "label_list":
        obj["labels"] = {"team": [label or "x"]}
    elif mutation == "no_labels":
        del obj["labels"]
    text = dump(obj, separators=(",", ":") if mutation == "compact" else None)
    if mutation == "ascii":
        text = json.dumps(obj)
    elif mutation == "dup_first":
        text = '{"_annotator": "zz", ' + text[1:]
    elif mutation == "dup_last":
        text = text[:-1] + ', "_status": "done"}'
    elif mutation == "raw_ms" and '"_ms": ' in text:
        head, _, tail = text.partition('"_ms": ')
        rest = (
            tail.split(",", 1)[1] if "," in tail.split("}", 1)[0] else "}" + tail.split("}", 1)[1]
        )
        sep = ", " if rest[0] != "}" else ""
        text = head + '"_ms": ' + draw(st.sampled_from(_RAW_NUMBERS)) + sep + rest.lstrip(", ")
    elif mutation == "tab":
        text = text.replace(", ", ",\t", 1)
    elif mutation == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    return text


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(random_line(), min_size=1, max_size=25), stats=st.booleans())
def test_random_files_read_as_the_full_parse_reads_them(monkeypatch, lines, stats):
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), [*ordinary(3), *lines, *ordinary(2, start=3)])
        assert both(path, monkeypatch, stats)[1] >= 5


# ----------------------------------------------------------------------------------------------
# The parts


def test_no_shape_for_what_the_full_parse_must_judge():
    line = dump(plain()).encode()
    assert sh.shape_of(line, stats=False, keep_gold=False) is not None
    for other in (
        line[:-1] + b', "_annotator": "x"}',  # a duplicate key
        line.replace(b"text of", b'text \\" of'),  # an escape
        line.replace(b", ", b",\t", 1),  # a tab
        line.replace(b'"_id": "t1"', b'"_id": 1'),  # an id that is a number
        dump(plain(_from=["a"])).encode(),  # a review line
        dump(plain(_gold=True)).encode(),  # a gold answer (kept only when asked)
        b"[1, 2]",
    ):
        assert sh.shape_of(other, stats=False, keep_gold=False) is None, other
    assert sh.shape_of(dump(plain(_gold=True)).encode(), stats=False, keep_gold=True) is not None
    # a float where the shape has an integer: the shape is learnt, the line does not match it
    floating = line.replace(b'"_ms": 812', b'"_ms": 1.5')
    shape = sh.shape_of(floating, stats=True, keep_gold=False)
    assert shape is not None
    buf = bytearray(floating + b"\n" + line + b"\n" + bytes(sh.PAD))
    scan = sh.scan_block(buf, len(buf) - sh.PAD)
    assert scan is not None and sh.match(scan, shape, np.arange(2)).rows.tolist() == [1]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="-0123456789.e+", min_size=1, max_size=22), min_size=1))
def test_integers_are_checked_and_read_as_json_reads_them(tokens):
    raw = " ".join(tokens).encode()
    buf = bytearray(raw + b"\n" + bytes(sh.PAD))
    scan = sh.scan_block(buf, len(raw) + 1)
    assert scan is not None
    begin = np.cumsum([0, *[len(t) + 1 for t in tokens[:-1]]])
    end = begin + np.array([len(t) for t in tokens])
    ok = sh.valid_integers(scan, begin, end)
    for token, good in zip(tokens, ok.tolist(), strict=True):
        try:
            value = json.loads(token)
        except ValueError:
            value = None
        assert good == (type(value) is int and len(token) <= 18), token
    if bool(ok.any()):
        values = sh.integers(scan, begin[ok], end[ok])
        expected = [float(json.loads(t)) for t, g in zip(tokens, ok.tolist(), strict=True) if g]
        assert values.tolist() == expected


def test_blocks_of_lines_without_a_shape_rest_the_shape_path(tmp_path, monkeypatch):
    """A block the shapes hardly read makes the next `SHAPE_REST` blocks be parsed at once."""
    escaped = [dump(plain(item=f"e{i}", text='an "escape"')) for i in range(4)]
    lines = [*escaped, *ordinary(40)]
    size = len(lines[0]) + 1
    monkeypatch.setattr(ar, "READ_BYTES", 2 * size)  # about two lines a block
    monkeypatch.setattr(ar, "SHAPE_REST", 3)
    got, fast = both(write(tmp_path, lines), monkeypatch)
    assert len(got["records"]) == 44
    assert 0 < fast <= 40 - 3  # the blocks after the escaped lines were parsed


def scanned(scan: Any) -> Any:
    return (scan.starts.tolist(), scan.ends.tolist(), scan.plain.tolist(), scan.quotes.tolist())


@pytest.mark.parametrize(
    "others",
    [
        [],  # every line of the shape: the lines found from the quotes
        [b""],  # a blank line
        [b'{"x": "a\tb"}'],  # a control byte inside a line
        [b'{"x": "a\\"b"}'],  # a backslash
        [b'""{"x": 1, "y": "z", "w": "v", "u": "t", "s": "r", "q": "p", "o": "n", "m": "l"}'],
        [dump(plain(label=None)).encode()],  # another number of quotes
        [dump(plain(label=None)).encode(), dump(plain(k=1)).encode()],  # 2 fewer, 2 more
        [b"\xef\xbb\xbf" + dump(plain()).encode()],  # a byte order mark (first line only)
        [b'"' * 31],
    ],
)
def test_lines_found_from_quotes_are_the_lines_found_from_newlines(others):
    """`scan_block` with a shape finds the lines from the quotes when every line fits, and
    otherwise falls back to the newlines: the same lines, quotes and plain lines either way."""
    line = dump(plain()).encode()
    shape = sh.shape_of(line, stats=False, keep_gold=False)
    assert shape is not None
    rng = np.random.default_rng(len(others) + len(repr(others)))
    for place in range(4):
        lines = [dump(plain(item=f"t{i}", ann="ab"[i % 2])).encode() for i in range(6)]
        for other in others:
            lines.insert(int(rng.integers(0, len(lines) + 1)) if place else 0, other)
        raw = b"\n".join(lines) + b"\n"
        buf = bytearray(raw + bytes(sh.PAD))
        plain_scan = sh.scan_block(buf, len(raw))
        shaped_scan = sh.scan_block(buf, len(raw), shape)
        assert plain_scan is not None and shaped_scan is not None
        assert scanned(shaped_scan) == scanned(plain_scan)
    if not others:
        assert (
            sh._lines_by_quotes(plain_scan.data, plain_scan.quotes, plain_scan.data < 0x20, shape)
            is not None
        )
