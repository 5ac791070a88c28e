"""Audacity label tracks: one label per line, `start<TAB>end<TAB>label`, times in seconds.

Read: one item per file. A point label has `end == start`. Labels may overlap and are kept. A
line that starts with `\\` holds the frequency range of the label before it (a spectral
selection): it is read and ignored. Blank lines are ignored; a missing label text is the empty
label; a decimal comma (written by Audacity in some locales) is read as a point. Times are
rounded to milliseconds (FORMAT section 3) and must be from 0 to `MAX_SECONDS` (as for
TextGrid): a negative, infinite, NaN or huge time is refused with its line.

Write: one file per audio item, the marks of one task, sorted, times with six decimals as
Audacity writes them; tabs and line breaks inside a label become spaces (they would break the
line).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import read_bytes
from labeltui.core.formats.options import ExportJob, ImportOptions
from labeltui.core.formats.textgrid import TIME_RULE, time_problem
from labeltui.core.formats.values import mark, sort_marks, stored_marks
from labeltui.errors import LabeltuiError

_LINES = re.compile(r"\r\n|\r|\n")
_BREAKS = re.compile(r"[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """One dataset item: the audio and its marks under `labels[opts.task]`."""
    data = read_bytes(path, "label file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabeltuiError("the file is not UTF-8 text", path) from None
    marks = []
    for number, line in enumerate(_LINES.split(text), start=1):
        if not line.strip() or line.startswith("\\"):
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise LabeltuiError(
                "expected start<TAB>end<TAB>label (is this an Audacity label track?)", path, number
            )
        start = _seconds(cells[0], "start", path, number)
        end = _seconds(cells[1], "end", path, number)
        if end < start:
            raise LabeltuiError(
                f"the label ends at {cells[1].strip()}, before it starts at {cells[0].strip()}",
                path,
                number,
            )
        marks.append(mark(start, end, "\t".join(cells[2:])))
    return [{opts.audio_field: opts.audio, "labels": {opts.task: sort_marks(marks)}}]


def _seconds(cell: str, what: str, path: Path, line: int) -> float:
    raw = cell.strip()
    try:
        value = float(raw.replace(",", ".") if "." not in raw else raw)
    except ValueError:
        raise LabeltuiError(f"the {what} time {raw!r} is not a number", path, line) from None
    if time_problem(value):
        raise LabeltuiError(f"the {what} time is {raw}; {TIME_RULE}", path, line)
    return value


def write_item(entry: Entry, job: ExportJob) -> str:
    """The label track of one audio item."""
    marks = stored_marks(entry.labels.get(job.task), job.task, job.source, entry.line)
    return "".join(
        f"{m['start']:.6f}\t{m['end']:.6f}\t{_BREAKS.sub(' ', m['label'])}\n" for m in marks
    )
