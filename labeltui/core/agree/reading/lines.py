"""One annotation line judged in full: the careful path of read.py, and its half-written last
line. A bad line is a `LineError` with its line number (the reader adds the file)."""

from __future__ import annotations

from typing import Any

from labeltui.core.agree.reading.extras import LineError
from labeltui.core.annotations.line import line_done, status_problem
from labeltui.core.annotations.parse import BadLine, fast_loads, parse_line

BOM = b"\xef\xbb\xbf"


def parse_annotation_line(raw: bytes, number: int) -> Any:
    """A line parsed as every reader parses it; a `LineError` naming `number` when it is bad."""
    try:
        return fast_loads(raw)
    except ValueError:
        pass
    try:  # orjson refuses lone surrogates, which json accepts: the shared rules decide
        return parse_line(raw.strip(), allow_nan=True)  # a NaN field is harmless here
    except BadLine as exc:
        raise LineError(exc.message, number) from None


def incomplete(raw: bytes) -> bool:
    """Whether a last line without its newline is half-written (it does not parse)."""
    if not raw.strip():
        return False
    try:
        parse_annotation_line(raw.removeprefix(BOM), 0)
    except LineError:
        return True
    return False


_HINT = "agree reads the files `labeltui annotate` writes"


def check_line(obj: Any, number: int) -> tuple[str, str, bool, dict[str, Any]]:
    """(annotator, item id, done, labels) of a parsed line, or a `LineError` saying what an
    annotation line lacks."""
    if not isinstance(obj, dict):
        kind = "an array" if isinstance(obj, list) else f"a {type(obj).__name__}"
        raise LineError(f"not an annotation line: expected a JSON object, found {kind}", number)
    if "_annotator" not in obj:
        raise LineError(f"not an annotation line: it has no '_annotator' ({_HINT})", number)
    who = obj["_annotator"]
    if not isinstance(who, str) or not who:
        raise LineError("'_annotator' must be a non-empty string", number)
    if "_id" not in obj:
        raise LineError(f"not an annotation line: it has no '_id' ({_HINT})", number)
    ident = obj["_id"]
    if isinstance(ident, int) and not isinstance(ident, bool):
        ident = str(ident)
    if not isinstance(ident, str):
        raise LineError("'_id' must be a string", number)
    done = line_done(obj)  # the shared rule: no `_status` counts as done
    if done is None:
        raise LineError(status_problem(obj), number)
    labels = obj.get("labels")
    if not isinstance(labels, dict):
        if not done:
            labels = {}
        else:
            raise LineError("'labels' must be an object of task names to values", number)
    return who, ident, done, labels
