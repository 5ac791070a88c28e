"""A whole block of lines read without parsing them, when they share one shape.

orjson takes ~0.6 us a line and builds every string and dict of it; `agree` keeps four values.
Lines written by one program for one dataset have one shape: the same keys in the same order,
the same separators; they differ in the contents of their strings and the digits of their
numbers. A `Shape` is that line with the variable parts cut out: fixed runs of bytes (keys,
quotes, separators, `null`, ...) and between them the contents of value strings and integer
numbers. A block is then checked and read with NumPy over all its lines at once:

- every byte of the block: the quotes (their positions), the control bytes (only the newlines
  may be there), backslashes (none) and UTF-8 (valid);
- per line: exactly the shape's number of quotes; every fixed run byte for byte at its place,
  measured from a quote (8 bytes compared at a time); every number an integer.

Why that proves the line is JSON and reads as the shape says: without a backslash every quote
opens or closes a string, so the contents between the shape's quotes are whole strings
(valid: no control byte, no escape, valid UTF-8); a valid integer in place of another keeps
the line valid; and the shape itself (its strings emptied, its numbers 0) was parsed by the
`json` module once, with every key seen (a duplicate key anywhere: no shape). The values are
the raw bytes between their quotes, which are the strings' UTF-8 (there is no escape).

A line that does not fit (an escape, a tab, a float, another key order, a bad line) is
returned to the caller, which reads it with the full parse: the same values and the same
errors as before, only slower. Nothing here raises on a bad line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from labeltui.core.agree.reading.integers import WORD_MASKS as _WORD_MASKS
from labeltui.core.agree.reading.integers import integers as integers
from labeltui.core.agree.reading.integers import valid_integers

_QUOTE = ord('"')
_NEWLINE = ord("\n")
_CONTROL = re.compile(rb"[\x00-\x1f]")
_NUMBER = re.compile(rb"-?[0-9][0-9.eE+-]*")
"""A number token in the bytes between strings (only numbers hold digits there)."""
RUN_BYTES = 32
"""Fixed runs are compared in pieces of up to this many bytes, one piece gathered at a time."""
PAD = RUN_BYTES
"""Bytes after a block that may be read (a piece of a run, a word, read at the last byte)."""


@dataclass(frozen=True, slots=True)
class Run:
    """A fixed run of bytes, placed by one of the line's quotes (`quote`, the run's own first
    quote, at `offset` in the run) or, when it holds none, by the end of the line."""

    data: bytes
    quote: int | None
    offset: int


@dataclass(slots=True)
class Shape:
    """The shape of a line: its fixed runs, and what lies between them."""

    quotes: int
    runs: list[Run]
    gaps: list[tuple[str, str | None]]
    """Between run i and run i+1: ("string", key) or ("number", key); key: the top-level key
    whose value it is (None: an item field or a nested value)."""
    strings: dict[str, int]
    """Top-level key -> the gap index of its string value (`_id`, `_annotator`, `_status`,
    `_ts`)."""
    labels: dict[str, int | None]
    """Task -> the gap index of its string value (None: `null`)."""
    ms: int | None
    """The gap of `_ms` when it is an integer; -1 when `_ms` is absent or null."""
    anchors: np.ndarray
    """The runs' anchor quotes (-1: placed by the line end)."""
    lengths: np.ndarray
    """Each run's length."""
    quote_of_run: np.ndarray
    """`anchors` with -1 as 0 (a quote to read; its run is placed by the line end)."""
    offsets: np.ndarray
    piece_width: int
    """The fixed runs are compared in pieces of this many bytes (a multiple of 8, at most
    `RUN_BYTES`): gathering a piece costs about what gathering one 8-byte word does."""
    piece_run: np.ndarray | None
    piece_at: np.ndarray | None
    """Which run each piece is in, and where in it (None: one piece per run, at its start)."""
    piece_mask: np.ndarray
    piece_value: np.ndarray
    """The pieces as 8-byte words: the mask of the run's bytes, and the bytes."""


def shape_of(line: bytes, *, stats: bool, keep_gold: bool) -> Shape | None:
    """The shape of one line (without its newline), or None when it cannot have one (a
    backslash, a control byte, a float, ...; see the module docstring)."""
    if b"\\" in line or _CONTROL.search(line) or (not line.isascii() and not _utf8(line)):
        return None
    quotes = np.flatnonzero(np.frombuffer(line, dtype=np.uint8) == _QUOTE).tolist()
    if len(quotes) < 2 or len(quotes) % 2:
        return None
    pieces: list[tuple[str, Any]] = []  # ("fixed", bytes) / ("string" | "number", None)
    at = 0
    for k in range(0, len(quotes), 2):
        start, end = quotes[k], quotes[k + 1]
        _gap_pieces(line[at:start], pieces)
        is_key = line[end + 1 :].lstrip(b" ").startswith(b":")
        if is_key:
            pieces.append(("fixed", line[start : end + 1]))
        else:
            pieces.extend([("fixed", b'"'), ("string", None), ("fixed", b'"')])
        at = end + 1
    _gap_pieces(line[at:], pieces)
    # join the fixed pieces into runs; every gap lies between two runs
    runs_data: list[bytes] = []
    gaps: list[str] = []
    current = b""
    for kind, data in pieces:
        if kind == "fixed":
            current += data
        else:
            runs_data.append(current)
            gaps.append(kind)
            current = b""
    runs_data.append(current)
    if any(not data for data in runs_data):  # two variable parts side by side
        return None
    template = b""
    for i, kind in enumerate(gaps):
        template += runs_data[i] + (b"" if kind == "string" else b"0")
    template += runs_data[-1]
    try:
        pairs = json.loads(template, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):
        return None
    if type(pairs) is not _Pairs or not _no_duplicates(pairs):
        return None
    owners = _gap_owners(pairs)
    if owners is None or len(owners) != len(gaps):
        return None
    return _build(len(quotes), runs_data, gaps, owners, pairs, stats, keep_gold)


class _Pairs(list[tuple[str, Any]]):
    """An object's (key, value) pairs in order, duplicates kept."""


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _gap_pieces(gap: bytes, pieces: list[tuple[str, Any]]) -> None:
    """The bytes between strings: numbers are variable, the rest fixed."""
    at = 0
    for match in _NUMBER.finditer(gap):
        pieces.append(("fixed", gap[at : match.start()]))
        pieces.append(("number", None))
        at = match.end()
    pieces.append(("fixed", gap[at:]))


def _no_duplicates(value: Any) -> bool:
    if type(value) is _Pairs:
        keys = [k for k, _ in value]
        if len(set(keys)) != len(keys) or "" in keys:
            return False
        return all(_no_duplicates(v) for _, v in value)
    if type(value) is list:
        return all(_no_duplicates(v) for v in value)
    return True


def _gap_owners(top: _Pairs) -> list[tuple[str, tuple[str, ...]]] | None:
    """For each variable part in line order: its kind and its path of keys (() inside a
    list), from the parsed template (empty strings and zeros are the variable parts)."""
    out: list[tuple[str, tuple[str, ...]]] = []

    def walk(value: Any, path: tuple[str, ...]) -> None:
        if type(value) is _Pairs:
            for key, item in value:
                walk(item, (*path, key))
        elif type(value) is list:
            for item in value:
                walk(item, ())
        elif type(value) is str:
            if value:  # a template value string is empty; a key is no value
                raise ValueError
            out.append(("string", path))
        elif type(value) is int and not isinstance(value, bool):
            out.append(("number", path))
        elif type(value) is float:
            raise ValueError

    try:
        walk(top, ())
    except ValueError:
        return None
    return out


def _build(
    quotes: int,
    runs_data: list[bytes],
    gaps: list[str],
    owners: list[tuple[str, tuple[str, ...]]],
    pairs: _Pairs,
    stats: bool,
    keep_gold: bool,
) -> Shape | None:
    top = dict(pairs)
    if "_from" in top or ("_gold" in top and not keep_gold):
        return None  # review lines and gold answers: the careful path counts them
    strings: dict[str, int] = {}
    labels: dict[str, int | None] = {}
    ms: int | None = -1
    kinds: list[tuple[str, str | None]] = []
    for index, ((kind, path), expected) in enumerate(zip(owners, gaps, strict=True)):
        if kind != expected:
            return None
        key = path[0] if len(path) == 1 else None
        kinds.append((kind, key))
        if kind == "string" and key in ("_id", "_annotator", "_status", "_ts"):
            strings[key] = index
        elif kind == "string" and len(path) == 2 and path[0] == "labels":
            labels[path[1]] = index
        elif kind == "number" and key == "_ms":
            ms = index
    for key in ("_id", "_annotator", "_status"):
        if key not in strings:
            return None
    label_obj = top.get("labels")
    if type(label_obj) is not _Pairs:
        return None
    for task, value in label_obj:
        if value is None:
            labels[task] = None
        elif task not in labels:  # a list, an object, a number: the full parse
            return None
    labels = {task: labels[task] for task, _ in label_obj}  # in the line's order
    if stats:
        if "_ms" in top and top["_ms"] is not None and ms == -1:
            return None
        if "_ts" in top and "_ts" not in strings and top["_ts"] is not None:
            return None
    # place each run by its first quote, or by the line end
    anchors, offsets = [], []
    seen = 0
    for i, data in enumerate(runs_data):
        first = data.find(b'"')
        if first < 0:
            if i != len(runs_data) - 1:
                return None
            anchors.append(-1)
            offsets.append(len(data))
        else:
            anchors.append(seen)
            offsets.append(first)
        seen += data.count(b'"')
    if seen != quotes or anchors[0] != 0:
        return None
    width = min(RUN_BYTES, 8 * -(-max(map(len, runs_data)) // 8))
    piece_run, piece_at, piece_mask, piece_value = [], [], [], []
    for i, data in enumerate(runs_data):
        for j in range(0, len(data), width):
            part = data[j : j + width]
            piece_run.append(i)
            piece_at.append(j)
            mask = (b"\xff" * len(part)).ljust(width, b"\0")
            value = part.ljust(width, b"\0")
            for k in range(0, width, 8):
                piece_mask.append(int.from_bytes(mask[k : k + 8], "little"))
                piece_value.append(int.from_bytes(value[k : k + 8], "little"))
    split = len(piece_run) > len(runs_data)
    return Shape(
        quotes=quotes,
        runs=[
            Run(d, a if a >= 0 else None, o)
            for d, a, o in zip(runs_data, anchors, offsets, strict=True)
        ],
        gaps=kinds,
        strings=strings,
        labels=labels,
        ms=ms,
        anchors=np.array(anchors, dtype=np.int64),
        lengths=np.array([len(d) for d in runs_data], dtype=np.int64),
        quote_of_run=np.maximum(np.array(anchors, dtype=np.int64), 0),
        offsets=np.array(offsets, dtype=np.int64),
        piece_width=width,
        piece_run=np.array(piece_run, dtype=np.int64) if split else None,
        piece_at=np.array(piece_at, dtype=np.int64) if split else None,
        piece_mask=np.array(piece_mask, dtype=np.uint64),
        piece_value=np.array(piece_value, dtype=np.uint64),
    )


# ----------------------------------------------------------------------------------------------
# A block of lines


@dataclass(slots=True)
class BlockScan:
    """A block's lines: where they start and end, their quotes, which may take a shape."""

    data: np.ndarray
    """The block's bytes, followed by at least `PAD` readable bytes."""
    padded: np.ndarray
    """The block's bytes and every readable byte after them."""
    words: np.ndarray
    """The 8 bytes at every offset of `data` as one little-endian number (unaligned views)."""
    starts: np.ndarray
    ends: np.ndarray
    """Each line's first byte and its newline."""
    quotes: np.ndarray
    """All quote positions."""
    first_quote: np.ndarray | None
    """Per line, the index (into `quotes`) of its first quote (`_index_quotes`)."""
    counts: np.ndarray | None
    """Per line, its number of quotes (`_index_quotes`)."""
    plain: np.ndarray
    """Per line: no control byte but its newline, no backslash (UTF-8 is checked per block)."""


def scan_block(buf: bytes | bytearray, size: int, shape: Shape | None = None) -> BlockScan | None:
    """The lines of `buf[:size]` (whole lines, each ending in a newline; at least `PAD` more
    bytes follow), or None when the block is not UTF-8 (the full parse judges it).

    `shape`: the shape the lines most likely have; the lines are then first found from their
    quotes (`_lines_by_quotes`), which spares a search for every newline."""
    padded = np.frombuffer(buf, dtype=np.uint8)
    data = padded[:size]
    if size and int(data.max()) >= 0x80:
        try:
            str(memoryview(buf)[:size], "utf-8")
        except UnicodeDecodeError:
            return None
    quotes = np.flatnonzero(data == _QUOTE)
    controls = data < 0x20
    lines = None if shape is None else _lines_by_quotes(data, quotes, controls, shape)
    if lines is not None:
        starts, ends = lines
        plain = np.ones(len(ends), dtype=bool)
    else:
        at = np.flatnonzero(controls)
        is_newline = data[at] == _NEWLINE
        ends = at[is_newline]
        n = len(ends)
        starts = np.empty(n, dtype=np.int64)
        starts[:1] = 0
        starts[1:] = ends[:-1] + 1
        plain = np.ones(n, dtype=bool)
        if len(ends) != len(at):
            plain[np.searchsorted(ends, at[~is_newline])] = False
    if buf.find(b"\\", 0, size) >= 0:
        plain[np.searchsorted(ends, np.flatnonzero(data == ord("\\")))] = False
    words: np.ndarray = np.ndarray((size + 1,), dtype="<u8", buffer=buf, strides=(1,))
    return BlockScan(data, padded, words, starts, ends, quotes, None, None, plain)


def _lines_by_quotes(
    data: np.ndarray, quotes: np.ndarray, controls: np.ndarray, shape: Shape
) -> tuple[np.ndarray, np.ndarray] | None:
    """(starts, ends) of the lines when every line has `shape`'s number of quotes and starts
    its first run; else None (the newlines are then searched for).

    Each line's first quote is then every `shape.quotes`-th quote, its start that quote's
    place in the first run before it, and its end the byte before the next line's start. That
    guess is checked, not trusted: a newline at every end (the last byte included), and no
    other control byte in the block (as many as there are lines). Those ends are then all the
    newlines there are, so the lines are the block's lines, and no line has a control byte."""
    q = shape.quotes
    n = len(quotes) // q
    if not n or len(quotes) != n * q:
        return None
    starts = quotes[::q] - shape.offsets[0]
    if int(starts[0]) != 0:
        return None
    ends = np.empty(n, dtype=np.int64)
    ends[:-1] = starts[1:]
    ends[:-1] -= 1
    ends[-1] = len(data) - 1
    if not bool((data[ends] == _NEWLINE).all()) or int(np.count_nonzero(controls)) != n:
        return None
    return starts, ends


def _index_quotes(scan: BlockScan) -> tuple[np.ndarray, np.ndarray]:
    """Each line's first quote (an index into `quotes`) and number of quotes, found once."""
    if scan.first_quote is None or scan.counts is None:
        first = np.searchsorted(scan.quotes, scan.starts)
        counts = np.empty(len(first), dtype=np.int64)
        counts[:-1] = first[1:] - first[:-1]
        counts[-1:] = len(scan.quotes) - first[-1:]
        scan.first_quote, scan.counts = first, counts
    return scan.first_quote, scan.counts


def _same_quote_count(scan: BlockScan, quotes: int) -> bool:
    """Whether every line has exactly `quotes` quotes, without indexing them per line: there
    are that many per line in all, and each line's share lies between its start and its end."""
    n = len(scan.ends)
    if len(scan.quotes) != n * quotes or not n:
        return False
    table = scan.quotes.reshape(n, quotes)
    return bool((table[:, 0] >= scan.starts).all()) and bool((table[:, -1] < scan.ends).all())


@dataclass(slots=True)
class ShapeRead:
    """What a shape read from its lines (`rows`: their indices in the block)."""

    rows: np.ndarray
    pos: np.ndarray
    """(rows, runs) where each fixed run starts."""
    lengths: np.ndarray
    """Each run's length."""

    def bounds(self, gap: int) -> tuple[np.ndarray, np.ndarray]:
        """Where the bytes of variable part `gap` (between run gap and run gap+1) start and
        end, in each line."""
        return self.pos[:, gap] + self.lengths[gap], self.pos[:, gap + 1]

    def only(self, keep: np.ndarray) -> ShapeRead:
        return ShapeRead(self.rows[keep], self.pos[keep], self.lengths)


def match(scan: BlockScan, shape: Shape, candidates: np.ndarray) -> ShapeRead:
    """The lines among `candidates` (row indices) that have `shape`, with their variable
    parts' places."""
    every = len(candidates) == len(scan.ends) and _same_quote_count(scan, shape.quotes)
    if every:
        rows = candidates[scan.plain]
    else:
        _, counts = _index_quotes(scan)
        rows = candidates[scan.plain[candidates] & (counts[candidates] == shape.quotes)]
    if not len(rows):
        return ShapeRead(rows, np.zeros((0, len(shape.runs)), dtype=np.int64), shape.lengths)
    if every and len(rows) == len(scan.ends):  # the quotes are a (lines, quotes) table
        starts, ends = scan.starts, scan.ends
        pos = scan.quotes.reshape(len(rows), shape.quotes).take(shape.quote_of_run, axis=1)
        pos -= shape.offsets
    else:
        starts, ends = scan.starts[rows], scan.ends[rows]
        first = _index_quotes(scan)[0][rows]
        pos = scan.quotes[first[:, None] + shape.quote_of_run] - shape.offsets
    if shape.runs[-1].quote is None:  # the last run ends the line
        pos[:, -1] = ends - shape.offsets[-1]
    ok = pos[:, 0] == starts
    last = shape.runs[-1]
    ok &= pos[:, -1] + len(last.data) == ends
    ok &= _runs_match(scan, shape, pos)
    got = ShapeRead(rows, pos, shape.lengths)
    for gap, (kind, _) in enumerate(shape.gaps):
        if kind == "number":
            ok &= valid_integers(scan, *got.bounds(gap))
    return got if bool(ok.all()) else got.only(ok)


def _runs_match(scan: BlockScan, shape: Shape, pos: np.ndarray) -> np.ndarray:
    """Per line, whether every fixed run is there byte for byte (`pos`: where the runs start).

    Each piece of a run is gathered as one opaque item of `piece_width` bytes (a void view of
    the block at every offset): NumPy gathers such items about as fast as aligned words, and
    2-3 times faster than the unaligned 8-byte words they hold; the gathered copy is aligned,
    and compared a word at a time."""
    width = shape.piece_width
    items: np.ndarray = np.ndarray(
        (len(scan.padded) - width + 1,), dtype=f"V{width}", buffer=scan.padded, strides=(1,)
    )
    at = pos
    if shape.piece_run is not None:  # runs longer than a piece: several pieces each
        at = np.minimum(pos[:, shape.piece_run] + shape.piece_at, len(items) - 1)
    words = items[at.reshape(-1)].view(np.uint64).reshape(len(pos), -1)
    words &= shape.piece_mask
    same = words == shape.piece_value
    return np.ones(len(pos), dtype=bool) if bool(same.all()) else same.all(axis=1)


def words_of(
    scan: BlockScan, begin: np.ndarray, end: np.ndarray, width: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The bytes of each [begin, end) as little-endian 8-byte words padded with zeros, and
    their lengths (`big_endian` turns them into the keys `table.id_words` makes)."""
    length = end - begin
    longest = int(length.max()) if len(length) else 0
    k = max(1, -(-longest // 8)) if width is None else width
    if k == 1:
        out = scan.words[begin] & _WORD_MASKS[np.minimum(np.maximum(length, 0), 8)]
        return out[:, None], length
    if 8 * k <= PAD:  # the k words of each as one item (see `_runs_match`), masked in place
        items: np.ndarray = np.ndarray(
            (len(scan.padded) - 8 * k + 1,), dtype=f"V{8 * k}", buffer=scan.padded, strides=(1,)
        )
        out = items[begin].view(np.uint64).reshape(len(begin), k)
        for j in range(k):
            out[:, j] &= _WORD_MASKS[np.minimum(np.maximum(length - 8 * j, 0), 8)]
        return out, length
    out = np.empty((len(begin), k), dtype=np.uint64)
    last = len(scan.words) - 1
    for j in range(k):
        at = begin + 8 * j if j < 2 else np.minimum(begin + 8 * j, last)
        out[:, j] = scan.words[at] & _WORD_MASKS[np.minimum(np.maximum(length - 8 * j, 0), 8)]
    return out, length


def big_endian(words: np.ndarray) -> np.ndarray:
    """`words_of` words as `table.id_words` keys (their bytes in order, big-endian)."""
    return words.byteswap()


def decode_word_rows(words: np.ndarray, lengths: np.ndarray) -> list[str]:
    """Rows of `words_of` back to text."""
    raw = words.astype("<u8")
    return [raw[i].tobytes()[: int(lengths[i])].decode("utf-8") for i in range(len(lengths))]
