"""Drawing a waveform as text: the view, braille or block rows, the time ruler, the mark lanes.

Pure functions from numbers to strings, so the drawing is tested without a terminal; the editor
widget only adds colour. A braille cell is 2 dots wide and 4 high, so a row of `w` cells shows
`2w` columns of the envelope; block cells show `w` columns at 2 half-cells per row, for fonts
without braille.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from labeltui.core.audio.marks import Mark, nice_step

#: Braille dot bits by (dot row 0-3, dot column 0-1), Unicode order.
_BRAILLE_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], np.int64)
_HALF_BLOCKS = (" ", "▄", "▀", "█")  # index: top filled * 2 + bottom filled
POINT = "▲"


@dataclass(frozen=True, slots=True)
class View:
    """The visible time range: `span` seconds from `start`."""

    start: float
    span: float

    @property
    def end(self) -> float:
        return self.start + self.span

    def col(self, t: float, width: int) -> int:
        """The screen column of time `t` (may be outside 0..width-1, but never by more than a
        screen's worth either way, so a huge or infinite time cannot overflow)."""
        x = (t - self.start) / self.span * width + 1e-9 if self.span else 0.0
        if x != x:  # NaN
            return -1
        return int(np.floor(min(max(x, -width - 1.0), 2.0 * width + 1)))

    def time_at(self, col: int, width: int) -> float:
        return self.start + col * self.span / width

    def clamp(self, duration: float) -> View:
        span = min(max(self.span, 1e-3), max(duration, 1e-3))
        start = min(max(self.start, 0.0), max(0.0, duration - span))
        return View(start, span)

    def zoom(self, factor: float, cursor: float, duration: float, min_span: float) -> View:
        """Zoom by `factor` (2 = in) keeping the cursor at the same place on screen."""
        span = min(max(self.span / factor, min_span), max(duration, min_span))
        frac = (cursor - self.start) / self.span if self.span else 0.5
        frac = min(max(frac, 0.0), 1.0)
        return View(cursor - frac * span, span).clamp(max(duration, span))

    def follow(self, cursor: float, duration: float, margin: float = 0.1) -> View:
        """Scroll as little as possible so the cursor stays visible, `margin` from the edge."""
        lo, hi = self.start + self.span * margin, self.end - self.span * margin
        if self.start <= cursor < self.end and (lo <= cursor <= hi or self.span >= duration):
            return self
        if cursor < lo:
            start = cursor - self.span * margin
        else:
            start = cursor - self.span * (1 - margin)
        return View(start, self.span).clamp(duration)


def steps(view: View, width: int) -> tuple[float, float]:
    """(small, large) cursor steps: about a screen column, and ten of them."""
    small = nice_step(view.span / max(width, 1))
    return small, nice_step(small * 10)


def format_time(t: float, decimals: int = 3) -> str:
    """`1:02.345`, or `1:02:03.456` past an hour (`∞` for a time that is not finite)."""
    if not np.isfinite(t):
        return "∞" if t > 0 else "?"
    if t >= 1e12:  # no recording is this long: say the number rather than overflow
        return f"{t:.3g}s"
    t = max(0.0, t)
    scale = 10**decimals
    units = round(t * scale)
    whole, frac = divmod(units, scale)
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    return f"{text}.{frac:0{decimals}d}" if decimals else text


def braille_rows(mins: np.ndarray, maxs: np.ndarray, height: int, scale: float = 1.0) -> list[str]:
    """Rows of braille for `2 * width` envelope columns (NaN columns stay blank).

    Amplitudes are divided by `scale` (the file's peak, so quiet files fill the height); +1 is
    the top dot row, -1 the bottom one, and silence draws a single line in the middle.
    """
    dots_h = 4 * height
    width = (len(mins) + 1) // 2
    top, bot, present = _dot_rows(mins, maxs, dots_h, scale, 2 * width)
    rows = np.arange(dots_h)[:, None]
    filled = (rows >= top) & (rows <= bot) & present  # (dots_h, 2 * width)
    cells = filled.reshape(height, 4, width, 2)
    codes = np.einsum("hrwc,rc->hw", cells.astype(np.int64), _BRAILLE_BITS)
    return ["".join(map(chr, 0x2800 + line)) for line in codes]


def block_rows(mins: np.ndarray, maxs: np.ndarray, height: int, scale: float = 1.0) -> list[str]:
    """Rows of half-block characters for `width` envelope columns."""
    halves = 2 * height
    width = len(mins)
    top, bot, present = _dot_rows(mins, maxs, halves, scale, width)
    rows = np.arange(halves)[:, None]
    filled = ((rows >= top) & (rows <= bot) & present).reshape(height, 2, width)
    index = filled[:, 0, :] * 2 + filled[:, 1, :]
    return ["".join(_HALF_BLOCKS[i] for i in line) for line in index]


def _dot_rows(
    mins: np.ndarray, maxs: np.ndarray, n_rows: int, scale: float, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each column the first and last filled dot row (0 = top), and whether it has data."""
    lo = np.full(width, np.nan)
    hi = np.full(width, np.nan)
    lo[: len(mins)] = mins
    hi[: len(maxs)] = maxs
    present = ~(np.isnan(lo) | np.isnan(hi))
    scale = scale if scale > 0 else 1.0
    lo = np.clip(np.nan_to_num(lo) / scale, -1.0, 1.0)
    hi = np.clip(np.nan_to_num(hi) / scale, -1.0, 1.0)
    top = np.clip(np.floor((1.0 - hi) / 2.0 * n_rows), 0, n_rows - 1)
    bot = np.clip(np.floor((1.0 - lo) / 2.0 * n_rows), 0, n_rows - 1)
    return top[None, :], np.maximum(bot, top)[None, :], present[None, :]


def ruler(view: View, width: int, min_gap: int = 10) -> str:
    """A time ruler: `╵0:01` at ticks of a round interval, at least `min_gap` columns apart."""
    step = nice_step(view.span / max(width, 1) * min_gap)
    decimals = 0 if step >= 1 else 1 if step >= 0.1 else 2 if step >= 0.01 else 3
    line = [" "] * width
    k = int(np.ceil(view.start / step - 1e-9))
    while True:
        t = k * step
        col = view.col(t, width)
        if col >= width:
            break
        label = "╵" + format_time(t, decimals)
        if col >= 0 and all(c == " " for c in line[col : col + len(label) + 1]):
            for i, ch in enumerate(label[: width - col]):
                line[col + i] = ch
        k += 1
    return "".join(line)


@dataclass(frozen=True, slots=True)
class Piece:
    """Text for one mark in a lane, starting at column `col`; `mark` indexes the marks list."""

    col: int
    text: str
    mark: int


def mark_pieces(mark: Mark, index: int, view: View, width: int) -> Piece | None:
    """How one mark reads in a lane: `[name───]` for an interval, `▲name` for a point.

    An interval cut by the edge of the view loses its bracket on that side (`‹`/`›` instead),
    so a reader can tell a mark's true ends from the screen's.
    """
    c0, c1 = view.col(mark.start, width), view.col(mark.end, width)
    if c1 == width and mark.end <= view.end + 5e-4:  # ends at the view's end (to the ms)
        c1 = width - 1
    if c1 < 0 or c0 >= width or (mark.is_point and c0 < 0):
        return None
    if mark.is_point:
        return Piece(c0, (POINT + mark.label)[: width - c0], index)
    left = "[" if c0 >= 0 else "‹"
    right = "]" if c1 < width else "›"
    a, b = max(c0, 0), min(c1, width - 1)
    inner = max(0, b - a - 1)
    if len(mark.label) <= inner or inner == 0:
        name = mark.label[:inner]
    else:  # cut, and say so: the list under the waveform has the whole name
        name = mark.label[: inner - 1] + "…"
    body = left + name + "─" * (inner - len(name)) + (right if b > a else "")
    if inner == 0:  # too narrow for the name inside: write it after the bracket(s)
        body += mark.label
    return Piece(a, body[: width - a], index)


def mark_lanes(marks: Sequence[Mark], view: View, width: int, lanes: int = 2) -> list[list[Piece]]:
    """The marks in the view laid out in `lanes` text lanes, avoiding overlap where it can
    (when every lane is taken, the last lane is drawn over)."""
    out: list[list[Piece]] = [[] for _ in range(max(1, lanes))]
    free_from = [0] * len(out)
    for i, mark in enumerate(marks):
        piece = mark_pieces(mark, i, view, width)
        if piece is None:
            continue
        lane = next((k for k, col in enumerate(free_from) if piece.col >= col), len(out) - 1)
        out[lane].append(piece)
        free_from[lane] = piece.col + len(piece.text) + 1
    return out


def lane_text(pieces: Sequence[Piece], width: int) -> str:
    """One lane as plain text (later pieces overwrite earlier ones)."""
    line = [" "] * width
    for piece in pieces:
        for i, ch in enumerate(piece.text):
            if 0 <= piece.col + i < width:
                line[piece.col + i] = ch
    return "".join(line)


def column_owners(marks: Sequence[Mark], view: View, width: int) -> list[int | None]:
    """For each column, the index of the (last) interval mark covering it, for tinting."""
    owners: list[int | None] = [None] * width
    for i, mark in enumerate(marks):
        if mark.is_point:
            continue
        c0 = max(view.col(mark.start, width), 0)
        c1 = min(view.col(mark.end, width), width - 1)
        for c in range(c0, c1 + 1):
            owners[c] = i
    return owners
