"""The one line iterator: a JSONL file's objects with their line numbers and places.

Every reader that goes line by line uses it (the dataset index, the store's replay, `review`,
`export` and the importers); `agree` and `stats` parse blocks of lines their own fast way but
judge every line they refuse with the same `parse_line`. What is decided here, once:

- only regular files are read (`files.py`);
- a UTF-8 byte order mark at the start of the file is allowed (Windows editors write one);
  blank lines are passed over (they still count in the line numbers);
- a line that is not UTF-8, not JSON or not an object stops the reading with
  `LabeltuiError(reason, file, line)`, the reason worded by `parse.py`
  (`FILE:3: not valid JSON (Expecting ',' delimiter at column 12)`);
- a last line without its newline that does not parse is a save in progress or a crash inside
  a write (a big line is not written atomically): it is left out with one note on standard
  error (`notes.incomplete_last_line`), never an error; the annotation store, which writes the
  file, passes `on_torn` and cuts it off instead. A last line that is whole but wrong (`NaN`
  where it is refused) is an error as anywhere else.

The file is read by offset (`os.pread`), a chunk at a time, and split into lines per chunk; a
line longer than a chunk is read in one piece. Each line comes as a `(number, offset, length,
object)` tuple (plain tuples: the dataset index takes a million of them); `offset` and `length`
locate the line's bytes without its newline and without the byte order mark, so `os.pread`
gives them back for a later parse.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from labeltui.core.annotations.files import open_regular
from labeltui.core.annotations.notes import incomplete_last_line
from labeltui.core.annotations.parse import BOM, BadLine, not_an_object, parse_fast, parse_line
from labeltui.errors import LabeltuiError

CHUNK = 64 << 10
"""Bytes read at a time (memory stays flat however big the file). Small on purpose: a chunk's
lines then stay in the CPU cache while they are parsed; 64 KB reads ran 10-15% faster than
1-4 MB ones (measured: 300,000 lines of 300 bytes)."""
_FIND = 4 << 20
"""Bytes looked at at a time for the end of a line longer than a chunk."""

Line = tuple[int, int, int, dict[str, Any]]
"""(line number from 1, byte offset, byte length, the object)."""

OnTorn = Callable[[int, bytes, int], None]
"""Called with (line number, the raw bytes as in the file, their offset) for a half-written
last line, instead of the note."""


class LineScanner:
    """The objects of a regular file open as `fd`, chunk by chunk, resumable.

    `pos` and `line` always stand just after the last line handed out, so a consumer that
    stops part-way (the dataset index, once the first screen's item is found) resumes there
    with the next `chunk()` (the first screen of a dataset reads 64 KB, not the file).
    """

    def __init__(
        self,
        fd: int,
        path: str | os.PathLike[str],
        size: int | None = None,
        *,
        allow_nan: bool = False,
        on_torn: OnTorn | None = None,
    ) -> None:
        self.fd = fd
        self.path = path
        self.size = os.fstat(fd).st_size if size is None else size
        self.allow_nan = allow_nan
        self.on_torn = on_torn
        self.pos = 0
        """Where the next chunk starts."""
        self.line = 0
        """The number of the last line handed out (or passed over)."""
        self.incomplete_line: int | None = None
        """The number of a half-written last line that was left out."""

    @property
    def done(self) -> bool:
        return self.pos >= self.size

    def __iter__(self) -> Iterator[Line]:
        return self._lines(every=True)

    def chunk(self) -> Iterator[Line]:
        """The lines of the next chunk (see the class docstring)."""
        return self._lines(every=False)

    def plain_chunk(self) -> tuple[int, int, list[bytes]] | None:
        """The next chunk's whole lines, unparsed, for a reader that parses a chunk at once:
        (the offset of its first line, the number of the line before it, the lines without
        their newlines). Nothing is handed out until `advance`. None, with nothing changed,
        where `chunk()` must read it: the end of the file, a byte order mark at its start, a
        line longer than a chunk or a last line without its newline (the torn-line rules)."""
        pos = self.pos
        if pos >= self.size:
            return None
        block = os.pread(self.fd, CHUNK, pos)
        cut = block.rfind(b"\n")
        if cut < 0 or (pos == 0 and block.startswith(BOM)):
            return None
        lines = block[: cut + 1].split(b"\n")
        lines.pop()
        return pos, self.line, lines

    def advance(self, pos: int, line: int) -> None:
        """After `plain_chunk`'s lines were taken: stand just after them."""
        self.pos, self.line = min(pos, self.size), line

    def _lines(self, every: bool) -> Iterator[Line]:
        """The lines of the next chunk, or (`every`) of every chunk to the end; one generator
        either way (a `yield from` per chunk would cost a step per line)."""
        while True:
            pos, size = self.pos, self.size
            if pos >= size:
                return
            block = os.pread(self.fd, CHUNK, pos)
            if not block:  # the file shrank under us: nothing more to read
                self.pos = size
                return
            cut = block.rfind(b"\n")
            more = pos + len(block) < size
            if cut < 0 and more:  # a line longer than the chunk: read it whole, in one piece
                line, torn = self._read_long_line(pos)
                lines = [line]
            else:
                if more:  # cut at the last whole line
                    block = block[: cut + 1]
                lines = block.split(b"\n")
                torn = not block.endswith(b"\n")
                if not torn:
                    lines.pop()
            # torn: the file ends without a newline, so its last line may be half-written
            del block
            tail = lines.pop() if torn else None
            if pos == 0 and lines and lines[0].startswith(BOM):
                lines[0], pos = lines[0][3:], 3  # offsets and lengths leave the mark out
            number = self.line
            # orjson first; where it refuses a line, parse_line decides (same verdict and words)
            loads = partial(parse_fast, allow_nan=True) if self.allow_nan else parse_fast
            path = self.path
            for raw in lines:
                number += 1
                start = pos
                pos += len(raw) + 1
                data = raw.strip()
                if not data:
                    continue
                try:
                    obj = loads(data)
                except BadLine as exc:
                    raise LabeltuiError(exc.message, path, number) from None
                if type(obj) is not dict:
                    raise LabeltuiError(not_an_object(obj), path, number)
                self.pos, self.line = pos, number
                yield number, start, len(raw), obj
            self.pos, self.line = min(pos, size), number
            if tail is not None:
                last = self._last(tail, pos)
                if last is not None:
                    yield last
            if not every:
                return

    def _last(self, raw: bytes, pos: int) -> Line | None:
        """The file's last line, which has no newline (None: a blank one, or left out)."""
        number = self.line + 1
        start = pos
        if pos == 0 and raw.startswith(BOM):
            raw, start = raw[3:], 3
        self.pos, self.line = self.size, number
        data = raw.strip()
        if not data:
            return None
        try:
            obj = parse_line(data, self.allow_nan)
        except BadLine as exc:
            if self._torn(data, number, start):
                return None
            raise LabeltuiError(exc.message, self.path, number) from None
        if type(obj) is not dict:
            raise LabeltuiError(not_an_object(obj), self.path, number)
        return number, start, len(raw), obj

    def _torn(self, data: bytes, number: int, start: int) -> bool:
        """Whether a last line without its newline is half-written (then it is left out, with
        a note or `on_torn`); a whole line that is only refused (`NaN`) is not."""
        if not self.allow_nan:
            try:
                parse_line(data, allow_nan=True)
                return False
            except BadLine:
                pass
        self.incomplete_line = number
        if self.on_torn is None:
            incomplete_last_line(self.path, number)
        else:
            offset = 0 if start == 3 else start  # the byte order mark goes with the line
            self.on_torn(number, os.pread(self.fd, self.size - offset, offset), offset)
        return True

    def _read_long_line(self, pos: int) -> tuple[bytes, bool]:
        """The line starting at `pos` (without its newline), read in one piece: first its end
        is found, block by block, then it is read once (no list of parts joined, no split).
        The flag: it has no newline (it ends the file)."""
        end = pos
        while end < self.size:
            block = os.pread(self.fd, _FIND, end)
            if not block:
                break
            cut = block.find(b"\n")
            if cut >= 0:
                return os.pread(self.fd, end + cut - pos, pos), False
            end += len(block)
        return os.pread(self.fd, end - pos, pos), True


def read_lines(
    path: str | os.PathLike[str],
    what: str = "file",
    noun: str = "JSONL file",
    allow_nan: bool = False,
) -> Iterator[Line]:
    """Every object of a JSONL file with its place (see the module docstring); the file is
    closed when the iteration ends. `what` and `noun` word a missing file or a folder."""
    fd = open_regular(Path(path), what, noun)
    try:
        yield from LineScanner(fd, path, allow_nan=allow_nan)
    except OSError as exc:
        raise LabeltuiError(f"cannot read {what}: {exc.strerror or exc}", path) from None
    finally:
        os.close(fd)
