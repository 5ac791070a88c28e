"""`labeltui import` / `labeltui export` on bad input: one line `labeltui: file:line: what`,
exit status 2, no traceback, and no output written (or an existing one left as it was)."""

from __future__ import annotations

import json
import os
import stat

import pytest
from formats_helpers import jsonl_text, raw_lines
from typer.testing import CliRunner

from labeltui.cli import app

GOOD_SPAN = {"text": "Ann met Bob", "label": [[0, 3, "PER"]]}
TG_HEAD = 'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = 2\n'


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def fails(*args: str) -> str:
    """Run the command, check it failed cleanly, and return its one line."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def ok(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def leftovers(folder=".") -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".part"))


BAD = [
    # (file name, content, command arguments, expected line)
    (
        "bad.jsonl",
        jsonl_text([GOOD_SPAN]) + '{"text": "x", "label": [[0, 1, "X"]\n',
        ["import", "bad.jsonl", "--from", "doccano", "-o", "out.jsonl"],
        "labeltui: bad.jsonl:2: not valid JSON (Expecting ',' delimiter at column 36)",
    ),
    (
        "bad.jsonl",
        jsonl_text([GOOD_SPAN, GOOD_SPAN, {"text": "abc", "label": [[1, 7, "X"]]}]),
        ["import", "bad.jsonl", "--from", "doccano", "-o", "out.jsonl"],
        "labeltui: bad.jsonl:3: 'label' entry 1: end 7 is past the end of the text (3 characters)",
    ),
    (
        "bad.jsonl",
        jsonl_text([{"text": "😂😂 Bob", "spans": [{"start": 4, "end": 7, "label": "P"}]}]),
        ["import", "bad.jsonl", "--from", "spacy", "-o", "out.jsonl"],
        "labeltui: bad.jsonl:1: span 1: end 7 is past the end of the text (6 characters)",
    ),
    (
        "bad.jsonl",
        jsonl_text(
            [{"text": "a😂 Bob!", "spans": [{"start": 4, "end": 7, "label": "P", "text": "Bob"}]}]
        ),
        ["import", "bad.jsonl", "--from", "spacy", "-o", "out.jsonl"],
        "labeltui: bad.jsonl:1: span 1: the file says the span is 'Bob' but offsets 4-7 give "
        "'ob!': the offsets count UTF-16 code units, not characters (code points); in "
        "characters 'Bob' is at 3-6",
    ),
    (
        "data.jsonl",
        jsonl_text(
            [
                {"text": "ok"},
                {
                    "text": "abc",
                    "labels": {"entities": [{"start": 2, "end": 9, "label": "X", "text": "c"}]},
                },
            ]
        ),
        ["export", "data.jsonl", "--to", "conll", "-o", "out.conll"],
        "labeltui: data.jsonl:2: span 1 of task 'entities': end 9 is past the end of the text "
        "(3 characters)",
    ),
    (
        "notes.TextGrid",
        "These are my notes\nnot a TextGrid at all\n",
        ["import", "notes.TextGrid", "--from", "textgrid", "--audio", "a.wav", "-o", "out.jsonl"],
        'labeltui: notes.TextGrid:1: not a TextGrid: it should begin with File type = "ooTextFile"',
    ),
    (
        "cut.TextGrid",
        TG_HEAD + "tiers? <exists>\nsize = 2\nitem []:\n",
        ["import", "cut.TextGrid", "--from", "textgrid", "--audio", "a.wav", "-o", "out.jsonl"],
        "labeltui: cut.TextGrid:8: the file ends where tier 1's class should be",
    ),
    (
        "labels.txt",
        "0.5\t1.0\tcall\n1.0\tone\tcall\n",
        ["import", "labels.txt", "--from", "audacity", "--audio", "a.wav", "-o", "out.jsonl"],
        "labeltui: labels.txt:2: the end time 'one' is not a number",
    ),
    (
        "labels.txt",
        "0.5\t1.0\tcall\n",
        ["import", "labels.txt", "--from", "audacity", "-o", "out.jsonl"],
        "labeltui: labels.txt: give the audio file with --audio (there is no labels.wav, "
        ".flac or .ogg beside this file)",
    ),
    (
        "data.jsonl",
        jsonl_text([GOOD_SPAN]),
        ["import", "data.jsonl", "--from", "doccano"],
        "labeltui: data.jsonl: no output given: add -o/--out with the dataset to write, "
        "e.g. -o data.jsonl",
    ),
    (
        "data.jsonl",
        jsonl_text([GOOD_SPAN]),
        ["export", "data.jsonl", "--to", "textgrid"],
        "labeltui: data.jsonl: no output given: add -o/--out with a folder, e.g. -o out/",
    ),
    (
        "data.jsonl",
        jsonl_text([GOOD_SPAN]),
        ["import", "data.jsonl", "--from", "doccano", "-o", "data.jsonl"],
        "labeltui: data.jsonl: the output is the input file; choose another output path",
    ),
    (
        "data.jsonl",
        jsonl_text([{"text": "a", "labels": {"entities": [], "mood": "ok"}}]),
        ["export", "data.jsonl", "--to", "conll", "-o", "out.conll", "--task", "mood"],
        "labeltui: data.jsonl:1: labels['mood'] must be a list of spans",
    ),
    (
        "data.jsonl",
        jsonl_text([{"text": "a"}]),
        ["export", "data.jsonl", "--to", "spacy", "-o", "out.jsonl"],
        "labeltui: data.jsonl: found no spans to export; name the task with --task "
        "(or give --schema)",
    ),
    (
        "data.jsonl",
        jsonl_text([GOOD_SPAN]),
        ["import", "data.jsonl", "--from", "doccano", "--audio", "a.wav", "-o", "o.jsonl"],
        "labeltui: --audio is for textgrid, audacity, eaf, vtt, srt, rttm files, not doccano",
    ),
    (
        "data.jsonl",
        "",
        ["import", "missing.jsonl", "--from", "doccano", "-o", "o.jsonl"],
        "labeltui: missing.jsonl: file not found",
    ),
]


@pytest.mark.parametrize(("name", "content", "args", "line"), BAD)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, name, content, args, line):
    (tmp_path / name).write_text(content, "utf-8")
    before = sorted(os.listdir(tmp_path))
    assert fails(*args) == line
    assert sorted(os.listdir(tmp_path)) == before  # no output, no temporary file
    assert (tmp_path / name).read_text("utf-8") == content


def test_a_bad_item_leaves_an_existing_output_as_it_was(tmp_path):
    (tmp_path / "out.jsonl").write_text("earlier export\n")
    rows = [{"text": "ok", "labels": {"e": []}}] * 3 + [{"text": "x", "labels": {"e": 5}}]
    (tmp_path / "data.jsonl").write_text(jsonl_text(rows))
    line = fails("export", "data.jsonl", "--to", "spacy", "-o", "out.jsonl", "-t", "e")
    assert line == "labeltui: data.jsonl:4: labels['e'] must be a list of spans"
    assert (tmp_path / "out.jsonl").read_text() == "earlier export\n" and not leftovers()


def test_a_bad_item_writes_no_file_of_a_folder_export(tmp_path):
    mark = {"start": 0, "end": 1, "label": "a"}
    rows = [{"audio": "a.wav", "labels": {"t": [mark]}}, {"audio": "b.wav", "labels": {"t": [{}]}}]
    (tmp_path / "data.jsonl").write_text(jsonl_text(rows))
    line = fails("export", "data.jsonl", "--to", "audacity", "-o", "labels")
    assert line == "labeltui: data.jsonl:2: mark 1 of task 't': 'start' must be a number of seconds"
    assert not (tmp_path / "labels").exists()


def test_an_annotation_file_is_never_replaced(tmp_path):
    annotation = {"text": "a", "labels": {}, "_id": "1", "_annotator": "ann", "_status": "done"}
    (tmp_path / "ner.ann.jsonl").write_text(json.dumps(annotation) + "\n")
    (tmp_path / "in.jsonl").write_text(jsonl_text([GOOD_SPAN]))
    line = fails("import", "in.jsonl", "--from", "doccano", "-o", "ner.ann.jsonl")
    assert line == (
        "labeltui: ner.ann.jsonl: is a labeltui annotation file, which import and export never "
        "replace; choose another output path"
    )
    assert raw_lines(tmp_path / "ner.ann.jsonl") == [annotation]


def test_another_existing_output_is_replaced_whole_keeping_its_mode(tmp_path):
    (tmp_path / "in.jsonl").write_text(jsonl_text([GOOD_SPAN]))
    (tmp_path / "out.jsonl").write_text("old\nold\nold\n")
    os.chmod(tmp_path / "out.jsonl", 0o640)
    said = ok("import", "in.jsonl", "--from", "doccano", "-o", "out.jsonl")
    assert said == "wrote 1 item with 1 span (task 'entities') to out.jsonl\n"
    assert raw_lines(tmp_path / "out.jsonl")[0]["labels"]["entities"][0]["text"] == "Ann"
    assert stat.S_IMODE(os.stat(tmp_path / "out.jsonl").st_mode) == 0o640
    os.umask(old := os.umask(0o022))
    ok("export", "out.jsonl", "--to", "doccano", "-o", "new.jsonl")
    assert stat.S_IMODE(os.stat(tmp_path / "new.jsonl").st_mode) == 0o666 & ~old
    assert not leftovers()


def test_a_failing_write_leaves_no_partial_file(tmp_path, monkeypatch):
    (tmp_path / "in.jsonl").write_text(jsonl_text([GOOD_SPAN]))
    (tmp_path / "out.jsonl").write_text("kept\n")

    def no_space(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    line = fails("import", "in.jsonl", "--from", "doccano", "-o", "out.jsonl")
    assert line == "labeltui: out.jsonl: cannot write file: No space left on device"
    assert (tmp_path / "out.jsonl").read_text() == "kept\n" and not leftovers()


def test_an_output_folder_that_is_a_file(tmp_path):
    (tmp_path / "data.jsonl").write_text(
        jsonl_text([{"audio": "a.wav", "labels": {"t": [{"start": 0, "end": 1, "label": "x"}]}}])
    )
    (tmp_path / "labels").write_text("a file\n")
    line = fails("export", "data.jsonl", "--to", "textgrid", "-o", "labels")
    assert line == (
        "labeltui: labels: is a file; textgrid export writes one file per audio item into a folder"
    )


def test_help_shows_examples():
    for command in ("import", "export"):
        assert f"Example: labeltui {command} " in ok(command, "--help")
