"""core.review.load on the shared reader's integer table (issue 15 part 5): items made only
when asked for, lines read back by line number, and the files the shared reader judges
otherwise than review read by review's own rules, with the same outcome as before."""

from __future__ import annotations

import json
import random

import pytest
from review_helpers import line, write_lines, write_schema

from labeltui.core.review import lines as lines_module
from labeltui.core.review import load as load_module
from labeltui.core.review.compare import disagreement, norm_labels
from labeltui.core.review.load import Loaded, load_review
from labeltui.core.schema import load_schema
from labeltui.errors import LabeltuiError

SCHEMA = """\
tasks:
  - {name: team, kind: choice, labels: [billing, bug, shipping]}
  - {name: tags, kind: multi_choice, labels: [urgent, refund, vip]}
  - {name: entities, kind: spans, labels: [A, B]}
"""
TEAMS = ["billing", "bug", "shipping", None]
TAGS = [[], ["urgent"], ["refund", "urgent"], ["vip"], None]
SPANS = [[], [{"start": 0, "end": 2, "label": "A"}], [{"start": 1, "end": 3, "label": "B"}]]


def project(tmp_path, items=300, seed=5):
    """Two files, three annotators (two in one file), re-answers and skips, three task kinds."""
    rng = random.Random(seed)
    rows = {"a.jsonl": [], "b.jsonl": []}
    for i in range(items):
        for who, name in (("ann", "a.jsonl"), ("bob", "b.jsonl"), ("cy", "b.jsonl")):
            if rng.random() < 0.1:
                continue
            labels = {
                "team": rng.choice(TEAMS),
                "tags": rng.choice(TAGS),
                "entities": rng.choice(SPANS),
            }
            status = "skipped" if rng.random() < 0.05 else "done"
            rows[name].append(line(f"i{i}", who, labels, status, text=f"item {i} text"))
            if rng.random() < 0.05:  # answered again later: the last line wins
                labels = dict(labels, team=rng.choice(TEAMS))
                rows[name].append(line(f"i{i}", who, labels, text=f"item {i} text"))
    files = [write_lines(tmp_path / name, r) for name, r in rows.items()]
    schema = tmp_path / "schema.yaml"
    schema.write_text(SCHEMA)
    return files, load_schema(schema)


def summary(loaded: Loaded) -> dict:
    return {
        "annotators": loaded.annotators,
        "items": [(i.id, i.order, i.score, i.source, i.refs, i.norms) for i in loaded.items],
        "queue": [(i.id, i.score) for i in loaded.queue],
        "answers": [(i.id, i.data, i.answers) for i in loaded.queue[:40]],
    }


def test_the_shared_reader_and_review_s_own_rules_give_the_same_review(tmp_path, monkeypatch):
    files, schema = project(tmp_path)
    fast = load_review(files, schema, only_disagreements=False)
    assert fast.joined.table.item_ids.__class__.__name__ != "list"  # the shared reader's ids
    got = summary(fast)
    fast.close()
    monkeypatch.setattr(load_module, "_fast_table", lambda lines, schema: None)
    careful = load_review(files, schema, only_disagreements=False)
    assert summary(careful) == got
    careful.close()
    assert got["queue"] == reference(files, schema) and len(got["queue"]) > 250


def reference(files, schema) -> list[tuple[str, float]]:
    """The queue (--all) as review's rules say, line by line with `compare` (the old way)."""
    current: dict[tuple[str, str], dict] = {}
    order: dict[str, None] = {}
    people: dict[str, None] = {}
    for path in files:
        for row in map(json.loads, path.read_text().splitlines()):
            order.setdefault(row["_id"])
            people.setdefault(row["_annotator"])
            current.pop((row["_annotator"], row["_id"]), None)
            current[row["_annotator"], row["_id"]] = row
    done = {k: r for k, r in current.items() if r["_status"] == "done"}
    queue = []
    for n, ident in enumerate(order):
        norms = [
            norm_labels(schema, done[w, ident]["labels"]) for w in people if (w, ident) in done
        ]
        if norms:
            queue.append((ident, disagreement(schema, norms, 0.5), n))
    queue.sort(key=lambda q: (-round(q[1], 9), q[2]))
    return [(ident, score) for ident, score, _ in queue]


def test_items_are_made_only_when_asked_for(tmp_path, monkeypatch):
    files, schema = project(tmp_path)
    made: list[int] = []
    real = Loaded._make
    monkeypatch.setattr(Loaded, "_make", lambda self, at: made.append(at) or real(self, at))
    loaded = load_review(files, schema)
    assert made == []  # nothing per item or per line at load time
    first = loaded.queue[0]
    assert loaded.queue[0] is first and len(made) == 1
    assert loaded.queue.id(1) and len(made) == 1  # an id costs no item
    loaded.close()


def test_lines_are_found_by_number_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(lines_module, "STEP", 97)  # many chunks, lines cut across them
    files, schema = project(tmp_path, items=60)
    loaded = load_review(files, schema, only_disagreements=False)
    raw = {f: f.read_text().splitlines() for f in files}
    for item in loaded.items:
        for who, ref in item.refs.items():
            expected = json.loads(raw[files[ref.file]][ref.line - 1])
            assert expected["_annotator"] == who and expected["_id"] == item.id
            assert item.answers[who] == expected["labels"]
        assert item.data["text"] == f"item {item.id[1:]} text"
    loaded.close()


def test_a_repeated_span_keeps_its_score(tmp_path):
    """The same answer twice with a repeated span: F1 counts distinct matches (0.5), so the
    item is a disagreement, as before (no shortcut for equal answers there)."""
    twice = {"entities": [{"start": 0, "end": 2, "label": "A"}] * 2}
    rows = [line("x", "ann", dict(twice, team="bug")), line("x", "bob", dict(twice, team="bug"))]
    files = [write_lines(tmp_path / "s.jsonl", rows)]
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    loaded = load_review(files, load_schema(tmp_path / "schema.yaml"))
    assert [(i.id, i.score) for i in loaded.queue] == [("x", pytest.approx(0.5 / 3))]
    loaded.close()


def test_nan_is_refused_as_every_writer_refuses_it(tmp_path):
    """The shared reader lets `NaN` pass (agree reads old files); review refuses the line."""
    good = json.dumps(line("a", "ann", {"team": "bug"}))
    bad = json.dumps(line("a", "bob", {"team": "billing"})).replace('"_ms": 1200', '"_ms": NaN')
    assert "NaN" in bad
    path = tmp_path / "n.jsonl"
    path.write_text(good + "\n" + bad + "\n")
    with pytest.raises(LabeltuiError) as info:
        load_review([path], load_schema(write_schema(tmp_path)))
    assert str(info.value).startswith(f"{path}:2: not valid JSON (NaN is not a JSON number")


def test_a_skipped_line_with_labels_that_are_no_object_is_an_error(tmp_path):
    rows = [line("a", "ann", {"team": "bug"}), line("a", "bob", {"team": "bug"}, "skipped")]
    rows[1]["labels"] = "bug"
    path = write_lines(tmp_path / "s.jsonl", rows)
    with pytest.raises(LabeltuiError) as info:
        load_review([path], load_schema(write_schema(tmp_path)))
    assert str(info.value) == f"{path}:2: 'labels' must be an object of task names to values"


def test_lines_the_shared_reader_refuses_are_judged_by_review(tmp_path):
    """No `_id` (joined by the item id), a done line without labels (no answer): review reads
    them; a dataset line is refused in review's words."""
    first = line("a", "ann", {"team": "bug"})
    del first["_id"]
    rows = [first, line("a", "bob", {"team": "billing"}), line("a", "cy", {})]
    del rows[2]["labels"]
    path = write_lines(tmp_path / "r.jsonl", rows)
    schema = load_schema(write_schema(tmp_path))
    loaded = load_review([path], schema, only_disagreements=False)
    assert loaded.annotators == ["ann", "bob", "cy"]
    assert loaded.items[0].answers == {"ann": {"team": "bug"}, "bob": {"team": "billing"}, "cy": {}}
    loaded.close()
    path.write_text(path.read_text() + json.dumps({"id": "b", "text": "x"}) + "\n")
    with pytest.raises(LabeltuiError) as info:
        load_review([path], schema)
    assert str(info.value).startswith(f"{path}:4: no '_annotator' on this line; review reads")
