"""The marks of one item: the cursor, the open interval, the marks, selection and undo.

This is the whole editing logic of an `audio_marks` task, free of any UI, so every key can be
tested as a method call. Times are seconds; every mark is rounded to the millisecond when it is
made, so what the status line shows is exactly what is saved (FORMAT section 3).

A loaded value is never repaired behind the annotator's back: entries that cannot be marks of
this audio (not `{start, end, label}`, times that are negative, reversed, not finite, or past
the end of the audio or `MAX_SECONDS`) are held aside as they are, returned by `value` so that
they cannot be saved unnoticed (the session refuses them), and dropped only by `drop_held`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from labeltui.core.answer_check import END_SLACK, MAX_SECONDS

#: Cursor steps: a 1-2-5 series from 1 ms to 10 minutes.
NICE_STEPS: tuple[float, ...] = (
    *(round(m * 10**e, 3) for e in range(-3, 3) for m in (1, 2, 5)),
    600.0,
)


def ms(t: float) -> float:
    """`t` rounded to the millisecond (and never -0.0)."""
    return round(t, 3) + 0.0


def nice_step(seconds: float) -> float:
    """The smallest step of `NICE_STEPS` that is at least `seconds`."""
    for step in NICE_STEPS:
        if step >= seconds - 1e-9:
            return step
    return NICE_STEPS[-1]


@dataclass(frozen=True, slots=True, order=True)
class Mark:
    """A labelled interval, or a point when `end == start`."""

    start: float
    end: float
    label: str

    @property
    def is_point(self) -> bool:
        return self.end == self.start

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}


@dataclass(slots=True)
class _State:
    marks: tuple[Mark, ...]
    selected: int | None
    open_start: float | None
    open_end: float | None
    held: tuple[Any, ...] = ()


@dataclass(slots=True)
class MarksModel:
    """Edits one item's marks; `value()` is what the annotation file stores."""

    duration: float = 0.0
    cursor: float = 0.0
    marks: list[Mark] = field(default_factory=list)
    selected: int | None = None
    open_start: float | None = None
    """`[` was pressed here; a label key (or `]` then a label key) closes the interval."""
    open_end: float | None = None
    held: list[Any] = field(default_factory=list)
    """Loaded entries that cannot be marks of this audio, kept as they are until dropped."""
    _undo: list[_State] = field(default_factory=list)

    # -- loading and saving ------------------------------------------------------------------

    def set_value(
        self, value: Any, duration: float | None = None, end_limit: float | None = None
    ) -> list[str]:
        """Load a stored value (or a pre-annotation); return a note per entry held aside.

        Times are rounded to ms; marks ending after `end_limit` (the audio's length, when
        known) are held; the undo stack starts empty.
        """
        if duration is not None:
            self.duration = max(0.0, float(duration))
        self.cursor, self.selected, self.open_start, self.open_end = 0.0, None, None, None
        self._undo.clear()
        self.marks, self.held, notes = [], [], []
        limit = MAX_SECONDS if end_limit is None else min(MAX_SECONDS, end_limit + END_SLACK)
        entries = value if isinstance(value, list) else [] if value is None else [value]
        for i, entry in enumerate(entries):
            mark = _parse(entry, limit)
            if mark is None:
                self.held.append(entry)
                notes.append(f"mark {i + 1} cannot be shown: {entry!r}"[:200])
            elif mark not in self.marks:
                self.marks.append(mark)
        self.marks.sort()
        return notes

    def value(self) -> list[Any]:
        """The FORMAT section 3 value: `{start, end, label}` sorted by start, ms-rounded (and,
        after them, any held entries as they were loaded)."""
        return [*(m.as_json() for m in sorted(self.marks)), *self.held]

    def drop_held(self) -> int:
        """Drop the entries held aside (an edit: undo brings them back); return how many."""
        n = len(self.held)
        if n:
            self._push()
            self.held = []
        return n

    # -- the cursor --------------------------------------------------------------------------

    def move_to(self, t: float) -> None:
        """Put the cursor at `t` (clamped to the audio, rounded to ms)."""
        self.cursor = ms(min(max(t, 0.0), self.duration))

    def move_by(self, seconds: float) -> None:
        self.move_to(self.cursor + seconds)

    # -- editing -----------------------------------------------------------------------------

    def open_interval(self) -> None:
        """`[`: an interval starts at the cursor (a second `[` moves the start)."""
        self._push()
        self.open_start, self.open_end = self.cursor, None

    def close_interval(self) -> str | None:
        """`]`: the open interval ends at the cursor; return a message when nothing is open."""
        if self.open_start is None:
            return "no open interval: press [ at its start first"
        self._push()
        self.open_end = self.cursor
        return None

    def open_span(self) -> tuple[float, float] | None:
        """The open interval as (start, end), its end at the cursor until `]` sets one."""
        if self.open_start is None:
            return None
        end = self.cursor if self.open_end is None else self.open_end
        return (min(self.open_start, end), max(self.open_start, end))

    def add_label(self, label: str) -> Mark:
        """A label key: label the open interval, or drop a point mark at the cursor."""
        span = self.open_span()
        start, end = span if span is not None else (self.cursor, self.cursor)
        mark = Mark(ms(start), ms(end), label)
        self._push()
        self.open_start = self.open_end = None
        if mark not in self.marks:
            self.marks.append(mark)
            self.marks.sort()
        self.selected = self.marks.index(mark)
        return mark

    def cancel_open(self) -> bool:
        if self.open_start is None:
            return False
        self._push()
        self.open_start = self.open_end = None
        return True

    def select_next(self) -> Mark | None:
        """`tab`: the next mark (after the selected one, else the first at or after the
        cursor), wrapping around; the cursor moves to its start."""
        if not self.marks:
            return None
        if self.selected is not None:
            i = (self.selected + 1) % len(self.marks)
        else:
            later = [i for i, m in enumerate(self.marks) if m.start >= self.cursor]
            i = later[0] if later else 0
        self.selected = i
        self.cursor = self.marks[i].start
        return self.marks[i]

    def delete_selected(self) -> Mark | None:
        """`delete`: remove the selected mark; the next one (or the previous) is selected."""
        if self.selected is None or not 0 <= self.selected < len(self.marks):
            return None
        self._push()
        gone = self.marks.pop(self.selected)
        self.selected = min(self.selected, len(self.marks) - 1) if self.marks else None
        return gone

    @property
    def selected_mark(self) -> Mark | None:
        if self.selected is None or not 0 <= self.selected < len(self.marks):
            return None
        return self.marks[self.selected]

    # -- moving a mark's edges ---------------------------------------------------------------

    def edge_target(self) -> Mark | None:
        """The mark the edge keys move: the selected one, else the one under the cursor (the
        shortest when several are), which then becomes the selected one."""
        if self.selected_mark is None:
            under = [i for i, m in enumerate(self.marks) if m.start <= self.cursor <= m.end]
            if not under:
                return None
            self.selected = min(under, key=lambda i: self.marks[i].end - self.marks[i].start)
        return self.selected_mark

    def move_edge(self, edge: str, seconds: float) -> str | None:
        """Move the target mark's `start` or `end` by `seconds`; return why not, or None.

        Rules (the README's "Audio marks" section): times are rounded to the millisecond and
        clamped to the audio; an interval's edge stops 1 ms short of its other edge, so an
        interval stays an interval (a move past it stops there); a point has one time, and
        either edge key moves the whole point. The cursor goes to the moved edge, the mark
        stays selected, and `undo` takes the move back.
        """
        mark = self.edge_target()
        if mark is None:
            return "no mark here: tab selects one"
        time = mark.start if edge == "start" else mark.end
        return self._set_edge(mark, edge, time + seconds)

    def snap_edge(self) -> str | None:
        """Move the target mark's edge nearer the cursor (its start on a tie) to the cursor;
        a point moves to the cursor. Return why not, or None."""
        mark = self.edge_target()
        if mark is None:
            return "no mark here: tab selects one"
        edge = "start" if abs(self.cursor - mark.start) <= abs(self.cursor - mark.end) else "end"
        return self._set_edge(mark, edge, self.cursor)

    def _set_edge(self, mark: Mark, edge: str, t: float) -> str | None:
        if mark.is_point:
            point = ms(min(max(t, 0.0), self.duration))
            new = Mark(point, point, mark.label)
        elif edge == "start":
            new = Mark(ms(min(max(t, 0.0), mark.end - 0.001)), mark.end, mark.label)
        else:
            new = Mark(mark.start, ms(min(max(t, mark.start + 0.001), self.duration)), mark.label)
        if new == mark:
            return _why_not(mark, edge, t)
        if new in self.marks:
            return f"the same {mark.label} mark is already there"
        self._push()
        self.marks[self.marks.index(mark)] = new
        self.marks.sort()
        self.selected = self.marks.index(new)
        self.cursor = new.start if edge == "start" else new.end
        return None

    # -- undo --------------------------------------------------------------------------------

    def undo(self) -> bool:
        """Undo the last edit (mark, delete, edge move, `[` or `]`); cursor moves are not edits."""
        if not self._undo:
            return False
        state = self._undo.pop()
        self.marks = list(state.marks)
        self.held = list(state.held)
        self.selected, self.open_start, self.open_end = (
            state.selected,
            state.open_start,
            state.open_end,
        )
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def _push(self) -> None:
        self._undo.append(
            _State(
                tuple(self.marks), self.selected, self.open_start, self.open_end, tuple(self.held)
            )
        )


def _why_not(mark: Mark, edge: str, t: float) -> str:
    """Why a move left `mark` as it was: already there, at the audio's end, or at the other
    edge (an interval keeps at least a millisecond)."""
    now = mark.start if edge == "start" else mark.end
    what = "point" if mark.is_point else edge
    if abs(t - now) < 0.0005:
        return f"the {what} is already there"
    if mark.is_point or (edge == "start") == (t < now):
        return f"the {what} is already at the {'start' if t < now else 'end'} of the audio"
    other = "end" if edge == "start" else "start"
    return f"the {edge} stops 1 ms from the {other} (an interval stays an interval)"


def _parse(entry: Any, limit: float = MAX_SECONDS) -> Mark | None:
    """A mark from a stored entry, or None when it is not one (see the module docstring)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
        return None
    start, end = entry.get("start"), entry.get("end", entry.get("start"))
    if not all(_is_time(t) for t in (start, end)):
        return None
    start, end = ms(float(start)), ms(float(end))  # type: ignore[arg-type]  # _is_time checked both
    if end < start or end > limit:
        return None
    return Mark(start, end, entry["label"])


def _is_time(t: Any) -> bool:
    return isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t) and t >= 0
