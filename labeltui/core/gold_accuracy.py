"""Each annotator's accuracy on gold items over time, for `labeltui stats --gold GOLD`.

An annotator's answer to a gold item is their current `done` line (the last line per
(annotator, item), FORMAT section 3) for an item id the gold file has: the answers to gold items
`annotate --gold` mixed into the queue (`"_gold": true`) and regular answers to the same ids
alike, as `agree --gold` counts them. Review (gold) lines (`_from`) are nobody's answers. An
answer is right when it equals gold on every task gold answers (`core.gold_queue`'s
comparison: order of a multi_choice list, of spans and marks aside; marks to the millisecond).

Per annotator, answers are taken in `_ts` order (file order among equal or missing times) and
reported as `{items, correct, accuracy, first: {items, accuracy}, last: {items, accuracy}}`:
`first` and `last` are the first and last `WINDOW` answers (they overlap below 2 x WINDOW).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from labeltui.core.annotations.line import REVIEW_KEY, is_task_key
from labeltui.core.gold_queue import _norm, read_gold_items
from labeltui.errors import LabeltuiError

WINDOW = 50
"""Gold answers in the `first` and `last` windows."""


def _kind(value: Any) -> str:
    """A task's kind from a gold value, when there is no schema."""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "spans" if "text" in value[0] else "audio_marks"
        return "multi_choice"
    return "choice"


def _accuracy(right: list[bool]) -> dict[str, Any]:
    return {"items": len(right), "accuracy": sum(right) / len(right) if right else None}


def gold_accuracy(
    paths: list[str | Path], gold_path: str | Path, schema: Any = None
) -> dict[str, Any]:
    """`{"file": GOLD, "window": 50, "annotators": {name: {...}}}` (module docstring)."""
    gold = {g.id: g.labels for g in read_gold_items(gold_path)}
    kinds: dict[str, str] = {t.name: t.kind for t in schema.tasks} if schema is not None else {}
    current: dict[tuple[str, str], tuple[str, int, dict[str, Any] | None]] = {}
    order = 0
    for path in paths:
        try:
            handle = open(path, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise LabeltuiError(f"cannot read file: {exc.strerror or exc}", path) from None
        with handle:
            for raw in handle:
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except (ValueError, RecursionError):
                    continue  # the statistics' reader has said what is wrong with the line
                if not isinstance(obj, dict) or REVIEW_KEY in obj:
                    continue
                who, ident = obj.get("_annotator"), obj.get("_id")
                if not isinstance(who, str) or ident not in gold:
                    continue
                order += 1
                done = obj.get("_status", "done") == "done" and isinstance(obj.get("labels"), dict)
                stamp = obj.get("_ts")
                ts = stamp if isinstance(stamp, str) else ""
                current.pop((who, ident), None)
                current[(who, ident)] = (ts, order, obj["labels"] if done else None)
    answers: dict[str, list[tuple[str, int, bool]]] = {}
    for (who, ident), (ts, at, labels) in current.items():
        if labels is None:
            continue
        expected = gold[ident]
        matches = all(
            _norm(kinds.get(task) or _kind(value), value)
            == _norm(kinds.get(task) or _kind(value), labels.get(task))
            for task, value in expected.items()
            if is_task_key(task)
        )
        answers.setdefault(who, []).append((ts, at, matches))
    out: dict[str, Any] = {}
    for who in sorted(answers):
        right = [r for _, _, r in sorted(answers[who])]
        out[who] = {
            **_accuracy(right),
            "correct": sum(right),
            "first": _accuracy(right[:WINDOW]),
            "last": _accuracy(right[-WINDOW:]),
        }
    return {"file": str(gold_path), "window": WINDOW, "annotators": out}
