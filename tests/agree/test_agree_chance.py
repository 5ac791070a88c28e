"""Gwet's AC1/AC2, Brennan-Prediger, interval alpha, per-label kappa and `warnings` (FORMAT
section 11), against irrCAC and the `krippendorff` package (test-only) and Gwet's published
example."""

from __future__ import annotations

import math
import tempfile
import warnings
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from agree_helpers import write_task
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from irrCAC.raw import CAC

from labeltui.core.agree import agree_files
from labeltui.core.agree.analyze import label_numbers
from labeltui.core.schema import parse_schema

TOL = 1e-9
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(M: np.ndarray, labels: list[str], ordinal: bool = False, weights: str | None = None):
    """Write M (items x annotators, label positions, -1 missing) as files; the task object."""
    annotators = [f"a{i}" for i in range(M.shape[1])]
    values = [[labels[v] if v >= 0 else None for v in row] for row in M]
    quoted = ", ".join(f"'{label}'" for label in labels)
    schema = parse_schema(
        "tasks:\n  - name: t\n    kind: choice\n"
        + ("    ordinal: true\n" if ordinal else "")
        + f"    labels: [{quoted}]\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_task(Path(tmp), values, annotators)
        return agree_files(paths, schema=schema, weights=weights)["tasks"]["t"]


def irr(M: np.ndarray, q: int, weights: str = "identity") -> CAC:
    """irrCAC on the same ratings: columns are raters, NaN missing, categories 0..q-1.

    Annotators with no label at all are dropped first, as labeltui's task has only annotators
    with a current label."""
    M = M[:, (M >= 0).any(axis=0)]
    frame = pd.DataFrame(np.where(M >= 0, M, np.nan).astype(float))
    return CAC(frame, weights=weights, categories=list(range(q)), digits=15)


def coefficient(result: dict) -> float | None:
    value = float(result["est"]["coefficient_value"])
    return None if not math.isfinite(value) else value


# -- Gwet's published example -------------------------------------------------------------------

# Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., the 4 raters x 12 units
# example (irrCAC's `raw_4raters`, R irrCAC's `cac.raw4raters`): AC1 = 0.7754, pa = 0.8182,
# pe = 0.1903. No rater scored every unit; unit 12 was rated once, so it counts in the
# category shares and not in the observed agreement.
RAW_4RATERS = [
    [1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1],
    [None, None, 3, None],
]  # fmt: skip


def test_gwet_2014_four_raters():
    M = np.array([[-1 if v is None else v - 1 for v in row] for row in RAW_4RATERS])
    out = run(M, ["1", "2", "3", "4", "5"])
    assert round(out["gwet_ac1"], 4) == 0.7754
    assert out["gwet_ac1"] == pytest.approx(0.77544, abs=5e-6)
    # Brennan-Prediger on the same data: pa 0.81818 (9/11), pe 1/5.
    assert out["brennan_prediger"] == pytest.approx((9 / 11 - 0.2) / 0.8, abs=TOL)
    assert out["brennan_prediger"] == pytest.approx(coefficient(irr(M, 5).bp()), abs=TOL)


# -- random data against irrCAC and krippendorff -----------------------------------------------


@st.composite
def matrices(draw, max_labels: int = 5):
    n_ann = draw(st.integers(2, 5))
    q = draw(st.integers(2, max_labels))
    n_items = draw(st.integers(1, 25))
    p_missing = draw(st.sampled_from([0.0, 0.3, 0.6]))
    cells = st.integers(0, q - 1)
    if p_missing:
        cells = st.one_of(cells, st.just(-1))
    rows = draw(st.lists(st.lists(cells, min_size=n_ann, max_size=n_ann), min_size=n_items,
                         max_size=n_items))  # fmt: skip
    return np.array(rows, dtype=np.int64).reshape(n_items, n_ann), q


def defined(M: np.ndarray) -> bool:
    """Two annotators with labels and an item rated twice (else labeltui has no task object),
    and two rated items (irrCAC's variance divides by n - 1 even for the estimate)."""
    rated = M >= 0
    return bool(rated.any(axis=0).sum() >= 2 and (rated.sum(axis=1) >= 2).any()
                and rated.any(axis=1).sum() >= 2)  # fmt: skip


@SETTINGS
@given(matrices())
def test_gwet_ac1_and_brennan_prediger_match_irrcac(case):
    M, q = case
    if not defined(M):
        return
    out = run(M, [f"L{i}" for i in range(q)])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        ref = irr(M, q)
        want_ac1, want_bp = coefficient(ref.gwet()), coefficient(ref.bp())
    assert out["gwet_ac1"] == pytest.approx(want_ac1, abs=TOL)
    assert out["brennan_prediger"] == pytest.approx(want_bp, abs=TOL)


@SETTINGS
@given(matrices(), st.sampled_from(["linear", "quadratic"]))
def test_gwet_ac2_matches_irrcac_with_the_same_weights(case, weights):
    M, q = case
    if not defined(M):
        return
    out = run(M, [f"L{i}" for i in range(q)], ordinal=True, weights=weights)
    assert out["weights"] == weights
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        want = coefficient(irr(M, q, weights).gwet())
    assert out["gwet_ac2"] == pytest.approx(want, abs=TOL)
    assert "gwet_ac2" not in run(M, [f"L{i}" for i in range(q)])  # nominal tasks: AC1 only


@SETTINGS
@given(matrices(max_labels=4), st.sampled_from([(1, 2, 3, 4), (-1, 0, 2.5, 10), (0, 5, 7, 100)]))
def test_interval_alpha_matches_krippendorff_on_the_label_values(case, numbers):
    M, q = case
    if not defined(M):
        return
    values = np.array(numbers[:q], dtype=float)
    labels = [str(v).removesuffix(".0") if float(v).is_integer() else str(v) for v in values]
    out = run(M, labels, ordinal=True)
    data = np.where(M >= 0, values[np.maximum(M, 0)], np.nan).T
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            want = krippendorff.alpha(data, level_of_measurement="interval")
    except ValueError:  # one value in the data only
        want = float("nan")
    want = None if not math.isfinite(want) else float(want)
    if want is None:
        assert out["krippendorff_alpha_interval"] is None
    else:
        assert out["krippendorff_alpha_interval"] == pytest.approx(want, abs=TOL)


def test_interval_alpha_only_for_ordinal_tasks_whose_labels_are_numbers():
    M = np.array([[0, 0], [1, 1], [0, 1]])
    assert "krippendorff_alpha_interval" in run(M, ["1", "2"], ordinal=True)
    assert "krippendorff_alpha_interval" not in run(M, ["1", "2"])  # nominal
    assert "krippendorff_alpha_interval" not in run(M, ["low", "high"], ordinal=True)


@pytest.mark.parametrize(
    "labels,numbers",
    [
        (["1", "2", "3"], [1.0, 2.0, 3.0]),
        (["-1", "0.5", "2e3"], [-1.0, 0.5, 2000.0]),
        (["nan", "1"], None),
        (["inf", "1"], None),
        (["1_000", "2"], None),
        (["01", "2"], None),
        (["1 ", "2"], None),
        ([], None),
    ],
)
def test_label_numbers_takes_only_labels_written_as_numbers(labels, numbers):
    got = label_numbers(labels)
    assert (got is None) if numbers is None else got.tolist() == numbers


def test_per_label_kappa_of_a_choice_task_is_one_label_against_the_rest():
    M = np.array([[0, 0, 0], [1, 1, 2], [2, 2, 2], [0, 1, 0], [1, 1, 1], [2, 0, 2]] * 3)
    out = run(M, ["a", "b", "c"])
    for i, label in enumerate("abc"):
        binary = (i == M).astype(float)
        table = np.stack([(binary == 0).sum(axis=1), (binary == 1).sum(axis=1)], axis=1)
        from statsmodels.stats.inter_rater import fleiss_kappa

        assert out["per_label"][label]["fleiss_kappa"] == pytest.approx(fleiss_kappa(table))


# -- warnings ------------------------------------------------------------------------------------


def test_a_statistic_on_fewer_than_ten_items_carries_a_warning_naming_it():
    M = np.array([[0, 0], [1, 1], [0, 1]])
    out = run(M, ["x", "y"])
    assert "percent_agreement rests on 3 items (fewer than 10)" in out["warnings"]
    assert "fleiss_kappa rests on 3 items (fewer than 10)" in out["warnings"]
    assert "gwet_ac1 rests on 3 items (fewer than 10)" in out["warnings"]
    assert "cohen_kappa a0|a1 rests on 3 items (fewer than 10)" in out["warnings"]
    many = run(np.tile(M, (4, 1)), ["x", "y"])
    assert many["items"] == 12 and many["warnings"] == []


def test_fleiss_kappa_on_one_complete_item_of_fifteen_is_flagged():
    """The case the issue names: Fleiss' kappa printed from 1 complete item of 15."""
    M = np.full((15, 3), -1)
    M[:, 0] = 0
    M[:7, 1] = [0, 1, 0, 1, 0, 1, 0]
    M[7:, 2] = [1, 0, 1, 0, 1, 0, 1, 1]
    M[0, 2] = 0  # the one complete item
    out = run(M, ["x", "y"])
    assert out["items"] == 15 and out["items_complete"] == 1
    assert "fleiss_kappa rests on 1 item (fewer than 10)" in out["warnings"]
    assert not any(w.startswith("percent_agreement") for w in out["warnings"])


def test_fleiss_kappa_on_fewer_than_half_of_the_items_is_flagged():
    M = np.zeros((30, 3), dtype=np.int64)
    M[::2, 1] = 1
    M[:18, 2] = -1  # 12 complete items of 30
    out = run(M, ["x", "y"])
    assert out["items"] == 30 and out["items_complete"] == 12
    assert (
        "fleiss_kappa uses only the 12 items every annotator labelled, fewer than half of the "
        "30 items" in out["warnings"]
    )
