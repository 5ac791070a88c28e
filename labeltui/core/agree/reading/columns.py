"""One piece's columns, filled block by block in place (read.py's blocks, merge.py's `PieceData`).

Memory a process touches for the first time is slow (on the test VM 2-3 ms a MB to fault in,
more than reading the lines it holds). Per-block arrays joined at the end of a piece wrote
every value twice, each time into new memory; here every block's values are copied straight
into columns sized for the whole piece (from the line length of its first bytes, grown by
doubling when short: untouched capacity costs nothing), and a block's own arrays are freed
and reused by the next block.

Line numbers are not stored while they run on without a gap (every line of the piece a record,
the usual file): `PieceData.line` is then the number of the first record, and the merge numbers
the rest. A gap (a blank line, a review line left out) turns them into a column from there on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labeltui.core.agree.reading.merge import PieceData

#: Bytes of a piece sampled for its line length.
SAMPLE_BYTES = 1 << 16
#: Records a piece's columns hold at first when the sample says nothing (no newline in it).
MIN_CAPACITY = 1024
#: Pieces smaller than this are not sampled (no second read of a small file): their columns
#: start with room for a line per `SMALL_LINE_BYTES` and grow when short.
SMALL_PIECE_BYTES = 1 << 20
SMALL_LINE_BYTES = 128


@dataclass(slots=True)
class Block:
    """The records of a block of lines: annotator and task codes, done, line numbers (an int:
    the first of consecutive numbers, one per record), stats' `_ms`."""

    ann: np.ndarray
    done: np.ndarray
    line: np.ndarray | int
    tasks: dict[str, np.ndarray]
    ms: np.ndarray | None = None


def expected_lines(path: str, start: int, end: int) -> int:
    """About how many lines bytes [start, end) of a file hold (a little more, rather than less),
    from the lines in its first `SAMPLE_BYTES`; for a small piece, a guess (its columns grow
    when it is short)."""
    if end - start < SMALL_PIECE_BYTES:
        return (end - start) // SMALL_LINE_BYTES + 64
    try:
        with open(path, "rb", buffering=0) as handle:
            handle.seek(start)
            sample = handle.read(min(SAMPLE_BYTES, end - start))
    except OSError:  # the reader itself says what is wrong
        return MIN_CAPACITY
    lines = sample.count(b"\n")
    if not lines:
        return MIN_CAPACITY
    return int((end - start) * lines / len(sample) * 1.02) + 64


class PieceColumns:
    """A piece's columns, appended to block by block; `finish()` gives its `PieceData`."""

    def __init__(self, capacity: int) -> None:
        self.n = 0
        self.capacity = max(capacity, 1)
        self.ann = np.empty(self.capacity, dtype=np.int32)
        self.done = np.empty(self.capacity, dtype=bool)
        self.tasks: dict[str, np.ndarray] = {}
        """Per task in order of first appearance (records before it: -1)."""
        self.line: np.ndarray | None = None
        """Line numbers, once they have a gap (None: `first_line` + record index)."""
        self.first_line = 1
        self.ms: np.ndarray | None = None
        self.started = False

    def append(self, block: Block) -> None:
        if not self.started:  # stats' `_ms`: a column when the first block has one
            self.started = True
            if block.ms is not None:
                self.ms = np.empty(self.capacity, dtype=np.float64)
        m = len(block.ann)
        if not m:
            return
        n = self.n
        if n + m > self.capacity:
            self._grow(max(2 * self.capacity, n + m))
        put = slice(n, n + m)
        self.ann[put] = block.ann
        self.done[put] = block.done
        for name, codes in block.tasks.items():
            column = self.tasks.get(name)
            if column is None:
                column = self.tasks[name] = np.empty(self.capacity, dtype=np.int32)
                column[:n] = -1
            column[put] = codes
        for name, column in self.tasks.items():
            if name not in block.tasks:
                column[put] = -1
        if self.ms is not None:
            self.ms[put] = np.nan if block.ms is None else block.ms
        self._lines(block.line, n, m)
        self.n = n + m

    def _lines(self, line: np.ndarray | int, n: int, m: int) -> None:
        """Record the line numbers of `m` records from record `n`."""
        if not isinstance(line, int) and int(line[-1]) - int(line[0]) == m - 1:
            line = int(line[0])  # increasing numbers without a gap
        if self.line is None:
            if isinstance(line, int) and (n == 0 or line == self.first_line + n):
                if n == 0:
                    self.first_line = line
                return
            self.line = np.empty(self.capacity, dtype=np.int32)
            self.line[:n] = np.arange(self.first_line, self.first_line + n, dtype=np.int32)
        if isinstance(line, int):
            self.line[n : n + m] = np.arange(line, line + m, dtype=np.int32)
        else:
            self.line[n : n + m] = line

    def _grow(self, capacity: int) -> None:
        n = self.n

        def grown(column: np.ndarray) -> np.ndarray:
            wider = np.empty(capacity, dtype=column.dtype)
            wider[:n] = column[:n]
            return wider

        self.ann, self.done = grown(self.ann), grown(self.done)
        self.tasks = {name: grown(column) for name, column in self.tasks.items()}
        if self.line is not None:
            self.line = grown(self.line)
        if self.ms is not None:
            self.ms = grown(self.ms)
        self.capacity = capacity

    def finish(self) -> PieceData:
        n = self.n
        out = PieceData(
            ann=self.ann[:n],
            done=self.done[:n],
            line=self.first_line if self.line is None else self.line[:n],
            tasks={name: column[:n] for name, column in self.tasks.items()},
        )
        if self.ms is not None:
            out.ms = self.ms[:n]
        return out
