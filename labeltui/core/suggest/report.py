"""The rules' report: Snorkel's labelling-function summary, per rule (FORMAT section 9).

Per rule, as shares of all items of the dataset:
- coverage: items the rule voted on;
- overlaps: items it voted on where another rule of the same task voted too;
- conflicts: items it voted on where another rule of the same task voted differently: another
  label (choice, multi_choice), or a span that overlaps one of its spans with another label
  (spans).
With a gold file (an annotation file, e.g. `review`'s output; the current `done` line per item
counts): correct and incorrect, counts of gold items the rule voted on whose gold answer for the
task is given (choice: the same label; multi_choice: a label of the gold set; spans: every span
is a gold span), and accuracy = correct / (correct + incorrect), null without any.

Counting happens per item where the votes are made (`tally`, in the worker processes); the
counts of all blocks are added and turned into shares here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labeltui.core.annotations.line import check_done, line_item_id
from labeltui.core.annotations.lines import read_lines
from labeltui.core.annotations.parse import BadLine
from labeltui.core.schema import Schema
from labeltui.errors import LabeltuiError

VOTED, OVERLAPS, CONFLICTS, CORRECT, INCORRECT, FAILED = range(6)
COLUMNS = 6

Group = tuple[str, str, list[int]]
"""(task name, task kind, indices of the voters on it)."""


def _disagree(a: Any, b: Any, kind: str) -> bool:
    if kind != "spans":
        return a != b
    for x in a:
        for y in b:
            if x["start"] < y["end"] and y["start"] < x["end"] and x["label"] != y["label"]:
                return True
    return False


def _correct(vote: Any, gold: Any, kind: str) -> bool:
    if kind == "choice":
        return vote == gold
    if kind == "multi_choice":
        return vote in gold
    return all((s["start"], s["end"], s["label"]) in gold for s in vote)


def tally(
    votes: list[Any], groups: list[Group], gold: dict[str, Any] | None, counts: list[list[int]]
) -> None:
    """Add one item's votes (None: abstained) to `counts` (voters × COLUMNS)."""
    for task, kind, members in groups:
        cast = [v for v in members if votes[v] is not None]
        if not cast:
            continue
        several = len(cast) > 1
        answer = None if gold is None else gold.get(task)
        for v in cast:
            row = counts[v]
            row[VOTED] += 1
            if several:
                row[OVERLAPS] += 1
                mine = votes[v]
                if any(_disagree(mine, votes[o], kind) for o in cast if o != v):
                    row[CONFLICTS] += 1
            if answer is not None:
                row[CORRECT if _correct(votes[v], answer, kind) else INCORRECT] += 1


def load_gold(path: str | Path, schema: Schema) -> dict[str, dict[str, Any]]:
    """item id -> {task: gold answer} from the current `done` line of each item.

    Answers are kept in the form `tally` compares: a label (choice), a set of labels
    (multi_choice), a set of (start, end, label) (spans). Null or absent answers are left out.
    """
    kinds = {t.name: t.kind for t in schema.tasks}
    current: dict[str, dict[str, Any] | None] = {}
    for number, _, _, obj in read_lines(path, "gold file"):
        try:
            ident = line_item_id(obj, schema.text_field, schema.audio_field)
            done = check_done(obj)
        except BadLine as exc:
            raise LabeltuiError(exc.message, path, number) from None
        labels = obj.get("labels")
        if not done or not isinstance(labels, dict):
            current[ident] = None
            continue
        answers: dict[str, Any] = {}
        for task, value in labels.items():
            kind = kinds.get(task)
            if value is None or kind is None:
                continue
            if kind == "choice" and isinstance(value, str):
                answers[task] = value
            elif kind == "multi_choice" and isinstance(value, list):
                answers[task] = frozenset(v for v in value if isinstance(v, str))
            elif kind == "spans" and isinstance(value, list):
                answers[task] = frozenset(
                    (s.get("start"), s.get("end"), s.get("label"))
                    for s in value
                    if isinstance(s, dict)
                )
        current[ident] = answers
    return {k: v for k, v in current.items() if v}


def summary(
    names: list[str], counts: list[list[int]], n_items: int, with_gold: bool
) -> dict[str, Any]:
    """The `--report --json` object: {"rules": {NAME: {coverage, overlaps, conflicts, correct,
    incorrect, accuracy}}}; correct/incorrect/accuracy are null without a gold file."""
    rules = {}
    for name, row in zip(names, counts, strict=True):
        share = (lambda c: c / n_items) if n_items else (lambda c: 0.0)
        judged = row[CORRECT] + row[INCORRECT]
        rules[name] = {
            "coverage": share(row[VOTED]),
            "overlaps": share(row[OVERLAPS]),
            "conflicts": share(row[CONFLICTS]),
            "correct": row[CORRECT] if with_gold else None,
            "incorrect": row[INCORRECT] if with_gold else None,
            "accuracy": (row[CORRECT] / judged if judged else None) if with_gold else None,
        }
    return {"rules": rules}


def table(report: dict[str, Any], tasks: dict[str, str], failed: dict[str, int]) -> str:
    """The report as a plain text table, one rule per row; the gold columns (correct,
    incorrect, acc) only with a gold file (without, they would be dashes: 77 columns wide
    instead of 56)."""
    head = ["rule", "task", "coverage", "overlaps", "conflicts", "correct", "incorrect", "acc"]
    with_gold = any(r["correct"] is not None for r in report["rules"].values())
    shown = len(head) if with_gold else 5
    rows = [head[:shown]]
    for name, r in report["rules"].items():
        rows.append(
            [
                name,
                tasks.get(name, ""),
                f"{r['coverage']:.1%}",
                f"{r['overlaps']:.1%}",
                f"{r['conflicts']:.1%}",
                "-" if r["correct"] is None else str(r["correct"]),
                "-" if r["incorrect"] is None else str(r["incorrect"]),
                "-" if r["accuracy"] is None else f"{r['accuracy']:.3f}",
            ][:shown]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(shown)]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [cell.rjust(w) for cell, w in zip(row[2:], widths[2:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    notes = [f"{name} failed on {n} item(s)" for name, n in failed.items() if n]
    return "\n".join(lines + notes) + "\n"
