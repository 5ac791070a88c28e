"""doccano: every real file imports exactly and exports back to the same spans."""

from __future__ import annotations

import json

import pytest
from formats_helpers import jsonl_text, raw_lines, shared, triples

from labeltui.core.formats import export_file, import_file
from labeltui.errors import LabeltuiError

FILES = sorted(p.name for p in shared("doccano").glob("*.jsonl"))


def test_the_shared_files_are_there():
    assert len(FILES) == 3


def raw_triples(row: dict) -> list[tuple[int, int, str]]:
    """The file's own spans, read the simple way: `label`, else `labels`."""
    key = "label" if "label" in row else "labels"
    return sorted((s, e, lab) for s, e, lab in row[key])


@pytest.mark.parametrize("name", FILES)
def test_import_is_exact(name, tmp_path):
    source = shared("doccano", name)
    out = tmp_path / "data.jsonl"
    summary = import_file("doccano", source, out)
    rows, items = raw_lines(source), raw_lines(out)
    assert summary.items == len(rows) == len(items)
    assert summary.annotations == sum(len(raw_triples(r)) for r in rows)
    for row, item in zip(rows, items, strict=True):
        spans = item["labels"]["entities"]
        assert triples(spans) == raw_triples(row)
        assert [s["start"] for s in spans] == sorted(s["start"] for s in spans)
        for s in spans:
            assert s["text"] == row["text"][s["start"] : s["end"]]
        key = "label" if "label" in row else "labels"
        kept = {k: v for k, v in item.items() if k != "labels"}
        assert kept == {k: v for k, v in row.items() if k != key}  # `id`, `meta`, ... kept
        assert list(item) == ["labels" if k == key else k for k in row]  # and in their place


def test_known_values_of_the_korean_file(tmp_path):
    out = tmp_path / "konne.jsonl"
    import_file("doccano", shared("doccano", "konne-dev-sample.jsonl"), out)
    items = raw_lines(out)
    assert [i["id"] for i in items][:2] == [21009, 21010]
    assert items[0]["klue_id"] == "klue-ner-v1_dev_00000-wikitree"
    assert items[0]["labels"]["entities"][0] == {
        "start": 0,
        "end": 2,
        "label": "OGG_POLITICS",
        "text": "경찰",
    }
    nested = [(s["start"], s["end"]) for s in items[4]["labels"]["entities"][:3]]
    assert nested == [(0, 3), (0, 6), (4, 6)]  # nested and overlapping spans are kept
    assert items[-1]["labels"]["entities"] == []


@pytest.mark.parametrize("name", FILES)
def test_export_gives_back_the_same_spans(name, tmp_path):
    source = shared("doccano", name)
    data, back = tmp_path / "data.jsonl", tmp_path / "back.jsonl"
    import_file("doccano", source, data)
    export_file("doccano", data, back)
    rows, exported = raw_lines(source), raw_lines(back)
    assert len(exported) == len(rows)
    for row, line in zip(rows, exported, strict=True):
        assert sorted(map(tuple, line["label"])) == raw_triples(row)
        assert "labels" not in line  # labeltui's own key is not exported
        assert line["text"] == row["text"] and line.get("id") == row.get("id")


@pytest.mark.parametrize("name", FILES)
def test_export_import_export_is_byte_stable(name, tmp_path):
    data = tmp_path / "data.jsonl"
    import_file("doccano", shared("doccano", name), data)
    first, again, second = tmp_path / "1.jsonl", tmp_path / "again.jsonl", tmp_path / "2.jsonl"
    export_file("doccano", data, first)
    import_file("doccano", first, again)
    export_file("doccano", again, second)
    assert first.read_bytes() == second.read_bytes()
    assert again.read_bytes() == data.read_bytes()  # and the dataset comes back as it was


def test_the_newer_entities_layout_is_read(tmp_path):
    source = tmp_path / "rel.jsonl"
    source.write_text(
        jsonl_text(
            [
                {
                    "id": 7,
                    "text": "Alice met Bob",
                    "entities": [
                        {"id": 1, "label": "PER", "start_offset": 10, "end_offset": 13},
                        {"id": 2, "label": "PER", "start_offset": 0, "end_offset": 5},
                    ],
                    "relations": [{"from_id": 2, "to_id": 1, "type": "met"}],
                }
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    import_file("doccano", source, out)
    (item,) = raw_lines(out)
    assert triples(item["labels"]["entities"]) == [(0, 5, "PER"), (10, 13, "PER")]
    assert item["relations"] == [{"from_id": 2, "to_id": 1, "type": "met"}]


def test_a_line_without_spans_is_an_item_without_pre_annotations(tmp_path):
    source = tmp_path / "plain.jsonl"
    source.write_text('{"text": "no labels yet"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    import_file("doccano", source, out)
    assert raw_lines(out) == [{"text": "no labels yet"}]


def test_existing_labels_of_other_tasks_are_kept(tmp_path):
    source = tmp_path / "mixed.jsonl"
    row = {"text": "Hi Ann", "labels": {"mood": "happy"}, "label": [[3, 6, "PER"]]}
    source.write_text(json.dumps(row) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    import_file("doccano", source, out)
    (item,) = raw_lines(out)
    assert item["labels"]["mood"] == "happy"
    assert triples(item["labels"]["entities"]) == [(3, 6, "PER")]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('{"text": "abc", "label": [[0, 2, "X"]]', "not valid JSON"),
        ('["text", "abc"]', "expected a JSON object"),
        ('{"label": [[0, 1, "X"]]}', "no 'text' field"),
        ('{"text": "abc", "label": [[0, 9, "X"]]}', "past the end of the text (3 characters)"),
        ('{"text": "abc", "label": [[2, 1, "X"]]}', "do not make a span"),
        ('{"text": "abc", "label": [[0, 1]]}', '[start, end, "LABEL"]'),
        ('{"text": "abc", "label": [[0, 1, "X"], "POS"]}', "text classification"),
        ('{"text": "abc", "label": [[0, "1", "X"]]}', "'end' must be an integer"),
        ('{"text": "abc", "label": [[0, 1, ""]]}', "non-empty string"),
        ('{"text": "abc", "label": "X"}', "must be a list of spans"),
        ('{"text": "abc", "entities": [{"label": "X", "start_offset": 0}]}', "end_offset"),
    ],
)
def test_bad_input_names_the_file_and_line(tmp_path, line, words):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "fine", "label": []}\n\n' + line + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(LabeltuiError) as caught:
        import_file("doccano", source, out)
    assert caught.value.path == str(source) and caught.value.line == 3
    assert str(caught.value).startswith(f"{source}:3: ") and words in str(caught.value)
    assert not out.exists()  # nothing half-written
