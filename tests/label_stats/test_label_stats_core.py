"""`labeltui.core.label_stats` against counts made independently in the tests."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from stats_helpers import EVENTS, TAGS, TEAMS, expected, generate

from labeltui.core.label_stats import label_stats
from labeltui.core.schema import parse_schema
from labeltui.errors import LabeltuiError

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "tickets.jsonl"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_counts_match_an_independent_count(tmp_path, seed):
    paths, records = generate(tmp_path, seed)
    want = expected(records)
    got = label_stats(paths)
    assert got["files"] == [str(p) for p in paths]
    assert sorted(got["annotators"]) == ["ann", "bob", "cy"]
    for who, numbers in want["annotators"].items():
        mine = got["annotators"][who]
        assert mine["done"] == numbers["done"] and mine["skipped"] == numbers["skipped"]
        for key in ("median_seconds", "per_hour_on_screen", "per_hour_wall"):
            assert mine[key] == pytest.approx(numbers[key]), key
    assert set(got["tasks"]) == {"team", "tags", "ents", "events"}  # not "_scores"
    kinds = {task: data["kind"] for task, data in got["tasks"].items()}
    assert kinds == {"team": "choice", "tags": "multi_choice", "ents": "spans",
                     "events": "audio_marks"}  # fmt: skip
    for task, data in got["tasks"].items():
        counts = want["labels"][task]
        grand = sum(counts.values())
        assert data["total"] == grand
        assert set(data["labels"]) == {label for label, _ in counts}
        for label, entry in data["labels"].items():
            total = sum(n for (lab, _), n in counts.items() if lab == label)
            assert entry["total"] == total
            assert entry["share"] == pytest.approx(total / grand)
            for who in ("ann", "bob", "cy"):
                assert entry["by_annotator"][who] == counts[(label, who)]
                mine = sum(n for (_, w), n in counts.items() if w == who)
                assert entry["share_by_annotator"][who] == pytest.approx(
                    counts[(label, who)] / mine
                )
        for who in ("ann", "bob", "cy"):
            assert data["empty"][who] == want["empty"][task][who], (task, who)
            assert data["answered"][who] == want["annotators"][who]["done"] - data["empty"][who]
    for label, entry in got["tasks"]["events"]["labels"].items():
        assert entry["seconds"] == pytest.approx(want["seconds"][label], abs=0.002)
    json.dumps(got, allow_nan=False)


def test_last_line_wins_and_status_replaced(tmp_path):
    lines = [
        {"_id": "a", "_annotator": "x", "_status": "done", "labels": {"t": "one"}},
        {"_id": "a", "_annotator": "x", "_status": "done", "labels": {"t": "two"}},
        {"_id": "b", "_annotator": "x", "_status": "done", "labels": {"t": "one"}},
        {"_id": "b", "_annotator": "x", "_status": "skipped"},
        {"_id": "c", "_annotator": "x", "_status": "skipped"},
        {"_id": "c", "_annotator": "x", "_status": "done", "labels": {"t": None}},
        {"_id": "a", "_annotator": "y", "_status": "done", "labels": {"t": "one"}},
    ]
    path = tmp_path / "f.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines) + "\n")
    got = label_stats([path])
    assert got["annotators"]["x"]["done"] == 2 and got["annotators"]["x"]["skipped"] == 1
    team = got["tasks"]["t"]
    assert team["labels"]["two"]["by_annotator"] == {"x": 1, "y": 0}
    assert team["labels"]["one"]["by_annotator"] == {"x": 0, "y": 1}
    assert team["empty"] == {"x": 1, "y": 0}
    x = got["annotators"]["x"]
    assert x["median_seconds"] is None and x["per_hour_on_screen"] is None
    assert x["per_hour_wall"] is None and x["first_ts"] is None


def content_id(obj):
    fields = {k: obj[k] for k in ("text", "audio") if k in obj}
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "h" + hashlib.sha256(blob.encode()).hexdigest()[:16]


def test_dataset_with_pre_annotations(tmp_path):
    lines = [
        {"id": 1, "text": "a", "labels": {"team": "bug", "_scores": {"team": 0.4}}},
        {"id": "1", "text": "a again", "labels": {"team": "billing"}},  # same item: first wins
        {"text": "no id", "labels": {"team": "bug"}},
        {"text": "no id", "labels": {"team": "other"}},  # same content hash: first wins
        {"text": "other text", "labels": {"team": "billing"}},
        {"text": "not pre-annotated"},
        {"text": "null", "labels": {"team": None}},
    ]
    path = tmp_path / "tickets.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    first: dict[str, dict] = {}
    for obj in lines:
        if "labels" in obj:
            key = str(obj["id"]) if "id" in obj else content_id(obj)
            first.setdefault(key, obj)
    want = Counter(o["labels"]["team"] for o in first.values() if o["labels"]["team"])
    got = label_stats([path])
    who = "tickets (pre-annotations)"
    assert list(got["annotators"]) == [who]
    assert got["annotators"][who]["done"] == len(first) == 4
    assert got["annotators"][who]["pre_annotations"] is True
    team = got["tasks"]["team"]
    assert {k: v["total"] for k, v in team["labels"].items()} == dict(want)
    assert team["empty"] == {who: 1}
    assert list(got["tasks"]) == ["team"]


def test_sample_tickets_dataset():
    if not SAMPLE.exists():
        pytest.skip("sample data absent")
    objs = [json.loads(x) for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    pre = {str(o["id"]): o for o in reversed(objs) if isinstance(o.get("labels"), dict)}
    want = Counter(o["labels"]["team"] for o in pre.values())
    got = label_stats([SAMPLE])
    (who,) = got["annotators"]
    assert who == "tickets (pre-annotations)" and got["annotators"][who]["done"] == len(pre)
    team = got["tasks"]["team"]
    assert {k: v["total"] for k, v in team["labels"].items()} == dict(want)
    assert sum(v["share"] for v in team["labels"].values()) == pytest.approx(1.0)


def test_schema_gives_order_kinds_and_zero_counts(tmp_path):
    schema = parse_schema(
        "tasks:\n"
        f"  - name: team\n    kind: choice\n    labels: [{', '.join(reversed(TEAMS))}]\n"
        f"  - name: tags\n    kind: multi_choice\n    labels: [{', '.join(TAGS)}, never]\n"
        f"  - name: unused\n    kind: choice\n    labels: [{', '.join(EVENTS)}]\n"
    )
    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps({"_id": "1", "_annotator": "x", "_status": "done",
                                "labels": {"team": "bug", "tags": []}}) + "\n")  # fmt: skip
    got = label_stats([path], schema)
    assert list(got["tasks"]) == ["team", "tags", "unused"]
    assert list(got["tasks"]["team"]["labels"]) == list(reversed(TEAMS))
    assert got["tasks"]["tags"]["labels"]["never"]["total"] == 0
    assert got["tasks"]["tags"]["labels"]["never"]["share"] is None
    assert got["tasks"]["tags"]["empty"] == {"x": 1}
    assert got["tasks"]["unused"]["kind"] == "choice"
    assert got["tasks"]["unused"]["empty"] == {"x": 1}  # a task the line does not mention


BAD = [
    ('{"_id": "1", "_annotator": "x"}\n{"_id": oops}\n', 2, "not valid JSON"),
    ('{"_id": "1", "_annotator": "x"}\n\n[1, 2]\n', 3, "expected a JSON object, found an array"),
    ('{"_id": "1", "_annotator": "x", "labels": [1]}\n', 1, "'labels' must be an object"),
    ('{"text": "a", "labels": "bug"}\n', 1, "'labels' must be an object"),
    ('{"_id": "1", "_annotator": "x", "_status": "maybe"}\n', 1, "'_status' must be"),
    ('{"_id": "1", "_annotator": "", "_status": "done"}\n', 1, "'_annotator' must be"),
    (
        '{"_id": "1", "_annotator": "x", "labels": {"t": "a"}}\n'
        '{"_id": "2", "_annotator": "x", "labels": {"t": ["a"]}}\n',
        2,
        "task 't' (choice)",
    ),
    ('{"_id": "1", "_annotator": "x", "labels": {"t": [{"start": 1}]}}\n', 1, "cannot tell"),
    (b'{"_id": "1", "_annotator": "\xff"}\n', 1, "not valid UTF-8"),
]


@pytest.mark.parametrize(("content", "line", "message"), BAD)
def test_bad_lines_name_file_and_line(tmp_path, content, line, message):
    path = tmp_path / "bad.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(LabeltuiError) as info:
        label_stats([path])
    assert info.value.path == str(path) and info.value.line == line
    assert message in info.value.message


def test_missing_file_and_no_files(tmp_path):
    with pytest.raises(LabeltuiError, match="file not found"):
        label_stats([tmp_path / "nope.jsonl"])
    with pytest.raises(LabeltuiError, match="no files given"):
        label_stats([])


def test_bom_blank_lines_and_crlf(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"_id": "1", "_annotator": "x", "labels": {"t": "a"}}\r\n'
                     b"\r\n   \n"
                     b'{"_id": "2", "_annotator": "x", "labels": {"t": "b"}}')  # fmt: skip
    got = label_stats([path])
    assert got["annotators"]["x"]["done"] == 2
    assert {k: v["total"] for k, v in got["tasks"]["t"]["labels"].items()} == {"a": 1, "b": 1}
