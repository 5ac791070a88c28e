"""The annotation files under review, read back one line at a time by its line number.

`load` keeps, per line, only its file and line number (integer columns); the few lines a
person is shown are read back when shown. A line is found by counting newlines: each file is
counted a megabyte at a time, only as far as the lines asked for reach (the first screen
needs the start of the files, not all of them), and the newlines of the last chunks looked at
are kept. The files stay open from the load until `close()`.

`has_nonfinite` looks for `NaN`/`Infinity` tokens, which the shared reader lets pass (`agree`
and `stats` read old files written with them) but review refuses, as every writer does: the
gold file copies the item's fields.
"""

from __future__ import annotations

import contextlib
import os
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from labeltui.core.annotations.files import open_regular
from labeltui.core.annotations.lines import LineScanner
from labeltui.core.annotations.parse import BOM, parse_line

STEP = 1 << 20
"""Bytes counted at a time."""
_HITS = 64
"""First letters looked at one by one in a chunk before a plain search for the token."""


class LineRef(NamedTuple):
    """Where a line is: file (index into the paths) and line number (from 1)."""

    file: int
    line: int


class _LineIndex:
    """Newline positions of one file, counted lazily a chunk at a time."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.size = os.fstat(fd).st_size
        self.cum = [0]
        """cum[k]: the newlines in chunks before chunk k (chunks counted so far)."""
        self.chunks: OrderedDict[int, np.ndarray] = OrderedDict()

    def _count_to(self, wanted: int) -> None:
        buf: bytearray | None = None
        while self.cum[-1] < wanted and (len(self.cum) - 1) * STEP < self.size:
            buf = buf or bytearray(STEP)
            got = os.preadv(self.fd, [buf], (len(self.cum) - 1) * STEP)
            if got <= 0:
                self.size = (len(self.cum) - 1) * STEP
                break
            self.cum.append(self.cum[-1] + buf.count(b"\n", 0, got))

    def _newlines(self, k: int) -> np.ndarray:
        found = self.chunks.get(k)
        if found is None:
            raw = os.pread(self.fd, STEP, k * STEP)
            found = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10) + k * STEP
            self.chunks[k] = found
            if len(self.chunks) > 4:
                self.chunks.popitem(last=False)
        return found

    def newline(self, j: int) -> int | None:
        """The offset of the j-th newline (from 1), None when the file has fewer."""
        self._count_to(j)
        if self.cum[-1] < j:
            return None
        k = bisect_left(self.cum, j) - 1
        newlines = self._newlines(k)
        at = j - self.cum[k] - 1
        return int(newlines[at]) if at < len(newlines) else None

    def locate(self, line: int) -> tuple[int, int]:
        """(offset, length) of a line, without its newline."""
        start = 0 if line == 1 else (self.newline(line - 1) or self.size) + 1
        end = self.newline(line)
        return start, (self.size if end is None else end) - start


class Lines:
    """The annotation files, open, read back one line at a time (a small LRU of lines)."""

    CACHE = 256

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self._fds: dict[int, int] = {}
        self._index: dict[int, _LineIndex] = {}
        self._cache: OrderedDict[LineRef, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, index: int) -> int:
        """The file's descriptor (opened once: no pipes, no devices)."""
        fd = self._fds.get(index)
        if fd is None:
            fd = open_regular(self.paths[index], "file", "JSONL annotation file")
            self._fds[index] = fd
        return fd

    def open_all(self) -> None:
        for index in range(len(self.paths)):
            self.open(index)

    def scan(self, index: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each non-blank line of file `index` with its number; a bad line stops with
        file:line (the line iterator's rules)."""
        for number, _, _, obj in LineScanner(self.open(index), self.paths[index]):
            yield number, obj

    def raw(self, ref: LineRef) -> bytes:
        """The bytes of a line (without a byte order mark or the newline)."""
        with self._lock:
            index = self._index.get(ref.file)
            if index is None:
                index = self._index[ref.file] = _LineIndex(self._fds[ref.file])
            offset, length = index.locate(ref.line)
        raw = os.pread(self._fds[ref.file], length, offset)
        return raw[len(BOM) :] if offset == 0 and raw.startswith(BOM) else raw

    def read(self, ref: LineRef) -> dict[str, Any]:
        """The decoded line (`{}` if the file changed under it since it was read)."""
        with self._lock:
            cached = self._cache.get(ref)
            if cached is not None:
                self._cache.move_to_end(ref)
                return cached
        try:
            obj = parse_line(self.raw(ref).strip())
        except (OSError, KeyError, ValueError):
            obj = None
        obj = obj if isinstance(obj, dict) else {}
        with self._lock:
            self._cache[ref] = obj
            if len(self._cache) > self.CACHE:
                self._cache.popitem(last=False)
        return obj

    def has_nonfinite(self) -> bool:
        """Whether a file holds the bytes `NaN` or `Infinity` (maybe inside a string: then
        the caller only takes a slower path)."""
        buf = bytearray(STEP)
        for index in range(len(self.paths)):
            fd = self.open(index)
            size = os.fstat(fd).st_size
            at = 0
            while at < size:
                got = os.preadv(fd, [buf], at)
                if got <= 0:
                    break
                if _holds(buf, got, b"NaN") or _holds(buf, got, b"Infinity"):
                    return True
                if at + got >= size:
                    break
                at += got - 8  # a token across the cut is seen by the next chunk
        return False

    def close(self) -> None:
        for fd in self._fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds.clear()
        self._index.clear()


def _holds(buf: bytearray, end: int, token: bytes) -> bool:
    """Whether `buf[:end]` holds `token`: its first letter is found with memchr (fast where it
    is rare, as in most files); where it is common, a plain search takes over."""
    first = token[:1]
    pos = buf.find(first, 0, end)
    hits = 0
    while pos >= 0:
        if buf.startswith(token, pos, end):
            return True
        hits += 1
        if hits > _HITS:
            return buf.find(token, pos, end) >= 0
        pos = buf.find(first, pos + 1, end)
    return False
