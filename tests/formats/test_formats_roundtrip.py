"""Random texts and spans: doccano → dataset → doccano/spaCy → dataset gives the same spans, and
CoNLL tags decode to the spans stretched to whole tokens (or the span is counted as dropped)."""

from __future__ import annotations

import json
import re

from formats_helpers import conll_tokens, decode_bio, expected_chunks, raw_lines, triples
from hypothesis import given, settings
from hypothesis import strategies as st

from labeltui.core.formats import export_file, import_file

# Characters that break naive offsets: astral emoji, a ZWJ sequence, combining marks, CJK,
# tabs and line separators that `str.splitlines` would split on.
PIECES = [
    "a",
    "b",
    " ",
    "\t",
    "\n",
    "😂",
    "東",
    "e\u0301",
    "👩\u200d👧",
    "\u2028",
    "\x85",
    ",",
    "'",
]
TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join)
LABEL = st.text("ABCXYZ _-", min_size=1, max_size=5).filter(lambda s: s.strip())


@st.composite
def text_and_spans(draw):
    text = draw(TEXT)
    n = len(text)
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        spans.append([start, end, draw(LABEL)])
    return text, spans


ITEMS = st.lists(text_and_spans(), min_size=1, max_size=4)


def write_doccano(path, items) -> None:
    rows = [{"id": i, "text": text, "label": spans} for i, (text, spans) in enumerate(items)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")


def want(items) -> list[list[tuple[int, int, str]]]:
    return [sorted(tuple(s) for s in spans) for _, spans in items]


@settings(max_examples=80, deadline=None)
@given(items=ITEMS)
def test_spans_round_trip_through_doccano_and_spacy(tmp_path_factory, items):
    tmp = tmp_path_factory.mktemp("spans")
    write_doccano(tmp / "src.jsonl", items)
    import_file("doccano", tmp / "src.jsonl", tmp / "data.jsonl")
    data = raw_lines(tmp / "data.jsonl")
    assert [triples(d["labels"]["entities"]) for d in data] == want(items)
    for d, (text, _) in zip(data, items, strict=True):
        assert d["text"] == text
        assert all(s["text"] == text[s["start"] : s["end"]] for s in d["labels"]["entities"])

    export_file("doccano", tmp / "data.jsonl", tmp / "back.jsonl", task="entities")
    back = raw_lines(tmp / "back.jsonl")
    assert [sorted(map(tuple, b["label"])) for b in back] == want(items)

    export_file("spacy", tmp / "data.jsonl", tmp / "spacy.jsonl", task="entities")
    spacy = raw_lines(tmp / "spacy.jsonl")
    assert [triples(s["spans"]) for s in spacy] == want(items)
    import_file("spacy", tmp / "spacy.jsonl", tmp / "again.jsonl")
    assert raw_lines(tmp / "again.jsonl") == data


_TOKEN = re.compile(r"\w+|[^\w\s]")


@settings(max_examples=80, deadline=None)
@given(items=ITEMS)
def test_conll_tags_decode_to_the_spans_on_whole_tokens(tmp_path_factory, items):
    tmp = tmp_path_factory.mktemp("conll")
    write_doccano(tmp / "src.jsonl", items)
    import_file("doccano", tmp / "src.jsonl", tmp / "data.jsonl")
    summary = export_file("conll", tmp / "data.jsonl", tmp / "out.conll", task="entities")
    text = (tmp / "out.conll").read_text("utf-8")
    blocks = text.split("\n\n")[1:]
    with_tokens = [(t, s) for t, s in items if _TOKEN.search(t)]
    assert len(blocks) == len(with_tokens)
    placed = 0
    for block, (item_text, spans) in zip(blocks, with_tokens, strict=True):
        tokens = conll_tokens(item_text, spans)
        rows = [row.split(" ") for row in block.strip("\n").split("\n")]
        assert [r[0] for r in rows] == [item_text[a:b] for a, b in tokens]
        chunks = decode_bio(tokens, [r[-1] for r in rows])
        assert chunks <= expected_chunks(tokens, spans)
        placed += sum(r[-1].startswith("B-") for r in rows)
    total = sum(len(spans) for _, spans in with_tokens)
    dropped = sum(n for what, n in summary.notes.items() if "dropped" in what)
    assert placed + dropped == total
