"""Every statistic against independent implementations, on random data (hypothesis).

References, used only here: scikit-learn's `cohen_kappa_score` (plain and weighted),
statsmodels' `fleiss_kappa` and the `krippendorff` package; percent agreement and span/mark F1
against plain-Python versions written from the definitions in FORMAT section 5.
"""

from __future__ import annotations

import itertools
import math
import tempfile
import warnings
from collections import Counter
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from agree_helpers import MISSING, write_task
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from labeltui.core.agree import agree_files
from labeltui.core.schema import parse_schema

TOL = 1e-9
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def none_if_nan(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def close(got: float | None, want: float | None) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return abs(got - want) <= TOL


def ref_cohen(M: np.ndarray, a: int, b: int, k: int, weights: str | None) -> float | None:
    both = (M[:, a] >= 0) & (M[:, b] >= 0)
    if not both.any():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(M[both, a], M[both, b], labels=list(range(k)), weights=weights)
    return none_if_nan(value)


def ref_fleiss(M: np.ndarray, k: int) -> float | None:
    complete = M[(M >= 0).all(axis=1)]
    if len(complete) == 0:
        return None
    table, _ = aggregate_raters(complete, n_cat=k)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return none_if_nan(fleiss_kappa(table))


def ref_alpha(M: np.ndarray, k: int, level: str = "nominal") -> float | None:
    data = np.where(M >= 0, M, np.nan).T.astype(float)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return none_if_nan(
                krippendorff.alpha(data, level_of_measurement=level, value_domain=list(range(k)))
            )
    except ValueError:  # no unit with two values
        return None


def ref_percent(M: np.ndarray) -> float | None:
    shares = []
    for row in M:
        given_ = [v for v in row if v >= 0]
        if len(given_) < 2:
            continue
        pairs = list(itertools.combinations(given_, 2))
        shares.append(sum(x == y for x, y in pairs) / len(pairs))
    return sum(shares) / len(shares) if shares else None


@st.composite
def label_matrices(draw, max_annotators: int = 6, max_labels: int = 5):
    n_ann = draw(st.integers(2, max_annotators))
    k = draw(st.integers(1, max_labels))
    n_items = draw(st.integers(0, 25))
    p_missing = draw(st.sampled_from([0.0, 0.3, 0.7]))
    rows = draw(
        st.lists(
            st.lists(
                st.one_of(st.integers(0, k - 1), st.just(-1))
                if p_missing
                else st.integers(0, k - 1),
                min_size=n_ann,
                max_size=n_ann,
            ),
            min_size=n_items,
            max_size=n_items,
        )
    )
    M = np.array(rows, dtype=np.int64).reshape(n_items, n_ann)
    if draw(st.booleans()) and n_ann >= 2 and n_items:  # two annotators who share no items
        half = n_items // 2
        M[:half, 1] = -1
        M[half:, 0] = -1
    return M, k


def run_choice(M: np.ndarray, k: int, missing: str, ordinal: bool = False, weights=None):
    labels = [f"L{i}" for i in range(k)]
    annotators = [f"a{i}" for i in range(M.shape[1])]
    values = [[labels[v] if v >= 0 else None for v in row] for row in M]
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_task(Path(tmp), values, annotators, missing=missing)
        schema = parse_schema(
            "tasks:\n  - name: t\n    kind: choice\n"
            + ("    ordinal: true\n" if ordinal else "")
            + "    labels: ["
            + ", ".join(labels)
            + "]\n"
        )
        try:
            return agree_files(paths, schema=schema, weights=weights)["tasks"].get("t")
        except Exception as exc:  # fewer than two annotators with labels at all
            if "two annotators" in str(exc):
                return None
            raise


@SETTINGS
@given(label_matrices(), st.sampled_from(MISSING))
def test_choice_statistics_match_references(case, missing):
    M, k = case
    out = run_choice(M, k, missing)
    active = [j for j in range(M.shape[1]) if (M[:, j] >= 0).any()]
    if len(active) < 2:
        assert out is None or out["items"] == 0
        return
    assert out is not None
    sub = M[:, active]
    sub = sub[(sub >= 0).any(axis=1)]
    names = [f"a{j}" for j in active]
    assert out["annotators"] == sorted(names)
    m = (sub >= 0).sum(axis=1)
    assert out["items"] == int((m >= 2).sum())
    assert out["items_complete"] == int(((m == len(active)) & (m >= 2)).sum())
    assert close(out["percent_agreement"], ref_percent(sub))
    assert close(out["fleiss_kappa"], ref_fleiss(sub, k))
    assert close(out["krippendorff_alpha"], ref_alpha(sub, k))
    for (a, na), (b, nb) in itertools.combinations(enumerate(names), 2):
        key = "|".join(sorted((na, nb)))
        assert close(out["cohen_kappa"][key], ref_cohen(sub, a, b, k, None)), key


@SETTINGS
@given(label_matrices(max_annotators=4), st.sampled_from(["linear", "quadratic"]))
def test_ordinal_statistics_match_references(case, weights):
    M, k = case
    out = run_choice(M, k, "absent", ordinal=True, weights=weights)
    active = [j for j in range(M.shape[1]) if (M[:, j] >= 0).any()]
    if out is None or len(active) < 2:
        return
    sub = M[:, active]
    names = [f"a{j}" for j in active]
    assert out["weights"] == weights
    assert close(out["krippendorff_alpha_ordinal"], ref_alpha(sub, k, "ordinal"))
    for (a, na), (b, nb) in itertools.combinations(enumerate(names), 2):
        key = "|".join(sorted((na, nb)))
        assert close(out["cohen_kappa_weighted"][key], ref_cohen(sub, a, b, k, weights))


def test_a_single_label_used_by_everyone_is_null_not_nan(tmp_path):
    values = [["x", "x", "x"]] * 5
    paths = write_task(tmp_path, values, ["a", "b", "c"])
    out = agree_files(paths)["tasks"]["t"]
    assert out["percent_agreement"] == 1.0
    assert out["fleiss_kappa"] is None and out["krippendorff_alpha"] is None
    assert set(out["cohen_kappa"].values()) == {None}


def test_many_annotators_in_one_file(tmp_path):
    rng = np.random.default_rng(5)
    M = rng.integers(0, 3, size=(40, 12))
    M[rng.random(M.shape) < 0.2] = -1
    values = [[f"L{v}" if v >= 0 else None for v in row] for row in M]
    paths = write_task(tmp_path, values, [f"r{i:02d}" for i in range(12)], one_file=True)
    out = agree_files(paths)["tasks"]["t"]
    assert len(out["cohen_kappa"]) == 66
    assert close(out["krippendorff_alpha"], ref_alpha(M, 3))
    assert close(out["fleiss_kappa"], ref_fleiss(M, 3))


@st.composite
def multi_matrices(draw):
    n_ann = draw(st.integers(2, 4))
    labels = ["p", "q", "r"][: draw(st.integers(1, 3))]
    n_items = draw(st.integers(1, 15))
    value = st.one_of(st.none(), st.lists(st.sampled_from(labels), unique=True))
    return [
        [sorted(v, key=labels.index) if v is not None else None
         for v in draw(st.lists(value, min_size=n_ann, max_size=n_ann))]
        for _ in range(n_items)
    ], labels  # fmt: skip


@SETTINGS
@given(multi_matrices())
def test_multi_choice_per_label_and_macro_mean(case):
    values, _labels = case
    annotators = [f"a{i}" for i in range(len(values[0]))]
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_task(Path(tmp), values, annotators)
        try:
            out = agree_files(paths)["tasks"]["t"]
        except Exception as exc:
            assert "two annotators" in str(exc)
            return
    assert out["kind"] == "multi_choice"
    active = [j for j, a in enumerate(annotators) if a in out["annotators"]]
    used = sorted({lab for row in values for v in row if v for lab in v})
    assert sorted(out["per_label"]) == used
    fleiss_all = []
    for label in used:
        M = np.array(
            [[-1 if row[j] is None else int(label in row[j]) for j in active] for row in values]
        )
        M = M[(M >= 0).any(axis=1)]
        got = out["per_label"][label]
        assert close(got["percent_agreement"], ref_percent(M))
        assert close(got["fleiss_kappa"], ref_fleiss(M, 2))
        assert close(got["krippendorff_alpha"], ref_alpha(M, 2))
        fleiss_all.append(ref_fleiss(M, 2))
    defined = [f for f in fleiss_all if f is not None]
    assert close(out["fleiss_kappa"], sum(defined) / len(defined) if defined else None)


def schema_of(kind: str, *labels: str):
    """Without a schema, a task whose values are all [] could be any list kind."""
    names = ", ".join(labels)
    return parse_schema(f"tasks:\n  - name: t\n    kind: {kind}\n    labels: [{names}]\n")


def ref_matching(a: list[tuple], b: list[tuple], fits) -> int:
    """Maximum one-to-one matching by brute force (tiny lists)."""
    best = 0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    for perm in itertools.permutations(range(len(large)), len(small)):
        best = max(best, sum(fits(small[i], large[j]) for i, j in enumerate(perm)))
    return best


span = st.tuples(st.integers(0, 6), st.integers(0, 3), st.sampled_from(["A", "B"]))


@SETTINGS
@given(st.lists(st.lists(st.lists(span, max_size=3), min_size=2, max_size=2), min_size=1,
                max_size=8))  # fmt: skip
def test_span_f1_exact_and_overlap(items):
    text = "abcdefghij"
    values = [
        [sorted(({"start": s, "end": s + w, "label": lab, "text": text[s : s + w]}
                 for s, w, lab in spans), key=lambda d: d["start"]) for spans in row]
        for row in items
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_task(Path(tmp), values, ["a", "b"])
        out = agree_files(paths, schema=schema_of("spans", "A", "B"))["tasks"]["t"]
    assert out["kind"] == "spans"
    tp = sizes = tp_overlap = 0
    for row in values:
        ka = Counter((d["start"], d["end"], d["label"]) for d in row[0])
        kb = Counter((d["start"], d["end"], d["label"]) for d in row[1])
        tp += sum((ka & kb).values())
        sizes += len(row[0]) + len(row[1])

        def overlap(x, y):
            if x["label"] != y["label"]:
                return False
            if x["start"] < y["end"] and y["start"] < x["end"]:
                return True
            empty = x["start"] == x["end"] or y["start"] == y["end"]
            return empty and x["start"] <= y["end"] and y["start"] <= x["end"]

        tp_overlap += ref_matching(row[0], row[1], overlap)
    want = 2 * tp / sizes if sizes else None
    assert close(out["span_f1"]["a|b"], want) and close(out["span_f1_mean"], want)
    want_overlap = 2 * tp_overlap / sizes if sizes else None
    assert close(out["span_f1_partial"]["a|b"], want_overlap)


mark = st.tuples(st.integers(0, 20), st.integers(0, 8), st.sampled_from(["A", "B"]))


@SETTINGS
@given(st.lists(st.lists(st.lists(mark, max_size=3), min_size=2, max_size=2), min_size=1,
                max_size=8), st.sampled_from([0.0, 0.2, 0.5]))  # fmt: skip
def test_mark_f1_one_to_one_within_tolerance(items, tolerance):
    values = [
        [sorted(({"start": s / 10, "end": (s + w) / 10, "label": lab} for s, w, lab in marks),
                key=lambda d: d["start"]) for marks in row]
        for row in items
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_task(Path(tmp), values, ["a", "b"])
        schema = schema_of("audio_marks", "A", "B")
        out = agree_files(paths, tolerance=tolerance, schema=schema)["tasks"]["t"]
    assert out["kind"] == "audio_marks"

    def fits(x, y):
        return (
            x["label"] == y["label"]
            and abs(x["start"] - y["start"]) <= tolerance + 1e-9
            and abs(x["end"] - y["end"]) <= tolerance + 1e-9
        )

    tp = sum(ref_matching(r[0], r[1], fits) for r in values)
    sizes = sum(len(r[0]) + len(r[1]) for r in values)
    want = 2 * tp / sizes if sizes else None
    assert close(out["mark_f1"]["a|b"], want) and close(out["mark_f1_mean"], want)


@pytest.mark.parametrize("seed", [1, 2])
def test_bootstrap_interval_holds_the_estimate_and_is_seedable(tmp_path, seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, size=200)
    M = np.stack([np.where(rng.random(200) < 0.8, truth, rng.integers(0, 3, 200))
                  for _ in range(3)], axis=1)  # fmt: skip
    values = [[f"L{v}" for v in row] for row in M]
    paths = write_task(tmp_path, values, ["a", "b", "c"])
    one = agree_files(paths, ci=True, seed=seed, ci_samples=300)["tasks"]["t"]
    two = agree_files(paths, ci=True, seed=seed, ci_samples=300)["tasks"]["t"]
    assert one["ci"] == two["ci"]
    for key in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha"):
        lo, hi = one["ci"][key]
        assert lo < one[key] < hi and hi - lo < 0.3
    lo, hi = one["ci"]["cohen_kappa"]["a|b"]
    assert lo < one["cohen_kappa"]["a|b"] < hi
