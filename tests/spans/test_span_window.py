"""Windows of a huge text (core.span_window): chunk edges, and an editor that tokenizes and lays
out one window at a time yet moves, selects and labels exactly as on the whole text.

The chunks are made tiny here (a few dozen characters) so that short texts cross many windows.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unicode_strategies import pieces

from labeltui.core import span_edit, span_window
from labeltui.core.offsets import Wrapped, grapheme_bounds
from labeltui.core.span_edit import Span, SpanEdit, make_units, split_units
from labeltui.core.span_window import Chunks, cut, window_around

WORDS = "Ticket 工单 🎉 line\nbreak\ttab e\u0301te\u0301 👨\u200d👩\u200d👧 a\r\nb "
long_texts = st.lists(pieces, min_size=20, max_size=200).map("".join)


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(span_window, "CHUNK", 40)
    monkeypatch.setattr(span_window, "SEARCH", 30)
    monkeypatch.setattr(span_edit, "WINDOWED_FROM", 100)


def edges(text: str) -> list[int]:
    chunks = Chunks(text)
    return [chunks.edge(i) for i in range(chunks.count + 1)]


def test_a_cut_falls_after_whitespace_and_never_inside_a_line_end_or_cluster():
    text = "abc def\r\nghi"
    assert cut(text, 2) == 4  # after the space
    assert cut(text, 5) == 9  # after \r\n, not between \r and \n
    assert cut(text, 0) == 0 and cut(text, 99) == len(text)
    # no whitespace: between two Latin characters, else never before a combining mark
    assert cut("word" * 100, 10) == 10
    assert cut("x" * 5 + "e\u0301" * 3000, 6) == 7
    marks = "e\u0301" * 3000
    assert cut(marks, 11) == 12 and 12 in grapheme_bounds(marks)
    # Chinese without spaces: between two characters
    assert cut("東京で開かれた会議" * 400, 1000) == 1000


@given(long_texts)
@settings(max_examples=150, deadline=None)
def test_chunk_edges_are_cluster_boundaries_and_every_offset_has_one_chunk(text):
    chunks = Chunks(text, size=16)
    bounds = set(grapheme_bounds(text))
    found = [chunks.edge(i) for i in range(chunks.count + 1)]
    assert found[0] == 0 and found[-1] == len(text) and found == sorted(found)
    assert set(found) <= bounds
    for offset in range(len(text)):
        i = chunks.of(offset)
        assert chunks.edge(i) <= offset < chunks.edge(i + 1)


@given(long_texts)
@settings(max_examples=100, deadline=None)
def test_a_window_is_laid_out_as_the_whole_text_is(text):
    """Each chunk edge starts a line, so a window's lines are the whole layout's lines."""
    chunks = Chunks(text, size=16)
    inner = [chunks.edge(i) for i in range(1, chunks.count)]
    whole = Wrapped(text, 7, breaks=inner)
    lines = {whole.line_span(n) for n in range(whole.line_count)}
    for offset in range(0, len(text) + 1, 5):
        w = window_around(chunks, offset, offset)
        part = Wrapped(text, 7, start=w.start, end=w.end, breaks=w.breaks)
        spans = [part.line_span(n) for n in range(part.line_count)]
        assert spans[0][0] == w.start and spans[-1][1] == w.end
        assert set(spans) <= lines


@pytest.mark.parametrize("mode", ["words", "chars"])
@given(long_texts)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_walking_a_windowed_text_visits_every_stop_of_the_whole_text(tiny_chunks, mode, text):
    """(The fixture only sets constants, the same for every example.)"""
    edit = SpanEdit(text, tokenizer=mode)
    cuts = edges(text) if len(text) > 100 else []  # longer texts are windowed
    assert (edit.chunks is not None) == bool(cuts)
    whole = split_units(make_units(text, mode), cuts, grapheme_bounds(text))
    if edit.cursor is None:
        assert whole == []
        return
    seen = [edit.cursor_range()]
    while edit.move(1):
        seen.append(edit.cursor_range())
        assert edit.window.start <= seen[-1][0] < edit.window.end
    assert seen == whole
    back = [edit.cursor_range()]
    while edit.move(-1):
        back.append(edit.cursor_range())
    assert back[::-1] == whole


def test_the_window_follows_the_cursor_and_end_and_home_jump(tiny_chunks):
    text = "START " + WORDS * 60 + "THE END"
    edit = SpanEdit(text)
    assert edit.window.start == 0 and edit.window.end < len(text) // 4
    assert len(edit.units) < len(make_units(text)) // 4  # only a window is tokenized
    assert edit.end() and text[slice(*edit.cursor_range())] == "END"
    assert edit.window.end == len(text) and edit.window.start > len(text) // 2
    assert edit.home() and edit.cursor_range() == (0, 5) and edit.window.start == 0


def test_a_selection_across_window_edges_labels_exact_offsets(tiny_chunks):
    text = "START " + WORDS * 60 + "THE END"
    edit = SpanEdit(text)
    edit.end()
    for _ in range(40):  # back over several chunk edges
        edit.extend(-1)
    lo, hi = edit.selection()
    assert hi == len(text) and edit.window.start <= lo
    assert edit.label("PER")
    assert edit.value() == [{"start": lo, "end": hi, "label": "PER", "text": text[lo:hi]}]
    edit.home()
    assert edit.undo() and edit.spans == []  # and the cursor is back where it labelled
    assert edit.cursor_range()[0] == lo and edit.window.start <= lo < edit.window.end


def test_pre_annotated_spans_far_away_and_a_long_span_boundary(tiny_chunks):
    text = "START " + WORDS * 60 + "THE END"
    far = Span(len(text) - 7, len(text) - 4, "ORG")  # "THE", in the last chunk
    long = Span(0, len(text) // 2, "PER")  # starts far before the cursor will be
    edit = SpanEdit(text, [far, long], allow_overlap=True)
    assert edit.spans_over(len(text) - 6, len(text) - 5) == [far]
    while edit.cursor_range()[1] < len(text) // 2 - 20:  # inside the long span, chunks away
        edit.move(1)
    assert edit.current_span() == long and edit.window.start > 0
    here = edit.cursor_range()
    assert not edit.move_boundary("start", -1)  # refused: the cursor and its window stay
    assert "first token" in edit.message and edit.cursor_range() == here
    assert edit.window.start > 0
    assert edit.move_boundary("start", 1)  # its start is outside the window: it is shown
    assert Span(6, long.end, "PER") in edit.spans  # one stop to the right: "Ticket"
    assert edit.cursor_range() == (6, 12) and edit.window.start == 0  # the cursor followed
    edit.end()
    assert edit.current_span() is None and edit.cursor_range() == (len(text) - 3, len(text))
    edit.move(-1)
    assert edit.current_span() == far
