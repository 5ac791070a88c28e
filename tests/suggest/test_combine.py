"""Combining votes: majority (ties abstain) and Dawid–Skene (checked against crowd-kit)."""

from __future__ import annotations

import numpy as np
import pytest

from labeltui.core.dawid_skene import dawid_skene
from labeltui.core.suggest.combine import dawid_skene_combine, majority, union_spans


def test_majority_winner_share_and_ties_abstain():
    codes = np.array(
        [
            [0, 0, 1],  # 2 of 3 for 0
            [0, 1, -1],  # tie: abstain
            [-1, -1, -1],  # no votes
            [2, -1, -1],  # a single vote
            [1, 1, 1],
            [0, 1, 2],  # three-way tie
        ]
    )
    winners, scores = majority(codes, 3)
    assert winners.tolist() == [0, -1, -1, 2, 1, -1]
    assert scores[0] == pytest.approx(2 / 3)
    assert scores[3] == 1.0
    assert scores[4] == 1.0


def test_majority_matches_a_plain_count_with_many_labels():
    rng = np.random.default_rng(9)
    codes = np.where(rng.random((2000, 6)) < 0.5, rng.integers(0, 5000, (2000, 6)), -1)
    codes[:500, :3] = codes[:500, 3:]  # plenty of repeated votes
    winners, scores = majority(codes, 5000)
    for row, w, s in zip(codes.tolist(), winners.tolist(), scores.tolist(), strict=True):
        votes = [c for c in row if c >= 0]
        counts = {c: votes.count(c) for c in votes}
        best = max(counts.values(), default=0)
        leaders = [c for c, n in counts.items() if n == best]
        assert w == (leaders[0] if len(leaders) == 1 else -1)
        if votes:
            assert s == pytest.approx(best / len(votes))


def _votes(seed: int, n_items: int = 400, n_classes: int = 3):
    """Rules of different accuracy and coverage voting on items with a known truth."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(n_classes, size=n_items, p=[0.5, 0.3, 0.2][:n_classes])
    accuracy = [0.9, 0.8, 0.7, 0.6, 0.55]
    coverage = [0.6, 0.5, 0.7, 0.9, 0.4]
    columns = []
    for acc, cov in zip(accuracy, coverage, strict=True):
        right = rng.random(n_items) < acc
        wrong = (truth + rng.integers(1, n_classes, n_items)) % n_classes
        vote = np.where(right, truth, wrong)
        columns.append(np.where(rng.random(n_items) < cov, vote, -1))
    return np.stack(columns, axis=1), truth


def _crowdkit(codes: np.ndarray, n_classes: int):
    import pandas as pd
    from crowdkit import aggregation  # a test dependency (pyproject's `test` extra): never skipped

    rows = [(i, w, int(c)) for i in range(codes.shape[0]) for w, c in enumerate(codes[i]) if c >= 0]
    df = pd.DataFrame(rows, columns=["task", "worker", "label"])
    model = aggregation.DawidSkene(n_iter=100, tol=1e-5)
    probas = model.fit_predict_proba(df)
    tasks = sorted(set(df["task"]))
    out = probas.loc[tasks, list(range(n_classes))].to_numpy()
    return tasks, out, model


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dawid_skene_without_abstains_matches_crowd_kit(seed):
    codes, _ = _votes(seed)
    tasks, expected, model = _crowdkit(codes, 3)
    ours = dawid_skene(codes, 3, abstain_as_class=False)
    np.testing.assert_allclose(ours.posteriors[tasks], expected, atol=1e-6)
    np.testing.assert_allclose(ours.priors, model.priors_.loc[[0, 1, 2]].to_numpy(), atol=1e-6)
    assert ours.iterations == len(model.loss_history_)
    # items nobody voted on get the prior
    empty = np.flatnonzero((codes < 0).all(axis=1))
    for i in empty:
        np.testing.assert_allclose(ours.posteriors[i], ours.priors)


def test_dawid_skene_confusions_match_crowd_kit():
    codes, _ = _votes(5)
    _, _, model = _crowdkit(codes, 3)
    ours = dawid_skene(codes, 3)
    for w in range(codes.shape[1]):
        theirs = model.errors_.loc[w].loc[[0, 1, 2], [0, 1, 2]].to_numpy()
        np.testing.assert_allclose(ours.errors[w], theirs, atol=1e-6)


def test_dawid_skene_finds_the_good_rules():
    codes, truth = _votes(3, n_items=3000)
    result = dawid_skene(codes, 3, abstain_as_class=True)
    accuracy = result.worker_accuracy()
    assert accuracy[0] > accuracy[3] > 0.4  # the 0.9 rule is rated above the 0.6 one
    voted = (codes >= 0).any(axis=1)
    hits = (result.posteriors.argmax(axis=1) == truth)[voted].mean()
    assert hits > 0.8


def test_dawid_skene_combine_scores_are_posteriors_and_no_votes_abstain():
    codes, _ = _votes(4)
    winners, scores = dawid_skene_combine(codes, 3)
    full = dawid_skene(codes, 3, abstain_as_class=True)
    none = (codes < 0).all(axis=1)
    assert (winners[none] == -1).all()
    assert np.allclose(scores[~none], full.posteriors[~none].max(axis=1))
    assert (winners[~none] == full.posteriors[~none].argmax(axis=1)).all()
    # abstaining as an outcome is a different model from crowd-kit's: not the same posteriors
    assert not np.allclose(full.posteriors, dawid_skene(codes, 3).posteriors, atol=1e-3)


def test_pattern_grouping_is_exact():
    """Grouping items by vote pattern gives what running EM on every row would."""
    codes, _ = _votes(6, n_items=200)
    doubled = np.concatenate([codes, codes])
    once = dawid_skene(codes, 3, abstain_as_class=True)
    twice = dawid_skene(doubled, 3, abstain_as_class=True)
    np.testing.assert_allclose(twice.posteriors[:200], once.posteriors, atol=1e-9)


def test_union_spans_removes_duplicates_and_sorts():
    a = [{"start": 5, "end": 8, "label": "X", "text": "abc"}]
    b = [
        {"start": 0, "end": 2, "label": "Y", "text": "hi"},
        {"start": 5, "end": 8, "label": "X", "text": "abc"},
    ]
    assert [s["start"] for s in union_spans([a, b])] == [0, 5]
