"""An annotation line (FORMAT section 3) and its checks, the same for every reader.

- `_status` (`line_done`): `"done"` is an answer, `"skipped"` is not, and a line without
  `_status` counts as done (labeltui always writes one; a line without comes from an import or
  another tool, and its labels are what it says: FORMAT section 7, "a line without `_status`
  counts, so an imported dataset exports as it is"). Any other value is an error.
- `_annotator`: absent on a dataset line; else a non-empty string.
- `_from`: the line is a review (gold) line, written by `labeltui review`: not its reviewer's
  own answer; where gold lines are shown apart they count as "<reviewer> (gold)".
- `_id`: a string (an integer is taken as its string form); without one, the item id of
  FORMAT section 1 (`id`, else the content hash).
- `labels`: an object of task names to values; absent means no answer.

Each check raises `BadLine` with the reason; the reader adds its file and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from labeltui.core.annotations.notes import printable
from labeltui.core.annotations.parse import BadLine
from labeltui.core.ids import BadId, item_id

REVIEW_KEY = "_from"
"""The key `labeltui review` adds to every gold line (the annotators it agreed with)."""
GOLD_SUFFIX = " (gold)"
"""Where a reviewer's gold lines are shown apart (`stats`, `review`, `export`), they count as
an annotator of their own, named "<reviewer> (gold)"."""
STATUSES = {"done": True, "skipped": False}


def is_task_key(key: str) -> bool:
    """Whether a key under `labels` is a task: keys starting with `_` are labeltui's own (a
    pre-annotation's `_scores`), never a task (a schema refuses such task names)."""
    return not key.startswith("_")


def is_review_line(obj: dict[str, Any]) -> bool:
    """Whether an annotation line is a review (gold) line: `labeltui review` adds `_from`."""
    return REVIEW_KEY in obj


def line_done(obj: dict[str, Any]) -> bool | None:
    """Whether an annotation line counts as an answer, by its `_status`: True for `"done"` or
    no `_status` at all, False for `"skipped"`, None (an error) for anything else. Either way
    the line is the current one of its (annotator, item) when it is the last."""
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


def check_done(obj: dict[str, Any]) -> bool:
    """`line_done`, and `BadLine` for a `_status` it refuses."""
    done = line_done(obj)
    if done is None:
        raise BadLine(status_problem(obj))
    return done


def line_annotator(obj: dict[str, Any]) -> str | None:
    """Who wrote the line, as the readers show it ("<name> (gold)" for a gold line); None for
    a dataset line (no `_annotator`). `BadLine` unless it is a non-empty string."""
    name = obj.get("_annotator")
    if name is None:
        return None
    if type(name) is not str or not name:
        raise BadLine("'_annotator' must be a non-empty string")
    return name + GOLD_SUFFIX if REVIEW_KEY in obj else name


def line_item_id(obj: dict[str, Any], text_field: str = "text", audio_field: str = "audio") -> str:
    """The item a line is about: its `_id`, else the item id of FORMAT section 1."""
    ident = obj.get("_id")
    if type(ident) is str:
        return ident
    if type(ident) is int:
        return str(ident)
    if ident is not None:
        raise BadLine("'_id' must be a string")
    try:
        return item_id(obj, text_field, audio_field)
    except BadId as exc:
        raise BadLine(str(exc)) from None


def line_labels(obj: dict[str, Any]) -> dict[str, Any]:
    """The line's `labels` object (`{}` when it has none); `BadLine` when it is not one."""
    labels = obj.get("labels")
    if labels is None:
        return {}
    if type(labels) is not dict:
        raise BadLine("'labels' must be an object of task names to values")
    return labels


@dataclass(slots=True)
class AnnotationLine:
    """One line as every reader understands it (see the module docstring)."""

    annotator: str | None
    """As shown: "<name> (gold)" for a gold line; None for a dataset line."""
    id: str
    done: bool
    """An answer (`done` or no `_status`), else a skip."""
    labels: dict[str, Any]
    gold: bool
    """A review (gold) line."""

    @classmethod
    def of(
        cls, obj: dict[str, Any], text_field: str = "text", audio_field: str = "audio"
    ) -> AnnotationLine:
        """The checked line; `BadLine` names the first thing wrong with it.

        The usual line (labeltui's own keys, well formed) takes a few dict look-ups; anything
        else goes to the checks above (`review` and `export` read millions of lines).
        """
        get = obj.get
        name = get("_annotator")
        gold = REVIEW_KEY in obj
        if name is not None:
            if type(name) is not str or not name:
                name = line_annotator(obj)  # raises
            elif gold:
                name += GOLD_SUFFIX
        ident = get("_id")
        if type(ident) is not str:
            ident = line_item_id(obj, text_field, audio_field)
        status = get("_status", "done")
        if status == "done":
            done = True
        elif status == "skipped":
            done = False
        else:
            done = check_done(obj)  # raises
        labels = get("labels")
        if type(labels) is not dict:
            labels = line_labels(obj)
        return cls(name, ident, done, labels, gold)
