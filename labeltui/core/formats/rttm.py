"""RTTM (NIST Rich Transcription Time Marked), the speaker diarization format.

A line is `TYPE FILE CHANNEL ONSET DURATION ORTHO STYPE NAME CONF [SLAT]`, fields split on
whitespace. Only `SPEAKER` lines carry turns: each becomes an interval mark from ONSET to
ONSET + DURATION labelled with the speaker NAME. Other line types (`SPKR-INFO`, `LEXEME`,
...), `;;` comments and blank lines are skipped; the channel, ORTHO, STYPE, CONF and SLAT fields
are not kept.

Read: UTF-8 (a BOM is allowed). One item per recording (FILE), in the order they first appear,
with `id` set to the recording and the audio field to `<recording>.wav` (relative to the
dataset's folder). Given an audio path (`ImportOptions.audio`), a file with one recording uses
it instead, and a file with several is refused. Overlapping turns are kept. Times are rounded
to milliseconds and must lie within 0..`MAX_SECONDS`; a negative duration, a line with too few
fields or a time that is not a number is refused with its line.

Write: one RTTM file for the whole export, the marks of one task per item, in time order: the
recording is the audio file's name without its suffix (the item's id when it has no audio),
the channel `1`, times in seconds with three decimals, unused fields `<NA>`. RTTM fields cannot
hold spaces, so spaces in a speaker or recording become `_`, and an empty speaker is written
`<NA>`; the summary counts both.
"""

from __future__ import annotations

import math
import re
from pathlib import Path, PurePosixPath
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import read_bytes
from labeltui.core.formats.options import ExportJob, ImportOptions
from labeltui.core.formats.textgrid import TIME_RULE, time_problem
from labeltui.core.formats.values import mark, sort_marks, stored_marks
from labeltui.errors import LabeltuiError

SPACES = "speaker or recording names with spaces written with '_'"
EMPTY = "marks with an empty label written with the speaker <NA>"
OTHER = "RTTM lines other than SPEAKER skipped"
_FIELDS = "SPEAKER file channel onset duration ortho stype name"
_SPACE = re.compile(r"\s+")


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """One dataset item per recording, its speaker turns under `labels[opts.task]`."""
    try:
        text = read_bytes(path, "RTTM file").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabeltuiError("the file is not UTF-8 text", path) from None
    turns: dict[str, list[dict[str, Any]]] = {}
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        fields = line.split()
        if not fields or fields[0].startswith(";;"):
            continue
        if fields[0] != "SPEAKER":
            opts.note(OTHER)
            continue
        if len(fields) < 8:
            raise LabeltuiError(
                f"a SPEAKER line needs at least 8 fields ({_FIELDS} ...), found {len(fields)}",
                path,
                number,
            )
        onset = _number(fields[3], "onset", path, number)
        duration = _number(fields[4], "duration", path, number)
        if duration < 0:
            raise LabeltuiError(f"the duration {fields[4]} is negative", path, number)
        end = onset + duration
        for value, what in ((onset, f"onset {fields[3]}"), (end, "end (onset + duration)")):
            if time_problem(value):
                raise LabeltuiError(f"the {what} is out of range; {TIME_RULE}", path, number)
        turns.setdefault(fields[1], []).append(mark(onset, end, fields[7]))
    if opts.audio is not None and len(turns) > 1:
        raise LabeltuiError(
            f"--audio names one audio file, but the file holds {len(turns)} recordings "
            f"({', '.join(turns)}); leave --audio out to get <recording>.wav for each",
            path,
        )
    return [
        {
            "id": recording,
            opts.audio_field: opts.audio if opts.audio is not None else f"{recording}.wav",
            "labels": {opts.task: sort_marks(marks)},
        }
        for recording, marks in turns.items()
    ]


def _number(raw: str, what: str, path: Path, line: int) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise LabeltuiError(f"the {what} {raw!r} is not a number of seconds", path, line)
    return value


def write(entries: list[Entry], job: ExportJob) -> str:
    """The SPEAKER lines of every item."""
    owners: dict[str, Entry] = {}
    out = []
    for entry in entries:
        recording = _recording(entry, job)
        first = owners.setdefault(recording, entry)
        if first is not entry:
            raise LabeltuiError(
                f"items {first.id!r} (line {first.line}) and {entry.id!r} would both be "
                f"recording {recording!r}: their audio files have the same name",
                job.source,
                entry.line,
            )
        for m in stored_marks(entry.labels.get(job.task), job.task, job.source, entry.line):
            speaker = _field(m["label"], job)
            if not speaker:
                job.note(EMPTY)
                speaker = "<NA>"
            duration = round(m["end"] - m["start"], 3)
            out.append(
                f"SPEAKER {recording} 1 {m['start']:.3f} {duration:.3f} <NA> <NA> "
                f"{speaker} <NA> <NA>\n"
            )
    return "".join(out)


def _recording(entry: Entry, job: ExportJob) -> str:
    audio = entry.data.get(job.audio_field)
    if isinstance(audio, str) and audio.strip():
        name = PurePosixPath(audio.replace("\\", "/")).stem
    else:
        name = entry.id
    return _field(name, job) or "<NA>"


def _field(text: str, job: ExportJob) -> str:
    """`text` as one RTTM field: runs of white space become `_` (counted)."""
    stripped = text.strip()
    if _SPACE.search(stripped):
        job.note(SPACES)
        return _SPACE.sub("_", stripped)
    return stripped
