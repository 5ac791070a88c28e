"""What `stats` reads beyond what `agree` needs, only when it asks (`ReadOptions(stats=True)`).

`agree` keeps five things per line (read.py). `stats` also wants, per line, the time on screen
(`_ms`, a float column, NaN when absent or not a number of milliseconds >= 0) and, per
annotator, the first and last `_ts`; and it reads lines `agree` refuses or leaves out:

- a dataset line (no `_annotator`) with a `labels` object is a pre-annotation of the
  pseudo-annotator "<file stem> (pre-annotations)", its item the line's item id (FORMAT
  section 1); a dataset line without labels is no record;
- a review (gold) line counts for its own annotator, "<reviewer> (gold)";
- an annotation line without `_id` is joined by its item id, as a dataset line.

The fast path stays the fast path: `_ms` is one NumPy conversion per block, and the `_ts` of
a block are joined into one text, checked with NumPy many blocks at a time (times.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import countOf
from typing import Any

import numpy as np

from labeltui.core.agree.reading.times import block_times as block_times
from labeltui.core.annotations.line import GOLD_SUFFIX, is_review_line, line_done, status_problem
from labeltui.core.annotations.parse import BadLine, parse_line, type_name
from labeltui.core.ids import BadId, item_id

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
    gold_answers: bool = False
    """Keep the lines with `"_gold": true` (an annotator's answers to gold items, mixed in by
    `annotate --gold`) as answers: `agree --gold` scores them. Otherwise `agree` leaves them out
    of agreement with a note; `stats` reads them either way."""


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
    n = len(values)
    if countOf(map(type, values), int) == n:  # the usual block: whole milliseconds
        try:
            whole = np.fromiter(values, dtype=np.int64, count=n)
        except OverflowError:  # an integer past 64 bits
            pass
        else:
            column = whole.astype(np.float64)
            if not bool((whole >= 0).all()):
                column[whole < 0] = np.nan
            return column
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
