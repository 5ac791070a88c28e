"""CoNLL/IOB import: the real files in tests/data/formats-next/conll import exactly (compared
with a plain reading: sentences on blank lines, tokens joined by one space, chunks read from
the tags), pass `validate`, and export back to CoNLL with the same chunks; IOB1, BIOES and BMES
decode to the same spans as IOB2."""

from __future__ import annotations

from pathlib import Path

import pytest
from formats_helpers import raw_lines
from test_formats_variants import fails, ok

NEXT = Path(__file__).resolve().parents[1] / "data" / "formats-next" / "conll"
FILES = sorted(p.name for p in NEXT.iterdir())


def test_the_real_files_are_there():
    assert FILES == [
        "doccano-labeling.trailing.conll",
        "flair-fashion-eng.train",
        "spacy-ner-token-per-line-conll2003.iob",
    ]


def plain_sentences(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, chunks) per sentence: B-/S- (or a change of type) start a chunk, I- continues."""
    sentences, rows = [], []
    for line in [*path.read_text("utf-8").splitlines(), ""]:
        cells = line.split()
        if cells and cells[0] == "-DOCSTART-":
            continue
        if cells:
            rows.append((cells[0], cells[-1]))
            continue
        if not rows:
            continue
        text = " ".join(token for token, _ in rows)
        chunks, at, current = [], 0, None
        for token, tag in rows:
            if tag == "O" or tag[0] in "BS" or current is None or current[2] != tag[2:]:
                if current:
                    chunks.append(tuple(current))
                current = None if tag == "O" else [at, at + len(token), tag[2:]]
            else:
                current[1] = at + len(token)
            at += len(token) + 1
        if current:
            chunks.append(tuple(current))
        sentences.append((text, sorted(chunks)))
        rows = []
    return sentences


@pytest.mark.parametrize("name", FILES)
def test_real_file_imports_exactly_validates_and_exports(name, tmp_path):
    source = NEXT / name
    want = plain_sentences(source)
    said = ok("import", source, "--from", "conll", "-o", "data.jsonl", cwd=tmp_path).stdout
    count = sum(len(chunks) for _, chunks in want)
    assert said.startswith(f"wrote {len(want)} item") and f" with {count} span" in said
    items = raw_lines(tmp_path / "data.jsonl")
    got = [
        (i["text"], sorted((s["start"], s["end"], s["label"]) for s in i["labels"]["entities"]))
        for i in items
    ]
    assert got == want
    stem = name.rsplit(".", 1)[0]
    assert [i["id"] for i in items] == [f"{stem}-{n}" for n in range(1, len(want) + 1)]
    labels = sorted({c[2] for _, chunks in want for c in chunks})
    (tmp_path / "s.yaml").write_text(
        f"tasks:\n  - name: entities\n    kind: spans\n    labels: [{', '.join(labels)}]\n"
    )
    ok("validate", "--schema", "s.yaml", "data.jsonl", cwd=tmp_path)

    ok("export", "data.jsonl", "--to", "conll", "-o", "back.conll", cwd=tmp_path)
    ok("import", "back.conll", "--from", "conll", "-o", "again.jsonl", cwd=tmp_path)
    again = raw_lines(tmp_path / "again.jsonl")
    assert [[s["text"] for s in i["labels"]["entities"]] for i in again] == [
        [s["text"] for s in i["labels"]["entities"]] for i in items
    ]
    assert [[s["label"] for s in i["labels"]["entities"]] for i in again] == [
        [s["label"] for s in i["labels"]["entities"]] for i in items
    ]


SCHEMES = {
    "iob2": ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"],
    "iob1": ["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC"],
    "bioes": ["B-PER", "E-PER", "O", "S-LOC", "B-LOC", "E-LOC"],
    "bmes": ["B-PER", "E-PER", "O", "S-LOC", "B-LOC", "E-LOC"],
    "bilou": ["B-PER", "L-PER", "O", "U-LOC", "B-LOC", "L-LOC"],
}


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_every_tag_scheme_gives_the_same_spans(scheme, tmp_path):
    tokens = ["Ann", "Lee", "in", "Rome", "New", "York"]
    rows = "".join(f"{t}\t{tag}\r\n" for t, tag in zip(tokens, SCHEMES[scheme], strict=True))
    (tmp_path / "s.conll").write_text("-DOCSTART- -X- O O\n\n" + rows + "\n\n\nOk O\n", "utf-8")
    ok("import", "s.conll", "--from", "conll", "-o", "d.jsonl", cwd=tmp_path)
    first, second = raw_lines(tmp_path / "d.jsonl")
    assert first["text"] == "Ann Lee in Rome New York" and second["text"] == "Ok"
    assert [(s["text"], s["label"]) for s in first["labels"]["entities"]] == [
        ("Ann Lee", "PER"),
        ("Rome", "LOC"),
        ("New York", "LOC"),
    ]


def test_a_bmes_middle_tag_continues_the_chunk(tmp_path):
    (tmp_path / "m.conll").write_text("北 B-LOC\n京 M-LOC\n市 E-LOC\n很 O\n", "utf-8")
    ok("import", "m.conll", "--from", "conll", "-o", "d.jsonl", cwd=tmp_path)
    (item,) = raw_lines(tmp_path / "d.jsonl")
    assert item["labels"]["entities"] == [
        {"start": 0, "end": 5, "label": "LOC", "text": "北 京 市"}
    ]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (
            "EU B-ORG\nrejects\n",
            "labeltui: x.conll:2: expected a token and its tag, found 'rejects'",
        ),
        (
            "EU B-ORG\nrejects ORG\n",
            "labeltui: x.conll:2: the tag 'ORG' is not O or a B-, I-, E-, S- or M- tag",
        ),
    ],
)
def test_bad_conll_is_one_line(tmp_path, content, line):
    (tmp_path / "x.conll").write_text(content, "utf-8")
    assert fails("import", "x.conll", "--from", "conll", "-o", "d.jsonl", cwd=tmp_path) == line
    assert not (tmp_path / "d.jsonl").exists()
