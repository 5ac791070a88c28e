"""Tokens for span selection: words or characters, whitespace never inside a token."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labeltui.core.tokens import Token, tokenize


@pytest.mark.parametrize(
    ("text", "mode", "tokens"),
    [
        ("Hello, world!", "words", ["Hello", ",", "world", "!"]),
        ("  don't  stop\t", "words", ["don", "'", "t", "stop"]),
        ("Straße 42km", "words", ["Straße", "42km"]),
        ("東京に行く", "chars", ["東", "京", "に", "行", "く"]),
        ("a b", "chars", ["a", "b"]),
        ("", "words", []),
        (" \n\t ", "words", []),
    ],
)
def test_tokenize(text, mode, tokens):
    got = tokenize(text, mode)
    assert [text[t.start : t.end] for t in got] == tokens
    assert all(isinstance(t, Token) for t in got)


@given(st.text(), st.sampled_from(["words", "chars"]))
def test_tokens_cover_every_non_space_character_once(text, mode):
    tokens = tokenize(text, mode)
    covered = []
    previous_end = 0
    for token in tokens:
        assert previous_end <= token.start < token.end <= len(text)
        previous_end = token.end
        piece = text[token.start : token.end]
        assert not any(c.isspace() for c in piece)
        if mode == "chars":
            assert len(piece) == 1
        covered.extend(range(token.start, token.end))
    assert covered == [i for i, c in enumerate(text) if not c.isspace()]
