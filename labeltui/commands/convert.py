"""`labeltui import` and `labeltui export`: other tools' files in and out (FORMAT section 7).

Thin on purpose: parse the options, call `labeltui.core.formats`, print one line. The core is
imported inside the functions so that `labeltui --help` stays fast; a `LabeltuiError` from the
core is left to the CLI group, which prints it as one line and exits non-zero.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

try:  # typer 0.28 vendors click; a custom type must be of that click
    from typer._click.types import ParamType
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import ParamType


class FormatName(ParamType):
    """A format name of the registry (`labeltui.core.formats.FORMATS`).

    The help shows every name (`[doccano|spacy|...]`), read from the registry only when help
    is shown, so that other commands do not pay for importing the formats. Any string is
    accepted here: an unknown name is refused by the core in one line, with the nearest name.
    """

    name = "format"

    def __init__(self, verb: str) -> None:
        self.verb = verb

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        from labeltui.core.formats import export_formats, import_formats

        names = import_formats() if self.verb == "import" else export_formats()
        return "[" + "|".join(names) + "]"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        return str(value)


ImportTaskOption = Annotated[
    str | None,
    typer.Option(
        "--task",
        "-t",
        help="The task the spans or marks go under (default: 'entities'; 'events' for audacity "
        "and eaf, 'subtitles' for vtt/srt, 'speakers' for rttm). textgrid and eaf: every tier "
        "is a task named as the tier; labelstudio: every from_name; there --task imports that "
        "one alone. Categories (doccano, spacy) go under the "
        "schema's choice/multi_choice task, else 'category'.",
        show_default=False,
    ),
]
ExportTaskOption = Annotated[
    str | None,
    typer.Option(
        "--task",
        "-t",
        help="The task to write (default: the only one of the format's kind, else 'entities' "
        "or 'events'; doccano and spacy: else the only choice/multi_choice task). textgrid "
        "and eaf: default every audio marks task, a tier each; labelstudio: every task.",
        show_default=False,
    ),
]
ImportSchemaOption = Annotated[
    Path | None,
    typer.Option(
        "--schema",
        "-s",
        help="The schema you will annotate the dataset with: the spans or marks go under "
        "its task of that kind (when it has exactly one), the text and audio under its "
        "text_field and audio_field (default: text, audio).",
        show_default=False,
    ),
]
ExportSchemaOption = Annotated[
    Path | None,
    typer.Option(
        "--schema",
        "-s",
        help="The schema the file was annotated with: where to find the text and audio "
        "(its text_field, audio_field), which task is of which kind, and for conll how "
        "the text was split into tokens.",
        show_default=False,
    ),
]


def import_(
    file: Annotated[
        Path, typer.Argument(help="The file to import.", metavar="FILE", show_default=False)
    ],
    from_: Annotated[
        str,
        typer.Option(
            "--from",
            "-f",
            click_type=FormatName("import"),
            help="The file's format (see the README's format section).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The dataset (JSONL) to write (required). An existing file is replaced, "
            "except the input and labeltui annotation files; a file a running annotate or "
            "review writes is refused (exit 3).",
            show_default=False,
        ),
    ] = None,
    task: ImportTaskOption = None,
    audio: Annotated[
        Path | None,
        typer.Option(
            "--audio",
            help="textgrid/audacity/eaf/vtt/srt: the audio file of the item (default: a .wav, "
            ".flac or .ogg beside FILE with the same name); rttm: the audio of its one recording "
            "(default: <recording>.wav). Written relative to the dataset's folder.",
            show_default=False,
        ),
    ] = None,
    schema: ImportSchemaOption = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            help="doccano 1.0 (`annotations`): import this user's annotations (a name or a "
            "numeric id) as pre-annotations. Without it, a file several users annotated gives "
            "one annotator line per item and user.",
            show_default=False,
        ),
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="doccano 1.0: the project's label file (doccano's label export, a JSON list "
            'of {"id", "text"}), to name the numeric label ids.',
            show_default=False,
        ),
    ] = None,
) -> None:
    """Turn another tool's annotations into a dataset with pre-annotations.

    The file's spans or marks go under the item's `labels` (shown pre-filled by `annotate`);
    every other field is kept. TextGrid and Audacity files give one item each.

    Example: labeltui import ner.jsonl --from doccano -o ner.dataset.jsonl

    Example: labeltui import call.TextGrid --from textgrid --audio call.wav -o call.jsonl
    """
    from labeltui.core.formats import import_file

    out = _required_out(file, out, "the dataset to write, e.g. -o data.jsonl")
    summary = import_file(
        from_,
        file,
        out,
        task=task,
        audio=audio,
        schema=_schema(schema),
        user=user,
        labels=labels,
    )
    print(summary)
    _warn(summary.warnings)


def export(
    file: Annotated[
        Path,
        typer.Argument(help="A dataset or an annotation file.", metavar="FILE", show_default=False),
    ],
    to: Annotated[
        str,
        typer.Option(
            "--to",
            click_type=FormatName("export"),
            help="The format to write (see the README's format section).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The file to write (required); for textgrid and audacity, a folder (created "
            "when missing) that gets one file per audio item, named after the audio file; "
            "for brat, a folder that gets ID.txt and ID.ann per item. "
            "Existing files are replaced, except the input and labeltui annotation files; a "
            "file a running annotate or review writes is refused (exit 3).",
            show_default=False,
        ),
    ] = None,
    task: ExportTaskOption = None,
    schema: ExportSchemaOption = None,
    annotator: Annotated[
        str | None,
        typer.Option(
            "--annotator",
            "-a",
            help="Export only this annotator's lines (a file that several annotators share).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the current annotations in another tool's format.

    The last line per item counts; a line without `_status` counts too (so a dataset exports
    as it is) and `skipped` items are left out. CoNLL is BIO (IOB2) with four columns,
    `token -X- _ TAG`.

    Example: labeltui export ner.ann.jsonl --to conll -o ner.conll

    Example: labeltui export calls.ann.jsonl --to textgrid -o textgrids/
    """
    from labeltui.core.formats import FORMATS, export_file

    folder = to in FORMATS and (FORMATS[to].write_item or FORMATS[to].write_files) is not None
    where = "a folder" if folder else "the file to write"
    out = _required_out(file, out, f"{where}, e.g. -o {_example_out(to, folder)}")
    summary = export_file(to, file, out, task=task, schema=_schema(schema), annotator=annotator)
    print(summary)
    _warn([summary.warning] if summary.warning else [])


def _warn(warnings: Any) -> None:
    """Each warning as one line on stderr."""
    import sys

    for warning in warnings:
        print(f"labeltui: warning: {warning}", file=sys.stderr)


def _required_out(file: Path, out: Path | None, what: str) -> Path:
    """`--out`, or a one-line error (click's own "Missing option" comes with a usage block)."""
    if out is None:
        from labeltui.errors import LabeltuiError

        raise LabeltuiError(f"no output given: add -o/--out with {what}", file)
    return out


def _example_out(fmt: str, folder: bool) -> str:
    return "out/" if folder else {"conll": "out.conll"}.get(fmt, "out.jsonl")


def _schema(path: Path | None):  # type: ignore[no-untyped-def]
    if path is None:
        return None
    from labeltui.core.schema import load_schema

    return load_schema(path)
