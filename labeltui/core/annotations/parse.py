"""One line's bytes to a JSON value, with the one wording of what is wrong with it.

- `parse_line`: the careful parse (the standard `json` module). Every reader's verdict comes
  from it, so the wording is the same everywhere: not UTF-8 (with a hint when the file looks
  like UTF-16), not JSON (the reason and the column: "not valid JSON (Expecting value at
  column 6)"), nested too deeply (a RecursionError inside `json`), `NaN`/`Infinity` (not JSON:
  refused, so no dataset line, export or gold line ever carries them; only the read-only
  statistics of `agree` and `stats` let them pass), an integer with thousands of digits.
  Lone surrogates (`"\\ud800"` escapes) are accepted, as `json` does: the text keeps them,
  output shows them through `printable` and writers put the same escape back.
- `fast_loads`: orjson's parser when it is installed (the fast paths), else `parse_line`;
  `parse_fast` is the fast parser with its fallback: a line orjson refuses (a lone surrogate,
  a bad line) goes to `parse_line`, which decides.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

BOM = b"\xef\xbb\xbf"
"""A UTF-8 byte order mark (Windows editors write one): allowed at the start of a file."""
NOT_UTF8_UTF16 = "not UTF-8 (UTF-16?): save the file as UTF-8"
TOO_DEEP = "not valid JSON (arrays or objects nested too deeply)"


class BadLine(ValueError):
    """A line that is not what it should be, the reason in plain words (no file or line: the
    reader that met it adds them)."""

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


def parse_object(raw: bytes, allow_nan: bool = False) -> dict[str, Any]:
    """`parse_line`, and the value must be a JSON object (else `BadLine`)."""
    obj = parse_line(raw, allow_nan)
    if type(obj) is not dict:
        raise BadLine(not_an_object(obj))
    return obj


def not_an_object(obj: object) -> str:
    """The one wording of a line that is JSON but not an object."""
    return f"expected a JSON object, found {type_name(obj)}"


try:  # measured ~5x faster per line than json.loads (README, benchmarks/agree.py)
    if os.environ.get("LABELTUI_NO_ORJSON"):  # for measuring the fallback
        raise ImportError
    import orjson

    fast_loads: Callable[[bytes], Any] = orjson.loads
    """Parse one line, fast; a `ValueError` sends the line to `parse_fast`'s fallback."""
except ImportError:  # pragma: no cover - orjson is a dependency; json is the fallback
    fast_loads = parse_line


def parse_fast(raw: bytes, allow_nan: bool = False) -> Any:
    """`fast_loads`, and where it refuses a line (orjson refuses lone surrogates, which `json`
    accepts), `parse_line` decides: the same verdict and wording as the careful path.

    orjson refuses `NaN` too: with `allow_nan` false, `parse_line` refuses it in its words.
    """
    try:
        return fast_loads(raw)
    except ValueError:
        return parse_line(raw.strip(), allow_nan)


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
