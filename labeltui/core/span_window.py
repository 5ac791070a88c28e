"""Windows of a huge text: which part of it the span editor tokenizes and lays out.

Cutting a 100 MB item into clusters, tokens and wrapped lines takes minutes and gigabytes, and
a screen shows a few thousand characters of it. A text longer than `WINDOWED_FROM` is therefore
cut into *chunks* of about `CHUNK` characters, and the editor works on a *window*: the chunk
holding the cursor (and the selection's anchor) with a chunk on each side. When the cursor
crosses into another chunk the window moves with it; each move costs the work of one window
(tens of milliseconds), so moving and selecting stay within a frame.

A chunk edge is found from the text alone, near a multiple of `CHUNK`: just after the first
whitespace character at or after it, so that no token and no grapheme cluster is cut and
tokenizing a window gives the same tokens as tokenizing the whole text. Only a text with no
whitespace for `SEARCH` characters there is cut elsewhere: between two Latin characters, else
between two characters that cannot join into one cluster (Chinese written without spaces); a
word may then be split in two cursor stops at the edge, the same in every window.
Every chunk edge also starts a new visual line, so the wrapping of a chunk never depends on
where the window starts: the lines do not move when the window does.

Pure: no UI imports. Offsets are code points into the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from labeltui.core.offsets import sure_break

#: Characters per chunk (nominal: an edge moves forward to the next whitespace).
CHUNK = 16_384
#: Texts up to this length are laid out whole (no chunks, no forced line starts).
WINDOWED_FROM = 4 * CHUNK
#: How far past a nominal edge to look for whitespace before cutting elsewhere.
SEARCH = 1_024

_CUT = re.compile(r"[^\S\r]")  # whitespace that is not the first half of a \r\n
_LATIN_PAIR = re.compile(r"[^\r\u0300-\U0010ffff][\x00-\u02ff]")


def cut(text: str, near: int) -> int:
    """A safe chunk edge at or after `near` (`len(text)` when the text ends first)."""
    n = len(text)
    if near <= 0:
        return 0
    if near >= n:
        return n
    stop = min(n, near + SEARCH)
    found = _CUT.search(text, near - 1, stop)
    if found:
        return found.end()
    found = _LATIN_PAIR.search(text, near - 1, stop)
    if found:  # a cluster boundary; a word may be cut in two
        return found.start() + 1
    for q in range(near, stop):  # e.g. Chinese without spaces: between two clusters
        if sure_break(text, q):
            return q
    return stop  # a thousand joined characters: the chunk ends inside a cluster


class Chunks:
    """The chunk edges of one text, found on demand and remembered."""

    def __init__(self, text: str, size: int | None = None) -> None:
        self.text = text
        self.size = size or CHUNK
        self.count = max(1, -(-len(text) // self.size))
        self._edges: dict[int, int] = {}

    def edge(self, i: int) -> int:
        """Where chunk `i` starts (`len(text)` for `i >= count`)."""
        if i <= 0:
            return 0
        if i >= self.count:
            return len(self.text)
        edge = self._edges.get(i)
        if edge is None:
            edge = self._edges[i] = cut(self.text, i * self.size)
        return edge

    def of(self, offset: int) -> int:
        """The chunk holding `offset` (the last one that is not empty, for `len(text)`)."""
        offset = min(offset, len(self.text) - 1)
        i = max(0, min(offset // self.size, self.count - 1))
        while i > 0 and offset < self.edge(i):
            i -= 1
        return i

    def span(self, i: int) -> tuple[int, int]:
        return self.edge(i), self.edge(i + 1)


@dataclass(frozen=True, slots=True)
class Window:
    """The part of the text laid out: `[start, end)`, and the chunk edges inside it (each
    starts a visual line)."""

    start: int
    end: int
    breaks: tuple[int, ...] = ()


def whole(text: str) -> Window:
    return Window(0, len(text))


def window_around(
    chunks: Chunks, lo: int, hi: int, has_stop: Callable[[int, int], bool] | None = None
) -> Window:
    """The window for a cursor (and anchor) between offsets `lo` and `hi`: their chunks and one
    chunk on each side. `has_stop(start, end)` says whether a range holds a cursor stop: the
    window then grows past chunks without one (a run of blank chunks), so that the cursor
    always has a next and a previous stop inside the window when the text has one."""
    first, last = chunks.of(lo) - 1, chunks.of(max(lo, hi)) + 1
    if has_stop is not None:
        while first > 0 and not has_stop(*chunks.span(first)):
            first -= 1
        while last < chunks.count - 1 and not has_stop(*chunks.span(last)):
            last += 1
    first, last = max(0, first), min(chunks.count - 1, last)
    start, end = chunks.edge(first), chunks.edge(last + 1)
    breaks = tuple(
        e for e in (chunks.edge(i) for i in range(first + 1, last + 1)) if start < e < end
    )
    return Window(start, end, breaks)
