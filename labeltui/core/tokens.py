"""Tokens for span selection and CoNLL export, and the span editor's cursor stops.

A token is a run of letters and digits (`\\w+`, Unicode-aware) or a single other non-space
character; whitespace is never part of a token. `chars` mode (for scripts written without
spaces, such as Chinese or Japanese) makes every non-space character a token. Offsets are Python
`str` indices (code points), `end` exclusive.

The span editor's cursor stops (*units*) are the tokens widened to whole grapheme clusters (so
a cursor never sits inside an emoji or between a letter and its accent) and, in `words` mode,
joined where a word continues through a combining mark (Python's `\\w` does not match marks,
so `naïve` written with a combining diaeresis would otherwise be three tokens).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import NamedTuple

from labeltui.core.offsets import grapheme_bounds

_WORDS = re.compile(r"\w+|[^\w\s]")
_CHARS = re.compile(r"\S")
_WORD = re.compile(r"\w")


class Token(NamedTuple):
    """A token's code-point range in the original text."""

    start: int
    end: int


def tokenize(text: str, mode: str = "words", start: int = 0, end: int | None = None) -> list[Token]:
    """Split `text` into tokens; `mode` is `words` (default) or `chars`.

    With `start` and `end` (whitespace boundaries, such as `core.span_window` edges), only the
    tokens of `text[start:end]`, as offsets into `text`.
    """
    pattern = _CHARS if mode == "chars" else _WORDS
    stop = len(text) if end is None else end
    return [Token(m.start(), m.end()) for m in pattern.finditer(text, start, stop)]


def has_token(text: str, mode: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` holds a token (without listing them)."""
    return (_CHARS if mode == "chars" else _WORDS).search(text, start, end) is not None


def _wordish(char: str) -> bool:
    return bool(_WORD.match(char)) or unicodedata.category(char).startswith("M")


def make_units(
    text: str, mode: str = "words", start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    """The cursor's stops: tokens widened to whole clusters, merged where they then touch.

    With `start` and `end` (a window's edges), only the stops of `text[start:end]`.
    """
    return units_in(text, mode, grapheme_bounds(text, start, end))


def units_in(text: str, mode: str, bounds: list[int]) -> list[tuple[int, int]]:
    """`make_units` given the `grapheme_bounds` of the text (or of a window of it)."""
    out: list[tuple[int, int]] = []
    for start, end in tokenize(text, mode, bounds[0], bounds[-1]):
        start = bounds[bisect_right(bounds, start) - 1]
        end = bounds[bisect_left(bounds, end)]
        if out and (
            start < out[-1][1]
            or (
                mode != "chars"
                and start == out[-1][1]
                and _wordish(text[start - 1])
                and _wordish(text[start])
                and (_mark(text[start - 1]) or _mark(text[start]))
            )
        ):
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def split_units(
    units: list[tuple[int, int]], cuts: Iterable[int], bounds: list[int]
) -> list[tuple[int, int]]:
    """Units cut at the given offsets that fall inside one (on a cluster boundary).

    A pre-annotated span need not sit on token edges (`3日` inside the token `東京で3日`); cutting
    the units at its ends lets the cursor reach it, to correct or remove it.
    """
    inside = sorted({c for c in cuts if bounds[min(bisect_left(bounds, c), len(bounds) - 1)] == c})
    if not inside:
        return units
    out: list[tuple[int, int]] = []
    for start, end in units:
        lo, hi = bisect_right(inside, start), bisect_left(inside, end)
        for cut in inside[lo:hi]:
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def _mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")
