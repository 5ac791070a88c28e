"""Published worked examples, reproduced through annotation files and `agree_files`."""

from __future__ import annotations

import pytest
from agree_helpers import write_task

from labeltui.core.agree import agree_files
from labeltui.core.schema import parse_schema

# Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
# Bulletin 76(5), 378-382, Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses
# (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other); kappa = .430.
# The per-rater assignment is the one R's irr package ships as `diagnoses` (only the counts
# per patient matter to Fleiss' kappa).
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]  # fmt: skip
NAMES = {1: "depression", 2: "personality", 3: "schizophrenia", 4: "neurosis", 5: "other"}


def test_fleiss_1971_diagnoses(tmp_path):
    values = [[NAMES[v] for v in row] for row in DIAGNOSES]
    paths = write_task(tmp_path, values, [f"psychiatrist{i}" for i in range(1, 7)])
    out = agree_files(paths)["tasks"]["t"]
    assert out["items"] == out["items_complete"] == 30
    assert round(out["fleiss_kappa"], 3) == 0.430
    assert out["fleiss_kappa"] == pytest.approx(0.4302445, abs=1e-7)  # R irr::kappam.fleiss


# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. University of
# Pennsylvania, ScholarlyCommons (Departmental Papers, ASC), section C "Nominal data, any number
# of observers, missing data": observers A-D, 12 units, values 1-5, "." missing.
# Published: nominal alpha = 0.743; ordinal alpha = 0.815 (section E, same data).
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


@pytest.mark.parametrize("missing", ["absent", "null", "skipped"])
def test_krippendorff_2011_worked_example(tmp_path, missing):
    observers = sorted(KRIPPENDORFF_2011)
    values = [
        [None if KRIPPENDORFF_2011[o][u] is None else str(KRIPPENDORFF_2011[o][u])
         for o in observers]
        for u in range(12)
    ]  # fmt: skip
    paths = write_task(tmp_path, values, observers, missing=missing)
    schema = parse_schema(
        "tasks:\n  - name: t\n    kind: choice\n    ordinal: true\n"
        "    labels: ['1', '2', '3', '4', '5']\n"
    )
    out = agree_files(paths, schema=schema)["tasks"]["t"]
    # unit 12 has one value only: not pairable, so 11 items
    assert out["items"] == 11
    assert round(out["krippendorff_alpha"], 3) == 0.743
    assert round(out["krippendorff_alpha_ordinal"], 3) == 0.815
