"""Merging the annotation readers' results into one table, in file order.

The seam between the readers (read.py) and the merge is typed here: a `Piece` of a file, the
`PieceData` read from it, a reader's `ReaderResult` and its `ReadError`. Each reader (this
process, or a forked one per core) numbers its own annotators, item ids and
label values, and numbers lines from 1 in every piece of a file it read. The merge renumbers
them all into one `AnnotationTable`, and turns the first error (in file order) into one
`LabeltuiError` with its true line number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from labeltui.core.agree.reading.table import (
    AnnotationTable,
    IdGroups,
    TaskColumn,
    Vocab,
    merge_ids,
    remap_values,
)
from labeltui.core.agree.reading.times import TimeSpan, merge_times
from labeltui.core.annotations.notes import INCOMPLETE
from labeltui.errors import LabeltuiError


@dataclass(frozen=True, order=True, slots=True)
class Piece:
    """A part of one file, starting at a line start; pieces are numbered in file order."""

    index: int
    file: int
    path: str
    start: int
    end: int


@dataclass(slots=True)
class PieceData:
    """The columns read from one piece, one entry per record (annotation line)."""

    ann: np.ndarray
    done: np.ndarray
    line: np.ndarray | int
    """Line numbers counted from 1 in the piece (the merge adds the lines before it); an int:
    the first record's, the others following it without a gap (columns.py)."""
    tasks: dict[str, np.ndarray]
    """Per task, each record's value code (-1: none)."""
    item: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    """Item codes, set when the reader has numbered its ids."""
    lines: int = 0
    """Lines in the piece."""
    review: int = 0
    """Review (gold) lines left out."""
    gold_answers: int = 0
    """Answers to gold items (`"_gold": true`) left out."""
    torn: int | None = None
    """The line of a half-written last line, left out."""
    ms: np.ndarray | None = None
    """stats: `_ms` per record (NaN: none)."""
    times: dict[Any, TimeSpan] | None = None
    """stats: first and last `_ts` per annotator (by code while read, by name when done)."""


@dataclass(frozen=True, slots=True)
class ReadError:
    """A bad line met by a reader; `piece` lets the merge add the lines before it."""

    message: str
    path: str | None
    line: int | None
    piece: int


@dataclass(slots=True)
class ReaderResult:
    """What one reader (this process or a forked one) read: its own numbering of annotators,
    item ids and values, and per piece its columns; or the error that stopped it."""

    error: ReadError | None = None
    annotators: list[str] = field(default_factory=list)
    ids: IdGroups = field(default_factory=IdGroups)
    tasks: dict[str, list[Any]] = field(default_factory=dict)
    """Per task, the values in code order."""
    pieces: list[tuple[Piece, PieceData]] = field(default_factory=list)
    lines: dict[int, int] = field(default_factory=dict)
    """After an error: the lines of the pieces read in full before it (by piece index)."""
    gold: list[str] = field(default_factory=list)
    pre: list[str] = field(default_factory=list)
    """stats: the annotators of gold lines ("NAME (gold)") and of pre-annotations."""


def _line_offsets(pieces: list[Piece], lines: dict[int, int]) -> list[int]:
    """For each piece, the number of lines before it in its file: the lines of the pieces
    before it (pieces are numbered in file order; `lines` holds the pieces read)."""
    offsets: list[int] = []
    seen: dict[int, int] = {}
    for piece in pieces:  # pieces are in index order
        offsets.append(seen.get(piece.file, 0))
        seen[piece.file] = offsets[-1] + lines.get(piece.index, 0)
    return offsets


def warm_heap(own: ReaderResult, readers: int, waiting: Callable[[], bool]) -> None:
    """While `waiting()` (other readers still at work), touch memory the size of the merged
    columns (estimated from this reader's share), then free it.

    Memory a process touches for the first time is slow to fault in (on the test VM, 2-3 ms a
    MB: most of the merge's time when its columns are new memory). Freed, it stays with the
    allocator (`shaped.keep_freed_memory`) and the merge's columns reuse it. Nothing is
    touched once the others are done: then it would only move the cost."""
    if own.error is not None:
        return
    n = sum(len(data.ann) for _, data in own.pieces) * readers
    int32_columns = 3 + len(own.tasks)  # ann, item, line and the tasks; file and done below
    dtypes: list[Any] = [np.int32] * int32_columns + [np.int16, np.bool_]
    if any(data.ms is not None for _, data in own.pieces):  # stats: `_ms` (float64)
        dtypes.append(np.float64)
    warm = []
    for dtype in dtypes:
        if not waiting():
            break
        warm.append(np.ones(n, dtype=dtype))
    del warm


def _raise_first_error(results: list[ReaderResult], pieces: list[Piece]) -> None:
    """The error of the earliest piece, as reading the files one line after another would find
    it first; every piece before it was read in full by some reader."""
    errors = [r.error for r in results if r.error is not None]
    if not errors:
        return
    first = min(errors, key=lambda e: e.piece)
    line = first.line
    if line is not None:
        lines: dict[int, int] = {}
        for result in results:
            lines.update(result.lines)
            for piece, data in result.pieces:
                lines[piece.index] = data.lines
        line += _line_offsets(pieces, lines)[first.piece]
    raise LabeltuiError(first.message, first.path, line)


def merge(names: list[str], results: list[ReaderResult], pieces: list[Piece]) -> AnnotationTable:
    """One table of every reader's pieces, in file order; the first error (in file order) is
    raised as one `LabeltuiError` with its true line number."""
    _raise_first_error(results, pieces)
    by_piece: list[tuple[int, int, PieceData] | None] = [None] * len(pieces)
    lines: dict[int, int] = {}
    for k, result in enumerate(results):
        for piece, data in result.pieces:
            by_piece[piece.index] = (k, piece.file, data)
            lines[piece.index] = data.lines
    offsets = _line_offsets(pieces, lines)
    order: dict[str, None] = {}  # tasks in order of first appearance
    for entry in by_piece:
        assert entry is not None
        order.update(dict.fromkeys(entry[2].tasks))
    id_groups: list[IdGroups] = [r.ids for r in results]
    if len(results) == 1:  # one reader: its codes are the final ones
        only = results[0]
        annotators, items = only.annotators, id_groups[0].table_ids()
        task_values: dict[str, list[Any]] = {name: only.tasks[name] for name in order}
        ann_maps: list[np.ndarray | None] = [None]
        item_maps: list[np.ndarray | None] = [None]
        value_maps: list[dict[str, np.ndarray]] = [{}]
    else:
        ann_vocab = Vocab()
        raw_ann = [ann_vocab.code_all(r.annotators) for r in results]
        annotators, ann_renumber = ann_vocab.finish()
        ann_maps = [ann_renumber[m] for m in raw_ann]
        items, merged_maps = merge_ids(id_groups)
        item_maps = list(merged_maps)
        task_index: dict[str, dict[Any, int]] = {name: {} for name in order}
        task_values = {name: [] for name in order}
        value_maps = [
            {
                name: remap_values(values, task_index[name], task_values[name])
                for name, values in r.tasks.items()
            }
            for r in results
        ]
    total = sum(len(entry[2].ann) for entry in by_piece if entry is not None)
    columns = _Columns(total, order)
    at = 0
    for index, entry in enumerate(by_piece):
        assert entry is not None
        k, file_index, data = entry
        n = len(data.ann)
        put = slice(at, at + n)
        at += n
        _put(columns.ann[put], data.ann, ann_maps[k])
        _put(columns.item[put], data.item, item_maps[k])
        columns.done[put] = data.done
        columns.file[put] = file_index
        _number(columns.line[put], data.line, offsets[index])
        for name, column in columns.tasks.items():
            codes = data.tasks.get(name)
            if codes is None:
                column[put] = -1
            else:
                _put(column[put], codes, value_maps[k].get(name))
    notes = _notes(names, by_piece, offsets)
    gold_answers = sum(entry[2].gold_answers for entry in by_piece if entry is not None)
    extra: dict[str, Any] = {}
    pieces_data = [entry[2] for entry in by_piece if entry is not None]
    if any(data.ms is not None for data in pieces_data):  # stats asked for its extras
        extra["ms"] = join(
            [
                data.ms if data.ms is not None else np.full(len(data.ann), np.nan)
                for data in pieces_data
            ],
            np.float64,
        )
        times: dict[Any, TimeSpan] = {}
        for data in pieces_data:  # in file order
            merge_times(times, data.times or {})
        extra["times"] = times
        extra["gold"] = {name for r in results for name in r.gold}
        extra["pre"] = {name for r in results for name in r.pre}
    return AnnotationTable(
        paths=names,
        annotators=list(annotators),
        item_ids=items,
        ann=columns.ann,
        item=columns.item,
        done=columns.done,
        file=columns.file,
        line=columns.line,
        tasks={name: TaskColumn(codes, task_values[name]) for name, codes in columns.tasks.items()},
        notes=notes,
        gold_answers=gold_answers,
        **extra,
    )


class _Columns:
    """The merged table's columns, filled piece by piece in place (no parts to join)."""

    def __init__(self, n: int, tasks: dict[str, None]) -> None:
        self.ann = np.empty(n, dtype=np.int32)
        self.item = np.empty(n, dtype=np.int32)
        self.done = np.empty(n, dtype=bool)
        self.file = np.empty(n, dtype=np.int16)
        self.line = np.empty(n, dtype=np.int32)
        self.tasks = {name: np.empty(n, dtype=np.int32) for name in tasks}


#: Line numbers made at a time from one range (a small buffer, reused).
NUMBER_SLICE = 1 << 16


def _number(out: np.ndarray, line: np.ndarray | int, offset: int) -> None:
    """`out[:] = line + offset`; an int `line` numbers the records from it, one by one."""
    if not isinstance(line, int):
        np.add(line, offset, out=out)
        return
    step = np.arange(min(len(out), NUMBER_SLICE), dtype=np.int32)
    for at in range(0, len(out), NUMBER_SLICE):
        part = out[at : at + NUMBER_SLICE]
        np.add(step[: len(part)], line + offset + at, out=part)


def _put(out: np.ndarray, codes: np.ndarray, mapping: np.ndarray | None) -> None:
    """`out[:] = mapping[codes]` (code -1 picks a value map's trailing -1); a map that only
    adds a constant (a reader's item codes after another's) adds it, no map copies."""
    if mapping is None or not len(codes):
        out[:] = codes
        return
    shift = _shift(mapping)
    if shift == 0:
        out[:] = codes
    elif shift is not None and int(codes.min()) >= 0:
        np.add(codes, shift, out=out)
    else:
        np.take(mapping, codes, out=out, mode="wrap")


def remap(codes: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    """`mapping[codes]`, or `codes` themselves when the map changes no code."""
    return codes if _shift(mapping) == 0 else mapping[codes]


def _shift(mapping: np.ndarray) -> int | None:
    """The constant c when `mapping[i] == i + c` for every code i (a trailing -1 for code -1
    aside), else None."""
    body = mapping[:-1] if len(mapping) and mapping[-1] == -1 else mapping
    if not len(body):
        return None
    c = int(body[0])
    if int(body[-1]) - c != len(body) - 1:
        return None
    return c if bool((np.diff(body) == 1).all()) else None


def _notes(
    names: list[str], by_piece: list[tuple[int, int, PieceData] | None], offsets: list[int]
) -> list[str]:
    """One sentence per file for its review (gold) lines, and one for a half-written last
    line, with its true line number."""
    review = [0] * len(names)
    gold_answers = [0] * len(names)
    torn: dict[int, int] = {}
    for index, entry in enumerate(by_piece):
        assert entry is not None
        _, file_index, data = entry
        review[file_index] += data.review
        gold_answers[file_index] += data.gold_answers
        if data.torn is not None:
            torn[file_index] = data.torn + offsets[index]
    notes = []
    for file_index, name in enumerate(names):
        if file_index in torn:
            notes.append(f"{name}:{torn[file_index]}: {INCOMPLETE}")
        if review[file_index]:
            n = review[file_index]
            notes.append(
                f"{name}: {n} review (gold) line{'s' * (n != 1)} left out of agreement; "
                "they are not an annotator's answers"
            )
        if gold_answers[file_index]:
            n = gold_answers[file_index]
            notes.append(
                f'{name}: {n} answer{"s" * (n != 1)} to gold items ("_gold": true) left out '
                "of agreement; agree --gold scores them"
            )
    return notes


def join(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
