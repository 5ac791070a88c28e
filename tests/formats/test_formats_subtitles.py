"""WebVTT and SRT: the real files import exactly (values read off the files by eye), export to
files other players read, and come back with the same marks; bad files fail in one line."""

from __future__ import annotations

import codecs
import itertools
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

NEXT = Path(__file__).resolve().parents[1] / "data" / "formats-next"
SONNET = "To eat the world\u2019s due, by the grave and thee."


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def marks(fmt: str, source: Path, tmp_path: Path, **kwargs) -> list[tuple[float, float, str]]:
    out = tmp_path / f"{source.name}.jsonl"
    import_file(fmt, source, out, audio="rec.wav", **kwargs)
    (item,) = raw_lines(out)
    assert item["audio"] == "rec.wav" and list(item["labels"]) == [kwargs.get("task", "subtitles")]
    return [
        (m["start"], m["end"], m["label"]) for m in item["labels"][kwargs.get("task", "subtitles")]
    ]


def test_the_real_files_are_there():
    assert sorted(p.name for p in (NEXT / "vtt").glob("*.vtt")) == [
        "webvtt-py-comments.vtt",
        "webvtt-py-cue_tags.vtt",
    ]
    assert sorted(p.name for p in (NEXT / "srt").glob("*.srt")) == [
        "aeneas-sonnet001_u.srt",
        "pysrt-no-indexes.srt",
    ]


def test_vtt_with_notes_header_text_and_identifiers(tmp_path):
    """Header text after WEBVTT, two NOTE blocks, cue ids 1-3, two-line cues, trailing spaces,
    a last cue without a final newline."""
    got = marks("vtt", NEXT / "vtt" / "webvtt-py-comments.vtt", tmp_path)
    assert got == [
        (135.0, 140.0, "- Ta en kopp varmt te. - Det \u00e4r inte varmt."),
        (140.0, 145.0, "- Har en kopp te. - Det smakar som te."),
        (145.0, 150.0, "- Ta en kopp"),
    ]


def test_vtt_without_hours_and_with_tags_kept_as_text(tmp_path):
    got = marks("vtt", NEXT / "vtt" / "webvtt-py-cue_tags.vtt", tmp_path)
    assert got == [
        (16.5, 18.5, "When the moon <00:17.500>hits your eye"),
        (18.5, 20.5, "Like a <00:19.000>big-a <00:19.500>pizza <00:20.000>pie"),
        (20.5, 21.5, "That's <00:00:21.000><c.colorE5E5E5>amore</c>"),
    ]


def test_srt_from_a_forced_aligner(tmp_path):
    got = marks("srt", NEXT / "srt" / "aeneas-sonnet001_u.srt", tmp_path)
    assert len(got) == 15
    assert got[0] == (0.0, 2.68, "I")
    assert got[2] == (5.88, 9.24, "That thereby beauty\u2019s rose might never die,")
    assert got[-1] == (48.52, 53.24, SONNET)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(got))  # back to back


def test_srt_with_a_bom_and_no_index_lines(tmp_path):
    got = marks("srt", NEXT / "srt" / "pysrt-no-indexes.srt", tmp_path)
    assert len(got) == 7
    assert got[0] == (
        6.5,
        9.0,
        "About 2 months ago I found myself on the comment section of YouTube",
    )
    assert got[2] == (
        19.0,
        24.0,
        "And I posted underneath against this woman's tirades, against what is essentially "
        "the human race.",
    )
    assert got[-1][:2] == (43.0, 50.0) and got[-1][2].startswith("So what I thought I do")


REAL = [
    ("vtt", "vtt/webvtt-py-comments.vtt"),
    ("vtt", "vtt/webvtt-py-cue_tags.vtt"),
    ("srt", "srt/aeneas-sonnet001_u.srt"),
    ("srt", "srt/pysrt-no-indexes.srt"),
]


@pytest.mark.parametrize(("fmt", "name"), REAL)
def test_export_and_import_again_gives_the_same_marks(fmt, name, tmp_path):
    data = tmp_path / "data.jsonl"
    import_file(fmt, NEXT / name, data, audio="sounds/talk.wav")
    summary = export_file(fmt, data, tmp_path / "out")
    written = tmp_path / "out" / f"talk.{fmt}"
    assert summary.files == 1 and written.is_file()
    text = written.read_text("utf-8")
    stamp = r"\d\d:\d\d:\d\d" + ("," if fmt == "srt" else r"\.") + r"\d\d\d"
    timings = re.findall(rf"^({stamp}) --> ({stamp})$", text, re.M)
    assert len(timings) == len(raw_lines(data)[0]["labels"]["subtitles"])
    if fmt == "vtt":
        assert text.startswith("WEBVTT\n\n")
    else:  # numbered from 1, each index line right before its timing line
        assert re.findall(r"^(\d+)\n" + stamp, text, re.M) == [
            str(i) for i in range(1, len(timings) + 1)
        ]
    again = tmp_path / "again.jsonl"
    import_file(fmt, written, again, audio="sounds/talk.wav")
    assert raw_lines(again) == raw_lines(data)


def test_the_aligner_srt_and_vtt_export_agree(tmp_path):
    """The same cues through SRT and through a VTT written from them."""
    data = tmp_path / "d.jsonl"
    import_file("srt", NEXT / "srt" / "aeneas-sonnet001_u.srt", data, audio="s.wav")
    export_file("vtt", data, tmp_path / "v")
    assert marks("vtt", tmp_path / "v" / "s.vtt", tmp_path) == marks(
        "srt", NEXT / "srt" / "aeneas-sonnet001_u.srt", tmp_path
    )


def test_settings_style_region_and_empty_cues(tmp_path):
    source = tmp_path / "x.vtt"
    source.write_text(
        "\ufeffWEBVTT\tKind: captions\nLanguage: sv\n\nSTYLE\n::cue { color: red }\n\n"
        "REGION\nid:fred\n\nNOTE one line\n\n"
        "intro\r\n01:00:00.250 --> 01:00:01.000 align:start line:0%\r\n"
        "<v Bob>hi &amp; bye</v>\r\n\r\n"
        "00:02.000 --> 00:02.000\n\n"
        "00:03.000 --> 00:04.000\n",
        "utf-8",
    )
    assert marks("vtt", source, tmp_path, task="captions") == [
        (2.0, 2.0, ""),
        (3.0, 4.0, ""),
        (3600.25, 3601.0, "<v Bob>hi &amp; bye</v>"),
    ]


def test_a_cue_right_under_the_webvtt_line(tmp_path):
    source = tmp_path / "x.vtt"
    source.write_text("WEBVTT\nKind: captions\n00:01.000 --> 00:02.000\nhi\n", "utf-8")
    assert marks("vtt", source, tmp_path) == [(1.0, 2.0, "hi")]


def test_srt_in_utf16_and_dot_decimals(tmp_path):
    source = tmp_path / "x.srt"
    body = "1\r\n00:00:01,000 --> 00:00:02,500 X1:10 X2:20 Y1:1 Y2:2\r\n\u00e9t\u00e9\r\n\r\n"
    body += "00:00:03.000 --> 00:00:04.000\r\n\u65e5\u672c\r\n"
    for codec in ("utf-16-le", "utf-16-be"):
        bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
        source.write_bytes(bom + body.encode(codec))
        assert marks("srt", source, tmp_path) == [
            (1.0, 2.5, "\u00e9t\u00e9"),
            (3.0, 4.0, "\u65e5\u672c"),
        ]


def test_labels_that_would_break_a_cue_are_cleaned_and_counted(tmp_path):
    data = tmp_path / "d.jsonl"
    row = {
        "audio": "a.wav",
        "labels": {
            "lines": [
                {"start": 1, "end": 2, "label": " two\nlines\tand a --> arrow "},
                {"start": 3, "end": 3, "label": "click"},
            ]
        },
    }
    data.write_text(json.dumps(row) + "\n", "utf-8")
    summary = export_file("srt", data, tmp_path / "o")
    assert (tmp_path / "o" / "a.srt").read_text("utf-8") == (
        "1\n00:00:01,000 --> 00:00:02,000\ntwo lines and a -> arrow\n\n"
        "2\n00:00:03,000 --> 00:00:03,000\nclick\n\n"
    )
    assert sorted(summary.notes.values()) == [1, 1]


_TIME = st.integers(0, 10**9).map(lambda n: n / 1000)
_LABEL = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
    .map(str.strip)
    .filter(lambda t: "-->" not in t)
)


@st.composite
def _mark(draw):
    a, b = sorted((draw(_TIME), draw(_TIME)))
    return {"start": a, "end": b, "label": draw(_LABEL)}


@settings(max_examples=40, deadline=None)
@given(fmt=st.sampled_from(["vtt", "srt"]), rows=st.lists(_mark(), max_size=8))
def test_random_cues_round_trip(tmp_path_factory, fmt, rows):
    tmp = tmp_path_factory.mktemp("sub")
    data = tmp / "d.jsonl"
    data.write_text(json.dumps({"audio": "a.ogg", "labels": {"subtitles": rows}}) + "\n", "utf-8")
    export_file(fmt, data, tmp / "o")
    again = tmp / "again.jsonl"
    import_file(fmt, tmp / "o" / f"a.{fmt}", again, audio="a.ogg")
    want = sorted((m["start"], m["end"], m["label"]) for m in rows)
    got = [(m["start"], m["end"], m["label"]) for m in raw_lines(again)[0]["labels"]["subtitles"]]
    assert got == want


# -- bad input, through the command --------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "labeltui", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


BAD = [
    (
        "torn.vtt",
        b"WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:03.000 --> 00:0",
        "vtt",
        6,
        "the timing line '00:03.000 --> 00:0' does not parse (expected 00:01.000 --> 00:04.000)",
    ),
    (
        "head.vtt",
        b"WEBVTT-ish\n\n00:01.000 --> 00:02.000\nok\n",
        "vtt",
        1,
        "not a WebVTT file: the first line must be WEBVTT",
    ),
    (
        "back.vtt",
        b"WEBVTT\n\n00:05.000 --> 00:02.000\nok\n",
        "vtt",
        3,
        "the cue ends at 00:02.000, before it starts at 00:05.000",
    ),
    (
        "torn.srt",
        b"1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:0",
        "srt",
        5,
        "expected a subtitle: a timing line like 00:00:01,000 --> 00:00:04,000, after at most "
        "one index line",
    ),
    (
        "mins.srt",
        b"1\n00:61:01,000 --> 00:62:02,000\nok\n",
        "srt",
        2,
        "the timing line '00:61:01,000 --> 00:62:02,000' does not parse",
    ),
    (
        "latin.srt",
        "1\n00:00:01,000 --> 00:00:02,000\ncaf\u00e9\n".encode("latin-1"),
        "srt",
        None,
        "the file is neither UTF-8 nor UTF-16 with a byte order mark; save it as UTF-8",
    ),
    (
        "huge.srt",
        b"1\n99999:00:00,000 --> 99999:00:01,000\nx\n",
        "srt",
        2,
        "the time 99999:00:00,000 is out of range; a time must be a number of seconds",
    ),
]


@pytest.mark.parametrize(("name", "content", "fmt", "line", "words"), BAD)
def test_bad_files_fail_in_one_line(tmp_path, name, content, fmt, line, words):
    (tmp_path / name).write_bytes(content)
    result = run("import", name, "--from", fmt, "--audio", "a.wav", "-o", "out.jsonl", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    where = name if line is None else f"{name}:{line}"
    assert result.stderr.startswith(f"labeltui: {where}: {words}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert sorted(os.listdir(tmp_path)) == [name]  # nothing written, not even a part file


def test_a_bad_file_leaves_an_existing_dataset_alone(tmp_path):
    (tmp_path / "x.srt").write_bytes(b"00:00:02,000 --> 00:00:01,000\nno\n")
    (tmp_path / "out.jsonl").write_text('{"audio": "old.wav"}\n', "utf-8")
    result = run(
        "import", "x.srt", "--from", "srt", "--audio", "a.wav", "-o", "out.jsonl", cwd=tmp_path
    )
    assert result.returncode == 2
    assert (tmp_path / "out.jsonl").read_text("utf-8") == '{"audio": "old.wav"}\n'


def test_the_command_imports_and_exports(tmp_path):
    result = run(
        "import",
        str(NEXT / "vtt" / "webvtt-py-comments.vtt"),
        "--from",
        "vtt",
        "--audio",
        "film.wav",
        "-o",
        "film.jsonl",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote 1 item with 3 marks (task 'subtitles') to film.jsonl")
    result = run("export", "film.jsonl", "--to", "srt", "-o", "subs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        (tmp_path / "subs" / "film.srt")
        .read_text("utf-8")
        .startswith(
            "1\n00:02:15,000 --> 00:02:20,000\n"
            "- Ta en kopp varmt te. - Det \u00e4r inte varmt.\n\n2\n"
        )
    )


def test_errors_from_the_core_name_the_line(tmp_path):
    source = tmp_path / "x.vtt"
    source.write_text("WEBVTT\n\nid\nnot a timing\n", "utf-8")
    with pytest.raises(LabeltuiError, match=r"x\.vtt:3: expected a cue"):
        import_file("vtt", source, tmp_path / "o.jsonl", audio="a.wav")
