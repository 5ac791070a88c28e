"""Active learning, simulated: accuracy after 50/100/200 labels, uncertainty order vs file order.

An annotator who always answers with the gold label works through a labelled text dataset with
`annotate --learn`'s model (`labeltui.core.learn.model.Model`). Two orders are compared:

- file order: the next item of the file, each time;
- uncertainty order: as `LearnSession` does, the most uncertain of the next `--sample`
  unanswered items from the front of the queue (the model is refitted every `--every` labels,
  as the background worker does when the annotator is faster than a fit; before the model has
  two different answers, file order).

Accuracy is measured on a held-out test set after 50, 100 and 200 labels, averaged over
`--runs` file orders (each run shuffles the pool with its own seed).

The dataset (no download: built here, deterministically, from `--seed`): six "support ticket"
classes with unequal shares (35, 25, 15, 12, 8, 5 %). Each document has 20-80 words: each word
is one of its class's 40 topic words with probability 0.15, one of another class's topic words
with probability 0.03, else one of 5,000 background words drawn by a Zipf law (s = 1.1).
Classes 0 and 1 share 20 of their topic words, classes 2 and 3 share 15 (confusable pairs),
and 3 % of the labels are flipped to a random class. 20,000 pool items, 3,000 test items.

    python benchmarks/learn.py [--runs 3] [--classifier sgd|nb|saga]
        [--strategy entropy|least|margin]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

warnings.simplefilter("ignore")  # ConvergenceWarning of a capped refit: the worker too

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from labeltui.core.learn.model import Model, TaskSpec  # noqa: E402

CLASSES = ["billing", "refund", "bug", "crash", "shipping", "privacy"]
SHARES = [0.35, 0.25, 0.15, 0.12, 0.08, 0.05]
CHECKPOINTS = (50, 100, 200)


def make_dataset(
    seed: int, pool: int, test: int
) -> tuple[list[str], list[str], list[str], list[str]]:
    """(pool texts, pool labels, test texts, test labels): the recipe in the docstring."""
    rng = np.random.default_rng(seed)
    background = [f"b{i}" for i in range(5000)]
    zipf = 1.0 / np.arange(1, 5001) ** 1.1
    zipf /= zipf.sum()
    topic = [[f"t{c}_{i}" for i in range(40)] for c in range(len(CLASSES))]
    topic[1][:20] = topic[0][:20]
    topic[3][:15] = topic[2][:15]

    def make(n: int) -> tuple[list[str], list[str]]:
        classes = rng.choice(len(CLASSES), size=n, p=SHARES)
        lengths = rng.integers(20, 81, size=n)
        kinds = rng.random(int(lengths.sum()))
        picks = rng.integers(40, size=len(kinds))
        others = rng.integers(len(CLASSES) - 1, size=len(kinds))
        common = rng.choice(5000, size=len(kinds), p=zipf)
        flips = rng.random(n)
        flipped = rng.integers(len(CLASSES), size=n)
        texts, labels = [], []
        at = 0
        for d, c in enumerate(classes):
            words = []
            for w in range(at, at + lengths[d]):
                if kinds[w] < 0.15:
                    words.append(topic[c][picks[w]])
                elif kinds[w] < 0.18:
                    words.append(topic[(c + 1 + others[w]) % len(CLASSES)][picks[w]])
                else:
                    words.append(background[common[w]])
            at += lengths[d]
            texts.append(" ".join(words))
            labels.append(CLASSES[c if flips[d] >= 0.03 else flipped[d]])
        return texts, labels

    pool_texts, pool_labels = make(pool)
    test_texts, test_labels = make(test)
    return pool_texts, pool_labels, test_texts, test_labels


def accuracy(model: Model, texts: list[str], labels: list[str]) -> float:
    scored = model.score(texts)
    right = sum(
        1
        for (suggested, _), gold in zip(scored, labels, strict=True)
        if suggested.get("team", [{}])[0].get("value") == gold
    )
    return right / len(labels)


def simulate(
    texts: list[str],
    labels: list[str],
    test: tuple[list[str], list[str]],
    order: str,
    strategy: str,
    classifier: str,
    sample: int,
    every: int,
) -> tuple[dict[int, float], float]:
    """Accuracy at each checkpoint, and the mean seconds of one refit + scoring."""
    model = Model([TaskSpec("team", "choice", tuple(CLASSES))], strategy, classifier)
    answered: set[int] = set()
    front = 0
    queue: list[int] = []  # most uncertain first, from the last scoring
    out: dict[int, float] = {}
    costs: list[float] = []
    while len(answered) < max(CHECKPOINTS):
        while front in answered:
            front += 1
        pick = front
        if order == "uncertainty":
            queue = [i for i in queue if i not in answered]
            if queue:
                pick = queue.pop(0)
        answered.add(pick)
        model.set_example(str(pick), texts[pick], {"team": labels[pick]})
        if len(answered) % every == 0 or len(answered) in CHECKPOINTS:
            start = time.perf_counter()
            fitted = model.fit()
            if order == "uncertainty" and fitted:
                window = [
                    i
                    for i in range(front, min(len(texts), front + 4 * sample))
                    if i not in answered
                ]
                window = window[:sample]
                scores = model.score([texts[i] for i in window])
                ranked = sorted(zip(window, scores, strict=True), key=lambda e: -e[1][1])
                queue = [i for i, _ in ranked]
            costs.append(time.perf_counter() - start)
        if len(answered) in CHECKPOINTS:
            out[len(answered)] = accuracy(model, *test) if model.fit() else 0.0
    return out, statistics.mean(costs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--pool", type=int, default=20_000)
    parser.add_argument("--test", type=int, default=3_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--every", type=int, default=5)
    parser.add_argument("--classifier", default="sgd")
    parser.add_argument("--strategy", default="entropy")
    args = parser.parse_args()
    start = time.perf_counter()
    pool_texts, pool_labels, test_texts, test_labels = make_dataset(args.seed, args.pool, args.test)
    print(
        f"dataset built in {time.perf_counter() - start:.1f} s: {args.pool} pool, {args.test} test"
    )
    results: dict[str, list[dict[int, float]]] = {"file": [], "uncertainty": []}
    costs: list[float] = []
    for run in range(args.runs):
        perm = np.random.default_rng(args.seed + 1 + run).permutation(args.pool)
        texts = [pool_texts[i] for i in perm]
        labels = [pool_labels[i] for i in perm]
        for order in results:
            got, cost = simulate(
                texts, labels, (test_texts, test_labels), order, args.strategy,
                args.classifier, args.sample, args.every,
            )  # fmt: skip
            results[order].append(got)
            costs.append(cost)
    print(
        f"classifier {args.classifier}, uncertainty {args.strategy}, {args.runs} runs, "
        f"refit + score every {args.every} labels: {statistics.mean(costs) * 1000:.0f} ms each"
    )
    print(f"{'order':<12}" + "".join(f"{n:>5} labels" for n in CHECKPOINTS))
    for order, runs in results.items():
        means = [statistics.mean(r[n] for r in runs) for n in CHECKPOINTS]
        print(f"{order:<12}" + "".join(f"{m:>11.3f}" for m in means))


if __name__ == "__main__":
    main()
