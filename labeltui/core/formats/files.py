"""Reading JSON lines with their line numbers, and writing output files whole or not at all.

Every importer and exporter goes through these two doors, so that every bad line is reported
with its file and line number the same way, and no command ever leaves a half-written file:
output goes to a temporary file in the destination folder, is fsynced, then `os.replace`d.

Overwrite policy (`refuse_overwriting`): an existing output file is replaced whole, as spaCy's
and Prodigy's converters do, except two files that hold someone's work: the input itself, and a
labeltui annotation file (its first line has `_annotator`). A replaced file keeps its
permissions; a new one gets the usual ones (0666 minus the umask).
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

from labeltui.errors import LabeltuiError


def read_bytes(path: Path, what: str = "file") -> bytes:
    """The whole file, or a `LabeltuiError` that says plainly why not."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise LabeltuiError(f"{what} not found", path) from None
    except IsADirectoryError:
        raise LabeltuiError(f"is a folder, not a {what}", path) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read {what}: {exc.strerror or exc}", path) from None


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL file.

    A UTF-8 byte order mark on the first line is allowed (Windows editors write one); a line
    that is not UTF-8, not JSON, or not an object stops the reading with its line number.
    """
    if path.is_dir():
        raise LabeltuiError("is a folder, not a JSONL file", path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; lines are read lazily
    except FileNotFoundError:
        raise LabeltuiError("file not found", path) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read file: {exc.strerror or exc}", path) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            raw = raw.strip()
            if not raw:
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise LabeltuiError("the line is not valid UTF-8", path, number) from None
            try:
                obj = json.loads(text)
            except ValueError as exc:
                raise LabeltuiError(f"not valid JSON ({_reason(exc)})", path, number) from None
            if not isinstance(obj, dict):
                raise LabeltuiError(f"expected a JSON object, found {type_name(obj)}", path, number)
            yield number, obj


def dump_line(obj: dict[str, Any]) -> str:
    """One JSONL line, UTF-8 as is (no `\\u` escapes), as the annotation store writes them."""
    return json.dumps(obj, ensure_ascii=False) + "\n"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `path` whole: a temporary file beside it, fsynced, then renamed over it.

    A symbolic link is followed (the file it points to is replaced, the link stays).
    """
    blob = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_symlink():
        path = Path(os.path.realpath(path))
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
    """
    with contextlib.suppress(OSError):
        if out.exists() and os.path.samefile(source, out):
            raise LabeltuiError("the output is the input file; choose another output path", out)
    if is_annotation_file(out):
        raise LabeltuiError(
            "is a labeltui annotation file, which import and export never replace; "
            "choose another output path",
            out,
        )


def is_annotation_file(path: Path) -> bool:
    """Whether `path` is an existing file whose first non-blank line has `_annotator`."""
    try:
        with open(path, "rb") as handle:
            for raw in handle:
                if raw.strip():
                    obj = json.loads(raw.decode("utf-8-sig"))
                    return isinstance(obj, dict) and "_annotator" in obj
    except (OSError, ValueError):
        return False
    return False


def type_name(obj: object) -> str:
    """What a JSON value is, in words, for messages."""
    if obj is None:
        return "null"
    if isinstance(obj, bool):
        return "a boolean"
    return {
        list: "an array",
        dict: "an object",
        str: "a string",
        int: "a number",
        float: "a number",
    }.get(type(obj), type(obj).__name__)


def _reason(exc: ValueError) -> str:
    msg = getattr(exc, "msg", None) or str(exc)
    col = getattr(exc, "colno", None)
    return f"{msg} at column {col}" if col else msg
