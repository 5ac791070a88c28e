"""brat standoff: the real `.ann` + `.txt` pairs in tests/data/formats-next/brat import exactly
(compared with a plain reading of their `T` lines), pass `validate`, and export back to the
same annotation lines (discontinuous fragments joined back, notes, relations, events and
attributes written back) and the same text, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from formats_helpers import jsonl_text, raw_lines
from test_formats_variants import fails, ok

NEXT = Path(__file__).resolve().parents[1] / "data" / "formats-next" / "brat"
FILES = sorted(p.name for p in NEXT.glob("*.ann"))
SCHEMAS = {
    "medkit-doc_01.ann": ["medication", "disease", "vitamin"],
    "brat-news-110-note_annotation.ann": ["GPE", "Organization", "Merge-org", "Person"],
}


def test_the_real_files_are_there():
    assert sorted(SCHEMAS) == FILES
    assert all((NEXT / name).with_suffix(".txt").is_file() for name in FILES)


def plain_spans(path: Path) -> list[tuple[int, int, str, str]]:
    """(start, end, label, T id) per fragment of each T line, read without labeltui."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("T"):
            ident, middle = line.split("\t")[:2]
            label, offsets = middle.split(" ", 1)
            for fragment in offsets.split(";"):
                start, end = fragment.split()
                out.append((int(start), int(end), label, ident))
    return sorted(out)


@pytest.mark.parametrize("name", FILES)
def test_real_file_imports_exactly_validates_and_round_trips(name, tmp_path):
    labels = ", ".join(SCHEMAS[name])
    schema = (
        "tasks:\n  - name: entities\n    kind: spans\n    allow_overlap: true\n"
        f"    labels: [{labels}]\n"
    )
    (tmp_path / "schema.yaml").write_text(schema, "utf-8")
    source = NEXT / name
    ok("import", source, "--from", "brat", "-o", "data.jsonl", cwd=tmp_path)
    (item,) = raw_lines(tmp_path / "data.jsonl")
    text = source.with_suffix(".txt").read_bytes().decode("utf-8")
    assert item["text"] == text and item["id"] == source.stem
    spans = item["labels"]["entities"]
    assert sorted((s["start"], s["end"], s["label"], s["brat_id"]) for s in spans) == plain_spans(
        source
    )
    assert all(s["text"] == text[s["start"] : s["end"]] for s in spans)
    ok("validate", "--schema", "schema.yaml", "data.jsonl", cwd=tmp_path)

    ok("export", "data.jsonl", "--to", "brat", "-o", "out", cwd=tmp_path)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        source.stem + ".ann",
        source.stem + ".txt",
    ]
    assert (tmp_path / "out" / source.with_suffix(".txt").name).read_bytes() == (
        source.with_suffix(".txt").read_bytes()
    )
    back = (tmp_path / "out" / name).read_text("utf-8").splitlines()
    assert sorted(back) == sorted(source.read_text("utf-8").splitlines())


def test_the_discontinuous_annotation_and_what_is_kept(tmp_path):
    said = ok(
        "import", NEXT / "medkit-doc_01.ann", "--from", "brat", "-o", "d.jsonl", cwd=tmp_path
    ).stdout
    assert "1 discontinuous annotations (one span per fragment, sharing a brat_id)" in said
    assert "1 brat relations kept for export" in said and "1 brat attributes kept" in said
    (item,) = raw_lines(tmp_path / "d.jsonl")
    t5 = [s for s in item["labels"]["entities"] if s["brat_id"] == "T5"]
    assert [(s["start"], s["end"], s["text"]) for s in t5] == [
        (109, 118, "vitamines"),
        (124, 125, "B"),
    ]
    assert item["brat"] == ["A1\tantecedent T3", "R1\ttreats Arg1:T1 Arg2:T2\t"]


def test_notes_stay_on_their_span_and_events_are_reported(tmp_path):
    said = ok(
        "import",
        NEXT / "brat-news-110-note_annotation.ann",
        "--from",
        "brat",
        "-o",
        "d.jsonl",
        cwd=tmp_path,
    ).stdout
    assert "2 brat events kept for export" in said and "2 brat notes kept for export" in said
    (item,) = raw_lines(tmp_path / "d.jsonl")
    (t1,) = [s for s in item["labels"]["entities"] if s["brat_id"] == "T1"]
    assert t1["brat_note"] == "Should fictional places be annotated?"


def test_a_deleted_span_drops_what_refers_to_it_and_a_new_span_gets_an_id(tmp_path):
    ok("import", NEXT / "medkit-doc_01.ann", "--from", "brat", "-o", "d.jsonl", cwd=tmp_path)
    (item,) = raw_lines(tmp_path / "d.jsonl")
    spans = [s for s in item["labels"]["entities"] if s["brat_id"] != "T1"]
    spans.append({"start": 0, "end": 2, "label": "new label", "text": "Le"})
    item["labels"]["entities"] = spans
    (tmp_path / "d.jsonl").write_text(jsonl_text([item]), "utf-8")
    said = ok("export", "d.jsonl", "--to", "brat", "-o", "out", cwd=tmp_path).stdout
    assert "1 brat lines dropped: they refer to a deleted annotation" in said
    ann = (tmp_path / "out" / "medkit-doc_01.ann").read_text("utf-8")
    assert ann.startswith("T6\tnew_label 0 2\tLe\nT2\tdisease 60 72\thypertension\n")
    assert "R1" not in ann and "A1\tantecedent T3\n" in ann


def test_bad_brat_files_are_one_line(tmp_path):
    (tmp_path / "a.ann").write_text("T1\tORG 0 5\tHello\n", "utf-8")
    line = fails("import", "a.ann", "--from", "brat", "-o", "d.jsonl", cwd=tmp_path)
    assert line == "labeltui: a.ann: no a.txt beside it (brat keeps the text there)"
    (tmp_path / "a.txt").write_text("Hi", "utf-8")
    line = fails("import", "a.ann", "--from", "brat", "-o", "d.jsonl", cwd=tmp_path)
    assert (
        line == "labeltui: a.ann:1: annotation T1: end 5 is past the end of the text (2 characters)"
    )
    (tmp_path / "a.ann").write_text("T1\tORG 0 x\tHi\n", "utf-8")
    line = fails("import", "a.ann", "--from", "brat", "-o", "d.jsonl", cwd=tmp_path)
    assert line == "labeltui: a.ann:1: annotation T1: the offsets '0 x' are not START END"
    assert not (tmp_path / "d.jsonl").exists()
