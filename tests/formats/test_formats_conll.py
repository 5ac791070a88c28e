"""CoNLL-2003-style BIO export: a known text gives a known file."""

from __future__ import annotations

import pytest
from formats_helpers import jsonl_text, shared

from labeltui.core.formats import export_file, import_file
from labeltui.core.schema import parse_schema
from labeltui.errors import LabeltuiError

KNOWN = """\
-DOCSTART- -X- -X- O

EU -X- _ B-ORG
rejects -X- _ O
German -X- _ B-MISC
call -X- _ O
to -X- _ O
boycott -X- _ O
British -X- _ B-MISC
lamb -X- _ O
. -X- _ O

Peter -X- _ B-PERSON
Blackburn -X- _ I-PERSON

President -X- _ O
Obama -X- _ B-PERSON
"""


def test_doccano_example_gives_the_known_file(tmp_path):
    """doccano's own example has only EU and German; British is added to test a third span."""
    data = tmp_path / "data.jsonl"
    import_file("doccano", shared("doccano", "doccano-export-example.jsonl"), data)
    lines = data.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace(
        '"label": "MISC", "text": "German"}',
        (
            '"label": "MISC", "text": "German"}, '
            '{"start": 34, "end": 41, "label": "MISC", "text": "British"}'
        ),
    )
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "ner.conll"
    summary = export_file("conll", data, out)
    assert out.read_text(encoding="utf-8") == KNOWN
    assert summary.notes == {} and summary.items == 3


def export(tmp_path, text: str, spans: list[tuple[int, int, str]], schema=None) -> str:
    value = [{"start": s, "end": e, "label": lab, "text": text[s:e]} for s, e, lab in spans]
    data = tmp_path / "d.jsonl"
    data.write_text(jsonl_text([{"text": text, "labels": {"entities": value}}]), "utf-8")
    out = tmp_path / "out.conll"
    export.summary = export_file("conll", data, out, schema=schema)
    return out.read_text(encoding="utf-8").split("\n\n", 1)[1]


def tags(block: str) -> list[tuple[str, str]]:
    return [(line.split(" ")[0], line.split(" ")[-1]) for line in block.splitlines()]


def test_a_span_inside_a_token_splits_the_token_and_keeps_its_characters(tmp_path):
    block = export(tmp_path, "the Berliners came", [(4, 10, "LOC")])
    assert tags(block) == [("the", "O"), ("Berlin", "B-LOC"), ("ers", "O"), ("came", "O")]
    assert export.summary.notes == {"tokens split at span edges": 1}
    # a Korean particle after the place name, and a span ending inside a later token
    block = export(tmp_path, "서울에서 만나요", [(0, 2, "LOC"), (5, 7, "EVT")])
    assert tags(block) == [("서울", "B-LOC"), ("에서", "O"), ("만나", "B-EVT"), ("요", "O")]
    assert export.summary.notes == {"tokens split at span edges": 2}


def test_a_span_over_whitespace_only_is_dropped(tmp_path):
    block = export(tmp_path, "a   b", [(1, 4, "X")])
    assert tags(block) == [("a", "O"), ("b", "O")]
    assert export.summary.notes == {"spans over whitespace only dropped": 1}


def test_nested_spans_keep_the_outer_one(tmp_path):
    text = "New York City Hall"
    block = export(tmp_path, text, [(0, 8, "LOC"), (0, 18, "FAC"), (4, 8, "LOC")])
    assert [t for _, t in tags(block)] == ["B-FAC", "I-FAC", "I-FAC", "I-FAC"]
    assert export.summary.notes == {"overlapping spans dropped (BIO cannot nest)": 2}


def test_adjacent_spans_of_one_label_each_start_with_b(tmp_path):
    block = export(tmp_path, "Ann Bob", [(0, 3, "PER"), (4, 7, "PER")])
    assert [t for _, t in tags(block)] == ["B-PER", "B-PER"]


def test_unicode_tokens_and_labels_with_spaces(tmp_path):
    text = "Hi 😂 東京 café!"
    block = export(tmp_path, text, [(5, 7, "big city"), (8, 12, "FOOD")])
    assert tags(block) == [
        ("Hi", "O"),
        ("😂", "O"),
        ("東京", "B-big_city"),
        ("café", "B-FOOD"),
        ("!", "O"),
    ]


def test_the_chars_tokenizer_of_the_schema_is_used(tmp_path):
    schema = parse_schema(
        "tasks:\n  - name: entities\n    kind: spans\n    tokenizer: chars\n    labels: [LOC]\n"
    )
    block = export(tmp_path, "我在東京", [(2, 4, "LOC")], schema=schema)
    assert [t for _, t in tags(block)] == ["O", "O", "B-LOC", "I-LOC"]


def test_items_without_tokens_have_no_block(tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_text(jsonl_text([{"text": "  "}, {"text": "ok"}]), "utf-8")
    out = tmp_path / "o.conll"
    export_file("conll", data, out, task="entities")
    assert out.read_text() == "-DOCSTART- -X- -X- O\n\nok -X- _ O\n"


def test_an_item_without_text_names_its_line(tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_text(jsonl_text([{"text": "ok"}, {"audio": "a.wav"}]), "utf-8")
    with pytest.raises(LabeltuiError) as caught:
        export_file("conll", data, tmp_path / "o.conll", task="entities")
    assert str(caught.value).startswith(f"{data}:2: ") and "has no text" in str(caught.value)
    assert not (tmp_path / "o.conll").exists()


KNOWN_PUNCTUATION = """\
-DOCSTART- -X- -X- O

Dr -X- _ O
. -X- _ O
O -X- _ B-PER
' -X- _ I-PER
Neil -X- _ I-PER
lives -X- _ O
in -X- _ O
São -X- _ B-LOC
Paulo -X- _ I-LOC
, -X- _ O
Brazil -X- _ B-LOC
. -X- _ O

Call -X- _ O
Bob -X- _ B-PER
now -X- _ O
"""


def test_a_known_text_gives_the_known_file(tmp_path):
    """Punctuation is a token of its own, a non-ASCII word is one token, tabs and line breaks
    separate tokens, items are separated by one blank line."""
    rows = []
    for text, entities in [
        (
            "Dr. O'Neil lives in São Paulo, Brazil.",
            [("O'Neil", "PER"), ("São Paulo", "LOC"), ("Brazil", "LOC")],
        ),
        ("Call\tBob\nnow", [("Bob", "PER")]),
    ]:
        spans = [
            {"start": text.index(w), "end": text.index(w) + len(w), "label": lab, "text": w}
            for w, lab in entities
        ]
        rows.append({"text": text, "labels": {"entities": spans}, "_status": "done"})
    data = tmp_path / "ann.jsonl"
    data.write_text(jsonl_text(rows), "utf-8")
    out = tmp_path / "ner.conll"
    summary = export_file("conll", data, out)
    assert out.read_text(encoding="utf-8") == KNOWN_PUNCTUATION
    assert summary.items == 2 and summary.annotations == 4 and summary.notes == {}
