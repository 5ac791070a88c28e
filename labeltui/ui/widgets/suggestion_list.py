"""The suggestions of the shown item, one line per task, above the task editors.

Each line lists a task's suggestions best first, with their score and agent
(`billing 0.92 rules:majority · shipping 0.40 model`). A task whose editor still holds the
suggestion the session pre-filled starts with `★ pre-filled:` in bold, so the annotator can
tell a machine's guess from their own choice without colour; once they change the value the
line says `suggested:` again. A value its task cannot hold is marked `✗` (it is never
pre-filled). A `suggestions` field of the wrong shape shows as one `⚠` line saying why it was
ignored.

Everything from the dataset (values, agents, task names, the message) is untrusted: it goes
through `core.display.visible_line`, and the widget never parses markup. Lines do not wrap:
each ends in "…" at the screen's edge, the best suggestion and the mark first.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual.widgets import Static

from labeltui.core.display import visible_line
from labeltui.core.schema import Task
from labeltui.core.suggestions import Suggested, Suggestion

PREFILLED = "★ pre-filled"
SUGGESTED = "suggested"
INVALID = "✗"
_VALUE_CHARS = 40


def shown_value(task: Task, value: Any) -> str:
    """A suggested value, short and inert: a label, labels joined, or a count of spans or
    marks."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        noun = "span" if task.kind == "spans" else "mark"
        text = f"{len(value)} {noun}{'s' * (len(value) != 1)}"
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = ", ".join(value) if value else "(none)"
    else:
        text = json.dumps(value, ensure_ascii=False)
    text = visible_line(text)
    return text if len(text) <= _VALUE_CHARS else text[: _VALUE_CHARS - 1] + "…"


def _canon(entry: Any) -> str:
    if isinstance(entry, dict):  # a span or a mark: the editor adds the span's `text`
        entry = [entry.get("start"), entry.get("end"), entry.get("label")]
    return json.dumps(entry, sort_keys=True)


def same(shown: Any, suggested: Any) -> bool:
    """Whether an editor's value is still the suggested one: lists (labels, spans, marks)
    compare as sets of their entries (an editor may order them otherwise), a span or a mark
    by its start, end and label."""
    if isinstance(shown, list) and isinstance(suggested, list):
        return sorted(map(_canon, shown)) == sorted(map(_canon, suggested))
    return bool(shown == suggested)


def _entry(task: Task, suggestion: Suggestion) -> str:
    parts = [shown_value(task, suggestion.value)]
    if suggestion.problem is not None:
        parts[0] = f"{INVALID}{parts[0]}"
    if suggestion.score is not None:
        parts.append(f"{suggestion.score:.2f}")
    if suggestion.agent:
        parts.append(visible_line(suggestion.agent))
    return " ".join(parts)


class SuggestionList(Static):
    """One line per task with suggestions; hidden when the item has none (laid out by
    `#suggestions` in labeltui.tcss: lines never wrap)."""

    def __init__(self, tasks: tuple[Task, ...], *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.tasks = tasks
        self.display = False

    def show(self, suggested: Suggested, values: dict[str, Any]) -> None:
        """Show `suggested` for the values the editors hold now (`values`, per task): a task
        is marked pre-filled while its value is still the pre-filled suggestion's."""
        text = Text(no_wrap=True, overflow="ellipsis")
        named = len(self.tasks) > 1
        for task in self.tasks:
            found = suggested.ranked.get(task.name)
            if not found:
                continue
            if text:
                text.append("\n")
            pre = suggested.prefilled.get(task.name)
            still = pre is not None and same(values.get(task.name), pre.value)
            head = PREFILLED if still else SUGGESTED
            head = f"{head} {visible_line(task.name)}:" if named else f"{head}:"
            text.append(head + " ", style="bold" if still else "dim")
            entries = [_entry(task, s) for s in found]
            text.append(entries[0], style="bold" if still else "")
            if len(entries) > 1:
                text.append(" · " + " · ".join(entries[1:]))
        if suggested.error:
            if text:
                text.append("\n")
            text.append("⚠ " + visible_line(suggested.error))
        if not text and not self.display:
            return  # nothing before, nothing now: no relayout on every item without any
        self.update(text)
        self.display = bool(text)
