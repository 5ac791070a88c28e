"""The span editor's state machine: a token cursor, a selection, the spans, and undo.

Pure and UI-free, so that every rule is unit-tested without a terminal. The cursor moves over
*units* (`core.tokens.make_units`: tokens made whole grapheme clusters). Every span the
operations create starts and ends on unit boundaries, hence on token and cluster boundaries;
pre-annotated spans keep their offsets exactly, whatever they are.

A text longer than `core.span_window.WINDOWED_FROM` is tokenized a window at a time: `units`
(and the `cursor` and `anchor`, indices into them) cover `window`, the chunks around the cursor
and the anchor, and the window moves with the cursor (`home` and `end` jump to the text's
ends). Spans are always the whole text's, with offsets into the whole text.

Values are FORMAT section 3 spans: `{"start", "end", "label", "text"}` sorted by start, Python
`str` offsets, `end` exclusive, `text == item_text[start:end]`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any, NamedTuple

from labeltui.core.offsets import Wrapped, grapheme_bounds
from labeltui.core.span_window import WINDOWED_FROM, Chunks, Window, whole, window_around
from labeltui.core.tokens import has_token, make_units, split_units, units_in

__all__ = ["Span", "SpanEdit", "make_units", "parse_spans", "split_entries", "split_units"]

UNDO_DEPTH = 200


class Span(NamedTuple):
    """A labelled code-point range, `end` exclusive."""

    start: int
    end: int
    label: str


def parse_spans(value: Any, text: str) -> tuple[list[Span], int]:
    """Spans from a stored value, and how many entries were unusable (see `split_entries`)."""
    spans, held = split_entries(value, text)
    return spans, len(held)


def split_entries(value: Any, text: str) -> tuple[list[Span], list[Any]]:
    """The spans a stored value holds, and the entries that cannot be spans of `text`.

    Offsets are kept exactly as stored (the stored `text` is recomputed on save). An entry is
    unusable when it is not an object with integer `start < end` inside the text and a
    non-empty string `label`, when its stored `text` is not the text at its offsets (offsets
    counted another way, e.g. in UTF-16 units), or when it repeats an earlier span; a value
    that is not a list is one unusable entry. The editor keeps the unusable entries aside,
    flagged, so that they are never saved as they are and never dropped unseen.
    """
    if value is None:
        return [], []
    if not isinstance(value, list):
        return [], [value]
    spans: set[Span] = set()
    held: list[Any] = []
    for entry in value:
        if not isinstance(entry, dict):
            held.append(entry)
            continue
        start, end, label = entry.get("start"), entry.get("end"), entry.get("label")
        if (
            type(start) is int
            and type(end) is int
            and 0 <= start < end <= len(text)
            and isinstance(label, str)
            and label
            and Span(start, end, label) not in spans
            and entry.get("text", text[start:end]) == text[start:end]
        ):
            spans.add(Span(start, end, label))
        else:
            held.append(entry)
    return sorted(spans), held


def _length(span: Span) -> int:
    return span.end - span.start


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class SpanEdit:
    """Edit the spans of one text. Operations return True when they changed something, and
    leave a reason in `message` when they refused."""

    def __init__(
        self,
        text: str,
        spans: Iterable[Span] = (),
        *,
        tokenizer: str = "words",
        allow_overlap: bool = False,
    ) -> None:
        self.text = text
        self.tokenizer = tokenizer
        self.allow_overlap = allow_overlap
        self.spans: list[Span] = sorted(set(spans))
        self.chunks = Chunks(text) if len(text) > WINDOWED_FROM else None
        """The chunks of a huge text (None: the text is tokenized whole)."""
        self.window = whole(text)
        self.units: list[tuple[int, int]] = []
        self.unit_starts: list[int] = []
        self.unit_ends: list[int] = []
        self.cursor: int | None = None
        self.anchor: int | None = None
        self._load(self._window_at(0) if self.chunks else self.window)
        self.cursor = 0 if self.units else None
        self.message = ""
        self._held: Span | None = None  # the span whose boundaries were just moved
        self._undo: list[tuple[list[Span], int | None]] = []
        """Each change: the spans before it and the cursor's offset then."""

    # -- the window (huge texts) --------------------------------------------------------------

    def _has_stop(self, start: int, end: int) -> bool:
        return has_token(self.text, self.tokenizer, start, end)

    def _window_at(self, lo: int, hi: int | None = None) -> Window:
        assert self.chunks is not None
        return window_around(self.chunks, lo, lo if hi is None else hi, self._has_stop)

    def _load(self, window: Window) -> None:
        """Tokenize `window`, keeping the cursor and the anchor on the same text."""
        keep = [None if i is None else self.units[i][0] for i in (self.cursor, self.anchor)]
        self.window = window
        bounds = grapheme_bounds(self.text, window.start, window.end)
        units = units_in(self.text, self.tokenizer, bounds)
        edges = [  # a chunk edge ends a stop (a no-op unless a word had to be cut there)
            *window.breaks,
            *(
                edge
                for span in self.spans
                for edge in (span.start, span.end)
                if window.start < edge < window.end
            ),
        ]
        if edges:
            units = split_units(units, edges, bounds)
        self.units = units
        self.unit_starts = [u[0] for u in units]
        self.unit_ends = [u[1] for u in units]
        self.cursor, self.anchor = (None if at is None else self.unit_at(at) for at in keep)

    def _follow(self) -> None:
        """Move the window when the cursor (or the anchor) reached one of its edge chunks."""
        if self.chunks is None or self.cursor is None:
            return
        lo, hi = self.units[self.cursor]
        if self.anchor is not None:
            lo, hi = min(lo, self.units[self.anchor][0]), max(hi, self.units[self.anchor][1])
        want = self._window_at(lo, hi - 1)
        if want != self.window:
            self._load(want)

    def show(self, offset: int) -> None:
        """Make the window hold `offset` and the chunks around it (a huge text); a move of the
        window drops the selection."""
        if self.chunks is None:
            return
        want = self._window_at(offset)
        if self.window.start <= want.start and want.end <= self.window.end:
            return
        self.anchor = None
        self._load(want)

    @classmethod
    def from_value(
        cls, text: str, value: Any, *, tokenizer: str = "words", allow_overlap: bool = False
    ) -> tuple[SpanEdit, int]:
        """An editor on `text` with a stored value; also returns the count of unusable entries."""
        spans, bad = parse_spans(value, text)
        return cls(text, spans, tokenizer=tokenizer, allow_overlap=allow_overlap), bad

    def value(self) -> list[dict[str, Any]]:
        return [
            {"start": s.start, "end": s.end, "label": s.label, "text": self.text[s.start : s.end]}
            for s in self.spans
        ]

    # -- where the cursor is ------------------------------------------------------------------

    def cursor_range(self) -> tuple[int, int] | None:
        return None if self.cursor is None else self.units[self.cursor]

    def selection(self) -> tuple[int, int] | None:
        """The selected code-point range, from the anchor's unit to the cursor's."""
        if self.anchor is None or self.cursor is None:
            return None
        lo, hi = sorted((self.anchor, self.cursor))
        return self.units[lo][0], self.units[hi][1]

    def target(self) -> tuple[int, int] | None:
        """What a label key labels: the selection, else the token under the cursor."""
        return self.selection() or self.cursor_range()

    def spans_over(self, start: int, end: int) -> list[Span]:
        return [s for s in self.spans if s.start < end and start < s.end]

    def current_span(self) -> Span | None:
        """The span that delete and the boundary keys act on.

        The selected range when it is exactly a span; else, of the spans over the cursor's
        token, the one just edited, else the innermost (shortest).
        """
        sel = self.selection()
        if sel is not None:
            exact = [s for s in self.spans if (s.start, s.end) == sel]
            if exact:
                return exact[0]
        here = self.cursor_range()
        if here is None:
            return None
        over = self.spans_over(*here)
        if self._held in over:
            return self._held
        return min(over, key=lambda s: (s.end - s.start, s.start, s.label), default=None)

    def unit_at(self, offset: int) -> int | None:
        """The unit holding `offset`, else the nearest one after it, else the last."""
        if not self.units:
            return None
        i = bisect_right(self.unit_ends, offset)
        return min(i, len(self.units) - 1)

    # -- moving -------------------------------------------------------------------------------

    def _moved(self) -> None:
        self._held = None
        self.message = ""

    def move(self, delta: int) -> bool:
        """Move the cursor by `delta` units and drop the selection."""
        had = self.anchor is not None
        self.anchor = None
        return self.goto(self.cursor + delta if self.cursor is not None else 0) or had

    def goto(self, unit: int | None, *, keep_selection: bool = False) -> bool:
        if self.cursor is None or unit is None:
            return False
        if not keep_selection:
            self.anchor = None
        unit = max(0, min(unit, len(self.units) - 1))
        changed = unit != self.cursor
        self.cursor = unit
        self._moved()
        self._follow()
        return changed

    def home(self) -> bool:
        """To the first token of the text."""
        jumped = self.window.start > 0 and self.cursor is not None
        if jumped:
            self.show(0)
            self.cursor = 0
        return self.move(-(self.cursor or 0)) or jumped

    def end(self) -> bool:
        """To the last token of the text."""
        jumped = self.window.end < len(self.text) and self.cursor is not None
        if jumped:
            self.show(len(self.text) - 1)
            self.cursor = len(self.units) - 1
        return self.move(len(self.units)) or jumped

    def extend(self, delta: int) -> bool:
        """Grow or shrink the selection from its anchor (set at the cursor) by `delta` units."""
        if self.cursor is None:
            return False
        started = self.anchor is None
        if started:
            self.anchor = self.cursor
        return self.goto(self.cursor + delta, keep_selection=True) or started

    def select(self, anchor_unit: int, cursor_unit: int) -> bool:
        """Select from one unit to another (mouse drag)."""
        if self.cursor is None:
            return False
        before = (self.anchor, self.cursor)
        self.anchor = max(0, min(anchor_unit, len(self.units) - 1))
        self.goto(cursor_unit, keep_selection=True)
        return (self.anchor, self.cursor) != before

    def clear_selection(self) -> bool:
        had = self.anchor is not None
        self.anchor = None
        return had

    def vertical(self, wrapped: Wrapped, direction: int, column: int) -> bool:
        """Move to the nearest unit at `column` on the next visual line with one (up or down)."""
        if self.cursor is None:
            return False
        start, end = self.units[self.cursor]
        line = wrapped.line_of(start if direction < 0 else end - 1) + direction
        while 0 <= line < wrapped.line_count:
            unit = self.unit_on_line(wrapped, line, column)
            if unit is not None and unit != self.cursor:
                had = self.anchor is not None
                return self.goto(unit) or had
            line += direction
        return False

    def unit_on_line(self, wrapped: Wrapped, line: int, column: int) -> int | None:
        """The unit drawn at `column` on a visual line, else the nearest one on that line."""
        a, b = wrapped.line_span(line)
        best: tuple[int, int] | None = None
        i = bisect_right(self.unit_ends, a)
        while i < len(self.units) and self.units[i][0] < b:
            us, ue = self.units[i]
            c0 = wrapped.locate(max(us, a))[1]
            last = wrapped.cluster_of(min(ue, b) - 1)
            c1 = wrapped.locate(wrapped.starts[last])[1] + wrapped.cells[last]
            dist = 0 if c0 <= column < c1 else min(abs(column - c0), abs(column - c1 + 1))
            if best is None or dist < best[0]:
                best = (dist, i)
            i += 1
        return None if best is None else best[1]

    # -- editing ------------------------------------------------------------------------------

    def _push(self) -> None:
        here = self.cursor_range()
        self._undo.append((list(self.spans), None if here is None else here[0]))
        del self._undo[:-UNDO_DEPTH]

    def _set(self, spans: Iterable[Span]) -> None:
        self.spans = sorted(set(spans))

    def _refuse(self, why: str) -> bool:
        self.message = why
        return False

    def _describe(self, span: Span) -> str:
        return f"{span.label} {self.text[span.start : span.end]!r}"

    def label(self, name: str) -> bool:
        """Label the selection (or the token under the cursor) `name`.

        Without a selection, on a token already inside a span: the same label removes that
        span, another label relabels it (with overlap allowed, the other label adds a span on
        the token). With a selection exactly over a span, another label relabels it.
        Overlapping a span is refused unless the task allows overlap.
        """
        self.message = ""
        rng = self.target()
        if rng is None:
            return self._refuse("There is no token to label.")
        if self.selection() is None:
            over = self.spans_over(*rng)
            same = [s for s in over if s.label == name]
            if same:
                gone = (
                    self._held if self._held in same else min(same, key=lambda s: s.end - s.start)
                )
                self._push()
                self._set(s for s in self.spans if s != gone)
                self.message = f"Removed {self._describe(gone)}."
                return True
            if over and not self.allow_overlap:
                old = self.current_span() or over[0]
                return self._replace(old, Span(old.start, old.end, name))
        new = Span(rng[0], rng[1], name)
        if new in self.spans:
            return self._refuse(f"Already labelled {name}.")
        if not self.allow_overlap:
            clash = self.spans_over(*rng)
            if len(clash) == 1 and (clash[0].start, clash[0].end) == rng:
                return self._replace(clash[0], new)
            if clash:
                return self._refuse(
                    f"Overlaps {self._describe(clash[0])}; this task does not allow overlap."
                )
        self._push()
        self._set([*self.spans, new])
        self._held = new
        self.anchor = None
        return True

    def _replace(self, old: Span, new: Span) -> bool:
        self._push()
        self._set([*(s for s in self.spans if s != old), new])
        self._held = new
        self.anchor = None
        return True

    def remove(self) -> bool:
        """Remove the span under the cursor (see `current_span`)."""
        span = self.current_span()
        if span is None:
            return self._refuse("No span under the cursor.")
        self._push()
        self._set(s for s in self.spans if s != span)
        self.anchor = None
        self._held = None
        self.message = f"Removed {self._describe(span)}."
        return True

    def move_boundary(self, edge: str, delta: int) -> bool:
        """Move the `start` or `end` of the current span one unit left (-1) or right (+1).

        The cursor follows the moved boundary so that the same span stays current.
        """
        self.message = ""
        span = self.current_span()
        if span is None:
            return self._refuse("No span under the cursor.")
        here = self.units[self.cursor or 0][0]
        self.show(span.start if edge == "start" else span.end - 1)  # a long span, a huge text
        if self._move_boundary(span, edge, delta):
            return True
        self.show(here)  # refused: the cursor stays where it was
        self.cursor = self.unit_at(here)
        return False

    def _move_boundary(self, span: Span, edge: str, delta: int) -> bool:
        start, end = span.start, span.end
        if edge == "start":
            stops = self.unit_starts
            i = bisect_left(stops, start) - 1 if delta < 0 else bisect_right(stops, start)
            if not 0 <= i < len(stops):
                return self._refuse("The span already starts at the first token.")
            start = stops[i]
            if start >= end:
                return self._refuse("The span cannot be empty; delete it with backspace.")
        else:
            stops = self.unit_ends
            i = bisect_left(stops, end) - 1 if delta < 0 else bisect_right(stops, end)
            if not 0 <= i < len(stops):
                return self._refuse("The span already ends at the last token.")
            end = stops[i]
            if end <= start:
                return self._refuse("The span cannot be empty; delete it with backspace.")
        new = Span(start, end, span.label)
        if new in self.spans:
            return self._refuse(f"That would duplicate {self._describe(new)}.")
        if not self.allow_overlap:
            others = [s for s in self.spans if s != span]
            before = {s for s in others if _overlaps(s[:2], span[:2])}
            clash = [s for s in others if _overlaps(s[:2], new[:2]) and s not in before]
            if clash:
                return self._refuse(
                    f"Would overlap {self._describe(clash[0])}; this task does not allow overlap."
                )
        self._replace(span, new)
        self.cursor = self.unit_at(start if edge == "start" else end - 1)
        self._follow()
        return True

    def undo(self) -> bool:
        """Undo the last change to the spans (cursor moves are not undone)."""
        if not self._undo:
            return False
        spans, at = self._undo.pop()
        self.spans = spans
        self.anchor = None
        self._held = None
        if at is not None and self.cursor is not None:
            self.show(at)
            self.cursor = self.unit_at(at)
            self._follow()
        self.message = ""
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)
