"""Grapheme clusters, cell widths and soft wrapping (core.offsets)."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size
from unicode_strategies import TRICKY, texts

from labeltui.core.offsets import (
    BREAK,
    SPACE,
    TAB_CELLS,
    TEXT,
    Wrapped,
    char_cells,
    cluster_cells,
    grapheme_bounds,
    shown_cluster,
    shown_text,
)


def clusters(text: str) -> list[str]:
    b = grapheme_bounds(text)
    return [text[x:y] for x, y in itertools.pairwise(b)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ab", ["a", "b"]),
        ("e\u0301x", ["e\u0301", "x"]),
        ("👨\u200d👩\u200d👧!", ["👨\u200d👩\u200d👧", "!"]),
        ("👍🏽👍", ["👍🏽", "👍"]),
        ("🇫🇷🇩🇪🇯", ["🇫🇷", "🇩🇪", "🇯"]),
        ("1️⃣2", ["1️⃣", "2"]),
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f.", None),
        ("a\r\nb", ["a", "\r\n", "b"]),
        ("\r\r\n", ["\r", "\r\n"]),
        (" \u0301", [" ", "\u0301"]),  # whitespace never takes a mark
        ("\x1b\u0301", ["\x1b", "\u0301"]),
        ("\u1100\u1161\u11a8\u1100", ["\u1100\u1161\u11a8", "\u1100"]),
        ("\u0915\u094d\u0937\u093f", ["\u0915\u094d", "\u0937\u093f"]),
    ],
)
def test_grapheme_clusters(text, expected):
    got = clusters(text)
    if expected is None:  # a subdivision flag: one cluster, then the full stop
        expected = [text[:-1], "."]
    assert got == expected


@given(texts)
def test_bounds_cover_the_text_in_order(text):
    bounds = grapheme_bounds(text)
    assert bounds[0] == 0 and bounds[-1] == len(text)
    assert all(a < b for a, b in itertools.pairwise(bounds)) or not text
    # whitespace and control characters are clusters of their own (\r\n is one)
    for piece in clusters(text):
        if piece != "\r\n" and (piece[0].isspace() or unicodedata.category(piece[0]) == "Cc"):
            assert len(piece) == 1


@pytest.mark.parametrize("text", [*TRICKY, "中", "\u3000", "\u00ad", "☯", "☯️", "↔️", "ｶ"])
def test_cluster_cells_agree_with_rich(text):
    assert cluster_cells(text) == cell_len(text)


@settings(max_examples=400)
@given(st.characters(exclude_categories=("Cn", "Cs", "Cc")))
def test_char_cells_agree_with_rich(char):
    assert char_cells(char) == get_character_cell_size(char)


def test_shown_forms():
    assert shown_cluster("\t").shown == " " * TAB_CELLS and shown_cluster("\t").kind == SPACE
    assert shown_cluster("\r\n").kind == BREAK and shown_cluster("\n").shown == ""
    assert shown_cluster("\x1b").shown == "␛"
    assert shown_cluster("\r").shown == "␍"
    assert shown_cluster("\x85").shown == "\ufffd"
    assert shown_cluster("\u0301").shown == "◌\u0301"
    assert shown_cluster("\u202e").shown == "◌"  # a bidi override is never sent to the terminal
    assert shown_cluster("\ud800").shown == "\ufffd"
    assert shown_cluster("中").cells == 2
    assert shown_cluster("👨\u200d👩\u200d👧").cells == 2


@given(texts, st.integers(min_value=2, max_value=30))
def test_wrapping_never_changes_offsets(text, width):
    w = Wrapped(text, width)
    spans = [w.line_span(i) for i in range(w.line_count)]
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    bounds = set(grapheme_bounds(text))
    for start, end in spans:
        assert start in bounds and end in bounds
        inner = text[start:end]
        # a line end only ever closes a line
        for brk in ("\n", "\u2028", "\u2029"):
            assert brk not in inner[:-1].replace("\r\n", "")
        # drawn text fits, except hanging whitespace and a single over-wide cluster
        cols = [c for c in w.columns(w.line_of(start)) if c[1] <= end]
        kinds = [w.kinds[w.cluster_of(s)] for s, _, _ in cols]
        drawn = [(s, col) for (s, _, col), k in zip(cols, kinds, strict=True) if k == TEXT]
        if len(drawn) > 1:
            s, col = drawn[-1]
            assert col + w.cells[w.cluster_of(s)] <= w.width
    # every code point is shown by exactly the clusters that hold it
    assert "".join(w.text[w.starts[k] : w.starts[k + 1]] for k in range(len(w.kinds))) == text


@given(texts, st.integers(min_value=2, max_value=30))
def test_locate_and_offset_at_are_inverse_on_clusters(text, width):
    w = Wrapped(text, width)
    for k in range(len(w.kinds)):
        if w.kinds[k] == BREAK:
            continue
        start = w.starts[k]
        line, col = w.locate(start)
        assert w.line_span(line)[0] <= start < w.line_span(line)[1]
        assert w.offset_at(line, col) == start
        # every column of a wide cluster maps back to its start
        assert w.offset_at(line, col + w.cells[k] - 1) == start


@given(texts)
def test_nothing_shown_reaches_the_terminal_as_a_command(text):
    w = Wrapped(text, 20)
    drawn = "".join(w.shown)
    for char in drawn:
        assert unicodedata.category(char) not in ("Cc", "Cs")
        assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_wrapping_examples():
    w = Wrapped("The quick brown fox jumps", 10)
    lines = [w.text[slice(*w.line_span(i))] for i in range(w.line_count)]
    assert lines == ["The quick ", "brown fox ", "jumps"]
    w = Wrapped("中文中文中文", 5)  # no spaces: breaks between wide characters
    lines = [w.text[slice(*w.line_span(i))] for i in range(w.line_count)]
    assert lines == ["中文", "中文", "中文"]
    w = Wrapped("abcdefghij", 4)  # a word wider than the line is folded
    assert [w.text[slice(*w.line_span(i))] for i in range(w.line_count)] == ["abcd", "efgh", "ij"]
    w = Wrapped("a\r\nb\n\nc", 10)
    assert [w.text[slice(*w.line_span(i))] for i in range(w.line_count)] == [
        "a\r\n",
        "b\n",
        "\n",
        "c",
    ]


def test_columns_count_cells_not_code_points():
    text = "中e\u0301\t👨\u200d👩\u200d👧x"
    w = Wrapped(text, 40)
    assert w.locate(text.index("x")) == (0, 2 + 1 + TAB_CELLS + 2)
    assert w.offset_at(0, 2) == 1  # the e with its accent
    assert shown_text(w, 1, 2) == "e\u0301"  # highlighting part of a cluster shows all of it
