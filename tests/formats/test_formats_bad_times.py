"""TextGrid and Audacity times outside 0..10^7 seconds (negative, inf, nan, 1e308) and ranges
that go backwards are refused on import with the file, the line and the value found (issue 13:
they used to import and then crash the audio editor with an OverflowError)."""

from __future__ import annotations

import pytest
from formats_helpers import raw_lines

from labeltui.core.formats import import_file
from labeltui.core.formats.textgrid import MAX_SECONDS
from labeltui.errors import LabeltuiError

RULE = "a time must be a number of seconds from 0 to 10000000 (about 115 days)"
TOP = 10_000_000
"""The documented limit, written out (the code's `MAX_SECONDS` must be it)."""


def grid(
    grid_xmin="0", grid_xmax="2", tier_xmin="0", tier_xmax="2", start="0.5", end="1", point=None
) -> str:
    """A long-format TextGrid, one interval tier (line 16: interval xmin, 17: xmax) and, with
    `point`, a point tier after it (line 28: the point's time)."""
    text = (
        'File type = "ooTextFile"\n'  # 1
        'Object class = "TextGrid"\n'
        "\n"
        f"xmin = {grid_xmin}\n"  # 4
        f"xmax = {grid_xmax}\n"  # 5
        "tiers? <exists>\n"
        f"size = {1 if point is None else 2}\n"
        "item []:\n"
        "    item [1]:\n"
        '        class = "IntervalTier"\n'  # 10
        '        name = "words"\n'
        f"        xmin = {tier_xmin}\n"  # 12
        f"        xmax = {tier_xmax}\n"  # 13
        "        intervals: size = 1\n"
        "        intervals [1]:\n"
        f"            xmin = {start}\n"  # 16
        f"            xmax = {end}\n"  # 17
        '            text = "hi"\n'
    )
    if point is not None:
        text += (
            "    item [2]:\n"
            '        class = "TextTier"\n'  # 20
            '        name = "beats"\n'
            "        xmin = 0\n"
            f"        xmax = {grid_xmax}\n"
            "        points: size = 1\n"
            "        points [1]:\n"  # 25
            "            number = 0\n"
            '            mark = "ok"\n'
            "        points [2]:\n"
        )
        text = text.replace("points: size = 1", "points: size = 2")
        text += f'            number = {point}\n            mark = "x"\n'  # 29
    return text


def refused(tmp_path, fmt: str, name: str, content: str) -> str:
    source = tmp_path / name
    source.write_text(content, "utf-8")
    out = tmp_path / f"{name}.jsonl"
    with pytest.raises(LabeltuiError) as caught:
        import_file(fmt, source, out, audio="a.wav")
    assert not out.exists()
    message = str(caught.value)
    assert "\n" not in message
    return message.removeprefix(f"{source}:")


@pytest.mark.parametrize(
    ("fields", "line", "words"),
    [
        ({"grid_xmax": "inf"}, 5, f"the grid's xmax is inf; {RULE}"),
        ({"grid_xmax": "Infinity", "tier_xmax": "Infinity"}, 5, "the grid's xmax is Infinity;"),
        ({"grid_xmin": "-inf"}, 4, "the grid's xmin is -inf;"),
        ({"grid_xmax": "1e308", "tier_xmax": "1e308"}, 5, "the grid's xmax is 1e308;"),
        ({"tier_xmax": "nan"}, 13, "tier 'words' xmax is nan;"),
        ({"start": "-1"}, 16, f"tier 'words': interval 1's xmin is -1; {RULE}"),
        ({"end": "NaN"}, 17, "tier 'words': interval 1's xmax is NaN;"),
        ({"end": "10000000.5"}, 17, "interval 1's xmax is 10000000.5;"),
        ({"point": "-0.25"}, 29, "tier 'beats': point 2's time is -0.25;"),
        ({"point": "inf"}, 29, "tier 'beats': point 2's time is inf;"),
    ],
)
def test_a_textgrid_time_out_of_range_is_refused_with_its_line_and_value(
    tmp_path, fields, line, words
):
    message = refused(tmp_path, "textgrid", "bad.TextGrid", grid(**fields))
    assert message.startswith(f"{line}: "), message
    assert words in message
    assert "<exists>" not in message and "found" not in message


@pytest.mark.parametrize(
    ("fields", "line", "words"),
    [
        ({"grid_xmin": "3", "grid_xmax": "2"}, 5, "the grid ends at 2, before it starts at 3"),
        ({"tier_xmin": "2.5"}, 13, "tier 'words' ends at 2, before it starts at 2.5"),
        ({"start": "1.5", "end": "1"}, 17, "interval 1 ends at 1, before it starts at 1.5"),
    ],
)
def test_a_textgrid_range_that_goes_backwards_is_refused(tmp_path, fields, line, words):
    message = refused(tmp_path, "textgrid", "bad.TextGrid", grid(**fields))
    assert message.startswith(f"{line}: ") and words in message, message


def test_textgrid_times_up_to_the_limit_import_and_just_past_it_do_not(tmp_path):
    source = tmp_path / "edge.TextGrid"
    assert MAX_SECONDS == TOP
    top = str(TOP)
    source.write_text(grid(grid_xmax=top, tier_xmax=top, start="0", end=top, point=top))
    out = tmp_path / "out.jsonl"
    import_file("textgrid", source, out, audio="a.wav")
    (item,) = raw_lines(out)
    assert item["duration"] == TOP
    assert item["labels"]["words"] == [{"start": 0.0, "end": TOP, "label": "hi"}]
    assert item["labels"]["beats"][-1] == {"start": TOP, "end": TOP, "label": "x"}
    # `inf`/`nan` are numbers only as whole words: Praat's label words (any word) stay skipped
    source.write_text(grid().replace("intervals: size", "information: size"))
    import_file("textgrid", source, tmp_path / "words.jsonl", audio="a.wav")
    assert raw_lines(tmp_path / "words.jsonl")[0]["labels"]["words"][0]["label"] == "hi"
    past = str(TOP + 0.001)
    message = refused(tmp_path, "textgrid", "past.TextGrid", grid(point=past, grid_xmax=top))
    assert message.startswith("29: ") and f"point 2's time is {past};" in message


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("0\t1\tok\n-2\t1\tneg\n", 2, f"the start time is -2; {RULE}"),
        ("0\tinf\tx\n", 1, "the end time is inf;"),
        ("-inf\t1\tx\n", 1, "the start time is -inf;"),
        ("nan\t1\tx\n", 1, "the start time is nan;"),
        ("0\t1e308\tx\n", 1, "the end time is 1e308;"),
        ("0\t10000001\tx\n", 1, "the end time is 10000001;"),
        ("1,5\t-0,5\tx\n", 1, "the end time is -0,5;"),
    ],
)
def test_an_audacity_time_out_of_range_is_refused_with_its_line_and_value(
    tmp_path, content, line, words
):
    message = refused(tmp_path, "audacity", "labels.txt", content)
    assert message.startswith(f"{line}: ") and words in message, message


def test_audacity_times_up_to_the_limit_import_and_just_past_it_do_not(tmp_path):
    source = tmp_path / "labels.txt"
    source.write_text(f"0\t{TOP}\tall\n{TOP}\t{TOP}\tend\n")
    import_file("audacity", source, tmp_path / "out.jsonl", audio="a.wav")
    (item,) = raw_lines(tmp_path / "out.jsonl")
    assert item["labels"]["events"] == [
        {"start": 0.0, "end": TOP, "label": "all"},
        {"start": TOP, "end": TOP, "label": "end"},
    ]
    past = f"0\t1\tok\n{TOP}\t{TOP}.001\tpast\n"
    message = refused(tmp_path, "audacity", "past.txt", past)
    assert message.startswith("2: the end time is 10000000.001;"), message
