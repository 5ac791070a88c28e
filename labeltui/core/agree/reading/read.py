"""Reading annotation files fast, for `labeltui agree` (FORMAT sections 3 and 5).

Every line is parsed in full (a bad line anywhere is an error naming its file and line, never
skipped) and five things per line are kept: annotator, item, status, line number and, per
task, the value as an integer code (-1: no value or `null`). `AnnotationTable.current()` then
picks the last line of each (annotator, item) with NumPy.

Where the time goes, and what was done about it (measured with benchmarks/agree.py):

- the shape path (shape.py, shaped.py): files are read 1 MB at a time, and a block of whole
  lines is checked and read with NumPy over all its lines at once when they share the shape
  of a line seen before (the same keys, order and separators; strings without escapes;
  integers): no line is parsed, no string or dict made per line, 0.3-0.4 us a line against
  ~1.3 us for the parse below. Every other line (an escape, a float, a bad line, another
  order of keys that is not learnt yet) goes, in its place in the file, to:
- the parse: orjson, about 0.6 us a line. A whole block parsed as one array is no faster (the
  per-call cost is small) and would need a guard against lines that only parse when joined,
  so each line is parsed on its own; then C-level `map` calls over a block of lines (one
  pass per field), not a Python statement per line; a block with anything unusual (a blank
  line, a bad line, a list value, a skipped line without labels) is read again line by line
  by the careful path, which names the line of an error;
- no object made by the parser outlives its block: keeping one string per line (the item id)
  pins the parser's memory and costs more than the parsing of the id. Ids are joined into one
  string per block (or taken as keys straight from the bytes by the shape path) and grouped at
  the end with NumPy (table.py);
- freed memory is kept for reuse (`shaped.keep_freed_memory`), not faulted in afresh, and
  without huge pages (their first touch stalls); each block's values go straight into its
  piece's columns (columns.py) and its ids into one key column (`table.IdCollector`), not
  into arrays joined at the end: about half the new memory, and 0.1-0.2 s less for 3 x 1M
  lines (benchmarks/agree.py);
- big inputs are split into pieces read by forked processes, one per core (this process reads
  a share too).

`stats` asks for more (`ReadOptions(stats=True)`, extras.py): the time on screen, the first and
last times, and the lines `agree` leaves out (dataset lines, gold lines); `agree` pays nothing
for them.

Rare cases stay off the fast path: a block with a review (gold) line (`_from`, see
`jsonl.is_review_line`; one C-level pass, about 2% of the parsing) or an answer to a gold item
(`_gold`, mixed in by `annotate --gold`; one more pass) is read by the careful path, which
leaves those lines out of agreement and counts them (one note per file; `ReadOptions.
gold_answers` keeps the `_gold` ones, for `agree --gold`); a last line
without its newline that does not parse (a save in progress) is left out with a note; a line
orjson refuses is judged by `jsonl.parse_line`, as every reader does.
"""

from __future__ import annotations

from functools import partial
from itertools import chain, pairwise, repeat
from operator import countOf, itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from labeltui.core import workers as workers_module
from labeltui.core.agree.reading.columns import Block, PieceColumns, expected_lines
from labeltui.core.agree.reading.extras import (
    PRE_SUFFIX,
    LineError,
    ReadOptions,
    ms_column,
    stats_line,
)
from labeltui.core.agree.reading.fork import collect, fork, running, stop
from labeltui.core.agree.reading.lines import BOM as _BOM
from labeltui.core.agree.reading.lines import check_line, incomplete, parse_annotation_line
from labeltui.core.agree.reading.merge import (
    Piece,
    PieceData,
    ReaderResult,
    ReadError,
    merge,
    remap,
    warm_heap,
)
from labeltui.core.agree.reading.shape import BlockScan, Shape, scan_block
from labeltui.core.agree.reading.shaped import (
    ShapedRows,
    keep_freed_memory,
    read_shaped,
    shaped_batches,
)
from labeltui.core.agree.reading.table import AnnotationTable, IdCollector, Vocab
from labeltui.core.agree.reading.times import TimeCollector
from labeltui.core.annotations.files import stat_regular
from labeltui.core.annotations.line import REVIEW_KEY, is_review_line
from labeltui.core.annotations.notes import note
from labeltui.core.annotations.parse import fast_loads
from labeltui.core.workers import can_fork, no_gc
from labeltui.errors import LabeltuiError

#: Lines per block of the fast path (a block's objects stay in the CPU cache).
BLOCK_LINES = 1000
#: Bytes read at a time (memory stays flat however big the file); a block of whole lines of
#: about this size is checked and read at once (shaped.py).
READ_BYTES = 1 << 20
#: Lines of a known shape are read with NumPy (shaped.py); False: every line is parsed (tests
#: compare the two).
SHAPES = True
#: After a block whose lines were mostly of no known shape, this many blocks are parsed without
#: trying (files whose lines differ in shape pay the tries once in a while, not every block).
SHAPE_REST = 8
#: Inputs smaller than this are read in this process; bigger ones by one process per core.
PARALLEL_BYTES = 48 * 1024 * 1024
#: Files are cut into pieces of at least this size.
MIN_PIECE_BYTES = 1024 * 1024
#: This process reads this much more than an equal share of each file: a forked reader is
#: slower (it copies the pages it writes to, and sends its result back), and equal shares left
#: this process waiting for it (~3-5% of the time of a share, benchmarks/agree.py).
FIRST_EXTRA = 0.02

_GET_ID = itemgetter("_id")
_GET_ANN = itemgetter("_annotator")
_GET_STATUS = itemgetter("_status")
_GET_LABELS = itemgetter("labels")
_dict_get = dict.get
_dict_has = dict.__contains__
GOLD_ANSWER_KEY = "_gold"
"""The key `annotate --gold` adds to an annotator's answer to a gold item."""
_dict_item = dict.__getitem__


class _BlockError(Exception):
    """The fast path met something it leaves to the careful path."""


def read_annotation_files(
    paths: list[str | Path],
    workers: int | None = None,
    parallel_bytes: int | None = None,
    options: ReadOptions | None = None,
) -> AnnotationTable:
    """Read annotation files (several annotators per file allowed) into an `AnnotationTable`.

    `options`: what to read beyond `agree`'s needs (extras.py). `workers` (default: the usable
    cores, at most 8) and `parallel_bytes` exist for tests.
    """
    if not paths:
        raise LabeltuiError("no annotation files given (labeltui agree FILE...)")
    if options is None:
        options = ReadOptions()
    names = [str(p) for p in paths]
    sizes = [stat_regular(Path(p), "file", options.noun) for p in names]
    threshold = PARALLEL_BYTES if parallel_bytes is None else parallel_bytes
    if workers is None:
        workers = min(workers_module.cores(), 8)
    if sum(sizes) >= PARALLEL_BYTES:
        keep_freed_memory()
    with no_gc():
        if workers > 1 and sum(sizes) >= threshold and can_fork():
            pieces = _split(names, sizes, workers)
            results = _run_parallel(pieces, workers, options)
        else:
            pieces = [
                Piece(i, i, name, 0, size)
                for i, (name, size) in enumerate(zip(names, sizes, strict=True))
            ]
            results = [_read_pieces(pieces, options)]
        table = merge(names, results, pieces)
    if not options.gold_answers:  # the second read of `agree --gold`: said once already
        for text in table.notes:
            note(text)
    return table


# ----------------------------------------------------------------------------------------------
# Splitting big inputs into pieces for worker processes


def _split(names: list[str], sizes: list[int], workers: int) -> list[Piece]:
    """Cut every file into `workers` pieces at line starts; piece k of each file goes to worker
    k (files of one project usually list the same items in the same order, so each worker then
    sees a part of the items, and merging the workers' item ids stays cheap)."""
    pieces: list[Piece] = []
    for file_index, (name, size) in enumerate(zip(names, sizes, strict=True)):
        bounds = [0]
        if size >= workers * MIN_PIECE_BYTES:
            with open(name, "rb") as handle:
                for k in range(1, workers):
                    share = (
                        1 + FIRST_EXTRA + (k - 1) * (1 - FIRST_EXTRA / (workers - 1))
                    ) / workers
                    at = _line_start(handle, int(share * size), size)
                    if bounds[-1] < at < size:
                        bounds.append(at)
        bounds.append(size)
        for start, end in pairwise(bounds):
            pieces.append(Piece(len(pieces), file_index, name, start, end))
    return pieces


def _line_start(handle: Any, offset: int, size: int) -> int:
    """The offset of the first line starting at or after `offset`."""
    handle.seek(offset - 1)
    while True:
        block = handle.read(1 << 16)
        if not block:
            return size
        nl = block.find(b"\n")
        if nl >= 0:
            return offset + nl
        offset += len(block)


def _run_parallel(pieces: list[Piece], workers: int, options: ReadOptions) -> list[ReaderResult]:
    """Piece k of every file to worker k; this process is worker 0, forked children the rest."""
    groups: list[list[Piece]] = [[] for _ in range(workers)]
    seen: dict[int, int] = {}
    for piece in pieces:
        k = seen.get(piece.file, 0)
        seen[piece.file] = k + 1
        groups[k % workers].append(piece)
    groups = [sorted(g) for g in groups if g]
    children: list[tuple[int, int]] = []
    read = partial(_read_pieces, options=options)
    try:
        for group in groups[1:]:
            children.append(fork(read, group))
        results = [read(groups[0])]
        warm_heap(results[0], len(groups), lambda: any(map(running, children)))
        while children:
            results.append(collect(children[0]))
            children.pop(0)
        return results
    finally:
        stop(children)  # only after an exception: the others' work is not wanted


# ----------------------------------------------------------------------------------------------
# One reader: blocks of lines into coded columns


class _Worker:
    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self.stats = options.stats
        self.pseudo = ""
        """stats: the pseudo-annotator of the piece's dataset lines."""
        self.gold: set[str] = set()
        self.pre: set[str] = set()
        """stats: the names given to gold lines' and dataset lines' annotators."""
        self.annotators = Vocab()
        self.tasks: dict[str, Vocab] = {}
        self.ids = IdCollector()
        """The item id of every record read, in order."""
        self.review_lines = 0
        """Review (gold) lines left out, in the piece being read."""
        self.gold_answers = 0
        """Answers to gold items (`"_gold": true`) left out, in the piece being read."""
        self.keep_gold_answers = options.gold_answers or options.stats
        self.times = TimeCollector()
        """stats: the first and last `_ts` per annotator code, in the piece being read."""
        self.shapes: list[Shape] = []
        """The line shapes seen (shape.py), the latest first."""
        self.rest = 0
        """Blocks still to parse without trying shapes (after a block they hardly read)."""

    def block(self, lines: list[bytes], first_line: int, bom: bool = False) -> Block:
        """Lines numbered from `first_line`; `bom`: the first may start with a byte order mark."""
        if not (bom and lines[0].startswith(_BOM)):
            try:
                return self._fast(lines, first_line)
            except _BlockError:
                pass
        return self._careful(lines, first_line, bom)

    def chunk(
        self, buf: bytearray, size: int, first_line: int, bom: bool, blocks: PieceColumns
    ) -> int:
        """The whole lines in `buf[:size]`, numbered from `first_line`, as blocks (lines of a
        known shape read with NumPy, the others parsed); returns the number of lines."""
        bom = bom and buf.startswith(_BOM)
        scan = None
        if SHAPES and self.rest == 0:
            scan = scan_block(buf, size, self.shapes[0] if self.shapes else None)
        self.rest = max(self.rest - 1, 0)
        if scan is None:  # not UTF-8 (the full parse names the line), or shapes turned off
            lines = bytes(buf[:size]).split(b"\n")
            lines.pop()
            self._parsed(lines, first_line, bom, blocks)
            return len(lines)
        n = len(scan.ends)
        rows = read_shaped(
            scan,
            self.shapes,
            buf,
            stats=self.stats,
            keep_gold=self.keep_gold_answers,
            skip_first=bom,
        )
        fast = rows.fast
        if 4 * int(fast.sum()) < n:  # lines of many shapes: parse the next blocks at once
            self.rest = SHAPE_REST
        if bool(fast.all()):
            bounds = [0, n]
        else:
            bounds = [0, *(np.flatnonzero(fast[1:] != fast[:-1]) + 1).tolist(), n]
        for a, b in pairwise(bounds):
            if fast[a]:
                blocks.append(self._shaped_block(rows, scan, a, b, first_line))
            else:
                start, stop = int(scan.starts[a]), int(scan.ends[b - 1])
                lines = bytes(buf[start:stop]).split(b"\n")
                self._parsed(lines, first_line + a, bom and a == 0, blocks)
        return n

    def _parsed(self, lines: list[bytes], first_line: int, bom: bool, blocks: PieceColumns) -> None:
        for at in range(0, len(lines), BLOCK_LINES):
            first = first_line + at
            blocks.append(self.block(lines[at : at + BLOCK_LINES], first, bom and at == 0))

    def _shaped_block(
        self, rows: ShapedRows, scan: BlockScan, a: int, b: int, first_line: int
    ) -> Block:
        """Lines a..b-1 of a block, all read by shapes."""
        ann, tasks = rows.codes(a, b, self.annotators, self._vocab)
        self.ids.add_keys(rows.id_words[a:b])
        block = Block(ann, rows.done[a:b], first_line + a, tasks)
        if self.stats and rows.ms is not None and rows.ts is not None:
            block.ms = rows.ms[a:b]
            self.times.add_spans(ann, scan.data, rows.ts[0][a:b], rows.ts[1][a:b])
        return block

    def _vocab(self, name: str) -> Vocab:
        vocab = self.tasks.get(name)
        if vocab is None:
            vocab = self.tasks[name] = Vocab()
        return vocab

    def _fast(self, lines: list[bytes], first_line: int) -> Block:
        """A block of ordinary lines, with one C-level pass per field; `_BlockError` otherwise.

        Nothing is kept before every check has passed (the careful path reads the block again).
        """
        try:
            objs = list(map(fast_loads, lines))
            if any(map(_dict_has, objs, repeat(REVIEW_KEY))):  # a review (gold) line
                raise _BlockError  # not an object: TypeError
            if not self.keep_gold_answers and any(map(_dict_has, objs, repeat(GOLD_ANSWER_KEY))):
                raise _BlockError
            ids = list(map(_GET_ID, objs))  # a missing key: KeyError; not an object: TypeError
            joined = "\0".join(ids)  # TypeError unless every id is a string
            labels = list(map(_GET_LABELS, objs))
            n = len(objs)
            who = objs[0]["_annotator"]
            single = type(who) is str and who != "" and countOf(map(_GET_ANN, objs), who) == n
            if single:
                ann = np.full(n, self.annotators.code(who), dtype=np.int32)  # the usual block
            else:
                anns = list(map(_GET_ANN, objs))
                if set(map(type, anns)) != {str} or "" in anns:
                    raise _BlockError
                ann = self.annotators.code_all(anns)
            if countOf(map(_GET_STATUS, objs), "done") == n:
                done = np.ones(n, dtype=bool)
            else:
                statuses = list(map(_GET_STATUS, objs))
                if statuses.count("done") + statuses.count("skipped") != n:
                    raise _BlockError
                done = np.fromiter(map("done".__eq__, statuses), dtype=bool, count=n)
        except (ValueError, KeyError, TypeError):
            raise _BlockError from None
        columns = self._values(labels)
        self.ids.add(ids, joined)
        block = Block(ann, done, first_line, columns)
        if self.stats:
            block.ms = ms_column(list(map(_dict_get, objs, repeat("_ms"))))
            self.times.add_block(ann, list(map(_dict_get, objs, repeat("_ts"))), single)
        return block

    def _values(self, labels: list[Any]) -> dict[str, np.ndarray]:
        """Each task's codes for a block's `labels` objects."""
        head = labels[0]
        if type(head) is not dict:
            raise _BlockError
        if head and set(map(len, labels)) == {len(head)}:
            try:  # the usual block: the same tasks on every line (a missing one: KeyError)
                return {name: self._column(labels, name) for name in head}
            except (KeyError, TypeError):  # not an object: TypeError
                pass
        if set(map(type, labels)) != {dict}:
            raise _BlockError
        names = dict.fromkeys(chain.from_iterable(labels))  # first-appearance order
        return {
            name: self._vocab(name).code_all(list(map(_dict_get, labels, repeat(name))))
            for name in names
        }

    def _column(self, labels: list[dict[str, Any]], name: str) -> np.ndarray:
        """The codes of task `name` in every one of `labels`; KeyError if one lacks it."""
        vocab = self._vocab(name)
        try:  # the usual column: label names seen before, in one C-level pass
            values = map(vocab.index.__getitem__, map(_dict_item, labels, repeat(name)))
            return np.fromiter(values, dtype=np.int32, count=len(labels))
        except KeyError:
            pass
        return vocab.code_all(list(map(_dict_item, labels, repeat(name))))

    def _careful(self, lines: list[bytes], first_line: int, bom: bool = False) -> Block:
        ann: list[int] = []
        item: list[str] = []
        done: list[bool] = []
        numbers: list[int] = []
        values: dict[str, list[int]] = {}
        ms: list[float] = []
        for offset, raw in enumerate(lines):
            number = first_line + offset
            if bom and offset == 0 and raw.startswith(_BOM):
                raw = raw[3:]
            if not raw.strip():
                continue
            obj = parse_annotation_line(raw, number)
            if self.stats:
                got = stats_line(obj, raw, number, self.pseudo, self.options)
                if got is None:
                    continue
                who, ident, is_done, labels = got.who, got.ident, got.done, got.labels
                ms.append(got.ms)
                if got.ts is not None:
                    self.times.add_line(self.annotators.code(who), got.ts)
                if got.gold:
                    self.gold.add(who)
                if got.pre:
                    self.pre.add(who)
            elif type(obj) is dict and is_review_line(obj):
                self.review_lines += 1
                continue
            elif (
                type(obj) is dict
                and obj.get(GOLD_ANSWER_KEY) is True
                and not self.keep_gold_answers
            ):
                self.gold_answers += 1
                continue
            else:
                who, ident, is_done, labels = check_line(obj, number)
            row = len(ann)
            ann.append(self.annotators.code(who))
            item.append(ident)
            done.append(is_done)
            numbers.append(number)
            for name, value in labels.items():
                column = values.get(name)
                if column is None:
                    column = values[name] = [-1] * row
                column.append(self._vocab(name).code(value))
            for column in values.values():
                if len(column) == row:
                    column.append(-1)
        self.ids.add(item)
        block = Block(
            np.array(ann, dtype=np.int32),
            np.array(done, dtype=bool),
            np.array(numbers, dtype=np.int32),
            {k: np.array(v, dtype=np.int32) for k, v in values.items()},
        )
        if self.stats:
            block.ms = np.array(ms, dtype=np.float64)
        return block


def _read_pieces(pieces: list[Piece], options: ReadOptions) -> ReaderResult:
    """Read pieces (in order) in this process; return coded columns and vocabularies.

    Errors are returned as data (`error`), not raised, so that they cross process boundaries
    with their file and line intact.
    """
    worker = _Worker(options)
    out: list[tuple[Piece, PieceData]] = []
    expected = [expected_lines(p.path, p.start, p.end) for p in pieces]
    worker.ids.reserve(sum(expected))  # one key column for all pieces, no copy as it grows
    for piece, lines_expected in zip(pieces, expected, strict=True):
        worker.review_lines = 0
        worker.gold_answers = 0
        worker.times = TimeCollector()
        worker.pseudo = Path(piece.path).stem + PRE_SUFFIX
        try:
            out.append((piece, _read_piece(worker, piece, lines_expected)))
        except LabeltuiError as exc:
            lines = {done.index: data.lines for done, data in out}
            error = ReadError(exc.message, exc.path, exc.line, piece.index)
            return ReaderResult(error, lines=lines)
    annotators, ann_map = worker.annotators.finish()
    ids, item_codes = worker.ids.finish()
    tasks = {name: vocab.finish() for name, vocab in worker.tasks.items()}
    at = 0
    for _, data in out:
        n = len(data.ann)
        data.ann = remap(data.ann, ann_map)
        data.item = item_codes[at : at + n]
        at += n
        for name, codes in data.tasks.items():
            data.tasks[name] = remap(codes, tasks[name][1])
        if data.times:
            data.times = {annotators[int(ann_map[code])]: span for code, span in data.times.items()}
    return ReaderResult(
        annotators=annotators,
        ids=ids,
        tasks={name: values for name, (values, _) in tasks.items()},
        pieces=out,
        gold=sorted(worker.gold),
        pre=sorted(worker.pre),
    )


def _read_piece(worker: _Worker, piece: Piece, expected: int) -> PieceData:
    """A piece's columns (room for about `expected` lines); its lines are numbered from 1 (the
    merge adds the lines of the pieces before it in its file, so no reader has to count
    them)."""
    path, start, end = piece.path, piece.start, piece.end
    blocks = PieceColumns(expected)
    number = 1
    torn = None
    try:
        for buf, size, tail in shaped_batches(path, start, end, READ_BYTES):
            if tail is not None:  # the last line, without its newline
                if incomplete(tail):  # a save in progress: left out, with a note
                    torn = number
                else:
                    blocks.append(worker.block([tail], number, start == 0 and number == 1))
                number += 1
                continue
            number += worker.chunk(buf, size, number, start == 0 and number == 1, blocks)
    except LineError as exc:
        raise LabeltuiError(exc.message, path, exc.line) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read file: {exc.strerror or exc}", path) from None
    out = blocks.finish()
    if worker.stats:
        out.times = worker.times.finish()
    out.lines = number - 1
    out.review = worker.review_lines
    out.gold_answers = worker.gold_answers
    out.torn = torn
    return out
