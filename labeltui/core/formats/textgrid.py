"""Praat TextGrid: read the long and short text formats, write the long one.

Read: UTF-8 (with or without a byte order mark), UTF-16 with a BOM (as Praat saves non-ASCII
text), UTF-16 without one, or else Windows Latin-1 as Praat assumes; any line ends. Both text
formats are read by one tokenizer that keeps only what Praat itself keeps: quoted texts (`""`
inside is one `"`), numbers and `<exists>`-style flags; the long format's labels (`xmin =`,
`intervals [3]:`) and `!` comments are skipped. Counts are checked against what follows, so a
truncated file or a wrong `size` is an error with its line. Praat's backslash codes (`\\-^`)
are kept as written.

One item per file: each tier becomes a task named as the tier (tiers with the same name are
merged into one task; an unnamed tier is called `tier N`). An interval tier gives marks with
`start < end`, leaving out intervals whose text is empty or blank; a point tier gives marks with
`end == start`. Times are rounded to milliseconds (FORMAT section 3), so a mark shorter than
half a millisecond becomes a point. Every time must be a number of seconds from 0 to
`MAX_SECONDS` (`inf`, `nan`, negative or huge times are refused with their line), and no grid,
tier or interval may end before it starts. The item also records the grid's `xmax` (in ms) as
`duration`, so that an export covers the same time range.

Write (one file per audio item): the long text format in UTF-8, `\\n` line ends. Per task, an
interval tier with its intervals, gaps filled with empty intervals from `xmin` to `xmax`, and a
point tier when it has point marks (a task with only points has only the point tier). Intervals
that overlap (Praat tiers cannot) go to extra tiers of the same name, which import merges back.
`xmin` is 0 (or the earliest mark, if negative) and `xmax` the largest of the item's `duration`,
the audio file's length (when it can be read) and the last mark's end, rounded to the ms like
every other time.
"""

from __future__ import annotations

import codecs
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeltui.core.answer_check import MAX_SECONDS
from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import read_bytes
from labeltui.core.formats.options import ExportJob, ImportOptions
from labeltui.core.formats.values import mark, ms, sort_marks, stored_marks
from labeltui.errors import LabeltuiError

EXTRA_TIERS = "extra tiers for overlapping marks"
BLANK = "interval marks with an empty label written as gaps (they do not import back)"
HEADERS = ("ooTextFile", "ooTextFile short")
NO_RANGE = "items with no marks and no known duration skipped"

TIME_RULE = f"a time must be a number of seconds from 0 to {MAX_SECONDS:.0f} (about 115 days)"
"""Imported times (TextGrid and Audacity) stay within 0..`MAX_SECONDS` (10^7 s), the bound every
stored mark keeps (`answer_check`): no recording is longer, and a larger time (or a negative,
infinite or NaN one) is a broken or hostile file that would overflow the audio editor's
arithmetic."""


def time_problem(seconds: float) -> bool:
    """Whether a time read from a file is outside 0..`MAX_SECONDS` (NaN and infinities too)."""
    return not 0 <= seconds <= MAX_SECONDS


Layer = list[dict[str, Any]]
"""Marks of one tier, sorted, none overlapping."""


@dataclass(slots=True)
class Tier:
    """One tier as read: `items` are (start, end, text); a point has start == end."""

    kind: str
    """`IntervalTier` or `TextTier` (Praat's name for a point tier)."""
    name: str
    xmin: float
    xmax: float
    items: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass(slots=True)
class TextGrid:
    xmin: float
    xmax: float
    tiers: list[Tier]


# -- reading ---------------------------------------------------------------------------------


def decode(data: bytes, path: Path) -> str:
    """The file's text with `\\n` line ends, from any encoding Praat writes."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[3:].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
            text = data.decode("utf-16")
        elif len(data) >= 2 and data[0] == 0 and data[1] != 0:
            text = data.decode("utf-16-be")
        elif len(data) >= 2 and data[0] != 0 and data[1] == 0:
            text = data.decode("utf-16-le")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError:
                    text = data.decode("latin-1")
    except UnicodeDecodeError as exc:
        raise LabeltuiError(f"the file is not valid UTF-16 text ({exc.reason})", path) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<text>"(?:[^"]|"")*")
  | (?P<flag><[A-Za-z]+>)
  | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?i:inf(?:inity)?|nan))(?![\w.])
  | (?P<skip>\[[^\]\n]*\]|![^\n]*|[A-Za-z_][\w?]*|[=:])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    value: str
    line: int


def _tokens(text: str, path: Path) -> list[_Tok]:
    out: list[_Tok] = []
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            what = (
                "a text in quotes is not closed"
                if text[pos] == '"'
                else (f"unexpected {text[pos]!r}")
            )
            raise LabeltuiError(f"not a TextGrid: {what}", path, line)
        kind = m.lastgroup or ""
        if kind == "text":
            out.append(_Tok(kind, m.group()[1:-1].replace('""', '"'), line))
        elif kind in ("number", "flag"):
            out.append(_Tok(kind, m.group(), line))
        line += m.group().count("\n")
        pos = m.end()
    return out


class _Reader:
    """Walks the tokens of either text format; every error names the line it is at."""

    def __init__(self, tokens: list[_Tok], path: Path, last_line: int) -> None:
        self.tokens, self.path, self.pos, self.last_line = tokens, path, 0, last_line

    def fail(self, message: str) -> LabeltuiError:
        line = self.tokens[self.pos].line if self.pos < len(self.tokens) else self.last_line
        return LabeltuiError(message, self.path, line)

    def take(self, kind: str, what: str) -> _Tok:
        if self.pos >= len(self.tokens):
            raise self.fail(f"the file ends where {what} should be")
        tok = self.tokens[self.pos]
        if tok.kind != kind:
            shown = f'"{tok.value}"' if tok.kind == "text" else tok.value
            raise self.fail(f"expected {what}, found {shown}")
        self.pos += 1
        return tok

    def text(self, what: str) -> str:
        return self.take("text", what).value

    def number(self, what: str) -> tuple[float, str]:
        """A number token: its value and its text as the file writes it (for messages)."""
        tok = self.take("number", what)
        return float(tok.value), tok.value

    def time(self, what: str) -> float:
        """A time in seconds, within `TIME_LIMITS`."""
        value, raw = self.number(what)
        if time_problem(value):
            self.pos -= 1
            raise self.fail(f"{what} is {raw}; {TIME_RULE}")
        return value

    def span(self, what: str, start_what: str, end_what: str) -> tuple[float, float]:
        """Two times that must not go backwards (a grid's, tier's or interval's xmin, xmax)."""
        start, end = self.time(start_what), self.time(end_what)
        if end < start:
            self.pos -= 1
            raise self.fail(f"{what} ends at {_num(end)}, before it starts at {_num(start)}")
        return start, end

    def count(self, what: str) -> int:
        value, raw = self.number(what)
        if not math.isfinite(value) or value < 0 or not value.is_integer():
            self.pos -= 1
            raise self.fail(f"{what} must be a whole number, not {raw}")
        return int(value)

    def grid(self) -> TextGrid:
        first = self.tokens[0] if self.tokens else None
        if first is None or first.kind != "text" or first.value not in HEADERS:
            message = 'not a TextGrid: it should begin with File type = "ooTextFile"'
            raise LabeltuiError(message, self.path, first.line if first else 1)
        self.pos = 1
        if self.text('Object class = "TextGrid"') != "TextGrid":
            self.pos -= 1
            raise self.fail('not a TextGrid: expected Object class = "TextGrid"')
        xmin, xmax = self.span("the grid", "the grid's xmin", "the grid's xmax")
        flag = self.take("flag", "tiers? <exists>").value
        if flag not in ("<exists>", "<absent>"):
            self.pos -= 1
            raise self.fail(f"expected <exists> or <absent>, found {flag}")
        size = self.count("the number of tiers") if flag == "<exists>" else 0
        tiers = [self.tier(index) for index in range(1, size + 1)]
        if self.pos < len(self.tokens):
            raise self.fail(f"unexpected content after the last of the {size} tiers")
        return TextGrid(xmin, xmax, tiers)

    def tier(self, index: int) -> Tier:
        kind = self.text(f"tier {index}'s class")
        if kind not in ("IntervalTier", "TextTier"):
            self.pos -= 1
            raise self.fail(f'tier {index}: unknown class "{kind}" (IntervalTier or TextTier)')
        name = self.text(f"tier {index}'s name") or f"tier {index}"
        tier = Tier(
            kind, name, *self.span(f"tier {name!r}", f"tier {name!r} xmin", f"tier {name!r} xmax")
        )
        size = self.count(
            f"tier {name!r}: the number of {'intervals' if kind == 'IntervalTier' else 'points'}"
        )
        for i in range(1, size + 1):
            if kind == "IntervalTier":
                start, end = self.span(
                    f"tier {name!r}: interval {i}",
                    f"tier {name!r}: interval {i}'s xmin",
                    f"tier {name!r}: interval {i}'s xmax",
                )
                tier.items.append((start, end, self.text(f"tier {name!r}: interval {i}'s text")))
            else:
                time = self.time(f"tier {name!r}: point {i}'s time")
                tier.items.append((time, time, self.text(f"tier {name!r}: point {i}'s mark")))
        return tier


def parse(data: bytes, path: Path) -> TextGrid:
    """A TextGrid from the bytes of a text-format file."""
    if data.startswith(b"ooBinaryFile"):
        raise LabeltuiError("a binary TextGrid; save it from Praat as a text file", path, 1)
    text = decode(data, path)
    return _Reader(_tokens(text, path), path, max(1, len(text.splitlines()))).grid()


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """One dataset item: the audio, the grid's duration, and a task per tier."""
    grid = parse(read_bytes(path, "TextGrid file"), path)
    labels: dict[str, list[dict[str, Any]]] = {}
    for tier in grid.tiers:
        marks = labels.setdefault(tier.name, [])
        for start, end, text in tier.items:
            if tier.kind == "IntervalTier" and not text.strip():
                continue
            marks.append(mark(start, end, text))
    if opts.only_task:
        if opts.task not in labels:
            names = ", ".join(repr(n) for n in labels) or "none"
            raise LabeltuiError(f"no tier named {opts.task!r} (tiers: {names})", path)
        labels = {opts.task: labels[opts.task]}
    item: dict[str, Any] = {opts.audio_field: opts.audio, "duration": ms(grid.xmax)}
    item["labels"] = {name: sort_marks(marks) for name, marks in labels.items()}
    return [item]


# -- writing ---------------------------------------------------------------------------------


def write_item(entry: Entry, job: ExportJob) -> str | None:
    """The long-format TextGrid of one audio item (None when it has no time range at all)."""
    tiers: list[tuple[str, str, Layer]] = []
    for task in job.tasks:
        marks = stored_marks(entry.labels.get(task), task, job.source, entry.line)
        intervals = [m for m in marks if m["end"] > m["start"]]
        job.note(BLANK, sum(1 for m in intervals if not m["label"].strip()))
        points = [m for m in marks if m["end"] == m["start"]]
        groups = []
        if intervals or not points:
            groups.append(("IntervalTier", _layers(intervals, touching=True)))
        if points:
            groups.append(("TextTier", _layers(points, touching=False)))
        for kind, layers in groups:
            job.note(EXTRA_TIERS, len(layers) - 1)
            tiers.extend((kind, task, layer) for layer in layers)
    xmin = min([0.0] + [m["start"] for _, _, layer in tiers for m in layer])
    ends = [m["end"] for _, _, layer in tiers for m in layer]
    duration = entry.data.get("duration")
    if isinstance(duration, (int, float)) and not isinstance(duration, bool):
        ends.append(float(duration))
    ends.append(_audio_seconds(entry, job))
    xmax = ms(max(ends))
    if not xmax > xmin:
        job.note(NO_RANGE)
        return None
    return format_long(xmin, xmax, tiers)


def _layers(marks: list[dict[str, Any]], touching: bool) -> list[Layer]:
    """Marks split into as few non-overlapping runs as possible (first fit, in time order)."""
    layers: list[Layer] = []
    for m in marks:
        for layer in layers:
            last = layer[-1]["end"]
            if last < m["start"] or (touching and last == m["start"]):
                layer.append(m)
                break
        else:
            layers.append([m])
    return layers or [[]]


def _audio_seconds(entry: Entry, job: ExportJob) -> float:
    """The audio file's length, or 0 when it cannot be read (the marks then set the range)."""
    audio = entry.data.get(job.audio_field)
    if not isinstance(audio, str) or not audio:
        return 0.0
    path = audio if os.path.isabs(audio) else os.path.join(job.source.parent, audio)
    if not os.path.isfile(path):
        return 0.0
    try:
        import soundfile

        return float(soundfile.info(path).duration)
    except Exception:  # an unreadable audio file is not the export's business
        return 0.0


def format_long(
    xmin: float, xmax: float, tiers: list[tuple[str, str, list[dict[str, Any]]]]
) -> str:
    """Praat's long text format, laid out exactly as Praat writes it."""
    out = [
        'File type = "ooTextFile"',
        'Object class = "TextGrid"',
        "",
        f"xmin = {_num(xmin)} ",
        f"xmax = {_num(xmax)} ",
    ]
    if not tiers:
        out.append("tiers? <absent> ")
        return "\n".join(out) + "\n"
    out += ["tiers? <exists> ", f"size = {len(tiers)} ", "item []: "]
    for number, (kind, name, layer) in enumerate(tiers, start=1):
        out += [
            f"    item [{number}]:",
            f'        class = "{kind}" ',
            f"        name = {_quote(name)} ",
            f"        xmin = {_num(xmin)} ",
            f"        xmax = {_num(xmax)} ",
        ]
        if kind == "IntervalTier":
            rows = _filled(layer, xmin, xmax)
            out.append(f"        intervals: size = {len(rows)} ")
            for i, (start, end, text) in enumerate(rows, start=1):
                out += [
                    f"        intervals [{i}]:",
                    f"            xmin = {_num(start)} ",
                    f"            xmax = {_num(end)} ",
                    f"            text = {_quote(text)} ",
                ]
        else:
            out.append(f"        points: size = {len(layer)} ")
            for i, m in enumerate(layer, start=1):
                out += [
                    f"        points [{i}]:",
                    f"            number = {_num(m['start'])} ",
                    f"            mark = {_quote(m['label'])} ",
                ]
    return "\n".join(out) + "\n"


def _filled(
    layer: list[dict[str, Any]], xmin: float, xmax: float
) -> list[tuple[float, float, str]]:
    rows: list[tuple[float, float, str]] = []
    t = xmin
    for m in layer:
        if m["start"] > t:
            rows.append((t, m["start"], ""))
        rows.append((m["start"], m["end"], m["label"]))
        t = m["end"]
    if t < xmax or not rows:
        rows.append((t, xmax, ""))
    return rows


def _num(x: float) -> str:
    """Shortest exact form, integers without `.0`, as Praat writes numbers."""
    x = float(x) + 0.0
    return str(int(x)) if x.is_integer() else repr(x)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
