"""Every real file in tests/data/formats (copied from shared/formats), through the command
line: it imports exactly (compared with an independent reading), the dataset passes `validate`
with the file's own schema, and its export in the same format reads back to the same spans or
marks. Span files also export to a CoNLL file with one line per token and tags that decode to
the spans."""

from __future__ import annotations

import re

import pytest
from formats_helpers import (
    SHARED,
    audacity_labels,
    conll_tokens,
    decode_bio,
    expected_chunks,
    expected_marks,
    ms,
    raw_lines,
    read_textgrid,
)
from typer.testing import CliRunner

from labeltui.cli import app

DATA = sorted(
    p.relative_to(SHARED).as_posix()
    for p in SHARED.glob("*/*")
    if p.is_file() and not p.name.endswith(".schema.yaml")
)
PER_FILE = ("textgrid", "audacity")


def test_every_folder_and_file_is_covered():
    assert {name.split("/")[0] for name in DATA} == {"doccano", "spacy", "textgrid", "audacity"}
    assert len(DATA) == 12
    for name in DATA:
        assert (SHARED / name).with_suffix(".schema.yaml").is_file(), name


def run(*args) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def independent(fmt: str, path) -> list[dict[str, list[tuple]]]:
    """Per item, per task: the (start, end, label) the file holds, read without labeltui."""
    if fmt == "textgrid":
        return [expected_marks(read_textgrid(path)[1])]
    if fmt == "audacity":
        return [{"events": sorted((ms(a), ms(b), t) for a, b, t in audacity_labels(path))}]
    items = []
    for row in raw_lines(path):
        if fmt == "spacy":
            spans = [(s["start"], s["end"], s["label"]) for s in row.get("spans") or []]
        else:
            spans = [tuple(s) for s in row.get("label", row.get("labels", []))]
        items.append({"entities": sorted(spans)})
    return items


def imported(path) -> list[dict[str, list[tuple]]]:
    return [
        {task: sorted((m["start"], m["end"], m["label"]) for m in value) for task, value in labels}
        for labels in (item["labels"].items() for item in raw_lines(path))
    ]


@pytest.mark.parametrize("name", DATA)
def test_import_validate_export_round_trip(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fmt = name.split("/")[0]
    source, schema = SHARED / name, (SHARED / name).with_suffix(".schema.yaml")
    extra = ["--audio", "clip.wav"] if fmt in PER_FILE else []
    said = run("import", source, "--from", fmt, "-o", "data.jsonl", "--schema", schema, *extra)
    want = independent(fmt, source)
    assert imported(tmp_path / "data.jsonl") == want
    count = sum(len(v) for item in want for v in item.values())
    assert said.startswith(f"wrote {len(want)} item") and f" with {count} " in said

    checked = run("validate", "--schema", schema, "data.jsonl")
    assert f"dataset data.jsonl: OK, {len(want)} items" in checked

    out = "out" if fmt in PER_FILE else "back.jsonl"
    run("export", "data.jsonl", "--to", fmt, "-o", out, "--schema", schema)
    suffix = {"textgrid": ".TextGrid", "audacity": ".txt"}.get(fmt)
    written = tmp_path / out / f"clip{suffix}" if suffix else tmp_path / out
    if suffix:
        assert [p.name for p in (tmp_path / out).iterdir()] == [written.name]
    assert independent(fmt, written) == want


_TOKEN = re.compile(r"\w+|[^\w\s]")


@pytest.mark.parametrize("name", [n for n in DATA if n.split("/")[0] in ("doccano", "spacy")])
def test_conll_export_of_every_span_file(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fmt = name.split("/")[0]
    run("import", SHARED / name, "--from", fmt, "-o", "data.jsonl")
    said = run("export", "data.jsonl", "--to", "conll", "-o", "ner.conll")
    text = (tmp_path / "ner.conll").read_text("utf-8")
    assert text.startswith("-DOCSTART- -X- -X- O\n\n") and text.endswith("\n")
    blocks = [b for b in text.split("\n\n")[1:]]
    items = [i for i in raw_lines(tmp_path / "data.jsonl") if _TOKEN.search(i["text"])]
    assert len(blocks) == len(items)
    dropped = 0
    for block, item in zip(blocks, items, strict=True):
        spans = [(s["start"], s["end"], s["label"]) for s in item["labels"]["entities"]]
        tokens = conll_tokens(item["text"], spans)
        rows = [row.split(" ") for row in block.strip("\n").split("\n")]
        assert [r[0] for r in rows] == [item["text"][a:b] for a, b in tokens]
        assert all(len(r) == 4 and r[1:3] == ["-X-", "_"] for r in rows)
        chunks = decode_bio(tokens, [r[3] for r in rows])
        assert chunks <= expected_chunks(tokens, spans)
        dropped += len(item["labels"]["entities"]) - len(chunks)
    match = re.search(r"(\d+) overlapping spans dropped", said)
    assert dropped == (int(match.group(1)) if match else 0)
