"""Code points, grapheme clusters and terminal cells: the geometry of the span editor.

Span offsets are Python `str` indices (code points); the screen is a grid of cells. This module
is the only place that converts between the two, so a screen column is never mistaken for a
string index. Text is cut into grapheme clusters (what a reader sees as one character: a base
with its combining marks, an emoji ZWJ sequence with its skin tones and variation selectors, a
flag made of two regional indicators, a `\\r\\n` line end); a cursor or a span boundary made by
the editor is always a cluster boundary. Each cluster gets the string actually drawn for it
(a control character becomes its `display.stand_in`, a tab a fixed run of spaces, a lone mark
sits on a dotted circle) and that string's width in cells.

`Wrapped` soft-wraps the clusters to a width. Wrapping only groups clusters into lines: every
code point belongs to exactly one line and offsets never change. Right-to-left text is laid out
in logical (stored) order, left to right, like the string itself; a terminal that applies its
own bidi reordering may show it mirrored, but offsets are unaffected.

Widths follow the same rules as `rich.cells` (east-asian wide and fullwidth characters take two
cells; marks, format characters and joined emoji parts take none); a UI may pass Rich's own
`cell_len` as `measure` so that its layout agrees with the renderer to the cell.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from labeltui.core.display import stand_in

#: Cells a tab occupies (a fixed run, not tab stops, so a tab's width never depends on where it
#: falls after wrapping).
TAB_CELLS = 4
#: Drawn under a combining mark that has no base (and for invisible format characters).
DOTTED_CIRCLE = "\u25cc"
ZWJ = "\u200d"
VS16 = "\ufe0f"

TEXT, SPACE, BREAK = 0, 1, 2
"""Cluster kinds: drawn text, whitespace (a soft-wrap opportunity), a line end."""

_LINE_ENDS = frozenset("\n\u2028\u2029")
# Characters whose width Rich's (newer) tables give differently from their east-asian width.
_WIDE_RANGES = ((0x2630, 0x2637), (0x268A, 0x268F), (0x4DC0, 0x4DFF), (0x1D300, 0x1D376))
_ONE_CELL_FORMAT = frozenset(
    "\u00ad\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
)
_KEYCAP_BASES = frozenset("#*0123456789")


def char_cells(char: str) -> int:
    """Cells one code point takes on its own (0, 1 or 2), as `rich.cells` measures it."""
    code = ord(char)
    if 0x20 <= code < 0x7F:
        return 1
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Mc", "Zl", "Zp"):
        return 0
    if category == "Cf":
        return 1 if char in _ONE_CELL_FORMAT else 0
    if (
        0x1160 <= code <= 0x11FF  # Hangul medial and final jamo join the syllable before them
        or 0xD7B0 <= code <= 0xD7FF
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or code in (0x3164, 0xFFA0)  # Hangul fillers
    ):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    if any(lo <= code <= hi for lo, hi in _WIDE_RANGES):
        return 2
    return 1


def cluster_cells(cluster: str) -> int:
    """Cells a grapheme cluster takes: its visible code points, with emoji rules.

    After a zero-width joiner the joined part adds nothing (a ZWJ sequence is one glyph), and
    VS16 (emoji presentation) widens a narrow emoji-capable base to two cells.
    """
    total = 0
    last_narrow: str | None = None
    skip = False
    for char in cluster:
        if skip:
            skip = False
            continue
        if char == ZWJ:
            skip = True
            continue
        if char == VS16:
            if last_narrow is not None and _emoji_capable(last_narrow):
                total += 1
            last_narrow = None
            continue
        width = char_cells(char)
        if width:
            total += width
            last_narrow = char if width == 1 else None
    return total


def _emoji_capable(char: str) -> bool:
    return char in _KEYCAP_BASES or _pictographic(char)


def _pictographic(char: str) -> bool:
    """Approximately Extended_Pictographic: the characters a ZWJ can join into one emoji."""
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2190 <= code <= 0x21FF
        or 0x2300 <= code <= 0x23FF
        or 0x25A0 <= code <= 0x27BF
        or 0x2900 <= code <= 0x297F
        or 0x2B00 <= code <= 0x2BFF
        or code in (0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
    )


def _extends(char: str) -> bool:
    """Whether `char` belongs to the cluster before it (marks, modifiers, tags, ZWNJ)."""
    code = ord(char)
    if code < 0x300:
        return False
    if 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F or code == 0x200C:
        return True
    return unicodedata.category(char) in ("Mn", "Me", "Mc")


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _hangul(char: str) -> str:
    """The Hangul jamo class of `char`: L, V, T, S (a syllable) or "" (not Hangul)."""
    code = ord(char)
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97F:
        return "L"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "V"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "T"
    if 0xAC00 <= code <= 0xD7A3:
        return "S"
    return ""


def _standalone(char: str) -> bool:
    """Characters that never take extenders: line ends, controls and whitespace."""
    return char.isspace() or unicodedata.category(char) == "Cc"


def sure_break(text: str, q: int) -> bool:
    """Whether `grapheme_bounds` puts a cluster boundary before `text[q]`, whatever text
    comes before `text[q - 1]` (`0 < q < len(text)`)."""
    prev, char = text[q - 1], text[q]
    if prev in ("\r", ZWJ) or _regional(prev) or char == ZWJ or _regional(char):
        return False
    return not (_hangul(char) or _extends(char))


def grapheme_bounds(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Start offsets of the grapheme clusters of `text`, then `len(text)`.

    With `start` and `end` (cluster boundaries of the whole text, such as the edges of
    `core.span_window`), only the clusters of `text[start:end]`, as offsets into `text`.

    A pragmatic subset of Unicode's extended grapheme clusters (UAX #29): `\\r\\n`; a base with
    its combining marks, variation selectors, skin-tone modifiers and tag characters; emoji
    joined by ZWJ; regional-indicator pairs (flags); Hangul jamo sequences. Unlike UAX #29, a
    mark after whitespace or a control character stands alone, so whitespace stays out of
    tokens.
    """
    n = len(text) if end is None else min(end, len(text))
    bounds: list[int] = []
    i = start
    while i < n:
        bounds.append(i)
        char = text[i]
        i += 1
        if char < "\u0300" and (i >= n or text[i] < "\u0300"):
            if char == "\r" and i < n and text[i] == "\n":
                i += 1
            continue  # fast path: Latin text followed by Latin text
        if _standalone(char):
            if char == "\r" and i < n and text[i] == "\n":
                i += 1
            continue
        if _regional(char) and i < n and _regional(text[i]):
            i += 1
        elif (jamo := _hangul(char)) and i < n:
            order = "LVT" if jamo == "L" else "VT" if jamo in ("V", "S") else "T"
            while i < n and (nxt := _hangul(text[i])) and nxt in order:
                order = order[order.index(nxt) :]
                i += 1
        while i < n:
            nxt = text[i]
            if _extends(nxt):
                i += 1
            elif nxt == ZWJ:
                i += 1
                if i < n and _pictographic(text[i]):
                    i += 1
            else:
                break
    bounds.append(n)
    return bounds


@dataclass(frozen=True, slots=True)
class Cluster:
    """One grapheme cluster: its code points, what is drawn for it and how wide that is."""

    start: int
    end: int
    shown: str
    cells: int
    kind: int


def shown_cluster(cluster: str, measure: Callable[[str], int] = cluster_cells) -> Cluster:
    """How a cluster is drawn (offsets left at 0): see the module docstring."""
    first = cluster[0]
    if first in _LINE_ENDS or cluster == "\r\n":
        return Cluster(0, 0, "", 0, BREAK)
    if first == "\t":
        return Cluster(0, 0, " " * TAB_CELLS, TAB_CELLS, SPACE)
    if len(cluster) == 1 and (first_shown := stand_in(first)) != first:
        return Cluster(0, 0, first_shown, 1, TEXT)
    if first.isspace():
        return Cluster(0, 0, cluster, max(1, measure(cluster)), SPACE)
    shown = cluster
    if any("\ud800" <= c <= "\udfff" for c in cluster):  # lone surrogates cannot be encoded
        shown = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in cluster)
    cells = measure(shown)
    if cells == 0:  # a mark without a base, or an invisible format character (bidi controls)
        marks = unicodedata.category(first).startswith("M")
        shown = DOTTED_CIRCLE + shown if marks else DOTTED_CIRCLE
        cells = max(1, measure(shown))
    return Cluster(0, 0, shown, cells, TEXT)


class Wrapped:
    """`text` cut into clusters and soft-wrapped to `width` cells.

    Lines break after whitespace, around wide characters (CJK has no spaces), at line ends,
    and inside a word only when the word is wider than the line. Whitespace at a wrap point
    hangs at the end of its line (it may pass the width; a renderer crops it).

    With `start` and `end`, only `text[start:end]` is laid out (a window of a huge text, see
    `core.span_window`); offsets stay offsets into the whole `text`, lines are numbered from
    the window's first, and each offset in `breaks` starts a new line.
    """

    def __init__(
        self,
        text: str,
        width: int,
        measure: Callable[[str], int] = cluster_cells,
        *,
        start: int = 0,
        end: int | None = None,
        breaks: Sequence[int] = (),
    ) -> None:
        self.text = text
        self.width = max(2, width)
        self.start = start
        self.end = len(text) if end is None else end
        bounds = grapheme_bounds(text, start, self.end)
        self.starts: list[int] = bounds
        """Cluster start offsets, then `len(text)`."""
        self.shown: list[str] = []
        self.cells: list[int] = []
        self.kinds: list[int] = []
        cache: dict[str, Cluster] = {}
        for a, b in pairwise(bounds):
            piece = text[a:b]
            made = cache.get(piece)
            if made is None:
                made = cache[piece] = shown_cluster(piece, measure)
            self.shown.append(made.shown)
            self.cells.append(made.cells)
            self.kinds.append(made.kind)
        forced = {bisect_right(bounds, b) - 1 for b in breaks if start < b < self.end}
        self.line_first: list[int] = self._wrap(forced)
        if self.end < len(text) and self.line_first[-2:-1] == self.line_first[-1:]:
            self.line_first.pop()  # a window ending with a line end: the next line is not empty
        """Index of each line's first cluster, then the cluster count."""
        self.line_offsets: list[int] = [bounds[k] for k in self.line_first[:-1]]

    def _wrap(self, forced: set[int]) -> list[int]:
        width, cells, kinds = self.width, self.cells, self.kinds
        firsts = [0]
        col = 0
        brk = -1  # cluster index where the current line could be broken
        brk_col = 0
        for k, kind in enumerate(kinds):
            if forced and k in forced and k > firsts[-1]:
                firsts.append(k)
                col, brk = 0, -1
            if kind == BREAK:
                firsts.append(k + 1)
                col, brk = 0, -1
                continue
            w = cells[k]
            if kind == SPACE:
                col += w
                brk, brk_col = k + 1, col
                continue
            if w > 1:
                brk, brk_col = k, col
            if col + w > width and col > 0:
                if brk > firsts[-1]:
                    firsts.append(brk)
                    col -= brk_col
                else:
                    firsts.append(k)
                    col = 0
                brk = -1
            col += w
            if w > 1:
                brk, brk_col = k + 1, col
        firsts.append(len(kinds))
        return firsts

    # -- lines ------------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self.line_first) - 1

    def line_span(self, line: int) -> tuple[int, int]:
        """The code-point range of a line (its line end included)."""
        return self.starts[self.line_first[line]], self.starts[self.line_first[line + 1]]

    def line_clusters(self, line: int) -> range:
        return range(self.line_first[line], self.line_first[line + 1])

    def cluster(self, k: int) -> Cluster:
        return Cluster(
            self.starts[k], self.starts[k + 1], self.shown[k], self.cells[k], self.kinds[k]
        )

    # -- offsets <-> (line, column) -----------------------------------------------------------

    def cluster_of(self, offset: int) -> int:
        """The cluster holding code point `offset` (the last one for `len(text)`)."""
        return max(0, min(bisect_right(self.starts, offset) - 1, len(self.kinds) - 1))

    def line_of(self, offset: int) -> int:
        return max(0, bisect_right(self.line_offsets, offset) - 1)

    def locate(self, offset: int) -> tuple[int, int]:
        """(line, first cell column) where the cluster holding `offset` is drawn."""
        line = self.line_of(offset)
        if not self.kinds:
            return 0, 0
        k = self.cluster_of(offset)
        first = self.line_first[line]
        return line, sum(self.cells[first:k])

    def offset_at(self, line: int, column: int) -> int:
        """The start of the cluster drawn at (`line`, `column`), or the line's last cluster."""
        line = max(0, min(line, self.line_count - 1))
        clusters = self.line_clusters(line)
        if not clusters:
            return self.end
        col = 0
        for k in clusters:
            col += self.cells[k]
            if column < col:
                return self.starts[k]
        last = clusters[-1]
        if self.kinds[last] == BREAK and len(clusters) > 1:
            last -= 1
        return self.starts[last]

    def columns(self, line: int) -> list[tuple[int, int, int]]:
        """(start offset, end offset, first column) of each cluster on a line."""
        out = []
        col = 0
        for k in self.line_clusters(line):
            out.append((self.starts[k], self.starts[k + 1], col))
            col += self.cells[k]
        return out


def shown_text(wrapped: Wrapped, start: int, end: int) -> str:
    """The original code points of the clusters drawn for `[start, end)` (whole clusters)."""
    if start >= end:
        return ""
    first = wrapped.cluster_of(start)
    last = wrapped.cluster_of(end - 1)
    return wrapped.text[wrapped.starts[first] : wrapped.starts[last + 1]]


def snap(bounds: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Widen `[start, end)` to whole clusters, given `grapheme_bounds`."""
    lo = bounds[max(0, bisect_right(bounds, start) - 1)]
    hi_index = bisect_right(bounds, end - 1) if end > start else bisect_right(bounds, start)
    hi = bounds[min(hi_index, len(bounds) - 1)]
    return lo, max(hi, lo)
