"""Dawid–Skene EM: true classes and each worker's confusion matrix from votes alone.

One implementation for every caller: `labeltui suggest --combine dawid-skene` (the workers are
labelling rules) and `agree --competence` (the workers are annotators). Input is an
items × workers matrix of class codes, -1 for "no vote".

The EM is the one of Dawid and Skene (1979) as crowd-kit's `DawidSkene` runs it (initialised
from the majority vote's shares, priors from the mean posterior, confusion entries clipped at
1e-10, stopped when the evidence lower bound per vote gains less than `tol`), so the two agree
on the same votes; the tests check it. Two choices are added:

- `abstain_as_class`: a missing vote is one more outcome of each worker's confusion matrix
  (weak supervision: a rule that stays silent on some class tells something). Without it, missing
  votes are left out and items without any vote are not fitted (crowd-kit's way); they get the
  prior.
- Items are grouped by their vote pattern first: a million items voted on by ten rules have a
  few thousand distinct rows, and the EM runs over those, weighted by their counts. This is
  exact, and makes each iteration cost microseconds instead of a pass over all items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = 1e-10
"""Floor of confusion entries and priors (crowd-kit's `_EPS`): no log of zero."""


@dataclass(frozen=True)
class DawidSkeneResult:
    posteriors: np.ndarray
    """items × classes: the probability of each true class."""
    priors: np.ndarray
    """classes: the estimated share of each true class."""
    errors: np.ndarray
    """workers × outcomes × classes: P(worker votes outcome | true class); the last outcome is
    "abstained" when `abstain_as_class`."""
    iterations: int

    def worker_accuracy(self) -> np.ndarray:
        """Each worker's probability of voting the true class (over the estimated priors),
        among its votes: sum_k prior_k · P(vote k | k) / P(vote at all)."""
        k = len(self.priors)
        hit = np.einsum("wkk,k->w", self.errors[:, :k, :], self.priors)
        voted = np.einsum("wlk,k->w", self.errors[:, :k, :], self.priors)
        return np.divide(hit, voted, out=np.full_like(hit, np.nan), where=voted > 0)


def dawid_skene(
    codes: np.ndarray,
    n_classes: int,
    *,
    abstain_as_class: bool = False,
    n_iter: int = 100,
    tol: float = 1e-5,
) -> DawidSkeneResult:
    """Fit Dawid–Skene to `codes` (items × workers, values in 0..n_classes-1, -1: no vote)."""
    codes = np.asarray(codes)
    if codes.ndim != 2:
        raise ValueError("codes must be an items × workers matrix")
    n_items, n_workers = codes.shape
    if n_items and (codes.max(initial=-1) >= n_classes or codes.min(initial=0) < -1):
        raise ValueError("a code is outside -1..n_classes-1")
    n_out = n_classes + 1 if abstain_as_class else n_classes
    voted = codes >= 0
    fitted = np.ones(n_items, dtype=bool) if abstain_as_class else voted.any(axis=1)
    small = codes.astype(np.int16 if n_classes < 32000 else np.int64)
    patterns, inverse, counts = np.unique(
        small[fitted], axis=0, return_inverse=True, return_counts=True
    )
    inverse = np.asarray(inverse).reshape(-1)
    weights = counts.astype(np.float64)
    if abstain_as_class:
        outcome = np.where(patterns < 0, n_classes, patterns)
        mask = np.ones_like(patterns, dtype=bool)
    else:
        outcome = np.where(patterns < 0, 0, patterns)
        mask = patterns >= 0
    total_votes = float((mask * weights[:, None]).sum())

    probas = _majority(patterns, n_classes)
    errors = np.full((n_workers, n_out, n_classes), 1.0 / n_out)
    priors = np.full(n_classes, 1.0 / n_classes)
    iterations = 0
    if len(patterns):
        priors = _priors(probas, weights)
        errors = _m_step(outcome, mask, probas, weights, n_out)
        loss = -np.inf
        for iterations in range(1, n_iter + 1):  # noqa: B007 - returned
            probas = _e_step(outcome, mask, priors, errors)
            priors = _priors(probas, weights)
            errors = _m_step(outcome, mask, probas, weights, n_out)
            new_loss = _elbo(outcome, mask, probas, priors, errors, weights) / max(total_votes, 1.0)
            if new_loss - loss < tol:
                break
            loss = new_loss
    posteriors = np.empty((n_items, n_classes))
    posteriors[fitted] = probas[inverse] if len(patterns) else priors
    posteriors[~fitted] = priors
    return DawidSkeneResult(posteriors, priors, errors, iterations)


def _majority(patterns: np.ndarray, n_classes: int) -> np.ndarray:
    """Each pattern's vote shares (crowd-kit's MajorityVote probabilities); no vote: uniform."""
    shares = np.zeros((len(patterns), n_classes))
    for w in range(patterns.shape[1]):
        column = patterns[:, w]
        rows = np.flatnonzero(column >= 0)
        shares[rows, column[rows]] += 1.0
    total = shares.sum(axis=1, keepdims=True)
    empty = total[:, 0] == 0
    shares[empty] = 1.0
    total[empty] = n_classes
    return shares / total


def _priors(probas: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return (probas * weights[:, None]).sum(axis=0) / weights.sum()


def _m_step(
    outcome: np.ndarray, mask: np.ndarray, probas: np.ndarray, weights: np.ndarray, n_out: int
) -> np.ndarray:
    """errors[w, l, k] ∝ Σ_items weight · P(true k) · [worker w voted l], normalised over l."""
    n_workers = outcome.shape[1]
    weighted = probas * weights[:, None]
    errors = np.zeros((n_workers, n_out, probas.shape[1]))
    for w in range(n_workers):
        rows = mask[:, w]
        np.add.at(errors[w], outcome[rows, w], weighted[rows])
    # crowd-kit clips only the outcomes a worker gave; the others stay at EPS here, which moves
    # nothing measurable.
    np.clip(errors, EPS, None, out=errors)
    errors /= errors.sum(axis=1, keepdims=True)
    return errors


def _log_likelihood(
    outcome: np.ndarray, mask: np.ndarray, priors: np.ndarray, errors: np.ndarray
) -> np.ndarray:
    log_errors = np.log(errors)
    out = np.tile(np.log(np.clip(priors, EPS, None)), (len(outcome), 1))
    for w in range(outcome.shape[1]):
        out += np.where(mask[:, w, None], log_errors[w][outcome[:, w]], 0.0)
    return out


def _e_step(
    outcome: np.ndarray, mask: np.ndarray, priors: np.ndarray, errors: np.ndarray
) -> np.ndarray:
    log_lik = _log_likelihood(outcome, mask, priors, errors)
    log_lik -= log_lik.max(axis=1, keepdims=True)
    scaled = np.exp(log_lik)
    return scaled / scaled.sum(axis=1, keepdims=True)


def _elbo(
    outcome: np.ndarray,
    mask: np.ndarray,
    probas: np.ndarray,
    priors: np.ndarray,
    errors: np.ndarray,
    weights: np.ndarray,
) -> float:
    """crowd-kit's evidence lower bound: the prior is counted once per vote, as there."""
    log_errors = np.log(errors)
    log_prior = np.log(np.clip(priors, EPS, None))
    joint = np.zeros_like(probas)
    for w in range(outcome.shape[1]):
        joint += np.where(mask[:, w, None], log_errors[w][outcome[:, w]] + log_prior, 0.0)
    expectation = float(((probas * joint).sum(axis=1) * weights).sum())
    clipped = np.clip(probas, EPS, None)
    entropy = float((-(np.log(clipped) * clipped).sum(axis=1) * weights).sum())
    return expectation + entropy
