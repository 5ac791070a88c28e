"""The editor's lines as styled segments: colours, monochrome cues, inert labels, the list."""

from __future__ import annotations

from labeltui.core.audio.layout import (
    EMPTY_HINT,
    OPEN_STYLE,
    column_styles,
    fit_hints,
    label_text,
    lane_lines,
    list_lines,
    rows_for,
    runs,
    status_line,
    status_lines,
    wrap_message,
)
from labeltui.core.audio.marks import MarksModel
from labeltui.core.audio.waveform import View

COLORS = {"speech": "green", "music": "magenta"}


def model_with(*marks: tuple[float, float, str], duration: float = 10.0) -> MarksModel:
    m = MarksModel()
    m.set_value([{"start": s, "end": e, "label": lab} for s, e, lab in marks], duration)
    return m


def plain(line) -> str:
    return "".join(text for text, _ in line)


def test_runs_merge_equal_styles():
    assert runs("abcde", ["", "", "x", "x", ""]) == [("ab", ""), ("cd", "x"), ("e", "")]


def test_column_styles_colour_intervals_mark_the_cursor_and_the_open_interval():
    m = model_with((1.0, 2.0, "speech"))
    m.selected = 0
    m.move_to(5.0)
    m.open_interval()
    m.move_to(6.0)
    styles = column_styles(m, COLORS, View(0.0, 10.0), 10)
    assert styles[1] == styles[2] == "green bold"
    assert styles[5] == OPEN_STYLE and styles[6] == f"{OPEN_STYLE} reverse"
    assert styles[0] == styles[9] == ""
    m.move_to(10.0)  # the end of the audio is drawn on the last column
    assert column_styles(m, COLORS, View(0.0, 10.0), 10)[9].endswith("reverse")


def test_lanes_show_names_brackets_and_the_open_interval():
    m = model_with((1.0, 4.0, "speech"), (6.0, 6.0, "music"))
    m.move_to(7.0)
    m.open_interval()
    m.move_to(9.0)
    first, second = lane_lines(m, COLORS, View(0.0, 10.0), 20)
    assert plain(first) == "  [spee…]   ▲music  "  # a name longer than its interval is cut
    assert ("[spee…]", "green") in first
    assert plain(second) == " " * 14 + "[…──]" + " "  # cursor 7.0 -> 9.0: columns 14 to 18


def test_labels_from_data_are_inert_one_line_text():
    assert label_text("a\x1b[31mb\nc\td") == "a␛[31mb␤c␉d"
    m = model_with((1.0, 1.0, "x\x1b[2Jy\nz"))
    (lane, _) = lane_lines(m, COLORS, View(0.0, 10.0), 30)
    assert "\x1b" not in plain(lane) and "\n" not in plain(lane)
    assert "x␛[2Jy␤z" in plain(list_lines(m, COLORS, 5)[1])


def test_list_keeps_the_selection_in_view_and_counts_the_rest():
    m = model_with(*[(float(i), float(i), "speech") for i in range(9)])
    m.selected = 7
    rows = list_lines(m, COLORS, 4)
    assert len(rows) == 4 and "7–9 of 9, tab walks them" in plain(rows[0])
    shown = [plain(r).split()[0:2] for r in rows[1:]]
    assert ["▶", "8"] in shown
    assert all("reverse" in style for _, style in rows[[s[0] for s in shown].index("▶") + 1])
    assert list_lines(MarksModel(), COLORS, 3) == [[(EMPTY_HINT, "dim")]]


def test_status_line():
    m = model_with((1.0, 1.0, "speech"), duration=62.5)
    m.move_to(3.25)
    m.open_interval()
    text = plain(status_line(m, View(0.0, 31.25), 0.5, "hello\x1b"))
    assert text == "0:03.250 / 1:02.500  step 0.5s  zoom ×2  [ 0:03.250  ·  hello␛"
    assert plain(status_line(m, None, 0.0, "")) == "0:03.250 / 1:02.500  [ 0:03.250"


NO_DEVICE = "no sound device: playback needs the extra (pip install 'labeltui[playback]')"


def test_a_message_wraps_between_phrases_and_keeps_its_command_whole():
    assert wrap_message(NO_DEVICE, 80) == [NO_DEVICE]
    assert wrap_message(NO_DEVICE, 60) == [
        "no sound device: playback needs the extra",
        "(pip install 'labeltui[playback]')",
    ]
    assert wrap_message(NO_DEVICE, 40)[-1] == "(pip install 'labeltui[playback]')"
    for width in (8, 20, 33):  # narrower than the command: words, then characters
        lines = wrap_message(NO_DEVICE, width)
        assert all(len(line) <= width for line in lines)
        assert " ".join(lines).replace(" ", "") == NO_DEVICE.replace(" ", "")


def test_status_lines_put_a_long_message_under_the_status():
    m = model_with(duration=10.0)
    view = View(0.0, 10.0)
    (one,) = status_lines(m, view, 0.2, "saved", 80)
    assert plain(one).endswith("·  saved")
    lines = status_lines(m, view, 0.2, NO_DEVICE, 60)
    assert plain(lines[0]) == "0:00.000 / 0:10.000  step 0.2s  zoom ×1"
    assert [plain(x) for x in lines[1:]] == wrap_message(NO_DEVICE, 60)


def test_rows_for_keeps_the_waveform_and_a_few_list_rows():
    assert rows_for(16, 4) == (7, 4)  # 60x20: header and 3 marks, 7 waveform rows
    assert rows_for(16, 10) == (5, 6)  # many marks: the list takes about half
    assert rows_for(15, 10, status_rows=3) == (4, 4)  # a wrapped message takes its rows
    assert rows_for(8, 10) == (2, 3)  # the smallest editor still shows a few
    assert rows_for(16, 1) == (10, 1)


def test_fit_hints_leaves_out_whole_hints():
    assert fit_hints(["^←^→ start", "^⇧←^⇧→ end"], 30) == "^←^→ start · ^⇧←^⇧→ end"
    assert fit_hints(["^←^→ start", "^⇧←^⇧→ end"], 15) == "^←^→ start"
    assert fit_hints(["^←^→ start"], 3) == ""


def test_the_list_fits_its_width_cutting_long_names():
    m = model_with((1.0, 2.0, "a-very-long-label-name-indeed"), (3.0, 3.0, "speech"))
    rows = list_lines(m, COLORS, 5, width=50)
    assert all(len(plain(r)) <= 50 for r in rows)
    assert "  a-very-long-la…  0:01.000" in plain(rows[1])  # 15 columns left for names
    assert plain(rows[0]).split() == ["#", "label", "start", "end"]
    assert len(list_lines(MarksModel(), COLORS, 3, width=40)) == 2  # the hint wraps
