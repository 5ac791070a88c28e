"""Praat TextGrid: every real file imports exactly, exports to a strictly valid long-format
file, and comes back with the same marks; random marks survive export and import."""

from __future__ import annotations

import json

import pytest
from formats_helpers import (
    Grammar,
    as_tuples,
    check_long_textgrid,
    expected_marks,
    jsonl_text,
    ms,
    raw_lines,
    read_textgrid,
    shared,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from labeltui.core.formats import export_file, import_file
from labeltui.errors import LabeltuiError

FILES = sorted(p.name for p in shared("textgrid").glob("*.TextGrid"))


def test_the_shared_files_are_there():
    assert len(FILES) == 4


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """--audio is a path from the current folder; the dataset holds it from its own folder."""
    monkeypatch.chdir(tmp_path)


def imported(tmp_path, source, **kwargs) -> dict:
    out = tmp_path / "data.jsonl"
    import_file("textgrid", source, out, audio="rec.wav", **kwargs)
    (item,) = raw_lines(out)
    return item


def labels_as_tuples(item: dict) -> dict[str, list]:
    return {name: as_tuples(marks) for name, marks in item["labels"].items()}


@pytest.mark.parametrize("name", FILES)
def test_import_is_exact(name, tmp_path):
    source = shared("textgrid", name)
    xmax, tiers = read_textgrid(source)
    item = imported(tmp_path, source)
    assert labels_as_tuples(item) == expected_marks(tiers)
    assert item["audio"] == "rec.wav" and item["duration"] == ms(xmax)
    assert list(item["labels"]) == list(dict.fromkeys(name for _, name, _ in tiers))
    for kind, tier, _ in tiers:  # a point tier gives points, an interval tier intervals
        marks = item["labels"][tier]
        assert all((m["end"] == m["start"]) == (kind == "TextTier") for m in marks)


def test_the_short_utf8_and_the_long_utf16_file_give_the_same_item(tmp_path):
    short = imported(tmp_path, shared("textgrid", "mary.TextGrid"))
    long = imported(tmp_path, shared("textgrid", "mary_longfile.TextGrid"))
    assert short == long
    assert [m["label"] for m in short["labels"]["phone"]][:3] == ["m", "ə", "r"]


def test_known_values_of_the_praat_written_file(tmp_path):
    """Read off AVO-maea-basic.TextGrid by eye: the Tones point tier, rounded to ms."""
    item = imported(tmp_path, shared("textgrid", "AVO-maea-basic.TextGrid"))
    assert labels_as_tuples(item)["Tones"] == [
        (0.435, 0.435, "L+H*"),
        (0.641, 0.641, "H-"),
        (1.133, 1.133, "L+H*"),
        (1.244, 1.244, "H-"),
        (2.351, 2.351, "L+!H-"),
    ]
    assert "analeila\\-^" in [m["label"] for m in item["labels"]["Samoan"]]
    assert item["duration"] == 2.436


@pytest.mark.parametrize("name", FILES)
def test_export_is_valid_and_gives_back_the_same_marks(name, tmp_path):
    source = shared("textgrid", name)
    data = tmp_path / "data.jsonl"
    import_file("textgrid", source, data, audio="rec.wav")
    summary = export_file("textgrid", data, tmp_path / "out")
    written = tmp_path / "out" / "rec.TextGrid"
    assert summary.files == 1 and sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "rec.TextGrid"
    ]
    tiers = check_long_textgrid(written.read_bytes())
    assert expected_marks(tiers) == expected_marks(read_textgrid(source)[1])
    kinds = {(kind, tier) for kind, tier, _ in tiers}
    assert kinds == {(kind, tier) for kind, tier, _ in read_textgrid(source)[1]}
    again = tmp_path / "again.jsonl"
    import_file("textgrid", written, again, audio="rec.wav")
    assert raw_lines(again) == raw_lines(data)


def test_audio_is_written_relative_to_the_dataset_folder(tmp_path):
    source = tmp_path / "g.TextGrid"
    source.write_text(HEAD + "tiers? <exists>\nsize = 0\n", "utf-8")
    (tmp_path / "data").mkdir()
    import_file("textgrid", source, tmp_path / "data" / "d.jsonl", audio="sounds/g.wav")
    assert raw_lines(tmp_path / "data" / "d.jsonl") == [
        {"audio": "../sounds/g.wav", "duration": 2.0, "labels": {}}
    ]
    (tmp_path / "g.flac").write_bytes(b"")  # without --audio: the sound file beside it
    import_file("textgrid", source, tmp_path / "data" / "e.jsonl")
    assert raw_lines(tmp_path / "data" / "e.jsonl")[0]["audio"] == "../g.flac"


@pytest.mark.parametrize("name", FILES)
def test_one_tier_alone_with_task(name, tmp_path):
    source = shared("textgrid", name)
    tiers = read_textgrid(source)[1]
    tier = tiers[-1][1]
    item = imported(tmp_path, source, task=tier)
    assert labels_as_tuples(item) == {tier: expected_marks(tiers)[tier]}


def test_quotes_are_doubled_and_overlaps_go_to_extra_tiers(tmp_path):
    marks = [
        {"start": 0.0, "end": 1.0, "label": 'say "hi"'},
        {"start": 0.5, "end": 1.5, "label": "overlap"},
        {"start": 0.25, "end": 0.25, "label": "p"},
        {"start": 0.25, "end": 0.25, "label": "q"},
    ]
    data = tmp_path / "d.jsonl"
    data.write_text(jsonl_text([{"audio": "x.wav", "labels": {'t"1': marks}}]), "utf-8")
    summary = export_file("textgrid", data, tmp_path / "o")
    text = (tmp_path / "o" / "x.TextGrid").read_text("utf-8")
    assert 'text = "say ""hi""" ' in text and 'name = "t""1" ' in text
    tiers = check_long_textgrid(text.encode())
    assert [(kind, len(items)) for kind, _, items in tiers] == [
        ("IntervalTier", 2),  # "say hi" then the gap to xmax 1.5
        ("IntervalTier", 2),  # the gap from 0, then "overlap"
        ("TextTier", 1),
        ("TextTier", 1),  # two points at one time cannot share a tier
    ]
    assert summary.notes == {"extra tiers for overlapping marks": 2}
    assert expected_marks(tiers) == {'t"1': sorted(as_tuples(marks))}


def test_the_grammar_checker_rejects_broken_files(tmp_path):
    data = tmp_path / "d.jsonl"
    marks = [{"start": 0.5, "end": 1.0, "label": "a"}, {"start": 2.0, "end": 2.0, "label": "p"}]
    data.write_text(jsonl_text([{"audio": "x.wav", "labels": {"t": marks}}]), "utf-8")
    export_file("textgrid", data, tmp_path / "o")
    good = (tmp_path / "o" / "x.TextGrid").read_text("utf-8")
    check_long_textgrid(good.encode())
    broken = [
        good.replace("size = 2 ", "size = 3 ", 1),  # tiers count
        good.replace("xmax = 1 ", "xmax = 1.1 ", 1),  # a gap between intervals
        good.replace('text = "a" ', 'text = "a"" ', 1),  # a quote not doubled
        good.replace("\n", "\r\n"),
        good.replace("tiers? <exists> ", "tiers <exists> "),
        good + "extra\n",
    ]
    for text in broken:
        with pytest.raises(Grammar):
            check_long_textgrid(text.encode())


def test_with_a_schema_every_marks_task_is_a_tier_even_empty(tmp_path):
    from labeltui.core.schema import parse_schema

    schema = parse_schema(
        "tasks:\n"
        "  - {name: words, kind: audio_marks, labels: [a]}\n"
        "  - {name: beats, kind: audio_marks, labels: [b]}\n"
        "  - {name: mood, kind: choice, labels: [ok]}\n"
    )
    data = tmp_path / "d.jsonl"
    line = {"audio": "x.wav", "duration": 3, "labels": {"words": [], "mood": "ok"}}
    data.write_text(jsonl_text([line]), "utf-8")
    export_file("textgrid", data, tmp_path / "o", schema=schema)
    tiers = check_long_textgrid((tmp_path / "o" / "x.TextGrid").read_bytes())
    assert tiers == [
        ("IntervalTier", "words", [(0.0, 3.0, "")]),
        ("IntervalTier", "beats", [(0.0, 3.0, "")]),
    ]


def test_items_without_audio_or_time_range_are_skipped_and_counted(tmp_path):
    data = tmp_path / "d.jsonl"
    point = [{"start": 1.0, "end": 1.0, "label": "p"}]
    rows = [
        {"text": "no audio", "labels": {"t": point}},
        {"audio": "a/0.wav", "labels": {"t": [{"start": 0.0, "end": 0.0, "label": "z"}]}},
        {"audio": "a/1.wav", "labels": {"t": point}},
    ]
    data.write_text(jsonl_text(rows), "utf-8")
    summary = export_file("textgrid", data, tmp_path / "o")
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["1.TextGrid"]
    assert summary.files == 1 and summary.notes == {
        "items without an audio field skipped": 1,
        "items with no marks and no known duration skipped": 1,
    }


def test_two_items_with_the_same_audio_name_are_refused(tmp_path):
    data = tmp_path / "d.jsonl"
    marks = [{"start": 0.0, "end": 1.0, "label": "a"}]
    rows = [
        {"audio": "a/x.wav", "labels": {"t": marks}},
        {"audio": "b/X.flac", "labels": {"t": marks}},
    ]
    data.write_text(jsonl_text(rows), "utf-8")
    with pytest.raises(LabeltuiError) as caught:
        export_file("textgrid", data, tmp_path / "o")
    assert str(caught.value).startswith(f"{data}:2: ") and "same name" in str(caught.value)
    assert not (tmp_path / "o").exists()


# -- bad input ---------------------------------------------------------------------------------

HEAD = 'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = 2\n'
TIER = '    item [1]:\n        class = "IntervalTier"\n        name = "w"\n        xmin = 0\n'


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("hello\n", 1, 'not a TextGrid: it should begin with File type = "ooTextFile"'),
        ('{"text": "a json line"}\n', 1, "not a TextGrid: unexpected '{'"),
        (b"ooBinaryFile\x08TextGrid", 1, "a binary TextGrid"),
        (HEAD.replace('"TextGrid"', '"Pitch 1"'), 2, 'expected Object class = "TextGrid"'),
        (HEAD + "tiers? <exists>\nsize = 1\nitem []:\n", 8, "the file ends where tier 1's"),
        (HEAD + "tiers? <exists>\nsize = 1\n" + TIER + "        xmax = 2\n", 12, "the number of"),
        (HEAD + "tiers? <exists>\nsize = 0\n" + TIER, 9, "after the last of the 0 tiers"),
        (HEAD + 'tiers? <exists>\nsize = 1\n    class = "Foo"\n', 8, 'unknown class "Foo"'),
        (HEAD + 'tiers? <exists>\nsize = 1\n    class = "Foo\n', 8, "a text in quotes is not"),
        (
            HEAD + "tiers? <exists>\nsize = 1\n" + TIER + "xmax = 2\nintervals: size = 1\n"
            'intervals [1]:\nxmin = 1\nxmax = 0.5\ntext = "a"\n',
            16,
            "interval 1 ends at 0.5, before it starts at 1",
        ),
    ],
)
def test_bad_textgrids_name_the_file_and_line(tmp_path, content, line, words):
    source = tmp_path / "bad.TextGrid"
    if isinstance(content, str):
        source.write_text(content, "utf-8")
    else:
        source.write_bytes(content)
    out = tmp_path / "out.jsonl"
    with pytest.raises(LabeltuiError) as caught:
        import_file("textgrid", source, out, audio="a.wav")
    assert str(caught.value).startswith(f"{source}:{line}: "), str(caught.value)
    assert words in str(caught.value)
    assert not out.exists()


def test_an_unknown_tier_for_task_is_refused(tmp_path):
    source = tmp_path / "g.TextGrid"
    source.write_text(HEAD + "tiers? <exists>\nsize = 0\n", "utf-8")
    with pytest.raises(LabeltuiError, match="no tier named 'x' \\(tiers: none\\)"):
        import_file("textgrid", source, tmp_path / "o.jsonl", task="x", audio="a.wav")


# -- random marks: export, check, import -----------------------------------------------------

_TIME = st.integers(0, 600_000).map(lambda n: n / 1000)
_LABEL = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), min_size=1
).filter(lambda s: s.strip())


@st.composite
def _mark(draw):
    a, b = sorted((draw(_TIME), draw(_TIME)))
    if draw(st.booleans()):
        b = a  # a point
    return {"start": a, "end": b, "label": draw(_LABEL)}


TASKS = st.dictionaries(
    st.text("abcxyz\"' ", min_size=1, max_size=4).filter(lambda s: s.strip()),
    st.lists(_mark(), min_size=1, max_size=8),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None)
@given(tasks=TASKS, duration=st.none() | _TIME)
def test_random_marks_round_trip(tmp_path_factory, tasks, duration):
    tmp = tmp_path_factory.mktemp("tg")
    line = {"audio": "clip.wav", "labels": tasks}
    if duration is not None:
        line["duration"] = duration
    data = tmp / "d.jsonl"
    data.write_text(json.dumps(line) + "\n", "utf-8")
    summary = export_file("textgrid", data, tmp / "o")
    written = tmp / "o" / "clip.TextGrid"
    ends = [m["end"] for marks in tasks.values() for m in marks] + [duration or 0]
    if max(ends) == 0:  # only points at 0 and no duration: no time range to write
        assert not written.exists() and summary.files == 0
        return
    tiers = check_long_textgrid(written.read_bytes())
    want = {name: sorted(as_tuples(marks)) for name, marks in tasks.items()}
    assert expected_marks(tiers) == want
    again = tmp / "again.jsonl"
    import_file("textgrid", written, again, audio=tmp / "clip.wav")
    (item,) = raw_lines(again)
    assert labels_as_tuples(item) == want
    assert item["duration"] == max(ends)


def test_a_blank_interval_label_is_written_as_a_gap_and_counted(tmp_path):
    marks = [{"start": 0.0, "end": 1.0, "label": " "}, {"start": 1.0, "end": 2.0, "label": "b"}]
    data = tmp_path / "d.jsonl"
    data.write_text(jsonl_text([{"audio": "x.wav", "labels": {"t": marks}}]), "utf-8")
    summary = export_file("textgrid", data, tmp_path / "o")
    tiers = check_long_textgrid((tmp_path / "o" / "x.TextGrid").read_bytes())
    assert tiers == [("IntervalTier", "t", [(0.0, 1.0, " "), (1.0, 2.0, "b")])]
    assert expected_marks(tiers) == {"t": [(1.0, 2.0, "b")]}
    assert summary.notes == {
        "interval marks with an empty label written as gaps (they do not import back)": 1
    }
