"""Reading annotation files fast, for `labeltui agree` (FORMAT sections 3 and 5).

The files are read whole, every line is parsed in full (a bad line anywhere is an error naming
its file and line, never silently skipped) and only five things per line are kept: annotator,
item, status, line number and, per task, the value coded as an integer (`-1`: no value or
`null`). Then the current line of each (annotator, item) is chosen with NumPy: the last one, in
the order the files were given.

Speed comes from three things, each measured (see benchmarks/agree.py):

- orjson, when it is installed, parses a line about 5x faster than the standard library; it is
  optional, with `json` as the fallback (and as the judge of a line orjson refuses, so both give
  the same answer on every file);
- lines are handled in blocks with C-level `map` calls, not a Python statement per line; a block
  with anything unusual (a blank line, a bad line, a list value) is read again line by line by
  the careful path, which names the line of an error;
- big inputs are split into pieces read by worker processes, one per core.
"""

from __future__ import annotations

import contextlib
import gc
import json
import mmap
import os
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, count, pairwise, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from labeltui.errors import LabeltuiError

try:  # optional: measured ~5x faster per line than json.loads (README, benchmarks/agree.py)
    if os.environ.get("LABELTUI_NO_ORJSON"):  # for measuring the fallback
        raise ImportError
    import orjson

    _fast_loads = orjson.loads
except ImportError:
    _fast_loads = json.loads

#: Lines per block of the fast path (small enough that a block's objects stay in cache).
BLOCK_LINES = 1000
#: Inputs smaller than this are read in this process; bigger ones by one worker per core.
PARALLEL_BYTES = 48 * 1024 * 1024
#: Files are cut into pieces of at least this size.
MIN_PIECE_BYTES = 1024 * 1024

_STATUS = {"done": True, "skipped": False}
_FIELDS = itemgetter("_annotator", "_id", "_status", "labels")
_get = dict.get


class _BlockError(Exception):
    """The fast path met something it leaves to the careful path."""


@dataclass(slots=True)
class TaskColumn:
    """One task's values, one per record: `codes[r]` indexes `values`, -1 for none."""

    codes: np.ndarray
    values: list[Any]
    """Distinct label names once each; every non-string value (a list) is its own entry."""


@dataclass(slots=True)
class AnnotationTable:
    """Every line of the files, as integer columns; `current()` picks the lines that count."""

    paths: list[str]
    annotators: list[str]
    item_ids: list[str]
    """Distinct item ids, in no particular order (`first_seen` gives the order in the files)."""
    ann: np.ndarray
    item: np.ndarray
    done: np.ndarray
    file: np.ndarray
    line: np.ndarray
    tasks: dict[str, TaskColumn] = field(default_factory=dict)
    """Tasks in order of first appearance."""

    def first_seen(self) -> np.ndarray:
        """(items,) the index of each item's first record (order of first appearance)."""
        first = np.full(len(self.item_ids), len(self.item), dtype=np.int64)
        np.minimum.at(first, self.item, np.arange(len(self.item), dtype=np.int64))
        return first

    def where(self, record: int) -> tuple[str, int]:
        """The file and line number of a record."""
        return self.paths[int(self.file[record])], int(self.line[record])

    def current(self) -> np.ndarray:
        """Indices of the current records (last line per annotator and item) that are `done`."""
        n = len(self.ann)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        n_ann = max(len(self.annotators), 1)
        key = self.item.astype(np.int64) * n_ann + self.ann
        order = np.arange(n, dtype=np.int64)
        size = len(self.item_ids) * n_ann
        if size <= max(8 * n, 1 << 20):
            if np.bincount(key, minlength=size).max() == 1:  # one line per annotator and item
                last = order
            else:
                last = np.full(size, -1, dtype=np.int64)
                np.maximum.at(last, key, order)
                last = last[last >= 0]
        else:  # many annotators with few items each: sort instead of a dense table
            sort = np.argsort(key, kind="stable")
            skey = key[sort]
            ends = np.flatnonzero(np.append(skey[1:] != skey[:-1], True))
            last = np.sort(sort[ends])
        return last[self.done[last]]


# ----------------------------------------------------------------------------------------------
# Public entry point


def read_annotation_files(
    paths: list[str | Path], workers: int | None = None, parallel_bytes: int | None = None
) -> AnnotationTable:
    """Read annotation files (several annotators per file allowed) into an `AnnotationTable`.

    `workers` (default: the usable cores, at most 8) and `parallel_bytes` exist for tests.
    """
    if not paths:
        raise LabeltuiError("no annotation files given (labeltui agree FILE...)")
    names = [str(p) for p in paths]
    sizes = [_size(Path(p)) for p in names]
    threshold = PARALLEL_BYTES if parallel_bytes is None else parallel_bytes
    if workers is None:
        workers = min(_cores(), 8)
    total = sum(sizes)
    with _no_gc():
        return _read(names, sizes, total, threshold, workers)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Millions of short-lived containers would trigger the cyclic GC again and again (it
    doubles the reading time); nothing here makes cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(
    names: list[str], sizes: list[int], total: int, threshold: int, workers: int
) -> AnnotationTable:
    if workers > 1 and total >= threshold and "fork" in _start_methods():
        pieces = _split(names, sizes, workers)
        results = _run_parallel(pieces, workers)
    else:
        pieces = [
            (i, i, name, 0, size) for i, (name, size) in enumerate(zip(names, sizes, strict=False))
        ]
        results = [_read_pieces(pieces)]
    return _merge(names, results, len(pieces))


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            raise LabeltuiError("is a folder, not an annotation file", path)
        return path.stat().st_size
    except FileNotFoundError:
        raise LabeltuiError("file not found", path) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read file: {exc.strerror or exc}", path) from None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _start_methods() -> list[str]:
    if sys.platform == "win32":  # pragma: no cover
        return []
    import multiprocessing

    return multiprocessing.get_all_start_methods()


# ----------------------------------------------------------------------------------------------
# Splitting big inputs into pieces for worker processes


Piece = tuple[int, int, str, int, int]
"""(piece index, file index, path, start byte, end byte); pieces start at a line start."""


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
                    at = _line_start(handle, k * size // workers, size)
                    if bounds[-1] < at < size:
                        bounds.append(at)
        bounds.append(size)
        for start, end in pairwise(bounds):
            pieces.append((len(pieces), file_index, name, start, end))
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


def _run_parallel(pieces: list[Piece], workers: int) -> list[dict]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # piece k of every file to worker k; then even out the bytes
    starts: dict[int, int] = {}
    groups: list[list[Piece]] = [[] for _ in range(workers)]
    for piece in pieces:
        k = starts.setdefault(piece[1], 0)
        starts[piece[1]] += 1
        groups[k % workers].append(piece)
    groups = [sorted(g) for g in groups if g]
    if len(groups) == 1:
        return [_read_pieces(groups[0])]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(groups) - 1, mp_context=context) as pool:
        futures = [pool.submit(_read_pieces, g) for g in groups[1:]]
        mine = _read_pieces(groups[0])  # this process reads a share too
        return [mine, *(f.result() for f in futures)]


# ----------------------------------------------------------------------------------------------
# One worker: read pieces into coded columns


def _key(value: Any) -> Any:
    """What makes two values the same: a string itself, a list of strings as a tuple.

    Anything else (lists of objects, numbers, ...) gets no key: each is its own entry.
    """
    if type(value) is str:
        return value
    if type(value) is list and all(type(v) is str for v in value):
        return tuple(value)
    return None


class _Vocab:
    """Values to codes (-1: none or null); equal strings and equal lists of strings share one.

    Codes are handed out by a counter inside C-level `map` calls, so they have gaps;
    `finish()` numbers the values 0, 1, 2, ... and returns the renumbering.
    """

    __slots__ = ("counter", "index", "objects")

    def __init__(self) -> None:
        self.index: dict[Any, int] = {None: -1}
        self.counter = count()
        self.objects: dict[int, Any] = {}
        """Values that are not their own key (lists), by code."""

    def code_all(self, vals: list[Any]) -> np.ndarray:
        if not set(map(type, vals)) <= _STR_OR_NONE:
            return np.array([self.code(v) for v in vals], dtype=np.int32)
        index = self.index
        deque(map(index.setdefault, dict.fromkeys(vals), self.counter), maxlen=0)
        return np.fromiter(map(index.__getitem__, vals), dtype=np.int32, count=len(vals))

    def code(self, value: Any) -> int:
        if value is None:
            return -1
        key = _key(value)
        if key is None:
            code = next(self.counter)
            self.index[("\0object", code)] = code
            self.objects[code] = value
            return code
        code = self.index.get(key)
        if code is None:
            code = self.index[key] = next(self.counter)
            if type(value) is not str:
                self.objects[code] = value
        return code

    def finish(self) -> tuple[list[Any], np.ndarray]:
        """The values in code order, and the map from raw codes to 0, 1, ... (-1 stays -1)."""
        keys = list(self.index)[1:]  # insertion order is code order; [0] is None
        codes = np.fromiter(self.index.values(), dtype=np.int64, count=len(self.index))[1:]
        top = int(codes[-1]) + 1 if len(codes) else 0
        renumber = np.full(top + 1, -1, dtype=np.int32)  # the extra last entry maps -1
        renumber[codes] = np.arange(len(codes), dtype=np.int32)
        if self.objects:
            objects = self.objects
            values = [objects.get(int(c), k) for c, k in zip(codes, keys, strict=True)]
        else:
            values = keys
        return values, renumber


_STR_OR_NONE = {str, type(None)}


class _Worker:
    def __init__(self) -> None:
        self.annotators = _Vocab()
        self.ids: list[list[str]] = []
        self.id_hashes: list[np.ndarray] = []
        """Their hashes, taken while the strings are fresh in the CPU cache."""
        """Item ids of every record read, block by block (numbered at the end, by hash)."""
        self.tasks: dict[str, _Vocab] = {}

    def block(self, lines: list[bytes], first_line: int, careful: bool) -> dict:
        if not careful:
            try:
                return self._fast(lines, first_line)
            except _BlockError:
                pass
        return self._careful(lines, first_line)

    def _fast(self, lines: list[bytes], first_line: int) -> dict:
        try:
            objs = list(map(_fast_loads, lines))
            if set(map(type, objs)) != {dict}:
                raise _BlockError
            anns, ids, statuses, labels = zip(*map(_FIELDS, objs), strict=False)
            if (
                set(map(type, ids)) != {str}
                or set(map(type, labels)) != {dict}
                or set(map(type, anns)) != {str}
            ):
                raise _BlockError
            n = len(objs)
            who = set(anns)
            if "" in who:
                raise _BlockError
            if len(who) == 1:  # the usual block: one annotator
                ann = np.full(n, self.annotators.code(anns[0]), dtype=np.int32)
            else:
                ann = self.annotators.code_all(list(anns))
            n_done = statuses.count("done")
            if n_done == n:
                done = np.ones(n, dtype=bool)
            elif n_done + statuses.count("skipped") == n:
                done = np.fromiter(map(_STATUS.__getitem__, statuses), dtype=bool, count=n)
            else:
                raise _BlockError
        except (ValueError, KeyError, TypeError):
            raise _BlockError from None
        names = dict.fromkeys(chain.from_iterable(labels))  # first-appearance order
        columns = {}
        for name in names:
            vocab = self.tasks.get(name)
            if vocab is None:
                vocab = self.tasks[name] = _Vocab()
            columns[name] = vocab.code_all(list(map(_get, labels, repeat(name))))
        return {
            "ann": ann,
            "item": self._ids(list(ids)),
            "done": done,
            "line": np.arange(first_line, first_line + n, dtype=np.int32),
            "tasks": columns,
        }

    def _ids(self, ids: list[str]) -> None:
        self.ids.append(ids)
        self.id_hashes.append(np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids)))

    def _careful(self, lines: list[bytes], first_line: int) -> dict:
        ann, item, done, numbers = [], [], [], []
        values: dict[str, list[int]] = {}
        for offset, raw in enumerate(lines):
            number = first_line + offset
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            obj = _parse_line(raw, number)
            who, ident, is_done, labels = _check_line(obj, number)
            row = len(ann)
            ann.append(self.annotators.code(who))
            item.append(ident)
            done.append(is_done)
            numbers.append(number)
            for name, value in labels.items():
                vocab = self.tasks.get(name)
                if vocab is None:
                    vocab = self.tasks[name] = _Vocab()
                column = values.get(name)
                if column is None:
                    column = values[name] = [-1] * row
                column.append(vocab.code(value))
            for column in values.values():
                if len(column) == row:
                    column.append(-1)
        return {
            "ann": np.array(ann, dtype=np.int32),
            "item": self._ids(item),
            "done": np.array(done, dtype=bool),
            "line": np.array(numbers, dtype=np.int32),
            "tasks": {k: np.array(v, dtype=np.int32) for k, v in values.items()},
        }


class _LineError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _parse_line(raw: bytes, number: int) -> Any:
    try:
        return _fast_loads(raw)
    except ValueError:
        pass
    try:  # orjson refuses a few things json accepts (NaN, huge integers): json decides
        return json.loads(raw)
    except UnicodeDecodeError:
        raise _LineError("the line is not valid UTF-8", number) from None
    except ValueError as exc:
        msg = getattr(exc, "msg", None) or str(exc)
        col = getattr(exc, "colno", None)
        where = f" at column {col}" if col else ""
        raise _LineError(f"not valid JSON ({msg}{where})", number) from None


_HINT = "agree reads the files `labeltui annotate` writes"


def _check_line(obj: Any, number: int) -> tuple[str, str, bool, dict]:
    if not isinstance(obj, dict):
        kind = "an array" if isinstance(obj, list) else f"a {type(obj).__name__}"
        raise _LineError(f"not an annotation line: expected a JSON object, found {kind}", number)
    if "_annotator" not in obj:
        raise _LineError(f"not an annotation line: it has no '_annotator' ({_HINT})", number)
    who = obj["_annotator"]
    if not isinstance(who, str) or not who:
        raise _LineError("'_annotator' must be a non-empty string", number)
    if "_id" not in obj:
        raise _LineError(f"not an annotation line: it has no '_id' ({_HINT})", number)
    ident = obj["_id"]
    if isinstance(ident, int) and not isinstance(ident, bool):
        ident = str(ident)
    if not isinstance(ident, str):
        raise _LineError("'_id' must be a string", number)
    status = obj.get("_status")
    if not isinstance(status, str) or status not in _STATUS:
        shown = "missing" if "_status" not in obj else json.dumps(status)[:40]
        raise _LineError(f'\'_status\' must be "done" or "skipped" ({shown})', number)
    labels = obj.get("labels")
    if not isinstance(labels, dict):
        if status == "skipped":
            labels = {}
        else:
            raise _LineError("'labels' must be an object of task names to values", number)
    return who, ident, _STATUS[status], labels


def _read_pieces(pieces: list[Piece]) -> dict:
    """Read pieces (in order) in this process; return coded columns and vocabularies.

    Errors are returned as data (`error`), not raised, so that they cross process boundaries
    with their file and line intact.
    """
    worker = _Worker()
    out: list[tuple[int, int, dict]] = []
    try:
        for piece in pieces:
            out.append((piece[0], piece[1], _read_piece(worker, piece)))
    except LabeltuiError as exc:
        return {"error": (exc.message, exc.path, exc.line)}
    annotators, ann_map = worker.annotators.finish()
    items, item_codes = factorize(
        list(chain.from_iterable(worker.ids)), _join(worker.id_hashes, np.int64)
    )
    worker.ids.clear()
    item_hashes = np.fromiter(map(hash, items), dtype=np.int64, count=len(items))
    tasks = {name: vocab.finish() for name, vocab in worker.tasks.items()}
    at = 0
    for _, _, data in out:
        data["ann"] = ann_map[data["ann"]]
        data["item"] = item_codes[at : at + len(data["ann"])]
        at += len(data["ann"])
        for name, codes in data["tasks"].items():
            data["tasks"][name] = tasks[name][1][codes]
    return {
        "error": None,
        "annotators": annotators,
        "items": items,
        "item_hashes": item_hashes,
        "tasks": {name: values for name, (values, _) in tasks.items()},
        "pieces": out,
    }


#: Bytes read at a time (memory stays flat however big the file).
READ_BYTES = 16 * 1024 * 1024


def _read_piece(worker: _Worker, piece: Piece) -> dict:
    _, _, path, start, end = piece
    blocks = []
    try:
        first_line = 1 + (_count_newlines(path, start) if start else 0)
        for lines, number in _line_batches(path, start, end, first_line):
            for at in range(0, len(lines), BLOCK_LINES):
                chunk = lines[at : at + BLOCK_LINES]
                careful = number + at == 1 and chunk[0].startswith(b"\xef\xbb\xbf")
                blocks.append(worker.block(chunk, number + at, careful))
    except _LineError as exc:
        raise LabeltuiError(exc.message, path, exc.line) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read file: {exc.strerror or exc}", path) from None
    return _concat(blocks)


def _line_batches(
    path: str, start: int, end: int, first_line: int
) -> Iterator[tuple[list[bytes], int]]:
    """(lines, number of the first) for the lines of [start, end), READ_BYTES at a time."""
    with open(path, "rb") as handle:
        handle.seek(start)
        left = end - start
        carry = b""
        number = first_line
        while left > 0:
            data = handle.read(min(READ_BYTES, left))
            if not data:
                break
            left -= len(data)
            lines = data.split(b"\n")
            lines[0] = carry + lines[0]
            carry = lines.pop()  # the part after the last newline: completed by the next read
            if lines:
                yield lines, number
                number += len(lines)
        if carry:
            yield [carry], number


def _count_newlines(path: str, end: int) -> int:
    count = 0
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        step = 1 << 24
        for at in range(0, end, step):
            count += mm[at : min(at + step, end)].count(b"\n")
    return count


def _concat(blocks: list[dict]) -> dict:
    if not blocks:
        empty32 = np.zeros(0, dtype=np.int32)
        return {
            "ann": empty32,
            "done": np.zeros(0, bool),
            "line": empty32,
            "tasks": {},
        }
    names: dict[str, None] = {}
    for block in blocks:
        names.update(dict.fromkeys(block["tasks"]))
    out = {key: np.concatenate([b[key] for b in blocks]) for key in ("ann", "done", "line")}
    tasks = {}
    for name in names:
        parts = []
        for block in blocks:
            column = block["tasks"].get(name)
            if column is None:
                column = np.full(len(block["ann"]), -1, dtype=np.int32)
            parts.append(column)
        tasks[name] = np.concatenate(parts)
    out["tasks"] = tasks
    return out


# ----------------------------------------------------------------------------------------------
# Merging the workers' results in file order


def _merge(names: list[str], results: list[dict], n_pieces: int) -> AnnotationTable:
    for result in results:
        if result["error"] is not None:
            message, path, line = result["error"]
            raise LabeltuiError(message, path, line)
    by_piece: list[tuple[int, int, dict] | None] = [None] * n_pieces
    for k, result in enumerate(results):
        for piece_index, file_index, data in result["pieces"]:
            by_piece[piece_index] = (k, file_index, data)
    order: dict[str, None] = {}  # tasks in order of first appearance
    for entry in by_piece:
        assert entry is not None
        order.update(dict.fromkeys(entry[2]["tasks"]))
    if len(results) == 1:  # one reader: its codes are the final ones
        only = results[0]
        annotators, items = only["annotators"], only["items"]
        task_values = {name: only["tasks"][name] for name in order}
        ann_maps = item_maps = [None]
        value_maps: list[dict[str, np.ndarray]] = [{}]
    else:
        ann_vocab = _Vocab()
        raw_ann = [ann_vocab.code_all(r["annotators"]) for r in results]
        annotators, ann_renumber = ann_vocab.finish()
        ann_maps = [ann_renumber[m] for m in raw_ann]
        items, item_maps = _merge_ids(
            [r["items"] for r in results], [r["item_hashes"] for r in results]
        )
        task_index: dict[str, dict[Any, int]] = {name: {} for name in order}
        task_values = {name: [] for name in order}
        value_maps = [
            {
                name: _remap_values(values, task_index[name], task_values[name])
                for name, values in r["tasks"].items()
            }
            for r in results
        ]
    ann_parts, item_parts, done_parts, file_parts, line_parts = [], [], [], [], []
    task_parts: dict[str, list[np.ndarray]] = {name: [] for name in order}
    for entry in by_piece:
        assert entry is not None
        k, file_index, data = entry
        n = len(data["ann"])
        ann_map, item_map = ann_maps[k], item_maps[k]
        ann_parts.append(data["ann"] if ann_map is None else ann_map[data["ann"]])
        item_parts.append(data["item"] if item_map is None else item_map[data["item"]])
        done_parts.append(data["done"])
        file_parts.append(np.full(n, file_index, dtype=np.int16))
        line_parts.append(data["line"])
        for name, parts in task_parts.items():
            codes = data["tasks"].get(name)
            if codes is None:
                parts.append(np.full(n, -1, dtype=np.int32))
            elif name in value_maps[k]:
                parts.append(value_maps[k][name][codes])  # -1 picks the map's trailing -1
            else:
                parts.append(codes)
    item = _join(item_parts, np.int32)
    return AnnotationTable(
        paths=names,
        annotators=list(annotators),
        item_ids=list(items),
        ann=_join(ann_parts, np.int32),
        item=item,
        done=_join(done_parts, bool),
        file=_join(file_parts, np.int16),
        line=_join(line_parts, np.int32),
        tasks={
            name: TaskColumn(_join(parts, np.int32), task_values[name])
            for name, parts in task_parts.items()
        },
    )


def _merge_ids(
    parts: list[list[str]], hashes: list[np.ndarray]
) -> tuple[list[str], list[np.ndarray]]:
    """One numbering of several readers' item ids; per reader, its codes in it.

    Each reader's ids are distinct with distinct hashes (`factorize`), and forked readers hash
    as this process does: ids are matched by hash with NumPy, and the ids of a hash that
    several readers saw are compared as strings (a collision falls back to a dictionary).
    """
    every = np.empty(sum(map(len, parts)), dtype=object)
    every[:] = list(chain.from_iterable(parts))
    _, first, group = np.unique(np.concatenate(hashes), return_index=True, return_inverse=True)
    group = group.reshape(-1)
    counts = np.bincount(group, minlength=len(first))
    shared = np.flatnonzero(counts[group] > 1)
    if len(shared) and not bool((every[shared] == every[first][group[shared]]).all()):
        values, codes = factorize(every.tolist())
    else:
        values, codes = every[first].tolist(), group.astype(np.int32)
    bounds = np.cumsum([0, *map(len, parts)])
    return values, [codes[a:b] for a, b in pairwise(bounds.tolist())]


def factorize(ids: list[str], hashes: np.ndarray | None = None) -> tuple[list[str], np.ndarray]:
    """(distinct ids, the code of each id); the order of the distinct ids is their hashes'.

    Ids are grouped by their hash with NumPy (no dictionary of a million strings), then every
    id is compared with its group's first one, so a hash collision can never merge two
    different ids: it falls back to a dictionary.
    """
    n = len(ids)
    if n == 0:
        return [], np.zeros(0, dtype=np.int32)
    every = np.empty(n, dtype=object)
    every[:] = ids
    if hashes is None:
        hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=n)
    order = np.argsort(hashes)
    ordered = hashes[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    first = np.minimum.reduceat(order, starts)  # first occurrence of each hash
    group = np.empty(n, dtype=np.int64)
    group[order] = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n)))
    chosen = every[first]
    repeats = np.flatnonzero(first[group] != np.arange(n))  # ids that are not their group's first
    if not bool((every[repeats] == chosen[group[repeats]]).all()):  # a 64-bit hash collision
        renumber = dict.fromkeys(ids)
        renumber.update(zip(renumber, range(len(renumber)), strict=True))
        codes = np.fromiter(map(renumber.__getitem__, ids), dtype=np.int32, count=n)
        return list(renumber), codes
    return chosen.tolist(), group.astype(np.int32)


def _join(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _remap_values(values: list[Any], index: dict[Any, int], known: list[Any]) -> np.ndarray:
    """Like `_remap` for task values, with a trailing -1 so that code -1 stays -1."""
    out = np.empty(len(values) + 1, dtype=np.int32)
    for i, value in enumerate(values):
        key = _key(value)
        code = None if key is None else index.get(key)
        if code is None:
            code = len(known)
            known.append(value)
            if key is not None:
                index[key] = code
        out[i] = code
    out[-1] = -1
    return out
