"""An item's `suggestions` (FORMAT section 9): read, checked, ranked, and how sure they are.

A dataset line may carry `"suggestions": {task: [{"value": V, "score": S, "agent": NAME}]}`
(Argilla's suggestion records; `score` optional, 0..1; other keys such as Argilla's `type` are
allowed and ignored). This module reads that field for one item, for the app (shown beside the
task, the best one pre-filled) and for `--sort suggestions` (least certain first).

What a wrong field does (decided here, documented in README "Machine help"):

- A field of the wrong *shape* (not an object of lists of objects with a `value`, a score that
  is not a number from 0 to 1, an agent that is not a string) is a `SuggestionsError`. With
  `--sort suggestions` every line is read before the first screen, so it stops the opening as
  one line `labeltui: FILE:LINE: ...` (exit 2): the order would be wrong. Without that sort the
  app reads the field only when the item is shown, and shows the message on the item instead
  (inert, one line) and pre-fills nothing from it: a suggestion is advice, and one bad line in a
  million must not stop an annotator.
- A suggested *value* that its task cannot hold (an unknown label, overlapping spans: FORMAT
  section 3, `core.answer_check`) is shown, marked, and never pre-filled nor counted as best.
- Suggestions for a task the schema does not have are left out.

The best suggestion of a task is its usable suggestion (valid, not empty) with the highest
score; suggestions without a score rank below scored ones; ties keep their order (the
dataset's own first, then those `Session.more_suggestions` adds). An item's uncertainty is
`1 - best score` of its least certain task (among tasks with a scored usable suggestion), or
NaN when it has none: such items sort last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeltui.errors import LabeltuiError

if TYPE_CHECKING:
    from labeltui.core.items import Item
    from labeltui.core.schema import Task
# `core.answer_check` (and so the schema's YAML) is imported only when values are checked:
# the dataset index imports this module, and commands that never check a value need neither.

FIELD = "suggestions"
"""The dataset field (FORMAT section 9)."""


class SuggestionsError(LabeltuiError):
    """A `suggestions` field of the wrong shape (the message names where in the field)."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested answer for one task."""

    value: Any
    score: float | None
    agent: str
    problem: str | None = None
    """Why its task cannot hold the value (FORMAT section 3), or None when it can."""

    @property
    def usable(self) -> bool:
        """It may be pre-filled: a valid, non-empty value (`null` and `[]` are no answer)."""
        return self.problem is None and self.value is not None and self.value != []

    def as_dict(self) -> dict[str, Any]:
        """The record as the dataset writes it (`problem` added only when there is one)."""
        out: dict[str, Any] = {"value": self.value, "score": self.score, "agent": self.agent}
        if self.problem is not None:
            out["problem"] = self.problem
        return out


def short(value: Any, limit: int = 40) -> str:
    """`repr(value)`, cut to `limit` characters (as `core.answer_check.short`)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _name(task: str) -> str:
    """A task name as the messages quote it (cut; shown inert by whoever prints it)."""
    return task if len(task) <= 40 else task[:39] + "…"


def _entry(task: str, at: int, raw: Any) -> tuple[Any, float | None, str]:
    where = f"{FIELD}.{_name(task)}[{at}]"
    if not isinstance(raw, dict):
        raise SuggestionsError(
            f"{where} must be an object {{value, score, agent}}, not {short(raw)}"
        )
    if "value" not in raw:
        raise SuggestionsError(f"{where} has no 'value'")
    score = raw.get("score")
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise SuggestionsError(
                f"{where}.score must be a number from 0 to 1, not {short(score)}"
            )
        if not (math.isfinite(score) and 0 <= score <= 1):
            raise SuggestionsError(f"{where}.score must be from 0 to 1, not {short(score)}")
        score = float(score)
    agent = raw.get("agent")
    if agent is None:
        agent = ""
    elif not isinstance(agent, str):
        raise SuggestionsError(f"{where}.agent must be a string, not {short(agent)}")
    return raw["value"], score, agent


def read(raw: Any) -> dict[str, list[tuple[Any, float | None, str]]]:
    """The field's entries per task as (value, score, agent), in order; `{}` when absent
    (None). Raises `SuggestionsError` (no path or line: the caller knows them) on a wrong
    shape. Values are not checked here (`check` does, against the schema)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SuggestionsError(
            f"{FIELD!r} must be an object of task names to lists of {{value, score, agent}}, "
            f"not {short(raw)}"
        )
    out: dict[str, list[tuple[Any, float | None, str]]] = {}
    for task, entries in raw.items():
        if not isinstance(entries, list):
            raise SuggestionsError(
                f"{FIELD}.{_name(task)} must be a list of {{value, score, agent}}, "
                f"not {short(entries)}"
            )
        out[task] = [_entry(task, at, entry) for at, entry in enumerate(entries)]
    return out


def check(
    tasks: tuple[Task, ...] | None,
    raw: Any,
    text: str | None = None,
    more: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, list[Suggestion]]:
    """Per schema task (those with suggestions only), its suggestions best first (`rank`),
    each value checked against its task. `raw` is the item's field, `more` the session's
    extra suggestions (`Session.more_suggestions`), both in the same shape; `text` is the
    item's text (spans values are checked against it). `tasks` None: every task named,
    values unchecked (a caller without the schema). Raises `SuggestionsError`."""
    entries = read(raw)
    for name, extra in read(more).items():
        entries[name] = entries.get(name, []) + extra
    out: dict[str, list[Suggestion]] = {}
    if tasks is None:  # no schema at hand (review's --sort): every task, values unchecked
        return {key: rank([Suggestion(*e) for e in found]) for key, found in entries.items()}
    from labeltui.core.answer_check import value_problems

    for task in tasks:
        found = entries.get(task.name)
        if not found:
            continue
        ranked = []
        for value, score, agent in found:
            problems = value_problems(task, value, text)
            ranked.append(Suggestion(value, score, agent, "; ".join(problems) or None))
        out[task.name] = rank(ranked)
    return out


def rank(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Best first: usable before unusable, then scored (highest first) before unscored; ties
    keep their order (a stable sort)."""
    return sorted(
        suggestions,
        key=lambda s: (not s.usable, s.score is None, -(s.score or 0.0)),
    )


def best(ranked: list[Suggestion]) -> Suggestion | None:
    """The suggestion to pre-fill from a `rank`ed list: its first usable one, or None."""
    return ranked[0] if ranked and ranked[0].usable else None


def uncertainty(checked: dict[str, list[Suggestion]]) -> float:
    """`1 - best score` of the least certain task with a scored usable suggestion; NaN when
    no task has one (`check`'s result)."""
    worst = math.nan
    for ranked in checked.values():
        top = best(ranked)
        if top is None or top.score is None:
            continue
        left = 1.0 - top.score
        if math.isnan(worst) or left > worst:
            worst = left
    return worst


def item_uncertainty(tasks: tuple[Task, ...] | None, obj: dict[str, Any], text_field: str) -> float:
    """`uncertainty` of a dataset line (for `--sort suggestions`, while indexing): reads only
    the `suggestions` field (and the text, for spans values). Raises `SuggestionsError`."""
    raw = obj.get(FIELD)
    if raw is None:
        return math.nan
    text = obj.get(text_field)
    return uncertainty(check(tasks, raw, text if isinstance(text, str) else None))


@dataclass(frozen=True, slots=True)
class Suggested:
    """What the app shows of an item's suggestions (`Session.suggested`)."""

    ranked: dict[str, list[Suggestion]]
    """Per schema task with suggestions: best first (`check`)."""
    prefilled: dict[str, Suggestion]
    """The tasks whose shown value is a suggestion (no answer of the annotator's, no `labels`
    value), and the suggestion."""
    error: str | None = None
    """Why the item's own `suggestions` field was ignored (its shape), one line with the file
    and line; None when it was read."""


def suggested_for(
    tasks: tuple[Task, ...],
    item: Item,
    more: dict[str, list[dict[str, Any]]],
    path: str | Path,
    answered: bool,
) -> Suggested:
    """`Suggested` for a dataset item (`Session.suggested`): its field and `more` checked and
    ranked; a task is pre-filled when the item is not `answered` (no current line of the
    annotator's) and its input `labels` has no value (absent or null) for it.

    A field of the wrong shape is ignored, and `error` says why in one line naming the file
    (`path`) and line; `more` still counts.
    """
    error = None
    try:
        ranked = check(tasks, item.data.get(FIELD), item.text, more)
    except SuggestionsError as exc:
        where = LabeltuiError(exc.message, Path(path).name, item.line)
        error = f"suggestions ignored: {where}"
        try:
            ranked = check(tasks, None, item.text, more)
        except SuggestionsError:  # the extras come from code; a bad one shows nothing
            ranked = {}
    prefilled: dict[str, Suggestion] = {}
    if not answered:
        labels = item.prefilled
        for name, found in ranked.items():
            top = best(found)
            if top is not None and labels.get(name) is None:
                prefilled[name] = top
    return Suggested(ranked, prefilled, error)
