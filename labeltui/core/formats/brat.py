"""brat standoff: a document's text in `NAME.txt` and its annotations in `NAME.ann`.

Read: FILE is the `.ann`; the `.txt` of the same name beside it is the text, UTF-8, indexed as
it is (no newline translation, as brat counts). One item: `id` (the file name without
`.ann`), `text`, and the text-bound annotations (`T` lines) as spans under the task:
- each span carries its brat id as `brat_id`; a discontinuous `T` (`T5 vitamin 109 118;124
  125`) becomes one span per fragment sharing the `brat_id`, counted in the summary;
- the `T` line's own text (brat writes the fragments joined by a space) is checked against
  the offsets: a stale one is imported by the offsets, with a warning;
- an `AnnotatorNotes` note (`#`) on a `T` is kept on its span(s) as `brat_note`;
- every other line (relations `R`, events `E`, attributes `A`/`M`, normalizations `N`,
  equivalences `*`, notes on those) is kept as it is in the item's `brat` field and reported
  by kind in the summary: labeltui shows none of them, but export writes them back.

Write: a folder with `ID.txt` and `ID.ann` per item. Spans sharing a `brat_id` and a label
are one `T` again (fragments joined back); a span without one (drawn in labeltui) gets the
next free `T` number. The kept lines follow the `T` lines, except those that refer to an
annotation no longer there (a deleted span), which are dropped and counted. A label with
whitespace has it replaced by `_` (brat types are one word).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import read_bytes
from labeltui.core.formats.options import ExportJob, ImportOptions, text_of
from labeltui.core.formats.values import STALE_TEXT, sort_spans, span, stored_spans
from labeltui.errors import LabeltuiError

ID_KEY = "brat_id"
NOTE_KEY = "brat_note"
KEPT = "brat"
DISCONTINUOUS = "discontinuous annotations (one span per fragment, sharing a brat_id)"
KINDS = {
    "R": "relations",
    "E": "events",
    "A": "attributes",
    "M": "attributes",
    "N": "normalizations",
    "*": "equivalences",
    "#": "notes",
}
_REF = re.compile(r"(?<![\w-])([TREAMN#]\d+)\b")
_SPACE = re.compile(r"\s+")


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """One dataset item: the document's text and its text-bound annotations."""
    txt = path.with_suffix(".txt")
    if not txt.is_file():
        raise LabeltuiError(f"no {txt.name} beside it (brat keeps the text there)", path)
    text = _decode(read_bytes(txt, "text file"), txt)
    spans: list[dict[str, Any]] = []
    by_id: dict[str, list[dict[str, Any]]] = {}
    kept: list[str] = []
    notes: list[tuple[int, str, str]] = []
    lines = _decode(read_bytes(path, "annotation file"), path).removeprefix("\ufeff")
    for number, line in enumerate(lines.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        ident = line.split("\t", 1)[0]
        if ident.startswith("T"):
            found = _text_bound(line, text, path, number, opts)
            by_id[ident] = found
            spans += found
        elif ident.startswith("#") and "\t" in line:
            notes.append((number, line, ident))
        elif ident[:1] in KINDS:
            kept.append(line)
            opts.note(f"brat {KINDS[ident[:1]]} kept for export (labeltui does not show them)")
        else:
            raise LabeltuiError(f"not a brat annotation line: {line[:40]!r}", path, number)
    for _number, line, _ in notes:
        cells = line.split("\t")
        target = cells[1].split(" ")[-1] if len(cells) > 1 else ""
        if target in by_id and cells[1].startswith("AnnotatorNotes"):
            for s in by_id[target]:
                s[NOTE_KEY] = cells[2] if len(cells) > 2 else ""
        else:
            kept.append(line)
            opts.note("brat notes kept for export (labeltui does not show them)")
    item: dict[str, Any] = {"id": path.stem, opts.text_field: text}
    item["labels"] = {opts.task: sort_spans(spans)}
    if kept:
        item[KEPT] = kept
    return [item]


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise LabeltuiError("the file is not UTF-8 text", path) from None


def _text_bound(
    line: str, text: str, path: Path, number: int, opts: ImportOptions
) -> list[dict[str, Any]]:
    cells = line.split("\t")
    ident = cells[0]
    what = f"annotation {ident}"
    if len(cells) < 2 or " " not in cells[1]:
        raise LabeltuiError(f"{what}: expected ID<TAB>TYPE START END<TAB>TEXT", path, number)
    label, _, offsets = cells[1].partition(" ")
    pieces = []
    for fragment in offsets.split(";"):
        bounds = fragment.split()
        if len(bounds) != 2 or not all(b.isdigit() for b in bounds):
            raise LabeltuiError(f"{what}: the offsets {offsets!r} are not START END", path, number)
        pieces.append(span(text, int(bounds[0]), int(bounds[1]), label, path, number, what))
    if len(pieces) > 1:
        opts.note(DISCONTINUOUS)
    given = cells[2] if len(cells) > 2 else None
    found = " ".join(p["text"] for p in pieces)
    if given is not None and given != found:
        opts.note(STALE_TEXT)
        opts.stale.append(
            f"{path}:{number}: {what}: the file says {given!r}, the text is {found!r}"
        )
    for piece in pieces:
        piece[ID_KEY] = ident
    return pieces


# -- write ------------------------------------------------------------------------------------


def write_files(entries: list[Entry], job: ExportJob) -> dict[str, str]:
    """{file name: content}: `ID.txt` and `ID.ann` per item."""
    files: dict[str, str] = {}
    owners: dict[str, Entry] = {}
    for entry in entries:
        name = _file_name(entry.id)
        first = owners.setdefault(name.casefold(), entry)
        if first is not entry:
            raise LabeltuiError(
                f"items {first.id!r} and {entry.id!r} would both be written to {name}.ann",
                job.source,
                entry.line,
            )
        text = text_of(entry, job)
        files[name + ".txt"] = text
        files[name + ".ann"] = _ann(entry, text, job)
    return files


def _file_name(ident: str) -> str:
    name = PurePosixPath(ident.replace("\\", "/")).name
    return re.sub(r"[^\w.-]", "_", name).lstrip(".") or "item"


def _ann(entry: Entry, text: str, job: ExportJob) -> str:
    raw = entry.labels.get(job.task)
    spans = stored_spans(raw, text, job.task, job.source, entry.line)
    extra: dict[tuple[Any, Any, Any], Any] = {}  # (start, end, label) -> its brat keys, in order
    for e in raw if isinstance(raw, list) else []:
        if isinstance(e, dict):
            extra.setdefault((e.get("start"), e.get("end"), e.get("label")), []).append(e)
    groups: dict[str, list[dict[str, Any]]] = {}
    loose = []
    for s in spans:
        stored = extra.get((s["start"], s["end"], s["label"])) or [{}]
        source = stored.pop(0) if len(stored) > 1 else stored[0]
        ident = source.get(ID_KEY)
        s = {**s, NOTE_KEY: source.get(NOTE_KEY)}
        group = groups.get(ident) if isinstance(ident, str) else None
        if (
            isinstance(ident, str)
            and re.fullmatch(r"T\d+", ident)
            and (group is None or group[0]["label"] == s["label"])
        ):
            groups.setdefault(ident, []).append(s)
        else:
            loose.append(s)
    used = [int(i[1:]) for i in groups]
    free = max(used, default=0)
    for s in loose:
        free += 1
        groups[f"T{free}"] = [s]
    lines, notes = [], []
    for ident, group in sorted(groups.items(), key=lambda g: (g[1][0]["start"], int(g[0][1:]))):
        label = _SPACE.sub("_", group[0]["label"])
        if label != group[0]["label"]:
            job.note("labels with whitespace written with '_' (brat types are one word)")
        fragments = ";".join(f"{s['start']} {s['end']}" for s in group)
        shown = " ".join(s["text"] for s in group).replace("\n", " ").replace("\t", " ")
        lines.append(f"{ident}\t{label} {fragments}\t{shown}\n")
        note = group[0].get(NOTE_KEY)
        if isinstance(note, str):
            notes.append((ident, note))
    kept = entry.data.get(KEPT)
    known = set(groups)
    others = []
    for line in kept if isinstance(kept, list) else []:
        if isinstance(line, str) and line.split("\t", 1)[0][:1] in KINDS:
            known.add(line.split("\t", 1)[0])
    for line in kept if isinstance(kept, list) else []:
        if not isinstance(line, str):
            continue
        head, _, rest = line.partition("\t")
        refs = [r for r in _REF.findall(rest.split("\t")[0]) if r != head]
        if all(r in known for r in refs):
            others.append(line.rstrip("\n") + "\n")
        else:
            job.note("brat lines dropped: they refer to a deleted annotation")
    taken = {int(line.split("\t")[0][1:]) for line in others if re.match(r"#\d+\t", line)}
    number = 0
    for ident, note in notes:
        number += 1
        while number in taken:
            number += 1
        others.append(f"#{number}\tAnnotatorNotes {ident}\t{note}\n")
    return "".join(lines + others)
