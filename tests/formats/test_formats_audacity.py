"""Audacity label tracks: every real file imports exactly and exports back to the same marks;
random marks survive export and import."""

from __future__ import annotations

import itertools
import json

import pytest
from formats_helpers import (
    audacity_labels,
    jsonl_text,
    ms,
    raw_lines,
    shared,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from labeltui.core.formats import export_file, import_file
from labeltui.errors import LabeltuiError

FILES = sorted(p.name for p in shared("audacity").glob("*.txt"))


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_the_shared_files_are_there():
    assert len(FILES) == 2


def rounded(labels) -> list[tuple[float, float, str]]:
    return sorted((ms(a), ms(b), t) for a, b, t in labels)


def marks_of(path) -> list[tuple[float, float, str]]:
    (item,) = raw_lines(path)
    return [(m["start"], m["end"], m["label"]) for m in item["labels"]["events"]]


@pytest.mark.parametrize("name", FILES)
def test_import_is_exact(name, tmp_path):
    source = shared("audacity", name)
    out = tmp_path / "data.jsonl"
    summary = import_file("audacity", source, out, audio="clip.wav")
    expected = rounded(audacity_labels(source))
    assert marks_of(out) == expected and summary.annotations == len(expected)
    (item,) = raw_lines(out)
    assert list(item) == ["audio", "labels"] and item["audio"] == "clip.wav"


def test_known_values(tmp_path):
    """Read off the files by eye: the canary song's first labels and its overlaps; the spinetail
    file's spectral `\\` lines are not labels."""
    out = tmp_path / "canary.jsonl"
    import_file(
        "audacity",
        shared("audacity", "405_marron1_June_14_2016_69640887.audacity.txt"),
        out,
        audio="c.wav",
    )
    marks = marks_of(out)
    assert len(marks) == 61 and marks[0][2] == "SIL"
    overlaps = sum(1 for a, b in itertools.pairwise(marks) if a[1] > b[0])
    assert overlaps == 3
    out = tmp_path / "spinetail.jsonl"
    import_file("audacity", shared("audacity", "spinetail.txt"), out, audio="s.wav")
    marks = marks_of(out)
    assert len(marks) == 18 and marks[0] == (0.101, 0.368, "SP")
    assert {label for _, _, label in marks} == {"SP", "CRER"}


@pytest.mark.parametrize("name", FILES)
def test_export_gives_back_the_same_marks(name, tmp_path):
    source = shared("audacity", name)
    data = tmp_path / "data.jsonl"
    import_file("audacity", source, data, audio="sounds/clip.wav")
    summary = export_file("audacity", data, tmp_path / "labels")
    written = tmp_path / "labels" / "clip.txt"
    assert summary.files == 1 and written.is_file()
    assert rounded(audacity_labels(written)) == rounded(audacity_labels(source))
    for line in written.read_text("utf-8").splitlines():  # Audacity's own layout
        start, end, _ = line.split("\t")
        assert len(start.split(".")[1]) == 6 and len(end.split(".")[1]) == 6
    again = tmp_path / "again.jsonl"
    import_file("audacity", written, again, audio="sounds/clip.wav")
    assert raw_lines(again) == raw_lines(data)


def test_points_tabs_in_labels_crlf_and_decimal_commas(tmp_path):
    source = tmp_path / "l.txt"
    source.write_bytes(
        b"1,5\t1,5\tclick\r\n\r\n0.25\t2\tword\twith tab\r\n\\\t100\t200\r\n3\t4\t\r\n"
    )
    data = tmp_path / "d.jsonl"
    import_file("audacity", source, data, audio="a.wav")
    assert marks_of(data) == [
        (0.25, 2.0, "word\twith tab"),
        (1.5, 1.5, "click"),
        (3.0, 4.0, ""),
    ]
    export_file("audacity", data, tmp_path / "o")
    assert (tmp_path / "o" / "a.txt").read_text("utf-8") == (
        "0.250000\t2.000000\tword with tab\n1.500000\t1.500000\tclick\n3.000000\t4.000000\t\n"
    )


def test_a_task_other_than_events(tmp_path):
    data = tmp_path / "d.jsonl"
    rows = [
        {"audio": "x.wav", "labels": {"birds": [{"start": 0, "end": 1, "label": "owl"}]}},
        {"audio": "y.wav", "labels": {"birds": []}},
        {"audio": "z.wav", "labels": {"birds": []}, "_status": "skipped"},
    ]
    data.write_text(jsonl_text(rows), "utf-8")
    summary = export_file("audacity", data, tmp_path / "o")
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["x.txt", "y.txt"]
    assert (tmp_path / "o" / "x.txt").read_text() == "0.000000\t1.000000\towl\n"
    assert (tmp_path / "o" / "y.txt").read_text() == ""
    assert summary.skipped == 1 and summary.annotations == 1


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("0.5\t1\tok\nabc\t2\tbad\n", 2, "the start time 'abc' is not a number"),
        ("0.5\t1\tok\n1\t2s\tbad\n", 2, "the end time '2s' is not a number"),
        ("0.5\t1\tok\n\n1\tnan\tx\n", 3, "the end time is nan; a time must be"),
        ("2\t1\tbackwards\n", 1, "the label ends at 1, before it starts at 2"),
        ("just some text\n", 1, "expected start<TAB>end<TAB>label"),
    ],
)
def test_bad_label_files_name_the_file_and_line(tmp_path, content, line, words):
    source = tmp_path / "bad.txt"
    source.write_text(content, "utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(LabeltuiError) as caught:
        import_file("audacity", source, out, audio="a.wav")
    assert str(caught.value).startswith(f"{source}:{line}: ") and words in str(caught.value)
    assert not out.exists()


def test_a_file_that_is_not_text(tmp_path):
    source = tmp_path / "x.txt"
    source.write_bytes(b"\xff\xfe\x00\x01RIFF")
    with pytest.raises(LabeltuiError, match="is not UTF-8 text"):
        import_file("audacity", source, tmp_path / "o.jsonl", audio="a.wav")


_TIME = st.integers(0, 3_600_000).map(lambda n: n / 1000)
_LABEL = st.text(
    st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=12,
)


@st.composite
def _mark(draw):
    a, b = sorted((draw(_TIME), draw(_TIME)))
    return {"start": a, "end": a if draw(st.booleans()) else b, "label": draw(_LABEL)}


@settings(max_examples=60, deadline=None)
@given(marks=st.lists(_mark(), max_size=10))
def test_random_marks_round_trip(tmp_path_factory, marks):
    tmp = tmp_path_factory.mktemp("aud")
    data = tmp / "d.jsonl"
    data.write_text(json.dumps({"audio": "a.ogg", "labels": {"events": marks}}) + "\n", "utf-8")
    export_file("audacity", data, tmp / "o", task="events")
    want = sorted((m["start"], m["end"], m["label"]) for m in marks)
    assert rounded(audacity_labels(tmp / "o" / "a.txt")) == want
    again = tmp / "again.jsonl"
    import_file("audacity", tmp / "o" / "a.txt", again, audio="a.ogg")
    assert marks_of(again) == want
