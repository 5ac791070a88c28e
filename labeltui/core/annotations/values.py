"""The task kind of stored values (FORMAT section 3), for files read without a schema.

The one inference of every reader: `agree`, `stats` and `export` see the same kind for the
same values. Whether a value is a *valid* value of its kind (offsets, label names, times) is
each reader's own check, worded for its command.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from labeltui.core.annotations.notes import printable

KINDS = ("choice", "multi_choice", "spans", "audio_marks")

_NUMBER = (int, float)


def value_kind(value: Any) -> str | None:
    """The task kind a stored value shows, or None when it does not tell.

    A string is a `choice`; a non-empty list of strings a `multi_choice`; a non-empty list of
    objects that all carry `text` `spans`, of objects that carry no `text` and numeric `start`
    and `end` `audio_marks`. null, an empty list and anything else tell nothing.
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


def task_kind(values: Iterable[Any]) -> str:
    """The kind of a task from its values (in the order the files show them): the kind of the
    first value that shows one; a value of another kind is then the task's error (each reader
    reports it with its file and line).

    When no value shows a kind: `multi_choice` if one is an empty list (a list is no choice),
    else `choice` (only nulls, or nothing at all: nothing to count either way).
    """
    empty = False
    for value in values:
        kind = value_kind(value)
        if kind is not None:
            return kind
        empty = empty or value == []
    return "multi_choice" if empty else "choice"


def show_value(value: Any) -> str:
    """A value as an error message quotes it: its JSON, cut at 40 characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:  # orjson reads 1024 levels, json writes fewer
        return "(a value nested too deeply to show)"
    text = printable(text)  # a lone surrogate as its escape: the message must print
    return text if len(text) <= 40 else text[:39] + "…"
