"""What `stats` reads beyond what `agree` needs, only when it asks (`ReadOptions(stats=True)`).

`agree` keeps five things per line (read.py). `stats` also wants, per line, the time on screen
(`_ms`, a float column, NaN when absent or not a number of milliseconds >= 0) and, per
annotator, the first and last `_ts`; and it reads lines `agree` refuses or leaves out:

- a dataset line (no `_annotator`) with a `labels` object is a pre-annotation of the
  pseudo-annotator "<file stem> (pre-annotations)", its item the line's item id (FORMAT
  section 1); a dataset line without labels is no record;
- a review (gold) line counts for its own annotator, "<reviewer> (gold)";
- an annotation line without `_id` is joined by its item id, as a dataset line.

The fast path stays the fast path: `_ms` is one NumPy conversion per block, and `_ts` in the
form labeltui writes (`2026-11-23T10:15:02.123Z`, checked byte by byte with NumPy) is compared
as text, so only a block's first and last times are parsed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

from labeltui.core.ids import BadId, item_id
from labeltui.core.jsonl import (
    GOLD_SUFFIX,
    BadLine,
    is_review_line,
    line_done,
    parse_line,
    status_problem,
    type_name,
)

PRE_SUFFIX = " (pre-annotations)"
"""A file's dataset lines with labels count for the pseudo-annotator "<stem> (pre-annotations)"."""


class LineError(Exception):
    """A bad line; the reader adds the file (and the line number here to the piece's)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What to read: `stats` adds the columns and line kinds of the module docstring."""

    stats: bool = False
    text_field: str = "text"
    audio_field: str = "audio"
    """The schema's fields, for the item id of a line without `_id`."""
    noun: str = "annotation file"
    """What a file is called in messages ("is a folder, not a ...")."""


@dataclass(slots=True)
class TimeSpan:
    """An annotator's first and last `_ts` (as times, and as written)."""

    first: tuple[datetime, str]
    last: tuple[datetime, str]

    def add(self, when: datetime, text: str) -> None:
        """A time read after the others: the earliest first one and the latest last one win."""
        if when < self.first[0]:
            self.first = (when, text)
        if when >= self.last[0]:
            self.last = (when, text)

    def merge(self, later: TimeSpan) -> None:
        """The times of a later part of the files (the same as adding them one by one)."""
        self.add(*later.first)
        self.add(*later.last)


def add_time(spans: dict[Any, TimeSpan], key: Any, when: datetime, text: str) -> None:
    span = spans.get(key)
    if span is None:
        spans[key] = TimeSpan((when, text), (when, text))
    else:
        span.add(when, text)


def merge_times(spans: dict[Any, TimeSpan], later: dict[Any, TimeSpan]) -> None:
    for key, span in later.items():
        mine = spans.get(key)
        if mine is None:
            spans[key] = TimeSpan(span.first, span.last)
        else:
            mine.merge(span)


def parse_ts(text: str) -> datetime | None:
    """An ISO 8601 time (a trailing Z allowed; no zone means UTC), or None."""
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when


_FORM = b"0000-00-00T00:00:00.000Z"
"""The form labeltui writes `_ts` in: texts of this form sort as their times do."""
_DIGIT = np.frombuffer(_FORM, dtype=np.uint8) == ord("0")
_FIXED = np.frombuffer(_FORM, dtype=np.uint8)[~_DIGIT]


def block_times(ann: np.ndarray, ts: list[Any], single: bool) -> dict[int, TimeSpan]:
    """The first and last `_ts` per annotator code of a block (`single`: one annotator)."""
    spans: dict[int, TimeSpan] = {}
    n = len(ts)
    if single and n and set(map(type, ts)) == {str}:
        joined = "".join(ts)
        raw = joined.encode("utf-8", "surrogatepass")
        if len(raw) == n * len(_FORM):
            rows = np.frombuffer(raw, dtype=np.uint8).reshape(n, len(_FORM))
            digits = rows[:, _DIGIT]
            if (
                bool((rows[:, ~_DIGIT] == _FIXED).all())
                and bool((digits >= ord("0")).all())
                and bool((digits <= ord("9")).all())
            ):
                low, high = min(ts), max(ts)
                first, last = parse_ts(low), parse_ts(high)
                if first is not None and last is not None:
                    spans[int(ann[0])] = TimeSpan((first, low), (last, high))
                    return spans
    for code, text in zip(ann.tolist(), ts, strict=True):
        if type(text) is str:
            when = parse_ts(text)
            if when is not None:
                add_time(spans, code, when, text)
    return spans


_NUMBER = (int, float)


def ms_value(value: Any) -> float:
    """`_ms` as a float, NaN unless it is a finite number >= 0 (a bool is no number)."""
    if type(value) not in _NUMBER:
        return math.nan
    try:
        ms = float(value)
    except OverflowError:  # an integer past the floats
        return math.nan
    return ms if math.isfinite(ms) and ms >= 0 else math.nan


def ms_column(values: list[Any]) -> np.ndarray:
    """The `_ms` of a block's lines as floats (NaN: none)."""
    if set(map(type, values)) <= {int, float}:
        try:
            column = np.array(values, dtype=np.float64)
        except OverflowError:
            pass
        else:
            column[~(np.isfinite(column) & (column >= 0))] = np.nan
            return column
    return np.fromiter(map(ms_value, values), dtype=np.float64, count=len(values))


@dataclass(slots=True)
class StatsLine:
    """One record as `stats` reads it."""

    who: str
    ident: str
    done: bool
    labels: dict[str, Any]
    ms: float = math.nan
    ts: str | None = None
    gold: bool = False
    pre: bool = False


def stats_line(
    obj: Any, raw: bytes, number: int, pseudo: str, options: ReadOptions
) -> StatsLine | None:
    """A line as `stats` reads it (None: a dataset line without labels, no record)."""
    if type(obj) is not dict:
        raise LineError(f"expected a JSON object, found {type_name(obj)}", number)
    name = obj.get("_annotator")
    labels = obj.get("labels")
    if labels is not None and type(labels) is not dict:
        raise LineError("'labels' must be an object of task names to values", number)
    if name is None:  # a dataset line: a pre-annotation when it has labels
        if labels is None:
            return None
        return StatsLine(pseudo, _item_id(obj, raw, number, options), True, labels, pre=True)
    if type(name) is not str or not name:
        raise LineError("'_annotator' must be a non-empty string", number)
    gold = is_review_line(obj)
    if gold:
        name += GOLD_SUFFIX
    ident: Any = obj.get("_id")
    if type(ident) is not str:
        if type(ident) is int:
            ident = str(ident)
        elif ident is None:
            ident = _item_id(obj, raw, number, options)
        else:
            raise LineError("'_id' must be a string", number)
    done = line_done(obj)
    if done is None:
        raise LineError(status_problem(obj), number)
    ts = obj.get("_ts")
    return StatsLine(
        name,
        ident,
        done,
        labels if done and labels else {},
        ms_value(obj.get("_ms")),
        ts if type(ts) is str else None,
        gold,
    )


def _item_id(obj: dict[str, Any], raw: bytes, number: int, options: ReadOptions) -> str:
    if type(obj.get("id")) is float:  # orjson reads integers past 64 bits as floats
        try:
            obj = parse_line(raw.strip().removeprefix(b"\xef\xbb\xbf"), allow_nan=True)
        except BadLine as exc:  # pragma: no cover - it parsed once already
            raise LineError(exc.message, number) from None
    try:
        return item_id(obj, options.text_field, options.audio_field)
    except BadId as exc:
        raise LineError(str(exc), number) from None
