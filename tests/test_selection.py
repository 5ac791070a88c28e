"""`--where` and `--sort`: filtering and ordering a generated dataset while it is indexed."""

from __future__ import annotations

import json
import math
import random
from unittest import mock

import pytest

from labeltui.core.dataset import DatasetIndex
from labeltui.core.selection import SortKey, Where
from labeltui.core.session import open_session
from labeltui.errors import LabeltuiError


@pytest.fixture
def rows():
    rng = random.Random(7)
    out = []
    for i in range(400):
        row = {"id": f"r{i}", "text": f"item {i}", "lang": rng.choice(["de", "en", "fr"])}
        if rng.random() < 0.8:
            row["score"] = round(rng.random(), 3) if rng.random() < 0.9 else rng.randint(0, 3)
        row["meta"] = {"src": rng.choice(["web", "mail"]), "ok": rng.random() < 0.5}
        out.append(row)
    out += [dict(out[5], text="a later duplicate of r5"), dict(out[9], lang="xx")]
    return out


def write(tmp_path, rows):
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def ids(index):
    return [index.item(i).id for i in range(len(index))]


def test_where_keeps_matching_items_in_file_order(tmp_path, rows):
    index = DatasetIndex(write(tmp_path, rows), where=Where.parse(["lang=de", "meta.src=web"]))
    index.scan_all()
    first = {}
    for r in rows:
        first.setdefault(r["id"], r)
    expected = [r["id"] for r in first.values() if r["lang"] == "de" and r["meta"]["src"] == "web"]
    assert ids(index) == expected
    assert index.duplicates == 2  # later lines with a seen id are dropped even when filtered
    assert index.filtered_out == len(first) - len(expected)


def test_where_compares_non_strings_as_json(tmp_path, rows):
    index = DatasetIndex(write(tmp_path, rows), where=Where.parse(["meta.ok=true"])).scan_all()
    assert ids(index) == [r["id"] for r in rows[:400] if r["meta"]["ok"] is True]


@pytest.mark.parametrize("spec", ["score", "-score"])
def test_sort_orders_numeric_field_missing_last(tmp_path, rows, spec):
    index = DatasetIndex(write(tmp_path, rows), sort=SortKey.parse(spec)).scan_all()
    first = rows[:400]
    descending = spec.startswith("-")
    have = [r for r in first if isinstance(r.get("score"), (int, float))]
    missing = [r["id"] for r in first if "score" not in r]
    # Python's sort is stable like the index's: equal scores keep file order.
    have.sort(key=lambda r: -r["score"] if descending else r["score"])
    assert ids(index) == [r["id"] for r in have] + missing
    assert index.find("r17") == ids(index).index("r17")


def test_session_with_sort_and_where_resumes_in_that_order(tmp_path, rows):
    data = write(tmp_path, rows)
    schema = tmp_path / "s.yaml"
    schema.write_text("tasks:\n  - name: t\n    kind: choice\n    labels: [a, b]\n")
    session = open_session(data, schema, "ann", where=["lang=en"], sort="-score")
    order = ids(session.index)
    assert session.position == 0 and session.item().id == order[0]
    session.save({"t": "a"})
    session.save({"t": "b"})
    session.close()
    again = open_session(data, schema, "ann", where=["lang=en"], sort="-score")
    try:
        assert again.item().id == order[2]
    finally:
        again.close()


def test_bad_specs_are_clear_errors():
    with pytest.raises(LabeltuiError, match="FIELD=VALUE"):
        Where.parse(["lang"])
    with pytest.raises(LabeltuiError, match="numeric field"):
        SortKey.parse("-")
    assert math.isnan(SortKey("x").value({"x": "3"}))
    assert math.isnan(SortKey("x").value({"x": True}))


def test_sort_values_of_a_chunk_are_each_items_value():
    """`SortKey.values` (the index's chunks) gives what `value` gives, item by item."""
    objs = [{"x": 3}, {"x": 2.5}, {"x": True}, {"x": "3"}, {"x": None}, {}, {"x": [1]},
            {"x": -0.0}, {"x": 10**30}, {"y": {"x": 1}}, {"x": {"y": 4}}]  # fmt: skip
    for field in ("x", "x.y", "y.x"):
        key = SortKey(field)
        got = key.values(objs)
        want = [key.value(obj) for obj in objs]
        assert [repr(v) for v in got] == [repr(v) for v in want], field


def test_resuming_a_sorted_session_reads_items_up_to_the_first_to_label(tmp_path, rows):
    """Not every item: a million-line dataset with --sort opened in 12 s when each item was
    decoded to find the first one without an answer."""
    data = write(tmp_path, rows)
    schema = tmp_path / "s.yaml"
    schema.write_text("tasks:\n  - name: t\n    kind: choice\n    labels: [a, b]\n")
    session = open_session(data, schema, "ann", sort="-score")
    for _ in range(3):
        session.save({"t": "a"})
    order = ids(session.index)
    session.close()
    decoded: list[int] = []
    real = DatasetIndex.item

    def item(self, index):
        decoded.append(index)
        return real(self, index)

    with mock.patch.object(DatasetIndex, "item", item):
        again = open_session(data, schema, "ann", sort="-score")
        try:
            assert again.item().id == order[3]
            assert max(decoded) <= 3 < len(order) - 1
        finally:
            again.close()
