"""Import from and export to other tools' files (FORMAT section 7).

`FORMATS` maps a format name to what it can do: a reader turns a file into dataset lines whose
`labels` hold the file's annotations as pre-annotations; a writer turns the current lines of a
dataset or annotation file into one output file (doccano, spaCy, CoNLL) or one file per audio
item in a folder (TextGrid, Audacity). `import_file` and `export_file` are what the commands
call; every output is written whole or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from labeltui.core.formats import audacity, conll, doccano, spacy, textgrid
from labeltui.core.formats.current import Current, Entry, read_current
from labeltui.core.formats.files import dump_line, refuse_overwriting, write_atomic
from labeltui.core.formats.options import ExportJob, ImportOptions
from labeltui.core.formats.values import kind_of
from labeltui.core.schema import Schema
from labeltui.core.store_files import holding_lock
from labeltui.errors import LabeltuiError

Reader = Callable[[Path, ImportOptions], list[dict[str, Any]]]
Writer = Callable[[list[Entry], ExportJob], str]
ItemWriter = Callable[[Entry, ExportJob], "str | None"]

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".WAV", ".FLAC", ".OGG")
NO_AUDIO = "items without an audio field skipped"


@dataclass(frozen=True, slots=True)
class Format:
    """One other tool's file format and what labeltui can do with it."""

    name: str
    kind: str
    """The task kind it carries: `spans` or `audio_marks`."""
    default_task: str
    read: Reader | None = None
    write: Writer | None = None
    """Writes the whole export as one file."""
    write_item: ItemWriter | None = None
    """Writes one file per audio item, named after the audio file with `suffix`."""
    suffix: str = ""


FORMATS: dict[str, Format] = {
    "doccano": Format("doccano", "spans", "entities", doccano.read, doccano.write),
    "spacy": Format("spacy", "spans", "entities", spacy.read, spacy.write),
    "conll": Format("conll", "spans", "entities", write=conll.write),
    "textgrid": Format(
        "textgrid",
        "audio_marks",
        "events",
        textgrid.read,
        write_item=textgrid.write_item,
        suffix=".TextGrid",
    ),
    "audacity": Format(
        "audacity",
        "audio_marks",
        "events",
        audacity.read,
        write_item=audacity.write_item,
        suffix=".txt",
    ),
}
IMPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.read is not None)
EXPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.write or f.write_item)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    out: Path
    items: int
    annotations: int
    tasks: tuple[str, ...]
    unit: str

    def __str__(self) -> str:
        return (
            f"wrote {_n(self.items, 'item')} with {_n(self.annotations, self.unit)} "
            f"({_tasks(self.tasks)}) to {self.out}"
        )


@dataclass(slots=True)
class ExportSummary:
    out: Path
    items: int
    annotations: int
    tasks: tuple[str, ...]
    unit: str
    files: int | None = None
    """Files written into the folder `out` (None for one-file formats)."""
    skipped: int = 0
    notes: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    warning: str | None = None
    """Something the user should know (the CLI prints it on stderr)."""

    def __str__(self) -> str:
        where = (
            f"{_n(self.files or 0, 'file')} in {self.out}"
            if self.files is not None
            else (str(self.out))
        )
        text = (
            f"wrote {_n(self.items, 'item')} with {_n(self.annotations, self.unit)} "
            f"({_tasks(self.tasks)}) to {where}"
        )
        extra = [f"{self.skipped} skipped item(s) left out"] if self.skipped else []
        if self.duplicates:
            extra.append(
                f"{_n(self.duplicates, 'line')} with a duplicate id dropped (the first wins)"
            )
        extra += [f"{count} {what}" for what, count in sorted(self.notes.items())]
        return text + ("; " + "; ".join(extra) if extra else "")


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _tasks(tasks: tuple[str, ...]) -> str:
    return ("task " if len(tasks) == 1 else "tasks ") + ", ".join(repr(t) for t in tasks)


# -- import ----------------------------------------------------------------------------------


def import_file(
    fmt: str,
    source: str | Path,
    out: str | Path,
    *,
    task: str | None = None,
    audio: str | Path | None = None,
    schema: Schema | None = None,
) -> ImportSummary:
    """Convert `source` (format `fmt`) into the dataset `out`."""
    spec = _format(fmt, IMPORT_FORMATS, "import")
    source, out = Path(source), Path(out)
    per_item = spec.write_item is not None
    if audio is not None and not per_item:
        raise LabeltuiError(f"--audio is for textgrid and audacity files, not {fmt}")
    opts = ImportOptions(
        task=task or _schema_task(schema, spec.kind) or spec.default_task,
        audio=_audio_value(source, out, audio) if per_item else None,
        text_field=(schema.text_field if schema else "") or "text",
        audio_field=(schema.audio_field if schema else "") or "audio",
        only_task=task is not None,
    )
    assert spec.read is not None
    items = spec.read(source, opts)
    with holding_lock(out):  # never replaces a file a running annotate or review writes
        refuse_overwriting(source, out)
        write_atomic(out, "".join(dump_line(item) for item in items))
    names: dict[str, None] = {}
    count = 0
    for item in items:
        for name, value in (item.get("labels") or {}).items():
            if isinstance(value, list):
                names.setdefault(name)
                count += len(value)
    unit = "span" if spec.kind == "spans" else "mark"
    return ImportSummary(out, len(items), count, tuple(names) or (opts.task,), unit)


def _schema_task(schema: Schema | None, kind: str) -> str | None:
    """The schema's task of this kind, when it has exactly one."""
    names = [t.name for t in schema.tasks if t.kind == kind] if schema else []
    return names[0] if len(names) == 1 else None


def _audio_value(source: Path, out: Path, audio: str | Path | None) -> str:
    """The audio field: `--audio` (or a sound file beside `source` with the same stem), made
    relative to the dataset's folder, since FORMAT resolves audio paths from there. An absolute
    `--audio` stays absolute."""
    if audio is None:
        found = next(
            (source.with_suffix(s) for s in AUDIO_SUFFIXES if source.with_suffix(s).is_file()),
            None,
        )
        if found is None:
            raise LabeltuiError(
                f"give the audio file with --audio (there is no {source.stem}.wav, .flac or "
                ".ogg beside this file)",
                source,
            )
        audio = os.path.abspath(found)
    elif Path(audio).is_absolute():
        return str(audio)
    rel = os.path.relpath(os.path.abspath(audio), os.path.abspath(out.parent))
    return PurePosixPath(*Path(rel).parts).as_posix()


# -- export ----------------------------------------------------------------------------------


def export_file(
    fmt: str,
    source: str | Path,
    out: str | Path,
    *,
    task: str | None = None,
    schema: Schema | None = None,
    annotator: str | None = None,
) -> ExportSummary:
    """Write the current lines of the dataset or annotation file `source` in format `fmt`
    (with `annotator`: that annotator's lines only)."""
    spec = _format(fmt, EXPORT_FORMATS, "export")
    source, out = Path(source), Path(out)
    text_field = (schema.text_field if schema else "text") or "text"
    audio_field = (schema.audio_field if schema else "audio") or "audio"
    current = read_current(source, text_field, audio_field, annotator)
    tasks = _export_tasks(spec, current, task, schema)
    tokenizer = "words"
    if schema is not None and spec.kind == "spans":
        tokenizer = next(t.tokenizer for t in schema.tasks if t.name == tasks[0])
    job = ExportJob(source, tasks, text_field, audio_field, tokenizer)
    unit = "span" if spec.kind == "spans" else "mark"
    if spec.write is not None:
        with holding_lock(out):  # never replaces a file a running annotate or review writes
            refuse_overwriting(source, out)
            write_atomic(out, spec.write(current.entries, job))
        written, files = current.entries, None
    else:
        refuse_overwriting(source, out)
        written = _export_folder(spec, current, out, job)
        files = len(written)
    count = sum(
        len(value)
        for entry in written
        for name in tasks
        if isinstance(value := entry.labels.get(name), list)
    )
    mixed = None
    if annotator is None and len(current.annotators) > 1:
        names = ", ".join(current.annotators)
        mixed = (
            f"{source} holds the lines of {len(current.annotators)} annotators ({names}): each "
            "item was exported from its last line, whoever wrote it; choose one with --annotator"
        )
    return ExportSummary(
        out,
        len(written),
        count,
        tasks,
        unit,
        files,
        current.skipped,
        dict(job.notes),
        current.duplicates,
        mixed,
    )


def _export_folder(spec: Format, current: Current, out: Path, job: ExportJob) -> list[Entry]:
    """Build every file first (so bad input writes nothing), then write them into `out`."""
    assert spec.write_item is not None
    outputs: dict[str, tuple[Entry, str]] = {}
    owners: dict[str, Entry] = {}
    for entry in current.entries:
        audio = entry.data.get(job.audio_field)
        if not isinstance(audio, str) or not audio.strip():
            job.note(NO_AUDIO)
            continue
        name = PurePosixPath(audio.replace("\\", "/")).stem + spec.suffix
        first = owners.setdefault(name.casefold(), entry)  # one file even where case is ignored
        if first is not entry:
            raise LabeltuiError(
                f"items {first.id!r} (line {first.line}) and {entry.id!r} would both be "
                f"written to {name}: their audio files have the same name",
                job.source,
                entry.line,
            )
        content = spec.write_item(entry, job)
        if content is not None:
            outputs[name] = (entry, content)
    if out.exists() and not out.is_dir():
        raise LabeltuiError(
            f"is a file; {spec.name} export writes one file per audio item into a folder", out
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LabeltuiError(f"cannot create the folder: {exc.strerror or exc}", out) from None
    for name in outputs:  # every refusal before the first file is written
        with holding_lock(out / name):
            refuse_overwriting(job.source, out / name)
    for name, (_, content) in outputs.items():
        with holding_lock(out / name):  # never a file a running annotate or review writes
            write_atomic(out / name, content)
    return [entry for entry, _ in outputs.values()]


def _export_tasks(
    spec: Format, current: Current, requested: str | None, schema: Schema | None
) -> tuple[str, ...]:
    """The task(s) to export: `--task`, else the only one of the right kind, else the default."""
    what = "spans" if spec.kind == "spans" else "audio marks"
    if schema is not None:
        known = [t.name for t in schema.tasks if t.kind == spec.kind]
        if requested is not None and requested not in known:
            raise LabeltuiError(
                f"the schema has no {spec.kind} task {requested!r} "
                f"(its {spec.kind} tasks: {', '.join(known) or 'none'})",
                schema.path,
            )
    else:
        found: dict[str, None] = {}
        lists: dict[str, None] = {}
        for entry in current.entries:
            for name, value in entry.labels.items():
                if isinstance(value, list):
                    lists.setdefault(name)
                if kind_of(value) == spec.kind:
                    found.setdefault(name)
        known = list(found) or [n for n in lists if kind_of_all_empty(current, n)]
    if requested is not None:
        return (requested,)
    if spec.name == "textgrid" and known:
        return tuple(known)
    if len(known) == 1:
        return (known[0],)
    if spec.default_task in known:
        return (spec.default_task,)
    if not known:
        raise LabeltuiError(
            f"found no {what} to export; name the task with --task (or give --schema)",
            current.path,
        )
    raise LabeltuiError(
        f"there are several tasks with {what} ({', '.join(known)}); choose one with --task",
        current.path,
    )


def kind_of_all_empty(current: Current, name: str) -> bool:
    """Whether every value of task `name` is an empty list (nothing says what kind it is)."""
    return all(entry.labels.get(name) in (None, []) for entry in current.entries)


def _format(fmt: str, allowed: tuple[str, ...], verb: str) -> Format:
    if fmt not in allowed:
        raise LabeltuiError(f"cannot {verb} {fmt!r}: choose one of {', '.join(allowed)}")
    return FORMATS[fmt]
