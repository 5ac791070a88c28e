"""Reading JSON lines with their line numbers, and writing output files whole or not at all.

Every importer and exporter goes through these two doors, so that every bad line is reported
with its file and line number the same way, and no command ever leaves a half-written file:
output goes to a temporary file in the destination folder, is fsynced, then `os.replace`d.

Overwrite policy (`refuse_overwriting`): an existing output file is replaced whole, as spaCy's
and Prodigy's converters do, except two files that hold someone's work: the input itself, and a
labeltui annotation file (its first line has `_annotator`). A replaced file keeps its
permissions; a new one gets the usual ones (0666 minus the umask).

Reading is the one line iterator every JSONL reader uses (`core.annotations.lines`): regular
files only, lines judged by `parse_line` (so `NaN` never enters and never leaves: exports are
standard JSON), a half-written last line left out with a note.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from labeltui.core.annotations.files import check_regular, is_regular, open_regular
from labeltui.core.annotations.lines import read_lines
from labeltui.core.annotations.notes import printable
from labeltui.core.annotations.parse import BOM, parse_line
from labeltui.core.annotations.parse import type_name as type_name
from labeltui.errors import LabeltuiError


def read_bytes(path: Path, what: str = "file") -> bytes:
    """The whole file, or a `LabeltuiError` that says plainly why not (a pipe or a device is
    refused before reading: `/dev/zero` would never end)."""
    fd = open_regular(path, what, what)
    try:
        with os.fdopen(fd, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise LabeltuiError(f"cannot read {what}: {exc.strerror or exc}", path) from None


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL file.

    A UTF-8 byte order mark on the first line is allowed (Windows editors write one); a line
    that is not UTF-8, not JSON, or not an object stops the reading with its line number; a
    last line without its newline that does not parse is left out with a note.
    """
    for number, _, _, obj in read_lines(path):
        yield number, obj


def dump_line(obj: dict[str, Any]) -> str:
    """One JSONL line, UTF-8 as is (no `\\u` escapes), as the annotation store writes them.

    A lone surrogate is written back as its `\\uXXXX` escape (it has no UTF-8 form); NaN and
    infinite numbers are refused (JSON has none; other tools would not read the file).
    """
    try:
        text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise LabeltuiError(
            "a number in the output is NaN or infinite, which JSON cannot hold; nothing written"
        ) from None
    return printable(text) + "\n"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `path` whole: a temporary file beside it, fsynced, then renamed over it.

    A symbolic link is followed (the file it points to is replaced, the link stays). A pipe or
    a device is refused: renamed over, `/dev/null` itself would become a file.
    """
    blob = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    _refuse_special(path)
    mode = _mode_for(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise LabeltuiError("cannot write here: the folder does not exist", path)
    if path.is_dir():
        raise LabeltuiError("is a folder; give a file name to write", path)
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise LabeltuiError(f"cannot write here: {exc.strerror or exc}", path) from None
    try:
        with os.fdopen(fd, "wb") as out:
            with contextlib.suppress(OSError):
                os.fchmod(out.fileno(), mode)
            out.write(blob)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise LabeltuiError(f"cannot write file: {exc.strerror or exc}", path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _mode_for(path: Path) -> int:
    """The permissions of the file being replaced, else 0666 minus the umask (mkstemp's 0600
    would hide a shared dataset from the other annotators)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def refuse_overwriting(source: Path, out: Path) -> None:
    """Refuse an output that would replace the input or a labeltui annotation file.

    Any other existing file is replaced whole by `write_atomic` (see the module's docstring).
    A pipe or a device is refused (`_refuse_special`).
    """
    _refuse_special(out)
    with contextlib.suppress(OSError):
        if out.exists() and os.path.samefile(source, out):
            raise LabeltuiError("the output is the input file; choose another output path", out)
    if is_annotation_file(out):
        raise LabeltuiError(
            "is a labeltui annotation file, which import and export never replace; "
            "choose another output path",
            out,
        )


def _refuse_special(path: Path) -> None:
    """Refuse an output path that names a pipe, a socket or a device (a folder is left to the
    caller: folder exports write into one)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return  # nothing there yet: a new file
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        check_regular(mode, path, "file", "written")


def is_annotation_file(path: Path) -> bool:
    """Whether `path` is an existing file whose first non-blank line has `_annotator`."""
    if not is_regular(path):  # never open a pipe here: it would wait for a writer
        return False
    try:
        with open(path, "rb") as handle:
            for raw in handle:
                if raw.strip():
                    obj = parse_line(raw.removeprefix(BOM).strip())
                    return isinstance(obj, dict) and "_annotator" in obj
    except (OSError, ValueError):
        return False
    return False
