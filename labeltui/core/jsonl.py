"""The rules every JSONL reader shares, so that every command treats a file the same way.

The dataset index, `agree`, `stats`, `review`, `export` and the importers each read lines in
their own way (fast paths differ), but they go through these helpers where it matters:

- `open_regular`: only regular files are read. A FIFO, `/dev/stdin` or a device would block or
  never end (3 GB from `/dev/zero`); it is refused before any byte is read (the file is opened
  non-blocking, so even opening a FIFO without a writer returns at once).
- `parse_line`: the careful parse of one line (the standard `json` module), for the slow path.
  Fast paths (orjson) hand every line they refuse to it, so the verdict and the wording are the
  same everywhere: not UTF-8 (with a hint when the file looks like UTF-16), not JSON (the
  reason and the column), nested too deeply (a RecursionError inside `json`), `NaN`/`Infinity`
  (not JSON: refused, so no dataset line, export or gold line ever carries them; only the
  read-only statistics of `agree` and `stats` let them pass), an integer with thousands of
  digits.
  Lone surrogates (`"\\ud800"` escapes) are accepted, as `json` does: the text keeps them,
  output shows them through `printable` and writers put the same escape back.
- `incomplete_last_line`: a last line without its newline that does not parse is a save in
  progress or a crash inside a write (a big line is not written atomically). Readers leave it
  out with one note on standard error, never an error; the annotation store cuts it off on its
  next open. A complete, valid last line without its newline counts as usual.
- `is_review_line`: a line with `_from` was written by `labeltui review` (a gold line); it is
  not its reviewer's own answer.
- `line_done`: the one `_status` rule (see there): a line without `_status` counts as done.
- `value_kind`: the task kind a stored value shows, for files read without a schema.
- `fast_loads`: orjson's parser when it is installed (the fast paths), else `parse_line`.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from labeltui.errors import LabeltuiError

BOM = b"\xef\xbb\xbf"
REVIEW_KEY = "_from"
"""The key `labeltui review` adds to every gold line (the annotators it agreed with)."""
GOLD_SUFFIX = " (gold)"
"""Where a reviewer's gold lines are shown apart (`stats`, `review`, `export`), they count as
an annotator of their own, named "<reviewer> (gold)"."""


class BadLine(ValueError):
    """A line that is not a JSON value, with the reason in plain words (no file or line)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _NotJsonNumber(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _refuse_constant(token: str) -> Any:
    raise _NotJsonNumber(token)


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
"""`json.loads` as it is (the same C scanner, the same speed), except that `NaN`, `Infinity`
and `-Infinity` are refused: they are not JSON, and written back they would make exports and
annotation files that other tools cannot read."""


_LENIENT = json.JSONDecoder()
"""`json.loads` itself: `NaN` and `Infinity` accepted (see `parse_line`)."""


def parse_line(raw: bytes, allow_nan: bool = False) -> Any:
    """The JSON value of one line (stripped, without a byte order mark), or `BadLine`.

    `allow_nan`: accept `NaN`/`Infinity` (only `agree` and `stats`, which read annotation
    files that older versions wrote with them, and never write a line back).
    """
    if b"\x00" in raw:  # JSON never holds a NUL byte; UTF-16 text is full of them
        raise BadLine(NOT_UTF8_UTF16)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadLine(_not_utf8(raw)) from None
    return parse_text(text, allow_nan)


def parse_text(text: str, allow_nan: bool = False) -> Any:
    """The JSON value of one decoded line, or `BadLine` (see `parse_line`)."""
    try:
        return (_LENIENT if allow_nan else _DECODER).decode(text)
    except RecursionError:
        raise BadLine(TOO_DEEP) from None
    except _NotJsonNumber as exc:
        raise BadLine(
            f"not valid JSON ({exc.token} is not a JSON number; write null for a missing value)"
        ) from None
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({json_reason(exc)})") from None
    except ValueError:  # int(): more digits than Python converts (sys.set_int_max_str_digits)
        raise BadLine(
            "not valid JSON (a number has thousands of digits; write it as a string)"
        ) from None


try:  # measured ~5x faster per line than json.loads (README, benchmarks/agree.py)
    if os.environ.get("LABELTUI_NO_ORJSON"):  # for measuring the fallback
        raise ImportError
    import orjson

    fast_loads: Callable[[bytes], Any] = orjson.loads
    """Parse one line, fast; a `ValueError` sends the line to `parse_line`, which decides."""
except ImportError:  # pragma: no cover - orjson is a dependency; json is the fallback
    fast_loads = parse_line


NOT_UTF8_UTF16 = "not UTF-8 (UTF-16?): save the file as UTF-8"
TOO_DEEP = "not valid JSON (arrays or objects nested too deeply)"


def _not_utf8(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return NOT_UTF8_UTF16
    return "the line is not valid UTF-8"


def json_reason(exc: ValueError) -> str:
    """`json`'s reason with its column, as one phrase ("Expecting value at column 6")."""
    msg = getattr(exc, "msg", None) or str(exc)
    col = getattr(exc, "colno", None)
    if not col:
        return msg
    if msg.endswith(" at"):  # "Unterminated string starting at": the column follows
        return f"{msg} column {col}"
    return f"{msg} at column {col}"


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


# ----------------------------------------------------------------------------------------------
# Half-written last lines, review lines, notes


def is_review_line(obj: dict[str, Any]) -> bool:
    """Whether an annotation line is a review (gold) line: `labeltui review` adds `_from`."""
    return REVIEW_KEY in obj


STATUSES = {"done": True, "skipped": False}


def line_done(obj: dict[str, Any]) -> bool | None:
    """Whether an annotation line counts as an answer, by its `_status`: the one rule of
    `agree`, `stats`, `export` and the annotation store.

    - `"done"`: an answer (True); `"skipped"`: the annotator skipped the item, no answer
      (False). Either way it is the current line of its (annotator, item) when it is the last.
    - no `_status` at all: an answer (True). labeltui always writes `_status`; a line without
      one comes from an import or another tool, and its labels are what it says (FORMAT
      section 7: "a line without `_status` counts, so an imported dataset exports as it is";
      section 4's "only `_status == "done"` lines count" then excludes the skipped ones).
    - anything else (`"maybe"`, a number, null): None, an error the reader words with its
      file and line.
    """
    status = obj.get("_status", "done")
    if type(status) is not str:
        return None
    return STATUSES.get(status)


def status_problem(obj: dict[str, Any]) -> str:
    """The one wording of a `_status` that `line_done` refuses."""
    try:
        shown = printable(json.dumps(obj.get("_status"), ensure_ascii=False, default=str))
    except RecursionError:  # orjson reads 1024 levels, json writes fewer
        shown = "(a value nested too deeply to show)"
    return f'\'_status\' must be "done" or "skipped", not {shown[:40]}'


# ----------------------------------------------------------------------------------------------
# Task kinds of stored values

KINDS = ("choice", "multi_choice", "spans", "audio_marks")

_NUMBER = (int, float)


def value_kind(value: Any) -> str | None:
    """The task kind a stored value shows (FORMAT section 3), or None when it does not tell.

    The one inference of every reader without a schema (`agree`, `stats`, `export`): a string
    is a `choice`; a non-empty list of strings a `multi_choice`; a non-empty list of objects
    that all carry `text` `spans`, of objects that carry no `text` and numeric `start` and `end`
    `audio_marks`. null, an empty list and anything else tell nothing. Whether the value is a
    *valid* value of its kind (offsets, labels) is each reader's own check.
    """
    if type(value) is str:
        return "choice"
    if type(value) is not list or not value:
        return None
    types = set(map(type, value))
    if types == {str}:
        return "multi_choice"
    if types != {dict}:
        return None
    with_text = sum("text" in v for v in value)
    if with_text == len(value):
        return "spans"
    if with_text == 0 and all(
        type(v.get("start")) in _NUMBER and type(v.get("end")) in _NUMBER for v in value
    ):
        return "audio_marks"
    return None


INCOMPLETE = "incomplete last line left out (a save in progress or a crash)"


def incomplete_last_line(path: str | os.PathLike[str], line: int) -> None:
    """Say (once, on standard error) that the half-written last line of `path` is left out."""
    note(f"{path}:{line}: {INCOMPLETE}")


_sink: Callable[[str], None] | None = None


def note(text: str) -> None:
    """One line of information on standard error (`labeltui: note: ...`), never an error."""
    if _sink is not None:
        _sink(text)
        return
    try:
        sys.stderr.write(printable(f"labeltui: note: {text}") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stderr: a note is not worth a crash
        pass


def set_note_sink(sink: Callable[[str], None] | None) -> Callable[[str], None] | None:
    """Send notes to `sink` instead of standard error (None: back to standard error), e.g.
    from a running app; returns the previous sink."""
    global _sink
    previous, _sink = _sink, sink
    return previous


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with every lone surrogate (which has no UTF-8 form and would crash a print)
    shown as its escape, e.g. `\\ud800`."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


# ----------------------------------------------------------------------------------------------
# Regular files only

_KINDS = (
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def open_regular(path: str | os.PathLike[str], what: str = "file", noun: str = "JSONL file") -> int:
    """A read-only descriptor of `path`, or a `LabeltuiError` when it is missing, a folder, or
    not a regular file (a pipe, `/dev/stdin`, a device: refused before anything is read).

    Messages: "{what} not found", "is a folder, not a {noun}".
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise LabeltuiError(f"{what} not found", path) from None
    except IsADirectoryError:
        raise LabeltuiError(f"is a folder, not a {noun}", path) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read {what}: {exc.strerror or exc}", path) from None
    try:
        check_regular(os.fstat(fd).st_mode, path, noun)
        if flags & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_regular(
    mode: int, path: str | os.PathLike[str], noun: str = "JSONL file", use: str = "read"
) -> None:
    """Refuse a `stat` mode that is not a regular file (see `open_regular`); `use`: what is
    not done to pipes and devices ("read", "written")."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise LabeltuiError(f"is a folder, not a {noun}", path)
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise LabeltuiError(
        f"is {kind}, not a regular file; give a {noun} on disk (pipes and devices are not {use})",
        path,
    )


def stat_regular(path: str | os.PathLike[str], what: str = "file", noun: str = "JSONL file") -> int:
    """The size of `path`, after the checks of `open_regular` (without opening it)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise LabeltuiError(f"{what} not found", path) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read {what}: {exc.strerror or exc}", path) from None
    check_regular(st.st_mode, path, noun)
    return st.st_size


def is_regular(path: str | os.PathLike[str]) -> bool:
    """Whether `path` names an existing regular file (symbolic links followed)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_lines(path: Path, what: str = "file", noun: str = "JSONL file") -> Any:
    """`open_regular` as a binary file object (iterating gives lines with their newline)."""
    return os.fdopen(open_regular(path, what, noun), "rb")
