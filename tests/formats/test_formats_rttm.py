"""RTTM: the real files import exactly (values read off the files by eye), export back to the
same SPEAKER lines' marks, and bad lines fail in one line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from formats_helpers import raw_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from labeltui.core.formats import export_file, import_file
from labeltui.errors import LabeltuiError

NEXT = Path(__file__).resolve().parents[1] / "data" / "formats-next" / "rttm"
DSCORE = NEXT / "dscore-ref.rttm"
PYANNOTE = NEXT / "pyannote-database-train.rttm"


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def tuples(marks: list[dict]) -> list[tuple[float, float, str]]:
    return [(m["start"], m["end"], m["label"]) for m in marks]


def test_the_real_files_are_there():
    assert sorted(p.name for p in NEXT.glob("*.rttm")) == [DSCORE.name, PYANNOTE.name]


def test_dscore_reference_with_overlapping_turns(tmp_path):
    out = tmp_path / "d.jsonl"
    summary = import_file("rttm", DSCORE, out)
    (item,) = raw_lines(out)
    assert list(item) == ["id", "audio", "labels"]
    assert item["id"] == "FILE1" and item["audio"] == "FILE1.wav"
    marks = tuples(item["labels"]["speakers"])
    assert len(marks) == 13 and summary.annotations == 13
    assert marks[0] == (0.0, 0.558, "speaker1")
    assert marks[2] == (1.1, 4.328, "speaker1")  # 1.100 + 3.228, over speaker2's 0.678..2.211
    assert marks[1] == (0.678, 2.211, "speaker2") and marks[1][1] > marks[2][0]
    assert marks[-1] == (35.303, 41.046, "speaker2")  # 35.303 + 5.743
    assert {label for *_, label in marks} == {"speaker1", "speaker2"}


def test_two_recordings_give_two_items(tmp_path):
    out = tmp_path / "p.jsonl"
    summary = import_file("rttm", PYANNOTE, out)
    assert [(i["id"], i["audio"], tuples(i["labels"]["speakers"])) for i in raw_lines(out)] == [
        ("filename1", "filename1.wav", [(0.2, 0.9, "speaker_A")]),
        ("filename2", "filename2.wav", [(0.2, 1.1, "speaker_B")]),
    ]
    assert str(summary).startswith("wrote 2 items with 2 marks (task 'speakers')")


@pytest.mark.parametrize("source", [DSCORE, PYANNOTE], ids=lambda p: p.name)
def test_export_and_import_again_gives_the_same_items(source, tmp_path):
    data = tmp_path / "data.jsonl"
    import_file("rttm", source, data)
    summary = export_file("rttm", data, tmp_path / "out.rttm")
    assert summary.files is None and summary.annotations == sum(
        len(i["labels"]["speakers"]) for i in raw_lines(data)
    )
    lines = (tmp_path / "out.rttm").read_text("utf-8").splitlines()
    for line in lines:  # ten fields, as NIST's md-eval and dscore read them
        assert re.fullmatch(r"SPEAKER \S+ 1 \d+\.\d{3} \d+\.\d{3} <NA> <NA> \S+ <NA> <NA>", line)
    original = sorted(
        (f[1], round(float(f[3]), 3), round(float(f[4]), 3), f[7])
        for f in (line.split() for line in source.read_text("utf-8").splitlines())
    )
    written = sorted(
        (f[1], float(f[3]), float(f[4]), f[7]) for f in (line.split() for line in lines)
    )
    assert written == original
    again = tmp_path / "again.jsonl"
    import_file("rttm", tmp_path / "out.rttm", again)
    assert raw_lines(again) == raw_lines(data)


def test_recordings_and_speakers_that_cannot_be_fields(tmp_path):
    data = tmp_path / "d.jsonl"
    rows = [
        {"audio": "calls/day one.flac", "labels": {"who": [{"start": 1, "end": 2, "label": ""}]}},
        {"id": 7, "labels": {"who": [{"start": 0.5, "end": 0.5, "label": "Ann Lee"}]}},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    summary = export_file("rttm", data, tmp_path / "o.rttm")
    assert (tmp_path / "o.rttm").read_text("utf-8") == (
        "SPEAKER day_one 1 1.000 1.000 <NA> <NA> <NA> <NA> <NA>\n"
        "SPEAKER 7 1 0.500 0.000 <NA> <NA> Ann_Lee <NA> <NA>\n"
    )
    assert summary.notes == {
        "speaker or recording names with spaces written with '_'": 2,
        "marks with an empty label written with the speaker <NA>": 1,
    }


def test_two_items_with_one_recording_name_are_refused(tmp_path):
    data = tmp_path / "d.jsonl"
    rows = [{"audio": f"{d}/a.wav", "labels": {"s": []}} for d in ("x", "y")]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    with pytest.raises(LabeltuiError, match=r"d\.jsonl:2: items .* would both be recording 'a'"):
        export_file("rttm", data, tmp_path / "o.rttm", task="s")
    assert not (tmp_path / "o.rttm").exists()


def test_comments_and_other_line_types_are_skipped(tmp_path):
    source = tmp_path / "x.rttm"
    source.write_text(
        ";; a comment\n"
        "SPKR-INFO rec 1 <NA> <NA> <NA> unknown bob <NA> <NA>\n\n"
        "SPEAKER rec 1 2.5 1e-1 <NA> <NA> bob <NA>\r\n",
        "utf-8",
    )
    out = tmp_path / "o.jsonl"
    summary = import_file("rttm", source, out, task="turns")
    assert tuples(raw_lines(out)[0]["labels"]["turns"]) == [(2.5, 2.6, "bob")]
    assert summary.notes == {"RTTM lines other than SPEAKER skipped": 1}


_TIME = st.integers(0, 10**9).map(lambda n: n / 1000)
_SPEAKER = st.text("abcXYZ019_-.<>", min_size=1, max_size=8)


@st.composite
def _mark(draw):
    a, b = sorted((draw(_TIME), draw(_TIME)))
    return {"start": a, "end": b, "label": draw(_SPEAKER)}


@settings(max_examples=40, deadline=None)
@given(items=st.lists(st.lists(_mark(), min_size=1, max_size=6), min_size=1, max_size=3))
def test_random_turns_round_trip(tmp_path_factory, items):
    tmp = tmp_path_factory.mktemp("rttm")
    data = tmp / "d.jsonl"
    rows = [
        {"id": f"rec{i}", "audio": f"rec{i}.wav", "labels": {"speakers": marks}}
        for i, marks in enumerate(items)
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    export_file("rttm", data, tmp / "o.rttm")
    again = tmp / "again.jsonl"
    import_file("rttm", tmp / "o.rttm", again)
    got = [(r["id"], r["audio"], tuples(r["labels"]["speakers"])) for r in raw_lines(again)]
    assert got == [(r["id"], r["audio"], sorted(tuples(r["labels"]["speakers"]))) for r in rows]


# -- through the command -------------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labeltui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )


_OK = "SPEAKER rec 1 0.000 1.000 <NA> <NA> ann <NA> <NA>\n"
BAD = [
    (
        "neg.rttm",
        _OK + "SPEAKER rec 1 2.0 -0.5 <NA> <NA> ann <NA> <NA>\n",
        2,
        "the duration -0.5 is negative",
    ),
    (
        "short.rttm",
        _OK + "SPEAKER rec 1 2.0 0.5\n",
        2,
        "a SPEAKER line needs at least 8 fields (SPEAKER file channel onset duration ortho stype "
        "name ...), found 5",
    ),
    (
        "word.rttm",
        "SPEAKER rec 1 two 0.5 <NA> <NA> ann <NA> <NA>\n",
        1,
        "the onset 'two' is not a number of seconds",
    ),
    (
        "inf.rttm",
        "SPEAKER rec 1 1 inf <NA> <NA> ann <NA> <NA>\n",
        1,
        "the duration 'inf' is not a number of seconds",
    ),
    (
        "huge.rttm",
        "SPEAKER rec 1 9999999 5 <NA> <NA> ann <NA> <NA>\n",
        1,
        "the end (onset + duration) is out of range; a time must be a number of seconds",
    ),
    (
        "latin.rttm",
        "SPEAKER rec 1 1 1 <NA> <NA> Jos\u00e9 <NA> <NA>\n".encode("latin-1"),
        None,
        "the file is not UTF-8 text",
    ),
]


@pytest.mark.parametrize(("name", "content", "line", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_fail_in_one_line(tmp_path, name, content, line, words):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = run("import", name, "--from", "rttm", "-o", "out.jsonl", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    where = name if line is None else f"{name}:{line}"
    assert result.stderr.startswith(f"labeltui: {where}: {words}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == [name]


@pytest.mark.parametrize("source", [DSCORE, PYANNOTE], ids=lambda p: p.name)
def test_import_with_the_schema_then_validate(source, tmp_path):
    """The schema names the task and the audio field; the dataset then validates."""
    schema = source.with_name(source.stem + ".schema.yaml")
    result = run(
        "import",
        str(source),
        "--from",
        "rttm",
        "--schema",
        str(schema),
        "-o",
        "d.jsonl",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    task, field = ("turns", "audio") if source == DSCORE else ("who", "wav")
    rows = raw_lines(tmp_path / "d.jsonl")
    assert all(list(r["labels"]) == [task] and r[field].endswith(".wav") for r in rows)
    result = run("validate", "--schema", str(schema), "d.jsonl", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run(
        "export", "d.jsonl", "--to", "rttm", "--schema", str(schema), "-o", "o.rttm", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o.rttm").read_text("utf-8").count("\n") == len(
        source.read_text("utf-8").splitlines()
    )


def test_rttm_import_takes_audio_for_its_one_recording(tmp_path):
    """`--audio` names the recording's audio file when the RTTM holds one recording."""
    import json
    import subprocess
    import sys

    src = tmp_path / "one.rttm"
    src.write_text("SPEAKER rec1 1 0.50 1.25 <NA> <NA> alice <NA> <NA>\n")
    (tmp_path / "sounds").mkdir()
    out = tmp_path / "data.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "labeltui", "import", str(src), "--from", "rttm", "-o", str(out),
         "--audio", "sounds/r.wav"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    item = json.loads(out.read_text())
    assert item["audio"] == "sounds/r.wav"
    assert item["labels"]["speakers"] == [{"start": 0.5, "end": 1.75, "label": "alice"}]
    bad = subprocess.run(
        [sys.executable, "-m", "labeltui", "import", str(src), "--from", "doccano", "-o",
         str(tmp_path / "x.jsonl"), "--audio", "a.wav"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "--audio is for " in bad.stderr and "rttm" in bad.stderr
