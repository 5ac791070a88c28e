"""`agree --competence` (issue 19 item 4): each annotator's accuracy estimated by Dawid-Skene from
the answers alone, the same EM as `suggest --combine dawid-skene`, checked against crowd-kit's
DawidSkene on the same answers; and it finds the careless annotator."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from agree_helpers import write_task
from crowdkit.aggregation import DawidSkene

from labeltui.core.agree import agree_files
from labeltui.core.schema import parse_schema

LABELS = ["a", "b", "c"]
SCHEMA = parse_schema("tasks:\n  - {name: t, kind: choice, labels: [a, b, c]}\n")


def answers(seed: int, n_items: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """Four annotators, right 90/80/70/40% of the time, each skipping some items."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(3, size=n_items, p=[0.5, 0.3, 0.2])
    columns = []
    for skill in (0.9, 0.8, 0.7, 0.4):
        wrong = (truth + rng.integers(1, 3, size=n_items)) % 3
        vote = np.where(rng.random(n_items) < skill, truth, wrong)
        columns.append(np.where(rng.random(n_items) < 0.85, vote, -1))
    return np.stack(columns, axis=1), truth


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_competence_matches_crowd_kit_and_ranks_the_annotators(tmp_path, seed):
    M, _ = answers(seed)
    values = [[LABELS[v] if v >= 0 else None for v in row] for row in M]
    names = ["w0", "w1", "w2", "w3"]
    paths = write_task(tmp_path, values, names)
    out = agree_files(paths, schema=SCHEMA, competence=True)["tasks"]["t"]["competence"]
    assert out["method"] == "dawid-skene"
    rows = [(i, names[w], LABELS[c]) for i in range(len(M)) for w, c in enumerate(M[i]) if c >= 0]
    model = DawidSkene(n_iter=100, tol=1e-5)
    model.fit(pd.DataFrame(rows, columns=["task", "worker", "label"]))
    priors = model.priors_.loc[LABELS].to_numpy()
    for who in names:
        errors = model.errors_.loc[who].loc[LABELS, LABELS].to_numpy()  # rows: vote, cols: truth
        want = float(np.sum(np.diag(errors) * priors))
        assert out["accuracy"][who] == pytest.approx(want, abs=1e-6)
    assert [out["priors"][label] for label in LABELS] == pytest.approx(priors, abs=1e-6)
    ranked = sorted(names, key=lambda w: -out["accuracy"][w])
    assert ranked[-1] == "w3"  # the careless one comes last


def test_competence_in_the_report(tmp_path):
    M, _ = answers(7, n_items=60)
    values = [[LABELS[v] if v >= 0 else None for v in row] for row in M]
    paths = write_task(tmp_path, values, ["w0", "w1", "w2", "w3"])
    done = subprocess.run(
        [sys.executable, "-m", "labeltui", "agree", *map(str, paths), "--competence"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Estimated accuracy without gold (Dawid-Skene)" in done.stdout
    assert "competence" not in agree_files(paths)["tasks"]["t"]  # only when asked
