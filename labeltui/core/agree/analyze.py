"""Inter-annotator agreement (FORMAT section 5): `agree_files(paths) -> dict`, `analyze`.

`analyze` reads the annotation files, builds one item x annotator matrix per task (matrix.py)
and computes, per kind:

- choice: percent agreement, pairwise Cohen's kappa, Fleiss' kappa, Krippendorff's alpha
  (nominal); for an ordinal task (schema `ordinal: true`) also weighted Cohen's kappa and
  ordinal alpha;
- multi_choice: the same statistics per label (present/absent), with their macro mean on top;
- spans: pairwise exact-match F1 (and overlap F1); audio_marks: pairwise F1 within a tolerance.

Statistics are computed with NumPy on integer codes (see patterns.py); undefined ones are
`None`, never NaN. With `ci=True`, each gets a bootstrap 95% interval (bootstrap.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from labeltui.core.agree import alpha as _alpha
from labeltui.core.agree import chance as _chance
from labeltui.core.agree import kappa as _kappa
from labeltui.core.agree.matrix import TaskData, build_task, codes_used
from labeltui.core.agree.patterns import Patterns, find_patterns
from labeltui.core.agree.reading.read import read_annotation_files
from labeltui.core.agree.reading.table import AnnotationTable
from labeltui.core.annotations.line import is_task_key
from labeltui.errors import LabeltuiError

if TYPE_CHECKING:
    # Imported where used: only --gold, --ci, nested labels or spans and marks need these, and
    # a plain `agree` starts faster without them.
    from labeltui.core.agree import matching as _matching

__all__ = [
    "WEIGHTS",
    "Agreement",
    "TaskResult",
    "agree_files",
    "analyze",
    "binary_patterns",
    "membership",
    "pair_key",
]

WEIGHTS = ("linear", "quadratic")
KINDS_NESTED = ("choice", "multi_choice")
"""Kinds whose labels may nest (FORMAT section 8): they get `levels` and `hierarchical_f1`."""

Key = tuple[str, ...]
"""A statistic's place before nesting: (name,) or (name, pair or label)."""
PairRules = dict[tuple[int, int], dict[str, "_matching.PairCounts"]]
"""Per annotator pair, the matching counts of each F1 rule (exact, overlap, tolerance)."""


@dataclass(slots=True)
class TaskResult:
    """One task: its data, its FORMAT section 5 object, and the patterns behind it."""

    data: TaskData
    json: dict[str, Any]
    patterns: Patterns | None = None
    """choice and multi_choice: the distinct rows of the items with two labels or more."""
    rows: np.ndarray | None = None
    """Matrix rows of the items with two labels or more."""
    pair_counts: PairRules | None = None
    """spans and audio_marks: per annotator pair (column indices), matches per rule."""
    gold_confusion: dict[str, np.ndarray] | None = None
    """With `--gold`, choice tasks: annotator -> (K, K) counts (annotator rows, gold columns)."""


@dataclass(slots=True)
class Agreement:
    table: AnnotationTable
    tasks: list[TaskResult] = field(default_factory=list)
    tolerance: float = 0.5

    @property
    def json(self) -> dict[str, Any]:
        return {"tasks": {r.data.name: r.json for r in self.tasks}}

    @property
    def shared_items(self) -> int:
        return max((r.json["items"] for r in self.tasks), default=0)


def agree_files(paths: list[str | Path], **options: Any) -> dict[str, Any]:
    """The `labeltui agree --json` object for these files (options as for `analyze`)."""
    return analyze(paths, **options).json


def analyze(
    paths: list[str | Path],
    task: str | None = None,
    schema: Any = None,
    tolerance: float = 0.5,
    weights: str | None = None,
    ci: bool = False,
    seed: int | None = None,
    ci_samples: int = 1000,
    gold: str | Path | None = None,
    competence: bool = False,
) -> Agreement:
    """Read the files and compute every statistic; `schema` is a path or a loaded Schema."""
    if weights is not None and weights not in WEIGHTS:
        raise LabeltuiError(f"unknown weights {weights!r} (use linear or quadratic)")
    if not tolerance >= 0:
        raise LabeltuiError("--tolerance must be zero or more seconds")
    if schema is not None and not hasattr(schema, "tasks"):
        from labeltui.core.schema import load_schema

        schema = load_schema(schema)
    table = read_annotation_files(list(paths))
    gold_file = None
    if gold is not None:
        from labeltui.core.agree import gold as _gold  # used again below, with gold_file

        gold_file = _gold.read_gold(gold, schema)
    scored, scored_current = table, None
    if gold_file is not None and table.gold_answers:
        # The annotators' answers to gold items (`_gold`, left out of agreement) count in
        # the scoring: read the files again keeping them (only when there are some).
        from labeltui.core.agree.reading.extras import ReadOptions

        scored = read_annotation_files(list(paths), options=ReadOptions(gold_answers=True))
    current = None if table.every_current() else table.current()  # None: every record
    scored_current = current if scored is table else scored.current()
    if current is None:  # every annotator read has a record, and every record counts
        people = sorted(table.annotators)
    else:
        used = codes_used(table.ann[current], len(table.annotators))
        people = sorted(table.annotators[c] for c in used.tolist())
    if len(people) < 2:
        who = f" (only {people[0]!r})" if people else ""
        raise LabeltuiError(
            f"agreement needs two annotators or more; these files have "
            f"{len(people)} with done annotations{who}"
        )
    names = [name for name in table.tasks if is_task_key(name)]  # not `_scores`
    if task is not None:
        if task not in names:
            known = ", ".join(names) or "none"
            raise LabeltuiError(f"unknown task {task!r} (tasks in these files: {known})")
        names = [task]
    schema_tasks = {t.name: t for t in schema.tasks} if schema is not None else {}
    names.sort(key=lambda n: list(schema_tasks).index(n) if n in schema_tasks else len(names))
    result = Agreement(table, tolerance=tolerance)
    for name in names:
        data = build_task(table, current, name, schema_tasks.get(name))
        if weights is not None and data.kind == "choice" and not data.ordinal and task == name:
            raise LabeltuiError(
                f"--weights needs an ordinal task: set 'ordinal: true' on task {name!r} in the "
                "schema and pass it with --schema (weights need the labels' order)"
            )
        options = {"weights": weights or "quadratic", "tolerance": tolerance}
        boot = {"samples": ci_samples, "seed": seed} if ci else None
        computed = _compute(data, options, boot)
        schema_task = schema_tasks.get(name)
        if schema_task is not None and schema_task.nested and data.kind in KINDS_NESTED:
            from labeltui.core.agree.hierarchy import hierarchy_json

            computed.json.update(
                hierarchy_json(data, lambda d, o=options: _compute(d, o, None).json)
            )
        if competence and data.kind == "choice":
            computed.json["competence"] = annotator_competence(data)
        if gold_file is not None:
            if name in gold_file.table.tasks:
                mine = data
                if scored is not table:
                    mine = build_task(scored, scored_current, name, schema_tasks.get(name))
                both = _gold.joined(mine, scored, gold_file, schema_tasks.get(name))
                computed.json["gold"], computed.gold_confusion = _gold.scores(both, tolerance)
            else:
                computed.json["gold"] = {}
        result.tasks.append(computed)
    if weights is not None and not any(r.data.ordinal for r in result.tasks):
        raise LabeltuiError(
            "--weights needs an ordinal choice task: set 'ordinal: true' in the schema and "
            "pass it with --schema (weights need the labels' order)"
        )
    return result


def pair_key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def _compute(data: TaskData, options: dict[str, Any], boot: dict[str, Any] | None) -> TaskResult:
    m = labels_per_row(data.matrix)
    n_ann = len(data.annotators)
    rows = np.flatnonzero(m >= 2)
    head: dict[str, Any] = {
        "kind": data.kind,
        "annotators": data.annotators,
        "items": len(rows),
        "items_complete": int(((m == n_ann) & (m >= 2)).sum()),
    }
    pairs = list(combinations(range(n_ann), 2))
    if data.kind in ("choice", "multi_choice"):
        n_codes = len(data.labels) if data.kind == "choice" else len(data.values)
        labelled = data.matrix if len(rows) == len(m) else data.matrix[rows]
        patterns = find_patterns(labelled, n_codes)
        if data.kind == "choice":
            once = data.matrix[m == 1]
            singles = np.bincount(once[once >= 0].astype(np.int64), minlength=n_codes)

            def stats(W: np.ndarray) -> dict[Key, np.ndarray]:
                return {
                    **_choice_stats(patterns, W, pairs, data, options),
                    **_chance_stats(patterns, W, data, options, singles.astype(np.float64)),
                }
        else:
            member = membership(data)

            def stats(W: np.ndarray) -> dict[Key, np.ndarray]:
                return _multi_stats(patterns, W, pairs, data, member, options)

        weight = patterns.weight
        point = stats(patterns.point())
        counts = None
    else:
        patterns = None
        counts = _f1_counts(data, rows, pairs, options["tolerance"])
        weight = np.ones(len(rows), dtype=np.int64)

        def stats(W: np.ndarray) -> dict[Key, np.ndarray]:
            return _f1_stats(counts, W, pairs, data)

        point = stats(np.ones((1, len(rows))))
    body = _nest({k: _value(v[0]) for k, v in point.items()}, data, options)
    if boot is not None:
        from labeltui.core.agree.bootstrap import intervals

        ci = intervals(weight, stats, boot["samples"], boot["seed"])
        nested = _nest({k: None if v is None else list(v) for k, v in ci.items()}, data, options)
        for key in ("labels", "weights", "tolerance"):
            nested.pop(key, None)
        body["ci"] = {
            "level": 0.95,
            "samples": boot["samples"],
            "seed": boot["seed"],
            **nested,
        }
    pair_counts = counts if patterns is None else None
    body["warnings"] = warnings(data, head, body)
    return TaskResult(data, {**head, **body}, patterns, rows, pair_counts)


def labels_per_row(matrix: np.ndarray) -> np.ndarray:
    """(rows,) how many cells of each row hold a label, a column at a time (a sum along rows
    of a few columns is slow in NumPy)."""
    m: np.ndarray = np.zeros(len(matrix), dtype=np.int16 if matrix.shape[1] < 2**15 else np.int64)
    for j in range(matrix.shape[1]):
        m += matrix[:, j] >= 0
    return m


def annotator_competence(data: TaskData) -> dict[str, Any]:
    """Each annotator's accuracy estimated without gold: Dawid-Skene EM on the task's matrix
    (the same EM as `labeltui suggest --combine dawid-skene`, here with a missing label as no
    vote, Dawid & Skene 1979), as the probability of giving the true label over the estimated
    label shares; and the EM's label shares (`priors`)."""
    from labeltui.core.dawid_skene import dawid_skene

    fit = dawid_skene(data.matrix.astype(np.int64), len(data.labels), abstain_as_class=False)
    accuracy = fit.worker_accuracy()
    return {
        "method": "dawid-skene",
        "accuracy": {who: _value(float(accuracy[i])) for i, who in enumerate(data.annotators)},
        "priors": {label: float(fit.priors[i]) for i, label in enumerate(data.labels)},
        "iterations": int(fit.iterations),
    }


FEW_ITEMS = 10
"""A statistic computed on fewer items than this carries a warning (FORMAT section 11)."""

_ON_ITEMS = (
    "percent_agreement",
    "krippendorff_alpha",
    "krippendorff_alpha_ordinal",
    "krippendorff_alpha_interval",
    "gwet_ac1",
    "gwet_ac2",
    "brennan_prediger",
    "span_f1_mean",
    "span_f1_partial_mean",
    "mark_f1_mean",
)
_PER_PAIR = ("cohen_kappa", "cohen_kappa_weighted", "span_f1", "span_f1_partial", "mark_f1")


def warnings(data: TaskData, head: dict[str, Any], body: dict[str, Any]) -> list[str]:
    """Sentences, each naming its statistic, on statistics that rest on too few items: fewer
    than `FEW_ITEMS`, or Fleiss' kappa on complete items fewer than half of `items`."""
    out = []
    items, complete = head["items"], head["items_complete"]

    def few(name: str, n: int) -> None:
        if n < FEW_ITEMS:
            out.append(f"{name} rests on {n} item{'' if n == 1 else 's'} (fewer than {FEW_ITEMS})")

    for name in _ON_ITEMS:
        if name in body:
            few(name, items)
    if "fleiss_kappa" in body:
        if complete < FEW_ITEMS:
            few("fleiss_kappa", complete)
        elif 2 * complete < items:
            out.append(
                f"fleiss_kappa uses only the {complete} items every annotator labelled, "
                f"fewer than half of the {items} items"
            )
    labelled = data.matrix >= 0
    names = data.annotators
    for a, b in combinations(range(len(names)), 2):
        shared = int((labelled[:, a] & labelled[:, b]).sum())
        if shared < FEW_ITEMS:
            for name in _PER_PAIR:
                if name in body:
                    few(f"{name} {pair_key(names[a], names[b])}", shared)
    return out


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _choice_stats(
    p: Patterns,
    W: np.ndarray,
    pairs: list[tuple[int, int]],
    data: TaskData,
    options: dict[str, Any],
) -> dict[Key, np.ndarray]:
    names = data.annotators
    out: dict[Key, np.ndarray] = {
        ("percent_agreement",): _kappa.percent_agreement(p, W),
        ("fleiss_kappa",): _kappa.fleiss_kappa(p, W),
        ("krippendorff_alpha",): _alpha.krippendorff_alpha(p, W),
    }
    for a, b in pairs:
        out[("cohen_kappa", pair_key(names[a], names[b]))] = _kappa.cohen_kappa(p, W, a, b)
    if data.ordinal:
        for a, b in pairs:
            out[("cohen_kappa_weighted", pair_key(names[a], names[b]))] = _kappa.cohen_kappa(
                p, W, a, b, options["weights"]
            )
        out[("krippendorff_alpha_ordinal",)] = _alpha.krippendorff_alpha(p, W, "ordinal")
    if len(pairs) == 0:
        out = {k: np.full(W.shape[0], np.nan) for k in out}
    return out


def _chance_stats(
    p: Patterns, W: np.ndarray, data: TaskData, options: dict[str, Any], singles: np.ndarray
) -> dict[Key, np.ndarray]:
    """choice: Gwet's AC1 (AC2 for ordinal tasks), Brennan-Prediger, interval alpha when every
    label is a number, and each label's Fleiss' kappa against the rest (FORMAT section 11)."""
    q = len(data.labels)
    identity = _chance.agreement_weights(q, None)
    out: dict[Key, np.ndarray] = {
        ("gwet_ac1",): _chance.gwet_ac(p, W, identity, singles),
        ("brennan_prediger",): _chance.brennan_prediger(p, W, identity),
    }
    if data.ordinal:
        weights = _chance.agreement_weights(q, options["weights"])
        out[("gwet_ac2",)] = _chance.gwet_ac(p, W, weights, singles)
        numbers = label_numbers(data.labels)
        if numbers is not None:
            out[("krippendorff_alpha_interval",)] = _alpha.krippendorff_alpha(
                p, W, "interval", numbers
            )
    for i, label in enumerate(data.labels):
        binary = Patterns(np.where(p.rows >= 0, (p.rows == i).astype(np.int64), -1),
                          p.weight, p.inverse, 2)  # fmt: skip
        out[("per_label", label, "fleiss_kappa")] = _kappa.fleiss_kappa(binary, W)
    return out


_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def label_numbers(labels: list[str]) -> np.ndarray | None:
    """The labels as numbers when every one is written as a number (`1`, `2.5`, `-1`), else None.

    Only JSON-style numbers count: `nan`, `inf` or `1_000` are names, not values."""
    if not labels or not all(_NUMBER.fullmatch(label) for label in labels):
        return None
    return np.array([float(label) for label in labels])


def membership(data: TaskData) -> np.ndarray:
    """(values, labels) whether each distinct multi_choice value holds each label."""
    position = {label: i for i, label in enumerate(data.labels)}
    member = np.zeros((len(data.values), len(data.labels)), dtype=np.int64)
    for v, value in enumerate(data.values):
        for label in value:
            member[v, position[label]] = 1
    return member


def binary_patterns(p: Patterns, member: np.ndarray, label: int) -> Patterns:
    """The patterns of one multi_choice label, present (1) or absent (0)."""
    rows = np.where(p.rows >= 0, member[np.maximum(p.rows, 0), label], -1)
    return Patterns(rows, p.weight, p.inverse, 2)


def _multi_stats(
    p: Patterns,
    W: np.ndarray,
    pairs: list[tuple[int, int]],
    data: TaskData,
    member: np.ndarray,
    options: dict[str, Any],
) -> dict[Key, np.ndarray]:
    per_label = {}
    for i, label in enumerate(data.labels):
        plain = TaskData(data.name, "choice", data.annotators, ["0", "1"], False, data.items,
                         data.matrix, [])  # fmt: skip
        per_label[label] = _choice_stats(binary_patterns(p, member, i), W, pairs, plain, options)
    keys = next(iter(per_label.values())).keys() if per_label else []
    out: dict[Key, np.ndarray] = {}
    for key in keys:
        stack = np.stack([values[key] for values in per_label.values()])
        defined = ~np.isnan(stack)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(defined, stack, 0.0).sum(axis=0) / defined.sum(axis=0)
        out[key] = np.where(defined.any(axis=0), mean, np.nan)
        for label, values in per_label.items():
            per_key = ("per_label", label, *key)
            out[per_key] = values[key]
    if not per_label:
        out = {
            (k,): np.full(W.shape[0], np.nan)
            for k in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha")
        }
    return out


def _f1_counts(
    data: TaskData, rows: np.ndarray, pairs: list[tuple[int, int]], tolerance: float
) -> PairRules:
    """Per pair: (positions in `rows` of the shared items, matches and sizes per rule)."""
    from labeltui.core.agree import matching as _matching

    labels = {label: i for i, label in enumerate(data.labels)}
    flat = _matching.Flat.of(data.values, labels, times=data.kind == "audio_marks")
    matrix = data.matrix[rows].astype(np.int64)
    rules = ("exact", "overlap") if data.kind == "spans" else ("tolerance",)
    out: PairRules = {}
    for a, b in pairs:
        out[(a, b)] = {
            rule: _matching.pair_counts(flat, matrix, a, b, rule, tolerance) for rule in rules
        }
    return out


def _f1_stats(
    counts: PairRules, W: np.ndarray, pairs: list[tuple[int, int]], data: TaskData
) -> dict[Key, np.ndarray]:
    from labeltui.core.agree import matching as _matching

    names = data.annotators
    out: dict[Key, np.ndarray] = {}
    prefix = {"exact": "span_f1", "overlap": "span_f1_partial", "tolerance": "mark_f1"}
    for (a, b), by_rule in counts.items():
        for rule, c in by_rule.items():
            value = _matching.f1(c.matched, c.size_a, c.size_b, W[:, c.rows])
            out[(prefix[rule], pair_key(names[a], names[b]))] = value
    rules = ("exact", "overlap") if data.kind == "spans" else ("tolerance",)
    for rule in rules:
        keys = [k for k in out if k[0] == prefix[rule] and len(k) == 2]
        if keys:
            stack = np.stack([out[k] for k in keys])
            defined = ~np.isnan(stack)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(defined, stack, 0.0).sum(axis=0) / defined.sum(axis=0)
            out[(prefix[rule] + "_mean",)] = np.where(defined.any(axis=0), mean, np.nan)
        else:
            out[(prefix[rule] + "_mean",)] = np.full(W.shape[0], np.nan)
    return out


def _nest(flat: dict[Key, Any], data: TaskData, options: dict[str, Any]) -> dict[str, Any]:
    """Flat (name, pair) statistics into the nested FORMAT section 5 layout."""
    out: dict[str, Any] = {}
    if data.kind in ("choice", "multi_choice"):
        out["percent_agreement"] = None
        out["cohen_kappa"] = {}
        out["fleiss_kappa"] = None
        out["krippendorff_alpha"] = None
        if data.ordinal:
            out["weights"] = options["weights"]
            out["cohen_kappa_weighted"] = {}
            out["krippendorff_alpha_ordinal"] = None
    elif data.kind == "spans":
        out = {"span_f1": {}, "span_f1_mean": None, "span_f1_partial": {}}
        out["span_f1_partial_mean"] = None
    else:
        out = {"mark_f1": {}, "mark_f1_mean": None, "tolerance": options["tolerance"]}
    if data.kind == "choice":
        out["gwet_ac1"] = None
        out["brennan_prediger"] = None
        if data.ordinal:
            out["gwet_ac2"] = None
            if label_numbers(data.labels) is not None:
                out["krippendorff_alpha_interval"] = None
    if data.kind in ("choice", "multi_choice"):
        out["per_label"] = {}
    for parts, value in flat.items():
        if parts[0] == "per_label":
            label_stats = out["per_label"].setdefault(parts[1], {})
            if len(parts) == 4:
                label_stats.setdefault(parts[2], {})[parts[3]] = value
            else:
                label_stats[parts[2]] = value
        elif len(parts) == 2:
            out.setdefault(parts[0], {})[parts[1]] = value
        else:
            out[parts[0]] = value
    if data.kind == "multi_choice":
        order = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha")
        for label, label_stats in out["per_label"].items():
            out["per_label"][label] = {k: label_stats.get(k, {} if k == "cohen_kappa" else None)
                                       for k in order}  # fmt: skip
    if data.kind in ("choice", "multi_choice"):
        out["labels"] = list(data.labels)
    return out
