"""WebVTT and SubRip (SRT) subtitles: each cue is an interval mark labelled with its text.

Read: one item per file (the audio from `--audio`, as for TextGrid), the cues as marks under
`labels[opts.task]`. A cue's text lines are stripped and joined by one space; markup (`<i>`,
`<c.yellow>`, karaoke timestamps `<00:17.500>`) and character references (`&amp;`) are kept as
text, so the label is what the file says. A cue without text gives a mark with an empty label.
Cue identifiers, SRT index lines, VTT cue settings (`align:start`) and SRT coordinates are
ignored. Times are rounded to milliseconds and must lie within 0..`MAX_SECONDS`; a cue that ends
before it starts, a block that is not a cue, or a timing line that does not parse (a torn cue)
is refused with its line.

- WebVTT: UTF-8 (a BOM is allowed). The first line is `WEBVTT`, alone or followed by a space or
  tab and any text; the header lines under it are skipped (up to a blank line or a cue's
  timing line), and so are `NOTE`, `STYLE` and `REGION` blocks. Timestamps are `mm:ss.ttt` or
  `hh:mm:ss.ttt`.
- SRT: UTF-8 (BOM or not), or UTF-16 with a BOM; any other bytes are refused (save the file as
  UTF-8). Timestamps are `hh:mm:ss,ttt` (a `.` is accepted too); index lines may be missing.

Write: one file per audio item, the marks of one task in time order, UTF-8 with `\\n` line
ends. Line breaks and tabs inside a label become spaces (a cue's text lines are joined on
import anyway), `-->` inside a label becomes `->` (players would take the line for a timing),
and surrounding spaces are dropped. A point mark is written as a cue that ends where it starts.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import read_bytes
from labeltui.core.formats.options import ExportJob, ImportOptions
from labeltui.core.formats.textgrid import TIME_RULE, time_problem
from labeltui.core.formats.values import mark, sort_marks, stored_marks
from labeltui.errors import LabeltuiError

ARROW = "labels with '-->' written with '->' (players would read it as a timing line)"
POINTS = "point marks written as cues that end where they start"
NO_TEXT = "cues without text kept as marks with an empty label"
_BREAKS = re.compile(r"[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)(?:\s.*)?$")
_VTT_TIME = re.compile(r"^(?:(\d{2,}):)?(\d{2}):(\d{2})\.(\d{3})$")
_SRT_TIME = re.compile(r"^(\d+):(\d{2}):(\d{2})[,.](\d{3})$")
_VTT_SKIP = ("NOTE", "STYLE", "REGION")
_VTT_EXAMPLE = "00:01.000 --> 00:04.000"
_SRT_EXAMPLE = "00:00:01,000 --> 00:00:04,000"

Block = list[tuple[int, str]]
"""The lines of one block (between blank lines), with their line numbers."""


# -- reading ---------------------------------------------------------------------------------


def read_vtt(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """One dataset item: the audio and the cues of a WebVTT file."""
    data = read_bytes(path, "WebVTT file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabeltuiError("the file is not UTF-8 text (WebVTT is always UTF-8)", path) from None
    blocks = _blocks(text)
    first = blocks[0][0] if blocks else (1, "")
    if first[0] != 1 or not re.match(r"WEBVTT(?:[ \t]|$)", first[1]):
        raise LabeltuiError("not a WebVTT file: the first line must be WEBVTT", path, 1)
    header = blocks[0]
    cue_at = next((i for i, (_, line) in enumerate(header) if i and "-->" in line), None)
    if cue_at is not None:  # a cue right under WEBVTT ends the header, as browsers read it
        blocks[0] = header[cue_at:]
    marks = []
    for block in blocks[1:] if cue_at is None else blocks:  # the first block is the header
        head = block[0][1].strip()
        if any(head == word or head.startswith((word + " ", word + "\t")) for word in _VTT_SKIP):
            continue
        marks.append(_cue(block, path, _VTT_TIME, _VTT_EXAMPLE, "cue"))
    opts.note(NO_TEXT, sum(1 for m in marks if not m["label"]))
    return [{opts.audio_field: opts.audio, "labels": {opts.task: sort_marks(marks)}}]


def read_srt(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """One dataset item: the audio and the subtitles of an SRT file."""
    text = _decode_srt(read_bytes(path, "SRT file"), path)
    marks = [_cue(b, path, _SRT_TIME, _SRT_EXAMPLE, "subtitle") for b in _blocks(text)]
    opts.note(NO_TEXT, sum(1 for m in marks if not m["label"]))
    return [{opts.audio_field: opts.audio, "labels": {opts.task: sort_marks(marks)}}]


def _decode_srt(data: bytes, path: Path) -> str:
    """UTF-8 (BOM or not) or UTF-16 with a BOM; anything else is refused, never guessed."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabeltuiError(
            "the file is neither UTF-8 nor UTF-16 with a byte order mark; save it as UTF-8",
            path,
        ) from None
    if "\x00" in text:  # UTF-16 without its BOM decodes as UTF-8 full of NULs
        raise LabeltuiError(
            "the file holds NUL bytes (UTF-16 without a byte order mark?); save it as UTF-8", path
        )
    return text


def _blocks(text: str) -> list[Block]:
    """Runs of non-blank lines, any line ends."""
    blocks: list[Block] = []
    current: Block = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _cue(block: Block, path: Path, pattern: re.Pattern[str], example: str, what: str) -> Any:
    """The mark of one cue block: [identifier or index], timing line, text lines."""
    if "-->" in block[0][1]:
        at = 0
    elif len(block) > 1 and "-->" in block[1][1]:
        at = 1
    else:
        raise LabeltuiError(
            f"expected a {what}: a timing line like {example}, after at most one "
            f"{'identifier' if what == 'cue' else 'index'} line",
            path,
            block[0][0],
        )
    number, line = block[at]
    found = _TIMING.match(line)
    times = [_time(t, pattern) for t in found.groups()] if found else [None]
    if found is None or None in times:
        raise LabeltuiError(
            f"the timing line {line.strip()!r} does not parse (expected {example})", path, number
        )
    start, end = times
    assert start is not None and end is not None
    for value, raw in ((start, found.group(1)), (end, found.group(2))):
        if time_problem(value):
            raise LabeltuiError(f"the time {raw} is out of range; {TIME_RULE}", path, number)
    if end < start:
        raise LabeltuiError(
            f"the {what} ends at {found.group(2)}, before it starts at {found.group(1)}",
            path,
            number,
        )
    text = " ".join(part.strip() for _, part in block[at + 1 :])
    return mark(start, end, text)


def _time(raw: str, pattern: re.Pattern[str]) -> float | None:
    """Seconds of a timestamp, exact to the millisecond; None when it does not parse."""
    found = pattern.match(raw)
    if found is None:
        return None
    hours, minutes, seconds, millis = (int(g) if g else 0 for g in found.groups())
    if minutes > 59 or seconds > 59:
        return None
    return (((hours * 60 + minutes) * 60 + seconds) * 1000 + millis) / 1000


# -- writing ---------------------------------------------------------------------------------


def write_vtt(entry: Entry, job: ExportJob) -> str:
    """The WebVTT file of one audio item."""
    cues = [f"{_stamp(a, '.')} --> {_stamp(b, '.')}\n{t}" for a, b, t in _cues(entry, job)]
    return "WEBVTT\n\n" + "".join(cue.rstrip("\n") + "\n\n" for cue in cues)


def write_srt(entry: Entry, job: ExportJob) -> str:
    """The SRT file of one audio item, numbered from 1."""
    return "".join(
        f"{i}\n{_stamp(a, ',')} --> {_stamp(b, ',')}\n{t}".rstrip("\n") + "\n\n"
        for i, (a, b, t) in enumerate(_cues(entry, job), start=1)
    )


def _cues(entry: Entry, job: ExportJob) -> list[tuple[float, float, str]]:
    marks = stored_marks(entry.labels.get(job.task), job.task, job.source, entry.line)
    out = []
    for m in marks:
        label = _BREAKS.sub(" ", m["label"]).strip()
        if "-->" in label:
            job.note(ARROW)
            label = label.replace("-->", "->")
        if m["end"] == m["start"]:
            job.note(POINTS)
        out.append((m["start"], m["end"], label))
    return out


def _stamp(seconds: float, comma: str) -> str:
    """`hh:mm:ss.ttt` (WebVTT) or `hh:mm:ss,ttt` (SRT)."""
    total = round(seconds * 1000)
    hours, rest = divmod(total, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{comma}{millis:03d}"
