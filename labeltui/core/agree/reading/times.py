"""The first and last `_ts` per annotator, for `stats` (extras.py), at a few ns a line.

`stats` shows when each annotator started and stopped: the earliest and the latest `_ts`
(as times: `09:30+02:00` is before `08:00Z`), each kept as written. Parsing a million times
would cost a second, so times in the form labeltui writes (`2026-11-23T10:15:02.123Z`) are
compared as text, which orders them as times: `TimeCollector` joins a block's times with
newlines (a C-level join, no per-line Python), and every `TIME_CHUNK` lines checks the form
of all of them at once with NumPy and takes each annotator's smallest and largest text; only
those two are parsed. Whatever is not in that form (another zone, a number, a block of several
annotators) is added one line at a time, in the order of the lines, with the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any

import numpy as np


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
_ROW = len(_FORM) + 1
"""A time and the newline after it, in a chunk."""
_LOW = np.frombuffer(_FORM + b"\n", dtype=np.uint8)
_SPAN = np.where(np.equal(_LOW, ord("0")), 9, 0).astype(np.uint8)
"""Byte c of a row is in the form when `row[c] - _LOW[c] <= _SPAN[c]` (uint8 arithmetic wraps
below zero: one comparison checks both bounds)."""


def _fixed_form(rows: np.ndarray) -> bool:
    """Whether every row (one text each, its newline after it in a chunk) is in the form."""
    width = rows.shape[1]
    return bool(((rows - _LOW[:width]) <= _SPAN[:width]).all())


def block_times(ann: np.ndarray, ts: list[Any], single: bool) -> dict[int, TimeSpan]:
    """The first and last `_ts` per annotator code of a block (`single`: one annotator)."""
    spans: dict[int, TimeSpan] = {}
    n = len(ts)
    if single and n and set(map(type, ts)) == {str}:
        raw = "".join(ts).encode("utf-8", "surrogatepass")
        if len(raw) == n * len(_FORM):
            rows = np.frombuffer(raw, dtype=np.uint8).reshape(n, len(_FORM))
            if _fixed_form(rows):
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


#: Times of blocks of one annotator are checked this many lines at a time.
TIME_CHUNK = 1 << 15


class TimeCollector:
    """The first and last `_ts` per annotator code of the lines of one piece, in their order.

    `add_block` keeps a block of one annotator whose times are all texts of the form's length
    as one newline-joined text; every `TIME_CHUNK` lines `_flush` checks them with NumPy. Any
    other time goes through `add_line`, after the pending blocks, so the order of the lines
    (which decides between equal times written differently) is the order of the additions.
    """

    __slots__ = ("_codes", "_counts", "_parts", "_pending", "spans")

    def __init__(self) -> None:
        self.spans: dict[int, TimeSpan] = {}
        self._parts: list[str] = []
        self._codes: list[int] = []
        self._counts: list[int] = []
        self._pending = 0

    def add_block(self, ann: np.ndarray, ts: list[Any], single: bool) -> None:
        """A block's times (`ann`: its annotator codes; `single`: one annotator)."""
        n = len(ts)
        if not n:
            return
        if single:
            try:
                joined = "\n".join(ts)  # TypeError unless every time is a text
            except TypeError:
                joined = ""
            # each text one row: n texts of the form's length, no newline inside one
            if len(joined) == n * _ROW - 1 and joined.count("\n") == n - 1:
                self._add_joined(int(ann[0]), joined, n)
                return
        self._flush()
        for code, text in zip(ann.tolist(), ts, strict=True):
            if type(text) is str:
                self._add(code, text)

    def add_spans(
        self,
        ann: np.ndarray,
        data: np.ndarray,
        begin: np.ndarray,
        end: np.ndarray,
    ) -> None:
        """A block's times as the UTF-8 bytes `data[begin:end]` of each line (begin > end:
        none), read as `add_block` reads them, without a string per line (shaped.py)."""
        n = len(begin)
        if not n:
            return
        single = bool((ann == ann[0]).all())
        if single and bool((end - begin == len(_FORM)).all()):
            # the texts as (3, n) big-endian words, as `_chunk_words` makes them: each text
            # gathered as one opaque item (as shape.words_of does: faster than three
            # unaligned words), then its words byte-swapped in place
            items: np.ndarray = np.ndarray(
                (len(data) - len(_FORM) + 1,), dtype=f"V{len(_FORM)}", buffer=data, strides=(1,)
            )
            rows = items[begin].view(np.uint64).reshape(n, 3).byteswap(inplace=True).T
            if bool(((rows & _CHECKED) == _EXPECTED).all()):
                self._flush()  # the lines before these first
                if self._extremes(partial(_bytes_text, data, begin), rows, [int(ann[0])], [n]):
                    return
        texts = [
            bytes(data[b:e]).decode("utf-8") if b <= e else None
            for b, e in zip(begin.tolist(), end.tolist(), strict=True)
        ]
        self.add_block(ann, texts, single)

    def _add_joined(self, code: int, joined: str, n: int) -> None:
        self._parts.append(joined)
        self._codes.append(code)
        self._counts.append(n)
        self._pending += n
        if self._pending >= TIME_CHUNK:
            self._flush()

    def add_line(self, code: int, text: str) -> None:
        """One line's time, after every time added before it."""
        self._flush()
        self._add(code, text)

    def finish(self) -> dict[int, TimeSpan]:
        """The spans of everything added (the collector is then empty)."""
        self._flush()
        spans, self.spans = self.spans, {}
        return spans

    def _add(self, code: int, text: str) -> None:
        when = parse_ts(text)
        if when is not None:
            add_time(self.spans, code, when, text)

    def _flush(self) -> None:
        if not self._pending:
            return
        parts, codes, counts = self._parts, self._codes, self._counts
        n = self._pending
        self._parts, self._codes, self._counts, self._pending = [], [], [], 0
        raw = ("\n".join(parts) + "\n").encode("utf-8", "surrogatepass")
        words = _chunk_words(raw, n)
        if words is not None and self._extremes(partial(_text, raw), words, codes, counts):
            return
        for part, code, count in zip(parts, codes, counts, strict=True):  # as block by block
            merge_times(self.spans, block_times(np.full(count, code), part.split("\n"), True))

    def _extremes(
        self, text: Callable[[int], str], words: np.ndarray, codes: list[int], counts: list[int]
    ) -> bool:
        """Each code's smallest and largest text merged into the spans; False (nothing merged)
        when one of them is no time (a month 13). `text(i)`: the i-th text (column of `words`)."""
        if len(set(codes)) == 1:
            groups: list[tuple[int, np.ndarray | None]] = [(codes[0], None)]
        else:
            per_row = np.repeat(np.array(codes), counts)
            groups = [(code, np.flatnonzero(per_row == code)) for code in dict.fromkeys(codes)]
        found: dict[int, TimeSpan] = {}
        for code, at in groups:
            mine = words if at is None else words[:, at]
            low_at, high_at = _pick(mine, largest=False), _pick(mine, largest=True)
            if at is not None:
                low_at, high_at = int(at[low_at]), int(at[high_at])
            low, high = text(low_at), text(high_at)
            first, last = parse_ts(low), parse_ts(high)
            if first is None or last is None:
                return False
            found[code] = TimeSpan((first, low), (last, high))
        merge_times(self.spans, found)
        return True


def _byte_mask(pick: Any) -> np.ndarray:
    """Per 8-byte word of the form, a uint64 holding `pick(byte)` in each byte's place (the
    first byte the most significant, as the words are read big-endian)."""
    words = []
    for j in range(0, len(_FORM), 8):
        value = 0
        for byte in _FORM[j : j + 8]:
            value = (value << 8) | pick(byte)
        words.append(value)
    return np.array(words, dtype=np.uint64).reshape(-1, 1)  # a column: one per row of words


_ZERO = ord("0")
_CHECKED = _byte_mask(lambda b: 0xF0 if b == _ZERO else 0xFF)
"""The bits checked: a digit's high half (0x3_), every other byte in full. A digit's low half
is not checked: a text with `:` to `?` in a digit's place is no time, so it is either not the
smallest or largest (and then ignored, as it would be line by line) or it is, and then its
parse fails and the chunk is read block by block."""
_EXPECTED = _byte_mask(lambda b: 0x30 if b == _ZERO else b)


def _chunk_words(raw: bytes, n: int) -> np.ndarray | None:
    """The texts of a chunk (`n` texts, each followed by a newline) as (3, n) 64-bit words
    whose order is the texts' order, or None unless every text is in labeltui's form."""
    if len(raw) != n * _ROW:
        return None
    newlines = np.frombuffer(raw, dtype=np.uint8)[len(_FORM) :: _ROW]
    if not bool((newlines == ord("\n")).all()):
        return None
    big: np.ndarray = np.ndarray((3, n), dtype=">u8", buffer=raw, strides=(8, _ROW))
    words = np.ascontiguousarray(big, dtype=np.uint64)  # (3, n): long rows, fast NumPy loops
    if not bool(((words & _CHECKED) == _EXPECTED).all()):
        return None
    return words


def _pick(words: np.ndarray, largest: bool) -> int:
    """The column of the smallest (or largest) column of `words`, compared word by word."""
    at: np.ndarray | None = None  # the columns still tied (None: all)
    for row in words:
        values = row if at is None else row[at]
        best = values.max() if largest else values.min()
        if at is None and values.min() == values.max():
            continue  # all tied on this word
        tied = np.flatnonzero(values == best)
        at = tied if at is None else at[tied]
        if len(at) == 1:
            break
    return 0 if at is None else int(at[0])


def _text(raw: bytes, at: int) -> str:
    """The at-th text of a chunk (one every `_ROW` bytes)."""
    return raw[at * _ROW : at * _ROW + len(_FORM)].decode("ascii")


def _bytes_text(data: np.ndarray, begin: np.ndarray, at: int) -> str:
    """The at-th text of a block (`add_spans`: one of the form's length at each `begin`)."""
    start = int(begin[at])
    return data[start : start + len(_FORM)].tobytes().decode("ascii")
