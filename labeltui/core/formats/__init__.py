"""Import from and export to other tools' files (FORMAT section 7).

`FORMATS` maps a format name to what it can do: a reader turns a file into dataset lines whose
`labels` hold the file's annotations as pre-annotations; a writer turns the current lines of a
dataset or annotation file into one output file (doccano, spaCy, CoNLL, Label Studio), one
file per audio item in a folder (TextGrid, Audacity), or several files per item in a folder
(brat). doccano and spaCy also carry `choice`/`multi_choice` tasks (`classes`), Label Studio
every task of a line (`all_tasks`). `import_file` and `export_file` are what the commands
call; every output is written whole or not at all. The CLI's `--from`/`--to` lists come from
`import_formats()`/`export_formats()`, so a format added here is listed in `--help`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from labeltui.core.formats import (
    audacity,
    brat,
    conll,
    doccano,
    eaf,
    labelstudio,
    rttm,
    spacy,
    subtitles,
    textgrid,
)
from labeltui.core.formats.choose import (
    CLASS_KINDS,
    all_kinds,
    class_export,
    schema_class_task,
    unknown_format,
)
from labeltui.core.formats.current import Current, Entry, read_current
from labeltui.core.formats.files import dump_line, refuse_overwriting, write_atomic
from labeltui.core.formats.options import ExportJob, ImportOptions
from labeltui.core.formats.values import STALE_TEXT, kind_of
from labeltui.core.schema import Schema
from labeltui.core.store_files import holding_lock
from labeltui.errors import LabeltuiError

Reader = Callable[[Path, ImportOptions], list[dict[str, Any]]]
Writer = Callable[[list[Entry], ExportJob], str]
ItemWriter = Callable[[Entry, ExportJob], "str | None"]
FilesWriter = Callable[[list[Entry], ExportJob], dict[str, str]]

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
    classes: bool = False
    """Also carries `choice`/`multi_choice` tasks (text classification)."""
    help: str = ""
    """What the format is, in a few words, for `--help`."""
    all_tasks: bool = False
    """Reads and writes every task of a line, each under its own name (Label Studio)."""
    write_files: FilesWriter | None = None
    """Writes several files per item into the folder `OUT` (brat: `.txt` and `.ann`)."""


FORMATS: dict[str, Format] = {
    "doccano": Format("doccano", "spans", "entities", doccano.read, doccano.write, classes=True),
    "spacy": Format("spacy", "spans", "entities", spacy.read, spacy.write, classes=True),
    "brat": Format("brat", "spans", "entities", brat.read, write_files=brat.write_files),
    "labelstudio": Format(
        "labelstudio",
        "spans",
        "entities",
        labelstudio.read,
        labelstudio.write,
        classes=True,
        all_tasks=True,
    ),
    "conll": Format("conll", "spans", "entities", conll.read, conll.write),
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
    "eaf": Format(
        "eaf", "audio_marks", "events", eaf.read, write_item=eaf.write_item, suffix=".eaf"
    ),
    "vtt": Format(
        "vtt",
        "audio_marks",
        "subtitles",
        subtitles.read_vtt,
        write_item=subtitles.write_vtt,
        suffix=".vtt",
    ),
    "srt": Format(
        "srt",
        "audio_marks",
        "subtitles",
        subtitles.read_srt,
        write_item=subtitles.write_srt,
        suffix=".srt",
    ),
    "rttm": Format("rttm", "audio_marks", "speakers", rttm.read, rttm.write),
}


def import_formats() -> tuple[str, ...]:
    """The names `import --from` takes, in registry order."""
    return tuple(name for name, f in FORMATS.items() if f.read is not None)


def export_formats() -> tuple[str, ...]:
    """The names `export --to` takes, in registry order."""
    return tuple(name for name, f in FORMATS.items() if f.write or f.write_item or f.write_files)


IMPORT_FORMATS = import_formats()
EXPORT_FORMATS = export_formats()


@dataclass(frozen=True, slots=True)
class ImportSummary:
    out: Path
    items: int
    annotations: int
    tasks: tuple[str, ...]
    unit: str
    categories: int = 0
    """Category answers (labels chosen in `choice`/`multi_choice` tasks)."""
    notes: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    """Things the user should know (the CLI prints each on stderr)."""

    def __str__(self) -> str:
        what = _n(self.annotations, self.unit)
        if self.categories:
            what = (what + " and " if self.annotations else "") + _n(self.categories, "category")
            what = what.replace("categorys", "categories")
        text = f"wrote {_n(self.items, 'item')} with {what} ({_tasks(self.tasks)}) to {self.out}"
        extra = [f"{count} {what}" for what, count in sorted(self.notes.items())]
        return text + ("; " + "; ".join(extra) if extra else "")


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
    user: str | None = None,
    labels: str | Path | None = None,
) -> ImportSummary:
    """Convert `source` (format `fmt`) into the dataset `out`. `user` and `labels` are for
    doccano 1.0 files (one user's annotations; the label file naming label ids)."""
    spec = _format(fmt, import_formats(), "import")
    source, out = Path(source), Path(out)
    per_item = spec.write_item is not None
    audio_formats = [name for name, f in FORMATS.items() if f.kind == "audio_marks" and f.read]
    if audio is not None and spec.kind != "audio_marks":
        raise LabeltuiError(f"--audio is for {', '.join(audio_formats)} files, not {fmt}")
    if (user is not None or labels is not None) and fmt != "doccano":
        raise LabeltuiError(f"--user and --labels are for doccano files, not {fmt}")
    class_task, class_kind = schema_class_task(schema)
    main = task or _schema_task(schema, spec.kind)
    no_own_kind = _schema_task(schema, spec.kind, any_count=True) is None
    if main is None and class_task is not None and spec.classes and no_own_kind:
        main = class_task  # a classification schema: the file's categories are its answers
    opts = ImportOptions(
        task=main or spec.default_task,
        # per audio item: --audio or a sound file beside; rttm: <recording>.wav unless given
        audio=_audio_value(source, out, audio) if per_item or audio is not None else None,
        text_field=(schema.text_field if schema else "") or "text",
        audio_field=(schema.audio_field if schema else "") or "audio",
        only_task=task is not None,
        user=user,
        label_file=Path(labels) if labels is not None else None,
        class_task=class_task,
        class_kind=class_kind,
        kinds={t.name: t.kind for t in schema.tasks} if schema else {},
    )
    assert spec.read is not None
    items = spec.read(source, opts)
    with holding_lock(out):  # never replaces a file a running annotate or review writes
        refuse_overwriting(source, out)
        write_atomic(out, "".join(dump_line(item) for item in items))
    names: dict[str, None] = {}
    count = categories = 0
    for item in items:
        for name, value in (item.get("labels") or {}).items():
            names.setdefault(name)
            if isinstance(value, str):
                categories += 1
            elif isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
                categories += len(value)
            elif isinstance(value, list):
                count += len(value)
    unit = "span" if spec.kind == "spans" else "mark"
    notes = dict(opts.notes)
    warnings = list(opts.warnings)
    if opts.stale:
        del notes[STALE_TEXT]
        warnings.append(
            f"{_n(len(opts.stale), 'span')} whose own 'text' differs from the text at its "
            f"offsets imported by the offsets (first: {opts.stale[0]})"
        )
    return ImportSummary(
        out,
        len(items),
        count,
        tuple(names) or (opts.task,),
        unit,
        categories,
        notes,
        tuple(warnings),
    )


def _schema_task(schema: Schema | None, kind: str, any_count: bool = False) -> str | None:
    """The schema's task of this kind, when it has exactly one (`any_count`: the first)."""
    names = [t.name for t in schema.tasks if t.kind == kind] if schema else []
    if any_count:
        return names[0] if names else None
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
    spec = _format(fmt, export_formats(), "export")
    source, out = Path(source), Path(out)
    text_field = (schema.text_field if schema else "text") or "text"
    audio_field = (schema.audio_field if schema else "audio") or "audio"
    current = read_current(source, text_field, audio_field, annotator)
    kind, names = (spec.kind, ()) if spec.all_tasks else class_export(spec, current, task, schema)
    kinds: dict[str, str] = {}
    if spec.all_tasks:
        kinds = all_kinds(current, schema)
        names = (task,) if task is not None else tuple(kinds)
        if not names:
            raise LabeltuiError("found no annotations to export", current.path)
    tasks = names or _export_tasks(spec, current, task, schema)
    tokenizer = "words"
    if schema is not None and spec.kind == "spans" and kind == spec.kind:
        tokenizer = next(t.tokenizer for t in schema.tasks if t.name == tasks[0])
    labels: tuple[str, ...] = ()
    if schema is not None and kind in CLASS_KINDS:
        labels = schema.task(tasks[0]).label_names
    job = ExportJob(
        source, tasks, text_field, audio_field, tokenizer, kind=kind, labels=labels, kinds=kinds
    )
    several = annotator is None and len(current.annotators) > 1
    if spec.all_tasks and several:  # one annotation per annotator
        for name in current.annotators:
            job.annotators[name] = read_current(source, text_field, audio_field, name).entries
    unit = {"spans": "span", "audio_marks": "mark"}.get(kind, "answer")
    if spec.all_tasks:
        unit = "annotation"
    if spec.write is not None:
        with holding_lock(out):  # never replaces a file a running annotate or review writes
            refuse_overwriting(source, out)
            write_atomic(out, spec.write(current.entries, job))
        written, files = current.entries, None
    elif spec.write_files is not None:
        refuse_overwriting(source, out)
        contents = spec.write_files(current.entries, job)
        _write_into(spec, out, contents, job)
        written, files = current.entries, len(contents)
    else:
        refuse_overwriting(source, out)
        written = _export_folder(spec, current, out, job)
        files = len(written)
    count = sum(
        len(value) if isinstance(value, list) else 1
        for entry in written
        for task_name in tasks
        if isinstance(value := entry.labels.get(task_name), (list, str))
    )
    mixed = None
    if several and not job.annotators:
        who = ", ".join(current.annotators)
        mixed = (
            f"{source} holds the lines of {len(current.annotators)} annotators ({who}): each "
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


def _write_into(spec: Format, out: Path, contents: dict[str, str], job: ExportJob) -> None:
    """Write every file of `contents` into the folder `out`, each whole, after every check."""
    if out.exists() and not out.is_dir():
        raise LabeltuiError(f"is a file; {spec.name} export writes its files into a folder", out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LabeltuiError(f"cannot create the folder: {exc.strerror or exc}", out) from None
    for name in contents:  # every refusal before the first file is written
        with holding_lock(out / name):
            refuse_overwriting(job.source, out / name)
    for name, content in contents.items():
        with holding_lock(out / name):  # never a file a running annotate or review writes
            write_atomic(out / name, content)


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
    if spec.name in ("textgrid", "eaf") and known:  # a tier per task
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
        raise LabeltuiError(unknown_format(fmt, allowed, verb))
    return FORMATS[fmt]
