"""The marks model: every key's effect as a method call, the stored value, and undo."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from labeltui.core.audio.marks import NICE_STEPS, Mark, MarksModel, ms, nice_step


def model(duration: float = 10.0, cursor: float = 0.0) -> MarksModel:
    m = MarksModel(duration=duration)
    m.move_to(cursor)
    return m


def test_a_label_key_without_an_open_interval_drops_a_point_at_the_cursor():
    m = model(cursor=1.2344)
    assert m.cursor == 1.234  # rounded to ms on the way in
    m.move_to(3.0004)
    mark = m.add_label("click")
    assert mark == Mark(3.0, 3.0, "click") and mark.is_point
    assert m.value() == [{"start": 3.0, "end": 3.0, "label": "click"}]
    assert m.selected == 0


def test_open_close_then_label_makes_an_interval():
    m = model(cursor=1.0)
    m.open_interval()
    m.move_to(2.5)
    assert m.close_interval() is None
    m.move_to(7.0)  # moving after ] keeps the end that ] set
    m.add_label("speech")
    assert m.value() == [{"start": 1.0, "end": 2.5, "label": "speech"}]
    assert m.open_start is None and m.open_end is None


def test_a_label_key_after_open_uses_the_cursor_as_the_end_and_ends_may_be_reversed():
    m = model(cursor=5.0)
    m.open_interval()
    m.move_to(4.25)  # before the start: the interval is swapped
    m.add_label("music")
    assert m.value() == [{"start": 4.25, "end": 5.0, "label": "music"}]


def test_close_without_open_explains_itself():
    m = model()
    assert "press [" in m.close_interval()
    assert m.open_start is None and not m.can_undo


def test_value_is_sorted_rounded_and_json_ready():
    m = model()
    for t, label in [(9.0, "b"), (0.1 + 0.2, "a"), (4.5, "c")]:
        m.move_to(t)
        m.add_label(label)
    value = m.value()
    assert [v["start"] for v in value] == [0.3, 4.5, 9.0]  # 0.1 + 0.2 is 0.30000000000000004
    assert json.dumps(value[0]) == '{"start": 0.3, "end": 0.3, "label": "a"}'


def test_the_cursor_is_clamped_to_the_audio():
    m = model(duration=2.0)
    m.move_by(-1)
    assert m.cursor == 0.0
    m.move_by(5)
    assert m.cursor == 2.0


def test_select_next_walks_marks_from_the_cursor_and_wraps():
    m = model()
    for t in (1.0, 5.0, 8.0):
        m.move_to(t)
        m.add_label("x")
    m.selected = None
    m.move_to(4.0)
    assert m.select_next() == Mark(5.0, 5.0, "x") and m.cursor == 5.0
    assert m.select_next().start == 8.0
    assert m.select_next().start == 1.0  # wraps
    assert MarksModel(duration=1).select_next() is None


def test_delete_selected_then_selection_moves_on():
    m = model()
    for t in (1.0, 2.0, 3.0):
        m.move_to(t)
        m.add_label("x")
    m.selected = 1
    assert m.delete_selected() == Mark(2.0, 2.0, "x")
    assert m.selected == 1 and m.selected_mark == Mark(3.0, 3.0, "x")
    m.delete_selected()
    assert m.selected == 0
    m.delete_selected()
    assert m.selected is None and m.delete_selected() is None


def test_undo_reverts_marks_deletes_and_brackets_but_not_cursor_moves():
    m = model()
    m.move_to(1.0)
    m.add_label("a")
    m.move_to(2.0)
    m.open_interval()
    m.move_to(3.0)
    m.add_label("b")
    m.selected = 0
    m.delete_selected()
    assert [x.label for x in m.marks] == ["b"]
    assert m.undo() and [x.label for x in m.marks] == ["a", "b"]
    assert m.undo() and m.open_start == 2.0 and [x.label for x in m.marks] == ["a"]
    assert m.cursor == 3.0
    assert m.undo() and m.open_start is None
    assert m.undo() and m.marks == []
    assert not m.undo()


def test_set_value_loads_rounds_holds_junk_aside_and_clears_undo():
    """Entries that cannot be marks are held as they are (never repaired, never dropped
    unseen): `value` returns them so the session refuses them, until `drop_held`."""
    m = model()
    m.add_label("old")
    junk = [
        {"start": 2.00049, "end": 1.5, "label": "rev"},
        {"start": "x", "end": 1, "label": "bad"},
        {"start": 1, "end": 2},
        {"start": -1, "end": 2, "label": "neg"},
        {"start": 1, "end": 1e308, "label": "huge"},
        {"start": 1, "end": 3.5, "label": "past"},
        "nope",
    ]
    notes = m.set_value(
        [
            junk[0],
            {"start": 0.5, "end": 0.5, "label": "p"},
            {"start": 0.5, "end": 0.5, "label": "p"},  # a duplicate is one mark
            *junk[1:],
            {"start": 1.00049, "end": 3.0004, "label": "ok"},  # to the ms: fits
        ],
        duration=3.0,
        end_limit=3.0,
    )
    assert m.marks == [Mark(0.5, 0.5, "p"), Mark(1.0, 3.0, "ok")]
    assert m.held == junk and len(notes) == 7
    assert m.value() == [
        {"start": 0.5, "end": 0.5, "label": "p"},
        {"start": 1.0, "end": 3.0, "label": "ok"},
        *junk,
    ]
    assert not m.can_undo and m.duration == 3.0
    assert m.drop_held() == 7 and m.held == [] and len(m.value()) == 2
    assert m.undo() and m.held == junk
    assert m.set_value(None) == [] and m.value() == []
    assert m.set_value({"start": 1}) != [] and m.held == [{"start": 1}]


def test_nice_steps():
    assert NICE_STEPS[:4] == (0.001, 0.002, 0.005, 0.01)
    assert nice_step(0.0) == 0.001
    assert nice_step(0.125) == 0.2
    assert nice_step(0.2) == 0.2
    assert nice_step(3.1) == 5
    assert nice_step(10**6) == 600.0


@given(
    st.lists(
        st.tuples(
            st.floats(0, 100, allow_nan=False),
            st.floats(0, 100, allow_nan=False),
            st.sampled_from("abc"),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_any_edit_sequence_stores_sorted_ms_marks_and_undo_returns_to_empty(edits):
    m = MarksModel(duration=100.0)
    for start, end, label, interval in edits:
        m.move_to(start)
        if interval:
            m.open_interval()
            m.move_to(end)
        m.add_label(label)
    value = m.value()
    assert value == sorted(value, key=lambda v: (v["start"], v["end"], v["label"]))
    for v in value:
        assert v["start"] <= v["end"] and ms(v["start"]) == v["start"] and ms(v["end"]) == v["end"]
    while m.undo():
        pass
    assert m.value() == []


# -- moving a mark's edges (issue 14, item 7) --------------------------------------------------


def test_move_edge_moves_start_or_end_rounded_and_the_cursor_follows():
    m = MarksModel(duration=10.0)
    m.set_value(
        [{"start": 1.0, "end": 3.0, "label": "a"}, {"start": 5.0, "end": 5.0, "label": "b"}]
    )
    m.selected = 0
    assert m.move_edge("start", -0.2000001) is None
    assert m.marks[0] == Mark(0.8, 3.0, "a") and m.cursor == 0.8 and m.selected == 0
    assert m.move_edge("end", 0.0014) is None
    assert m.marks[0] == Mark(0.8, 3.001, "a") and m.cursor == 3.001
    assert m.undo() and m.marks[0] == Mark(0.8, 3.0, "a")
    assert m.undo() and m.marks[0] == Mark(1.0, 3.0, "a")


def test_an_edge_stops_1_ms_from_the_other_and_at_the_ends_of_the_audio():
    m = MarksModel(duration=10.0)
    m.set_value([{"start": 1.0, "end": 3.0, "label": "a"}])
    m.selected = 0
    assert m.move_edge("start", 5.0) is None and m.marks[0] == Mark(2.999, 3.0, "a")
    assert "1 ms from the end" in m.move_edge("start", 1.0)
    assert "1 ms from the start" in m.move_edge("end", -9.0)
    assert m.marks[0] == Mark(2.999, 3.0, "a")
    assert m.move_edge("end", 99.0) is None and m.marks[0] == Mark(2.999, 10.0, "a")
    assert "end of the audio" in m.move_edge("end", 1.0)
    assert m.move_edge("start", -99.0) is None and m.marks[0] == Mark(0.0, 10.0, "a")
    assert "start of the audio" in m.move_edge("start", -1.0)
    assert m.value() == [{"start": 0.0, "end": 10.0, "label": "a"}]


def test_either_edge_of_a_point_moves_the_point():
    m = MarksModel(duration=2.0)
    m.set_value([{"start": 1.0, "end": 1.0, "label": "p"}])
    m.selected = 0
    assert m.move_edge("start", 0.5) is None and m.marks == [Mark(1.5, 1.5, "p")]
    assert m.move_edge("end", -0.25) is None and m.marks == [Mark(1.25, 1.25, "p")]
    assert m.move_edge("end", 5.0) is None and m.marks == [Mark(2.0, 2.0, "p")]


def test_snap_moves_the_nearer_edge_to_the_cursor():
    m = MarksModel(duration=10.0)
    m.set_value(
        [{"start": 2.0, "end": 6.0, "label": "a"}, {"start": 8.0, "end": 8.0, "label": "p"}]
    )
    m.selected = 0
    m.move_to(0.5)
    assert m.snap_edge() is None and m.marks[0] == Mark(0.5, 6.0, "a")
    m.move_to(5.0)  # inside, nearer the end
    assert m.snap_edge() is None and m.marks[0] == Mark(0.5, 5.0, "a")
    assert "already there" in m.snap_edge()
    m.move_to(9.5)
    assert m.snap_edge() is None and m.marks[0] == Mark(0.5, 9.5, "a")
    m.selected = 1
    m.move_to(7.25)
    assert m.snap_edge() is None and m.marks[1] == Mark(7.25, 7.25, "p")
    assert m.selected_mark == Mark(7.25, 7.25, "p")


def test_the_edge_keys_act_on_the_mark_under_the_cursor_when_none_is_selected():
    m = MarksModel(duration=10.0)
    m.set_value(
        [{"start": 1.0, "end": 9.0, "label": "long"}, {"start": 4.0, "end": 5.0, "label": "s"}]
    )
    assert m.selected is None
    m.move_to(9.5)  # under no mark
    assert "tab selects" in m.move_edge("start", 1.0)
    m.move_to(4.5)  # under both: the shorter one
    assert m.move_edge("end", 1.0) is None and m.marks[1] == Mark(4.0, 6.0, "s")
    assert m.selected_mark == Mark(4.0, 6.0, "s")


def test_a_move_onto_an_identical_mark_is_refused():
    m = MarksModel(duration=10.0)
    m.set_value(
        [{"start": 1.0, "end": 2.0, "label": "a"}, {"start": 1.5, "end": 2.0, "label": "a"}]
    )
    m.selected = 1
    assert "already there" in m.move_edge("start", -0.5)
    assert len(m.marks) == 2 and not m.can_undo


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["start", "end", "snap"]),
            st.floats(-200, 200, allow_nan=False),
        ),
        max_size=15,
    )
)
def test_any_edge_moves_keep_marks_ordered_rounded_inside_the_audio_and_undo_all(moves):
    m = MarksModel(duration=100.0)
    m.set_value(
        [{"start": 10.0, "end": 20.0, "label": "a"}, {"start": 50.0, "end": 50.0, "label": "p"}]
    )
    before = m.value()
    for i, (edge, seconds) in enumerate(moves):
        m.selected = i % 2
        if edge == "snap":
            m.move_to(abs(seconds) / 2)
            m.snap_edge()
        else:
            m.move_edge(edge, seconds)
        for mark in m.marks:
            assert 0.0 <= mark.start <= mark.end <= 100.0
            assert ms(mark.start) == mark.start and ms(mark.end) == mark.end
        assert [mk.is_point for mk in sorted(m.marks, key=lambda k: k.label)] == [False, True]
    while m.undo():
        pass
    assert m.value() == before
