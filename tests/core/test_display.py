"""Untrusted dataset text is shown inertly (FORMAT section 6)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labeltui.core.display import stand_in, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b", "\u241b"),  # ␛
        ("\x07", "\u2407"),  # ␇
        ("\x00", "\u2400"),  # ␀
        ("\x08", "\u2408"),  # ␈
        ("\x7f", "\u2421"),  # ␡
        ("\r", "\u240d"),  # a lone carriage return: ␍
        ("\x0b", "\u240b"),
        ("\x0c", "\u240c"),
    ],
)
def test_c0_controls_and_del_get_their_control_picture(raw, shown):
    assert visible(f"a{raw}b") == f"a{shown}b"
    assert stand_in(raw) == shown


@pytest.mark.parametrize("code", [0x80, 0x85, 0x9B, 0x9D, 0x9F])
def test_c1_controls_get_a_visible_stand_in(code):
    shown = visible(f"x{chr(code)}[2J")
    assert len(shown) == 5
    assert shown[0] == "x" and shown[2:] == "[2J"
    assert unicodedata.category(shown[1]) != "Cc"
    assert shown[1] == "\ufffd"


def test_ansi_escape_sequence_is_shown_not_sent():
    assert visible("\x1b[31mred\x1b[0m \x1b[2J") == "␛[31mred␛[0m ␛[2J"
    assert visible("\x1b]0;title\x07") == "␛]0;title␇"


def test_tab_and_newline_are_kept():
    assert visible("a\tb\nc") == "a\tb\nc"
    assert stand_in("\t") == "\t" and stand_in("\n") == "\n"


def test_crlf_shows_as_newline():
    assert visible("one\r\ntwo\r\n") == "one\ntwo\n"
    assert visible("a\r\r\nb") == "a␍\nb"


@pytest.mark.parametrize(
    "text",
    ["[bold red]x[/]", "[link=https://evil]click[/link]", "[/]", "\\[escaped]", "café 你好 🎉"],
)
def test_markup_and_printable_text_stay_unchanged(text):
    assert visible(text) == text


@given(st.text())
def test_no_control_character_survives_and_nothing_is_dropped(text):
    shown = visible(text)
    assert all(c in "\t\n" or unicodedata.category(c) != "Cc" for c in shown)
    assert len(shown) == len(text) - text.count("\r\n")
    if "\r" not in text:  # one shown character per code point, so span offsets still map
        assert len(shown) == len(text)
        for raw, out in zip(text, shown, strict=True):
            assert out == stand_in(raw)
            assert (out == raw) == (raw in "\t\n" or unicodedata.category(raw) != "Cc")


def test_stand_in_of_a_longer_string_is_itself():
    assert stand_in("ab") == "ab"
