"""Comparing annotators' answers: a comparable form of each, agreement, the disagreement score.

An item's disagreement score is in [0, 1]: the mean over the schema's tasks of

- `choice`, `multi_choice`: 1 − the share of annotator pairs that gave the same answer;
- `spans`: 1 − the mean pairwise F1 of exact (start, end, label) matches;
- `audio_marks`: 1 − the mean pairwise F1 of marks matched one to one (closest first) with
  equal labels and both ends within `tolerance` seconds.

F1 of two answers is 2·matches / (|A| + |B|), and 1 when both are empty. An item with fewer
than two answers scores 0.

`norm` gives the form two answers are compared in, and `_from` credits an annotator exactly when
every task's form equals the saved answer's: `choice` the label (null and a missing task are the
same); `multi_choice` the set of labels (the format keeps them in schema order, so order says
nothing); `spans` the sorted (start, end, label) triples, repeats kept (`text` follows from the
offsets); `audio_marks` the sorted (start, end, label) triples in seconds rounded to the
millisecond (the format's precision), repeats kept. A value that does not fit its task (wrong
type, unknown label, a span that is not `0 <= start < end` integers, a mark that is not
`0 <= start <= end <= MAX_SECONDS` seconds) has the form `Invalid`: review refuses such a file
(`core.review.session.check_answers`) and never credits it.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations
from typing import Any

from labeltui.core.answer_check import MAX_SECONDS
from labeltui.core.schema import Schema, Task

DEFAULT_TOLERANCE = 0.5
"""Seconds: how far apart two marks' ends may be and still match (as `agree --tolerance`)."""
EPS = 1e-9

Norm = tuple[Any, ...]
"""A value in comparable form (`norm`): sorted tuples of spans, marks or labels."""


class Invalid(tuple[Any, ...]):
    """The form of a value that does not fit its task (see the module docstring).

    An empty tuple, so that scores and the panel can still be computed before the load is
    refused; `is_invalid` tells it apart from a real empty answer.
    """

    __slots__ = ()


INVALID = Invalid()


def is_invalid(normed: Any) -> bool:
    return type(normed) is Invalid


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


_ORDERS: dict[int, tuple[Task, dict[str, int]]] = {}


def _order(task: Task) -> dict[str, int]:
    """Label name -> schema position, built once per task (a taxonomy may have thousands)."""
    known = _ORDERS.get(id(task))
    if known is None or known[0] is not task:
        known = _ORDERS[id(task)] = (task, {n: i for i, n in enumerate(task.label_names)})
    return known[1]


def norm(task: Task, value: Any) -> Any:
    """A hashable form of one task's value, equal exactly when the answers are the same."""
    names = _order(task)
    if task.kind == "choice":
        if value is None:
            return None
        return value if isinstance(value, str) and value in names else INVALID
    if value is None:
        return ()
    if not isinstance(value, list):
        return INVALID
    if task.kind == "multi_choice":
        if not all(isinstance(v, str) and v in names for v in value):
            return INVALID
        if len(set(value)) != len(value):
            return INVALID
        return tuple(sorted(value, key=names.__getitem__))
    out: list[tuple[float, float, str]] = []
    for entry in value:
        if not isinstance(entry, dict):
            return INVALID
        label: Any = entry.get("label")
        start: Any = entry.get("start")
        end: Any = entry.get("end")
        if not isinstance(label, str) or label not in names:
            return INVALID
        if task.kind == "spans":
            if type(start) is not int or type(end) is not int or not 0 <= start < end:
                return INVALID
            out.append((start, end, label))
        else:
            if not _number(start) or not _number(end) or not 0 <= start <= end <= MAX_SECONDS:
                return INVALID
            out.append((round(float(start), 3) + 0.0, round(float(end), 3) + 0.0, label))
    return tuple(sorted(out))


def norm_labels(schema: Schema, labels: dict[str, Any]) -> tuple[Any, ...]:
    """The whole answer (every task of the schema) in comparable form."""
    return tuple(norm(task, labels.get(task.name)) for task in schema.tasks)


def _close(a: Norm, b: Norm, tolerance: float) -> bool:
    return bool(
        a[2] == b[2] and abs(a[0] - b[0]) <= tolerance + EPS and abs(a[1] - b[1]) <= tolerance + EPS
    )


def matches(task: Task, a: Norm, b: Norm, tolerance: float = DEFAULT_TOLERANCE) -> int:
    """How many elements of two normalised span/mark answers match one to one."""
    if task.kind == "spans":
        return len(set(a) & set(b))
    pairs = sorted(
        (abs(x[0] - y[0]) + abs(x[1] - y[1]), i, j)
        for i, x in enumerate(a)
        for j, y in enumerate(b)
        if _close(x, y, tolerance)
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, i, j in pairs:  # closest pairs first
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def f1(task: Task, a: Norm, b: Norm, tolerance: float = DEFAULT_TOLERANCE) -> float:
    """2·matches / (|A| + |B|); two empty answers agree fully."""
    if not a and not b:
        return 1.0
    return 2 * matches(task, a, b, tolerance) / (len(a) + len(b))


def task_disagreement(task: Task, values: list[Any], tolerance: float = DEFAULT_TOLERANCE) -> float:
    """0 when every answer agrees, up to 1 (see the module docstring); values are normalised."""
    pairs = list(combinations(values, 2))
    if not pairs:
        return 0.0
    if task.kind in ("choice", "multi_choice"):
        return 1.0 - float(sum(a == b for a, b in pairs)) / len(pairs)
    return 1.0 - sum(f1(task, a, b, tolerance) for a, b in pairs) / len(pairs)


def disagreement(schema: Schema, norms: list[Norm], tolerance: float) -> float:
    """An item's score: the mean of its tasks' disagreement (answers as `norm_labels` gives)."""
    if len(norms) < 2 or not schema.tasks:
        return 0.0
    scores = [
        task_disagreement(task, [n[i] for n in norms], tolerance)
        for i, task in enumerate(schema.tasks)
    ]
    return sum(scores) / len(scores)


def outvoted(values: list[Any]) -> list[bool]:
    """For whole answers: True for each one that no strict majority of the annotators gave."""
    counts = Counter(values)
    split = len(counts) > 1
    return [split and counts[v] * 2 <= len(values) for v in values]


def outvoted_elements(
    task: Task, mine: Norm, answers: list[Norm], tolerance: float = DEFAULT_TOLERANCE
) -> list[bool]:
    """For a span/mark answer: True for each element no strict majority of `answers` has.

    `answers` are every annotator's normalised answers, `mine` included; a mark counts as
    given when an answer has one with the same label and both ends within `tolerance`.
    """
    sets = [set(a) for a in answers]
    out = []
    for element in mine:
        if task.kind == "spans":
            count = sum(element in s for s in sets)
        else:
            count = sum(any(_close(element, x, tolerance) for x in a) for a in answers)
        out.append(count * 2 <= len(answers))
    return out


def majority(schema: Schema, answers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per task, the answer given by most annotators (ties: the earliest annotator's)."""
    out: dict[str, Any] = {}
    for task in schema.tasks:
        values = [(norm(task, a.get(task.name)), a.get(task.name)) for a in answers.values()]
        counts = Counter(n for n, _ in values)
        best = max(counts.values(), default=0)
        out[task.name] = next((raw for n, raw in values if counts[n] == best), None)
    return out
