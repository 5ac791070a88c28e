"""`labeltui import` and `labeltui export`: other tools' files in and out (FORMAT section 7).

Thin on purpose: parse the options, call `labeltui.core.formats`, print one line. The core is
imported inside the functions so that `labeltui --help` stays fast; a `LabeltuiError` from the
core is left to the CLI group, which prints it as one line and exits non-zero.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class ImportFormat(str, Enum):
    doccano = "doccano"
    spacy = "spacy"
    textgrid = "textgrid"
    audacity = "audacity"


class ExportFormat(str, Enum):
    doccano = "doccano"
    spacy = "spacy"
    conll = "conll"
    textgrid = "textgrid"
    audacity = "audacity"


ImportTaskOption = Annotated[
    str | None,
    typer.Option(
        "--task",
        "-t",
        help="The task the annotations go under (default: 'entities', 'events' for audacity). "
        "textgrid: every tier is a task named as the tier; --task imports that tier alone.",
        show_default=False,
    ),
]
ExportTaskOption = Annotated[
    str | None,
    typer.Option(
        "--task",
        "-t",
        help="The task to write (default: the only one of the format's kind, else 'entities' "
        "or 'events'). textgrid: default every audio marks task, a tier each.",
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
        ImportFormat,
        typer.Option("--from", "-f", help="The file's format.", show_default=False),
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
            help="textgrid/audacity: the audio file of the item (default: a .wav, .flac or "
            ".ogg beside FILE with the same name). Written relative to the dataset's folder.",
            show_default=False,
        ),
    ] = None,
    schema: ImportSchemaOption = None,
) -> None:
    """Turn another tool's annotations into a dataset with pre-annotations.

    The file's spans or marks go under the item's `labels` (shown pre-filled by `annotate`);
    every other field is kept. TextGrid and Audacity files give one item each.

    Example: labeltui import ner.jsonl --from doccano -o ner.dataset.jsonl

    Example: labeltui import call.TextGrid --from textgrid --audio call.wav -o call.jsonl
    """
    from labeltui.core.formats import import_file

    out = _required_out(file, out, "the dataset to write, e.g. -o data.jsonl")
    summary = import_file(from_.value, file, out, task=task, audio=audio, schema=_schema(schema))
    print(summary)


def export(
    file: Annotated[
        Path,
        typer.Argument(help="A dataset or an annotation file.", metavar="FILE", show_default=False),
    ],
    to: Annotated[
        ExportFormat,
        typer.Option("--to", help="The format to write.", show_default=False),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The file to write (required); for textgrid and audacity, a folder (created "
            "when missing) that gets one file per audio item, named after the audio file. "
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
    from labeltui.core.formats import export_file

    where = "a folder" if to.value in ("textgrid", "audacity") else "the file to write"
    out = _required_out(file, out, f"{where}, e.g. -o {_example_out(to.value)}")
    summary = export_file(
        to.value, file, out, task=task, schema=_schema(schema), annotator=annotator
    )
    print(summary)
    if summary.warning:
        import sys

        print(f"labeltui: warning: {summary.warning}", file=sys.stderr)


def _required_out(file: Path, out: Path | None, what: str) -> Path:
    """`--out`, or a one-line error (click's own "Missing option" comes with a usage block)."""
    if out is None:
        from labeltui.errors import LabeltuiError

        raise LabeltuiError(f"no output given: add -o/--out with {what}", file)
    return out


def _example_out(fmt: str) -> str:
    return {"doccano": "out.jsonl", "spacy": "out.jsonl", "conll": "out.conll"}.get(fmt, "out/")


def _schema(path: Path | None):  # type: ignore[no-untyped-def]
    if path is None:
        return None
    from labeltui.core.schema import load_schema

    return load_schema(path)
