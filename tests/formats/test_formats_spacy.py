"""spaCy/Prodigy: every real file imports exactly and exports back to the same spans."""

from __future__ import annotations

import pytest
from formats_helpers import jsonl_text, raw_lines, shared, triples

from labeltui.core.formats import export_file, import_file
from labeltui.errors import LabeltuiError

FILES = sorted(p.name for p in shared("spacy").glob("*.jsonl"))


def test_the_shared_files_are_there():
    assert len(FILES) == 3


def raw_spans(row: dict) -> list[tuple[int, int, str]]:
    return sorted((s["start"], s["end"], s["label"]) for s in row.get("spans") or [])


@pytest.mark.parametrize("name", FILES)
def test_import_is_exact(name, tmp_path):
    source = shared("spacy", name)
    out = tmp_path / "data.jsonl"
    import_file("spacy", source, out)
    rows, items = raw_lines(source), raw_lines(out)
    assert len(items) == len(rows)
    for row, item in zip(rows, items, strict=True):
        spans = item["labels"]["entities"]
        assert triples(spans) == raw_spans(row)
        for s in spans:
            assert s["text"] == item["text"][s["start"] : s["end"]]
        assert {k: v for k, v in item.items() if k != "labels"} == {
            k: v for k, v in row.items() if k != "spans"
        }  # tokens, answer, meta, _input_hash, ... are kept


def test_emoji_before_spans_count_as_one_code_point(tmp_path):
    """Three emoji precede the span: UTF-16 offsets would be off by three."""
    out = tmp_path / "drugs.jsonl"
    import_file("spacy", shared("spacy", "drugs_training-sample.jsonl"), out)
    (item,) = raw_lines(out)
    assert item["labels"]["entities"] == [
        {"start": 230, "end": 234, "label": "DRUG", "text": "bars"}
    ]
    assert item["text"][6:8] == "\U0001f602\U0001f602"


def test_curly_apostrophes_and_empty_items(tmp_path):
    out = tmp_path / "fashion.jsonl"
    import_file("spacy", shared("spacy", "fashion_brands_eval-sample.jsonl"), out)
    items = raw_lines(out)
    assert [s["text"] for s in items[3]["labels"]["entities"]] == ["Levi\u2019s", "Dockers"]
    assert items[2]["labels"]["entities"] == []
    assert items[0]["text"][0] == "\U0001f602"
    assert [s["text"] for s in items[0]["labels"]["entities"]] == ["Allen Edmonds"] * 2


@pytest.mark.parametrize("name", FILES)
def test_export_gives_back_the_same_spans_and_token_indices(name, tmp_path):
    source = shared("spacy", name)
    data, back = tmp_path / "data.jsonl", tmp_path / "back.jsonl"
    import_file("spacy", source, data)
    export_file("spacy", data, back)
    rows, exported = raw_lines(source), raw_lines(back)
    keys = ("start", "end", "token_start", "token_end", "label")
    for row, line in zip(rows, exported, strict=True):
        assert [tuple(s[k] for k in keys) for s in line["spans"]] == sorted(
            (tuple(s[k] for k in keys) for s in row["spans"]), key=lambda t: (t[0], t[1], t[4])
        )
        assert {k: v for k, v in line.items() if k != "spans"} == {
            k: v for k, v in row.items() if k != "spans"
        }
        assert list(line) == list(row)  # spans back in their place


@pytest.mark.parametrize("name", FILES)
def test_export_import_export_is_byte_stable(name, tmp_path):
    data = tmp_path / "data.jsonl"
    import_file("spacy", shared("spacy", name), data)
    first, again, second = tmp_path / "1.jsonl", tmp_path / "again.jsonl", tmp_path / "2.jsonl"
    export_file("spacy", data, first)
    import_file("spacy", first, again)
    export_file("spacy", again, second)
    assert first.read_bytes() == second.read_bytes()
    assert again.read_bytes() == data.read_bytes()


def test_spans_off_the_tokens_are_written_without_token_indices(tmp_path):
    data = tmp_path / "d.jsonl"
    tokens = [{"text": "Hello", "start": 0, "end": 5, "id": 0}]
    span = {"start": 1, "end": 4, "label": "X", "text": "ell"}
    data.write_text(jsonl_text([{"text": "Hello", "tokens": tokens, "labels": {"e": [span]}}]))
    out = tmp_path / "out.jsonl"
    export_file("spacy", data, out)
    assert raw_lines(out)[0]["spans"] == [{"start": 1, "end": 4, "label": "X"}]


@pytest.mark.parametrize(
    ("span", "words"),
    [
        ({"start": 0, "label": "X"}, "span 1 has no end"),
        ({"start": 0, "end": 30, "label": "X"}, "past the end of the text"),
        ({"start": -1, "end": 2, "label": "X"}, "do not make a span"),
        ("0-3", "must be an object"),
    ],
)
def test_bad_spans_name_the_file_and_line(tmp_path, span, words):
    source = tmp_path / "bad.jsonl"
    source.write_text(jsonl_text([{"text": "ok", "spans": []}, {"text": "abc", "spans": [span]}]))
    with pytest.raises(LabeltuiError) as caught:
        import_file("spacy", source, tmp_path / "out.jsonl")
    assert str(caught.value).startswith(f"{source}:2: ") and words in str(caught.value)
