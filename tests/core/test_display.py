"""Untrusted dataset text is shown inertly (FORMAT section 6)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labeltui.core.display import BIDI_CONTROLS, stand_in, visible, visible_line

#: Characters that never reach the terminal as they are (besides tab and newline).
_SEPARATORS = "\u2028\u2029"


def _replaced(char: str) -> bool:
    """Whether `visible` shows `char` as a stand-in rather than as itself."""
    return (
        char not in "\t\n" and unicodedata.category(char) in ("Cc", "Cs")
    ) or char in BIDI_CONTROLS | set(_SEPARATORS)


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


_HOSTILE = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            sorted(BIDI_CONTROLS) + list(_SEPARATORS) + ["\x1b", "\x9b", "\r", "\ud800", "\udfff"]
        ),
    )
)


@given(_HOSTILE)
def test_no_control_character_survives_and_nothing_is_dropped(text):
    shown = visible(text)
    assert not any(_replaced(c) for c in shown)
    assert len(shown) == len(text) - text.count("\r\n")
    if "\r" not in text:  # one shown character per code point, so span offsets still map
        assert len(shown) == len(text)
        for raw, out in zip(text, shown, strict=True):
            assert out == stand_in(raw)
            assert (out == raw) == (not _replaced(raw))


@pytest.mark.parametrize(
    "code", [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
def test_bidi_controls_show_as_a_dotted_circle(code):
    # An override (U+202E) would let a terminal that reorders text show "abc" as "cba".
    assert visible(f"a{chr(code)}bc") == "a◌bc"
    assert stand_in(chr(code)) == "◌"


def test_line_and_paragraph_separators_stay_on_the_line():
    # A one-line header or metadata line stays one line (visible keeps only real newlines).
    assert visible("one\u2028two\u2029three") == "one⏎two⏎three"
    assert stand_in("\u2028") == stand_in("\u2029") == "⏎"


def test_lone_surrogates_show_as_one_stand_in_and_as_the_escape_on_one_line():
    # On screen one character per code point ("�"); in a message the escape, as in the file.
    assert visible("a\ud800b\udfff") == "a\ufffdb\ufffd"
    assert stand_in("\ud800") == "\ufffd"
    shown = visible_line("a\ud800b\udfff\x1b")
    assert shown == "a\\ud800b\\udfff␛"
    shown.encode("utf-8")  # printable


def test_visible_line_keeps_everything_on_one_line():
    raw = "a\nb\tc\u2028d\u2029e\r\nf\x1b]52;c;aGk=\x07\u202eg"
    shown = visible_line(raw)
    assert shown == "a⏎b␉c⏎d⏎e⏎f␛]52;c;aGk=␇◌g"
    assert len(shown) == len(raw) - 1  # \r\n is one line break
    assert shown.isprintable()


@given(_HOSTILE)
def test_visible_line_sends_no_control_and_no_line_break(text):
    shown = visible_line(text)
    assert not any(
        unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in BIDI_CONTROLS for c in shown
    )
