"""A block of lines read by their shapes (shape.py) into the reader's coded columns.

`read_shaped` tries the shapes seen before, then learns a new one from the first line none
fits (a few per block at most), and returns per line of the block what it read, or that the
line is left to the full parse (`fast` false). The values are coded with the reader's own
`Vocab`s, as the full parse codes them, so both kinds of line mix freely in one piece.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from labeltui.core.agree.reading import table
from labeltui.core.agree.reading.shape import (
    PAD,
    BlockScan,
    Shape,
    ShapeRead,
    big_endian,
    decode_word_rows,
    integers,
    match,
    shape_of,
    words_of,
)
from labeltui.core.agree.reading.table import Vocab, group_rows

#: Shapes a reader keeps (lines of one project have one or a few).
MAX_SHAPES = 8
#: New shapes learnt per block at most (diverse lines are left to the full parse).
NEW_PER_BLOCK = 2

_DONE = int.from_bytes(b"done", "little")
_SKIPPED = int.from_bytes(b"skipped", "little")


@dataclass(slots=True)
class Texts:
    """A text per line as `words_of` rows and lengths (-1: none, code -1)."""

    words: np.ndarray
    lens: np.ndarray

    def put(self, rows: np.ndarray, words: np.ndarray, lens: np.ndarray) -> None:
        if words.shape[1] > self.words.shape[1]:
            wider = np.zeros((len(self.words), words.shape[1]), dtype=np.uint64)
            wider[:, : self.words.shape[1]] = self.words
            self.words = wider
        self.words[rows, : words.shape[1]] = words
        self.words[rows, words.shape[1] :] = 0
        self.lens[rows] = lens


def _texts(n: int) -> Texts:
    return Texts(np.zeros((n, 1), dtype=np.uint64), np.full(n, -1, dtype=np.int64))


@dataclass(slots=True)
class ShapedRows:
    """Per line of a block: read by a shape (`fast`) or not, and what was read. Texts are
    coded by `codes`, segment by segment in line order, so that codes are handed out in the
    order the lines show the values (as the full parse does)."""

    fast: np.ndarray
    done: np.ndarray
    ann: Texts
    tasks: dict[str, Texts]
    id_words: np.ndarray
    id_lens: np.ndarray
    ms: np.ndarray | None
    ts: tuple[np.ndarray, np.ndarray] | None
    """stats: each line's `_ts` bytes as (begin, end) (begin > end: none)."""

    def codes(
        self, a: int, b: int, annotators: Vocab, vocab: Callable[[str], Vocab]
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The annotator and task codes of lines a..b-1."""
        ann = _codes(self.ann.words[a:b], self.ann.lens[a:b], annotators)
        tasks = {
            name: _codes(texts.words[a:b], texts.lens[a:b], vocab(name))
            for name, texts in self.tasks.items()
        }
        return ann, tasks


def read_shaped(
    scan: BlockScan,
    shapes: list[Shape],
    raw: bytes | bytearray,
    *,
    stats: bool,
    keep_gold: bool,
    skip_first: bool,
) -> ShapedRows:
    """The lines of `scan` read by `shapes` (learning new ones into the list);
    `skip_first`: the first line is left to the full parse (a byte order mark)."""
    n = len(scan.ends)
    todo = np.arange(1 if skip_first else 0, n)
    out = ShapedRows(
        fast=np.zeros(n, dtype=bool),
        done=np.zeros(n, dtype=bool),
        ann=_texts(n),
        tasks={},
        id_words=np.zeros((n, 1), dtype=np.uint64),
        id_lens=np.zeros(n, dtype=np.int32),
        ms=np.full(n, np.nan) if stats else None,
        ts=(np.ones(n, dtype=np.int64), np.zeros(n, dtype=np.int64)) if stats else None,
    )
    learnt = 0
    tried = 0
    while len(todo) and (tried < len(shapes) or learnt < NEW_PER_BLOCK):
        if tried < len(shapes):
            shape = shapes[tried]
            tried += 1
        else:
            learnt += 1
            line = int(todo[0])
            new = shape_of(
                bytes(raw[int(scan.starts[line]) : int(scan.ends[line])]),
                stats=stats,
                keep_gold=keep_gold,
            )
            if new is None:
                break
            if len(shapes) >= MAX_SHAPES:
                shapes.pop()
            shapes.insert(0, new)
            tried = len(shapes)
            shape = new
        got = match(scan, shape, todo)
        if len(got.rows):
            _take(out, scan, shape, got)
            todo = todo[~out.fast[todo]]
    return out


def _take(out: ShapedRows, scan: BlockScan, shape: Shape, got: ShapeRead) -> None:
    """Put what `shape` read of its lines into `out` (lines whose values the full parse must
    judge, an empty annotator or an unknown status, stay out)."""
    rows = got.rows
    ok = np.ones(len(rows), dtype=bool)
    status, status_len = words_of(scan, *got.bounds(shape.strings["_status"]), width=1)
    done = (status[:, 0] == _DONE) & (status_len == 4)
    ok &= done | ((status[:, 0] == _SKIPPED) & (status_len == 7))
    ident, ident_len = words_of(scan, *got.bounds(shape.strings["_id"]))
    ok &= ident_len <= table.MAX_ID_BYTES  # read at call time: tests lower it
    who, who_len = words_of(scan, *got.bounds(shape.strings["_annotator"]))
    ok &= who_len > 0
    if not bool(ok.all()):
        rows, done, ident, ident_len, who, who_len = (
            x[ok] for x in (rows, done, ident, ident_len, who, who_len)
        )
        got = got.only(ok)
        if not len(rows):
            return
    n = len(out.fast)
    if len(rows) == n:  # the whole block (nothing taken before): its columns as they are
        _take_whole(out, scan, shape, got, done, (who, who_len), (ident, ident_len))
        return
    out.fast[rows] = True
    out.done[rows] = done
    out.ann.put(rows, who, who_len)
    width = max(out.id_words.shape[1], ident.shape[1])
    if width > out.id_words.shape[1]:
        wider = np.zeros((len(out.id_words), width), dtype=np.uint64)
        wider[:, : out.id_words.shape[1]] = out.id_words
        out.id_words = wider
    out.id_words[rows, : ident.shape[1]] = big_endian(ident)
    out.id_lens[rows] = ident_len
    for task, gap in shape.labels.items():
        texts = out.tasks.get(task)
        if texts is None:
            texts = out.tasks[task] = _texts(n)
        if gap is not None:
            texts.put(rows, *words_of(scan, *got.bounds(gap)))
    _take_extras(out, scan, shape, got)


def _take_whole(
    out: ShapedRows,
    scan: BlockScan,
    shape: Shape,
    got: ShapeRead,
    done: np.ndarray,
    who: tuple[np.ndarray, np.ndarray],
    ident: tuple[np.ndarray, np.ndarray],
) -> None:
    """`_take` for a block whose every line has `shape`: no scatter into empty columns."""
    out.fast[:] = True
    out.done = done
    out.ann = Texts(*who)
    out.id_words = big_endian(ident[0])
    out.id_lens = ident[1].astype(np.int32)
    for task, gap in shape.labels.items():
        out.tasks[task] = (
            _texts(len(done)) if gap is None else Texts(*words_of(scan, *got.bounds(gap)))
        )
    _take_extras(out, scan, shape, got)


def _take_extras(out: ShapedRows, scan: BlockScan, shape: Shape, got: ShapeRead) -> None:
    """stats: `_ms` and where `_ts` is, per line."""
    rows = got.rows
    if out.ms is not None and shape.ms is not None and shape.ms >= 0:
        ms = integers(scan, *got.bounds(shape.ms))
        ms[ms < 0] = np.nan
        out.ms[rows] = ms
    if out.ts is not None and "_ts" in shape.strings:
        begin, end = got.bounds(shape.strings["_ts"])
        out.ts[0][rows] = begin
        out.ts[1][rows] = end


def _codes(words: np.ndarray, lens: np.ndarray, vocab: Vocab) -> np.ndarray:
    """The `vocab` codes of texts given as `words_of` rows (little-endian words, zero-padded:
    a text holds no NUL, so one word is the whole text up to 8 bytes); length -1: code -1.
    New texts get their codes in the order the lines show them."""
    n = len(lens)
    if not n:
        return np.zeros(0, dtype=np.int32)
    none = lens < 0
    if bool(none.any()):
        out = np.full(n, -1, dtype=np.int32)
        has = ~none
        out[has] = _codes(words[has], lens[has], vocab)
        return out
    width = int(lens.max())
    if width <= 8:  # short texts (label names): looked up among those seen
        return _short_codes(words[:, 0], vocab)
    if bool((words == words[0]).all()) and bool((lens == lens[0]).all()):
        text = decode_word_rows(words[:1], lens[:1])[0]
        return np.full(n, vocab.code(text), dtype=np.int32)
    keyed = np.concatenate([words, lens[:, None].astype(np.uint64)], axis=1)
    first, inverse = group_rows(keyed)
    order = np.argsort(first, kind="stable")  # groups in the order the lines show them
    texts = decode_word_rows(words[first[order]], lens[first[order]])
    codes = np.empty(len(first), dtype=np.int32)
    codes[order] = [vocab.code(t) for t in texts]
    return codes[inverse]


def _short_codes(keys: np.ndarray, vocab: Vocab) -> np.ndarray:
    """Codes of texts of up to 8 bytes, each as one word: a sorted table of the words seen
    (kept on the vocabulary) is searched, and only words not in it are decoded."""
    table, codes = vocab.words
    if len(table):
        at = np.minimum(np.searchsorted(table, keys), len(table) - 1)
        found = table[at] == keys
        if bool(found.all()):
            return codes[at]
    else:
        found = np.zeros(len(keys), dtype=bool)
    missing = np.flatnonzero(~found)
    new, first = np.unique(keys[missing], return_index=True)
    new = new[np.argsort(first, kind="stable")]  # in the order the lines show them
    texts = [int(w).to_bytes(8, "little").rstrip(b"\0").decode("utf-8") for w in new.tolist()]
    new_codes = np.array([vocab.code(t) for t in texts], dtype=np.int32)
    table = np.concatenate([table, new])
    codes = np.concatenate([codes, new_codes])
    order = np.argsort(table)
    table, codes = table[order], codes[order]
    vocab.words = (table, codes)
    return codes[np.searchsorted(table, keys)]


def shaped_batches(
    path: str, start: int, end: int, read_bytes: int
) -> Iterator[tuple[bytearray, int, bytes | None]]:
    """Bytes [start, end) of a file as (buffer, size, None): whole lines in `buffer[:size]`,
    `PAD` more bytes readable after them (valid until the next batch); and last, when the
    file does not end with a newline, (buffer, 0, the last line)."""
    buf = bytearray(read_bytes + PAD)
    have = 0  # bytes at the front of `buf`: the start of a line not yet complete
    with open(path, "rb", buffering=0) as handle:
        handle.seek(start)
        left = end - start
        while left > 0:
            if have == len(buf) - PAD:  # a line longer than the buffer
                bigger = bytearray(2 * len(buf))
                bigger[:have] = buf[:have]
                buf = bigger
            want = min(len(buf) - PAD - have, left)
            with memoryview(buf) as view:
                got = handle.readinto(view[have : have + want])
            if not got:
                break
            left -= got
            have += got
            size = buf.rfind(b"\n", 0, have) + 1
            if size:
                yield buf, size, None
                buf[: have - size] = buf[size:have]
                have -= size
    if have:
        yield buf, 0, bytes(buf[:have])


_KEPT = False


def keep_freed_memory() -> None:
    """Let glibc keep the memory NumPy frees, for the rest of the process.

    Every block allocates and frees arrays of a few MB; by default glibc gives such memory
    back to the system and the next block faults it in afresh (a quarter of a million page
    faults and ~0.3 s of system time per million lines). With a fixed mmap threshold (32 MB)
    and a high trim threshold (256 MB) the same memory is reused. Only for big inputs of the
    command-line readers; elsewhere (macOS, musl) nothing changes.

    NumPy also asks Linux for huge pages (2 MB) for every array of 4 MB or more. Where the
    kernel must first gather a free 2 MB page (`defrag` set to `madvise`, as on the test VM),
    touching such memory costs 2-3 ms a MB, against 0.5 ms with ordinary pages: the reader of
    3 x 1M lines took ~0.07 s less (wall and CPU) without them, though with 2.5 times the page
    faults. So huge pages are not asked for either, for the rest of the process.
    """
    global _KEPT
    if _KEPT:
        return
    _KEPT = True
    _no_huge_pages()
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
    mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD


def _no_huge_pages() -> None:
    """NumPy's switch is `_core.multiarray` from NumPy 2 on (`core`, which warns there, before)."""
    import importlib

    for name in ("numpy._core.multiarray", "numpy.core.multiarray"):
        try:
            importlib.import_module(name)._set_madvise_hugepage(False)
            return
        except (ImportError, AttributeError):  # pragma: no cover - another NumPy
            continue
