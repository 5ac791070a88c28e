"""ELAN annotation files (`.eaf`): tiers of time-aligned and reference annotations.

Read: one item per file (the audio from `--audio`, as for TextGrid; the file's own
MEDIA_DESCRIPTOR is not used). Each tier becomes a task named as its TIER_ID (leading `_`
dropped, since such names are labeltui's own; an empty id gives `tier N`; tiers with the same
id are merged). An ALIGNABLE_ANNOTATION gives a mark from its first to its second time slot; a
REF_ANNOTATION (symbolic tiers, e.g. a translation or a controlled-vocabulary tag) takes the
times of the annotation it refers to, through any chain of references. Overlapping annotations
are kept; an empty ANNOTATION_VALUE gives a mark with an empty label (ELAN's "segment not yet
transcribed"), so nothing is dropped. A time slot without TIME_VALUE (unaligned, as ELAN
leaves inside time subdivisions) gets a time spread evenly between the aligned slots before and
after it in TIME_ORDER (0 before the first, the last aligned time after the last). Times are
milliseconds (TIME_UNITS must be `milliseconds`) within 0..`MAX_SECONDS` seconds.

The XML is untrusted: it is read with expat without any DOCTYPE (so no entity can be declared,
expanded or fetched); a file with a DOCTYPE or an entity declaration is refused, as is any
XML error, with its line.

Write: one EAF 3.0 file per audio item, UTF-8, with a MEDIA_DESCRIPTOR for the audio, one
time-aligned tier per task (LINGUISTIC_TYPE `default-lt`), two time slots per mark, and the
standard CONSTRAINT list ELAN writes. Characters XML 1.0 cannot hold (most control characters)
are written as U+FFFD and counted; a point mark becomes a zero-length annotation.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn
from xml.parsers import expat

from labeltui.core.answer_check import MAX_SECONDS
from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import read_bytes
from labeltui.core.formats.options import ExportJob, ImportOptions
from labeltui.core.formats.values import mark, sort_marks, stored_marks
from labeltui.errors import LabeltuiError

NOT_XML = "characters XML cannot hold written as U+FFFD"
EMPTY = "annotations with an empty value kept as marks with an empty label"
UNALIGNED = "unaligned time slots given times spread between their aligned neighbours"
POINTS = "point marks written as zero-length annotations"
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_MS = MAX_SECONDS * 1000


class _Refused(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message, self.line = message, line


# -- reading ---------------------------------------------------------------------------------


def parse_xml(data: bytes, path: Path) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The document's root and each element's line, read without any DTD.

    expat is driven directly (not through ElementTree's parser) so that a DOCTYPE or an entity
    declaration stops the parse before anything of it is used.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}

    def refuse(what: str) -> Any:
        def handler(*_: Any) -> None:
            raise _Refused(
                f"the file has {what}, which labeltui refuses in XML it reads (EAF needs none)",
                parser.CurrentLineNumber,
            )

        return handler

    def start(tag: str, attrs: dict[str, str]) -> None:
        lines[builder.start(tag, attrs)] = parser.CurrentLineNumber

    parser.StartDoctypeDeclHandler = refuse("a DOCTYPE")
    parser.EntityDeclHandler = refuse("an entity declaration")
    parser.ExternalEntityRefHandler = refuse("an external entity")
    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise LabeltuiError(exc.message, path, exc.line) from None
    except expat.ExpatError as exc:
        message = expat.errors.messages[exc.code] if exc.code else str(exc)
        raise LabeltuiError(f"not well-formed XML: {message}", path, exc.lineno) from None
    return builder.close(), lines


class _Doc:
    """An EAF document being read: its time slots and annotations, with lines for errors."""

    def __init__(self, root: ET.Element, lines: dict[ET.Element, int], path: Path) -> None:
        self.root, self.lines, self.path = root, lines, path
        if root.tag != "ANNOTATION_DOCUMENT":
            self.fail(root, f"not an ELAN file: the root element is <{root.tag}>")
        header = root.find("HEADER")
        units = header.get("TIME_UNITS", "milliseconds") if header is not None else None
        if units not in (None, "milliseconds"):
            self.fail(header, f"TIME_UNITS is {units!r}; only milliseconds are supported")
        self.unaligned = 0
        self.slots = self._slots()
        self.annotations: dict[str, ET.Element] = {}
        for tier in root.iter("TIER"):
            for node in tier.iter():
                if node.tag in ("ALIGNABLE_ANNOTATION", "REF_ANNOTATION"):
                    self.annotations.setdefault(node.get("ANNOTATION_ID", ""), node)

    def fail(self, node: ET.Element | None, message: str) -> NoReturn:
        raise LabeltuiError(message, self.path, self.lines.get(node) if node is not None else None)

    def _slots(self) -> dict[str, float]:
        """Each TIME_SLOT_ID's time in ms, unaligned ones spread between aligned neighbours."""
        order = self.root.find("TIME_ORDER")
        nodes = list(order.iter("TIME_SLOT")) if order is not None else []
        known: list[float | None] = []
        for node in nodes:
            raw = node.get("TIME_VALUE")
            if raw is None or not raw.strip():
                known.append(None)
                self.unaligned += 1
                continue
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if not 0 <= value <= _MAX_MS:  # NaN fails this too
                self.fail(node, f"TIME_VALUE {raw!r} must be milliseconds from 0 to {_MAX_MS:.0f}")
            known.append(value)
        times: dict[str, float] = {}
        previous, gap = 0.0, 0
        for index, at in enumerate(known):
            if at is None:
                gap += 1
                continue
            for k in range(1, gap + 1):  # the unaligned run just before this aligned slot
                times[nodes[index - gap - 1 + k].get("TIME_SLOT_ID", "")] = previous + (
                    at - previous
                ) * k / (gap + 1)
            times[nodes[index].get("TIME_SLOT_ID", "")] = at
            previous, gap = at, 0
        for node in nodes[len(nodes) - gap :] if gap else []:
            times[node.get("TIME_SLOT_ID", "")] = previous
        return times

    def times(self, node: ET.Element, seen: tuple[str, ...] = ()) -> tuple[float, float]:
        """(start, end) in seconds of an annotation, following references to their parent."""
        if node.tag == "REF_ANNOTATION":
            ref = node.get("ANNOTATION_REF", "")
            parent = self.annotations.get(ref)
            if parent is None:
                self.fail(node, f"ANNOTATION_REF {ref!r} names no annotation")
            if ref in seen:
                self.fail(node, f"the references from annotation {ref!r} go round in a circle")
            return self.times(parent, (*seen, ref))
        ends = []
        for key in ("TIME_SLOT_REF1", "TIME_SLOT_REF2"):
            slot = node.get(key, "")
            if slot not in self.slots:
                self.fail(node, f"{key} {slot!r} names no time slot")
            ends.append(self.slots[slot] / 1000)
        if ends[1] < ends[0]:
            self.fail(
                node,
                f"annotation {node.get('ANNOTATION_ID')!r} ends at {ends[1]:g} s, before it "
                f"starts at {ends[0]:g} s",
            )
        return ends[0], ends[1]


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """One dataset item: the audio and a task per tier."""
    doc = _Doc(*parse_xml(read_bytes(path, "ELAN file"), path), path)
    labels: dict[str, list[dict[str, Any]]] = {}
    for number, tier in enumerate(doc.root.iter("TIER"), start=1):
        name = tier.get("TIER_ID", "").strip().lstrip("_") or f"tier {number}"
        marks = labels.setdefault(name, [])
        for node in tier.iter():
            if node.tag in ("ALIGNABLE_ANNOTATION", "REF_ANNOTATION"):
                start, end = doc.times(node)
                value = node.find("ANNOTATION_VALUE")
                text = (value.text or "") if value is not None else ""
                opts.note(EMPTY, not text)
                marks.append(mark(start, end, text))
    opts.note(UNALIGNED, doc.unaligned)
    if opts.only_task:
        if opts.task not in labels:
            names = ", ".join(repr(n) for n in labels) or "none"
            raise LabeltuiError(f"no tier named {opts.task!r} (tiers: {names})", path)
        labels = {opts.task: labels[opts.task]}
    return [{opts.audio_field: opts.audio, "labels": {n: sort_marks(m) for n, m in labels.items()}}]


# -- writing ---------------------------------------------------------------------------------

_CONSTRAINTS = (
    (
        "Time_Subdivision",
        "Time subdivision of parent annotation's time interval, no time gaps "
        "allowed within this interval",
    ),
    (
        "Symbolic_Subdivision",
        "Symbolic subdivision of a parent annotation. Annotations refering "
        "to the same parent are ordered",
    ),
    ("Symbolic_Association", "1-1 association with a parent annotation"),
    (
        "Included_In",
        "Time alignable annotations within the parent annotation's time interval, gaps are allowed",
    ),
)


def write_item(entry: Entry, job: ExportJob) -> str:
    """The EAF 3.0 document of one audio item."""
    tiers = [
        (task, stored_marks(entry.labels.get(task), task, job.source, entry.line))
        for task in job.tasks
    ]
    ends = sorted(
        (round(t * 1000), a, i, side)
        for a, (_, marks) in enumerate(tiers)
        for i, m in enumerate(marks)
        for side, t in ((0, m["start"]), (1, m["end"]))
    )
    slot = {(a, i, side): f"ts{n}" for n, (_, a, i, side) in enumerate(ends, start=1)}
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<ANNOTATION_DOCUMENT AUTHOR="labeltui" '
        f'DATE="{dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}" '
        'FORMAT="3.0" VERSION="3.0" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">',
        '    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">',
        *_media(entry, job),
        "    </HEADER>",
        "    <TIME_ORDER>",
        *(
            f'        <TIME_SLOT TIME_SLOT_ID="ts{n}" TIME_VALUE="{ms}"/>'
            for n, (ms, *_) in enumerate(ends, start=1)
        ),
        "    </TIME_ORDER>",
    ]
    number = 0
    for a, (task, marks) in enumerate(tiers):
        if not marks:
            out.append(f'    <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID={_attr(task, job)}/>')
            continue
        out.append(f'    <TIER LINGUISTIC_TYPE_REF="default-lt" TIER_ID={_attr(task, job)}>')
        for i, m in enumerate(marks):
            number += 1
            job.note(POINTS, m["start"] == m["end"])
            out += [
                "        <ANNOTATION>",
                f'            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a{number}" '
                f'TIME_SLOT_REF1="{slot[a, i, 0]}" TIME_SLOT_REF2="{slot[a, i, 1]}">',
                f"                <ANNOTATION_VALUE>{_text(m['label'], job)}</ANNOTATION_VALUE>",
                "            </ALIGNABLE_ANNOTATION>",
                "        </ANNOTATION>",
            ]
        out.append("    </TIER>")
    out += [
        '    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="default-lt" '
        'TIME_ALIGNABLE="true"/>',
        *(
            f'    <CONSTRAINT DESCRIPTION="{text}" STEREOTYPE="{name}"/>'
            for name, text in _CONSTRAINTS
        ),
        "</ANNOTATION_DOCUMENT>",
    ]
    return "\n".join(out) + "\n"


def _media(entry: Entry, job: ExportJob) -> list[str]:
    """The MEDIA_DESCRIPTOR of the item's audio: its absolute URL and its name beside the EAF
    (the export names the EAF after the audio, so they usually sit together)."""
    audio = entry.data.get(job.audio_field)
    if not isinstance(audio, str) or not audio.strip():
        return []
    full = Path(audio if os.path.isabs(audio) else os.path.join(job.source.parent, audio))
    name = PurePosixPath(audio.replace("\\", "/")).name
    mime = "audio/x-wav" if name.lower().endswith(".wav") else "audio/*"
    return [
        f"        <MEDIA_DESCRIPTOR MEDIA_URL={_attr(Path(os.path.abspath(full)).as_uri(), job)} "
        f'MIME_TYPE="{mime}" RELATIVE_MEDIA_URL={_attr("./" + name, job)}/>'
    ]


def _clean(text: str, job: ExportJob) -> str:
    found = len(_BAD_XML.findall(text))
    job.note(NOT_XML, found)
    return _BAD_XML.sub("\ufffd", text) if found else text


def _text(text: str, job: ExportJob) -> str:
    """Element content, escaped so that every character (a CR included) reads back as is."""
    text = _clean(text, job).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def _attr(text: str, job: ExportJob) -> str:
    """A quoted attribute value that reads back exactly (XML normalizes tabs and newlines)."""
    text = _text(text, job).replace('"', "&quot;")
    return '"' + text.replace("\t", "&#9;").replace("\n", "&#10;") + '"'
