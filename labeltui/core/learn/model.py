"""The text model behind `annotate --learn`: fitted on the annotator's saves, it suggests an
answer for each `choice` and `multi_choice` task of an item, with its probability, and says how
unsure it is (`uncertainty`).

Features are word unigrams and bigrams hashed into 2^18 columns (`HashingVectorizer`: no
vocabulary to fit or keep, so a refit costs only the classifier); each `choice` task is one
classifier over the labels saved so far, each `multi_choice` task one yes/no classifier per
label (one-vs-rest). The classifier is multinomial naive Bayes (a linear model over the hashed
counts): `benchmarks/learn.py` measured it against logistic regression fitted by SGD and by
saga, and it learned fastest from few answers (0.59 accuracy after 50 labels in uncertainty
order, against 0.37 for SGD) and fits in milliseconds (lbfgs over 2^18 columns took seconds
even for 5 answers). Its probabilities are overconfident: they order the queue well, but a
shown score near 1 means less than it says. See benchmarks/README.md.

scikit-learn is imported only when a model is fitted (in the worker process,
`core.learn.worker`): the core and the CLI never load it otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from labeltui.core.learn.uncertainty import multilabel_uncertainty, uncertainty

AGENT = "model"
"""The suggestions' `agent` (FORMAT section 9)."""
MAX_TEXT = 10_000
"""Characters of an item's text the model reads (a 100 MB pasted log is cut here)."""
N_FEATURES = 1 << 18
CLASSIFIER = "nb"
"""The linear model (`make_classifier`); benchmarks/learn.py compares the others."""
CLASSIFIERS = ("sgd", "nb", "saga")


def make_classifier(name: str = CLASSIFIER) -> Any:
    """A scikit-learn classifier with `predict_proba`, fitted from scratch on each refit:

    - `nb` (the default): multinomial naive Bayes; a tiny `alpha`, since the l2-normalised
      hashed rows hold small numbers over 2^18 columns and a larger smoothing drowns them
      (alpha 0.1 predicted the commonest label for every item);
    - `sgd`: logistic loss by stochastic gradient descent (one-vs-rest, probabilities
      normalised);
    - `saga`: multinomial logistic regression (2x slower than SGD to fit here).
    """
    if name == "nb":
        from sklearn.naive_bayes import MultinomialNB  # type: ignore[import-untyped]

        return MultinomialNB(alpha=1e-3)
    from sklearn.linear_model import LogisticRegression, SGDClassifier  # type: ignore[import-untyped]

    if name == "saga":
        return LogisticRegression(C=10.0, solver="saga", max_iter=30, tol=1e-3)
    return SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=30, tol=1e-3, random_state=0)


@dataclass(frozen=True)
class TaskSpec:
    """What the model needs of a schema task: its name, kind and labels (in schema order)."""

    name: str
    kind: str
    """`choice` or `multi_choice`."""
    labels: tuple[str, ...]


def learnable(kind: str) -> bool:
    """The task kinds the model answers."""
    return kind in ("choice", "multi_choice")


def model_text(value: Any) -> str | None:
    """The text the model reads for an item's text field (None: no usable text)."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = value[:MAX_TEXT]
    return value if value.strip() else None


def _target(task: TaskSpec, value: Any) -> Any:
    """The training target a saved value gives (None: the save says nothing for this task)."""
    if task.kind == "choice":
        return value if isinstance(value, str) else None  # null: no answer to learn from
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    return None


class Model:
    """The examples (the annotator's saves) and the models fitted on them."""

    def __init__(
        self, tasks: list[TaskSpec], strategy: str = "entropy", classifier: str = CLASSIFIER
    ) -> None:
        self.tasks = [t for t in tasks if learnable(t.kind)]
        self.strategy = strategy
        self.classifier = classifier
        self.examples: dict[str, tuple[str, dict[str, Any]]] = {}
        """Per item id: (text, labels) of its current `done` save."""
        self._fitted: dict[str, Any] = {}
        """Per task: ("choice", classifier) or ("multi", [per label: classifier or p])."""
        self.fitted_on = 0
        """How many examples the last `fit` used."""

    def set_example(self, item_id: str, text: str | None, labels: dict[str, Any] | None) -> None:
        """Learn from `labels` for the item (None, or no text: forget it)."""
        text = model_text(text)
        if labels is None or text is None:
            self.examples.pop(item_id, None)
        else:
            self.examples[item_id] = (text, labels)

    def vectorize(self, texts: list[str]) -> Any:
        from sklearn.feature_extraction.text import HashingVectorizer  # type: ignore[import-untyped]

        vectorizer = HashingVectorizer(
            n_features=N_FEATURES, ngram_range=(1, 2), alternate_sign=False, norm="l2"
        )
        return vectorizer.transform(texts)

    def fit(self) -> bool:
        """Fit every task that has examples of at least two answers; True when one has."""
        import numpy as np

        self._fitted = {}
        items = list(self.examples.values())
        self.fitted_on = len(items)
        if len(items) < 2:
            return False
        x_all = self.vectorize([text for text, _ in items])
        for task in self.tasks:
            targets = [_target(task, labels.get(task.name)) for _, labels in items]
            rows = [i for i, t in enumerate(targets) if t is not None]
            if len(rows) < 2:
                continue
            x = x_all[rows]
            if task.kind == "choice":
                y = [targets[i] for i in rows]
                if len(set(y)) < 2:
                    continue
                model = make_classifier(self.classifier)
                model.fit(x, y)
                self._fitted[task.name] = ("choice", model)
                continue
            per_label: list[Any] = []
            for label in task.labels:
                y01 = np.array([label in targets[i] for i in rows], dtype=np.int8)
                positives = int(y01.sum())
                if 0 < positives < len(rows):
                    model = make_classifier(self.classifier)
                    model.fit(x, y01)
                    per_label.append(model)
                else:  # never (or always) given: its smoothed share, no model
                    per_label.append((positives + 0.5) / (len(rows) + 1.0))
            self._fitted[task.name] = ("multi", per_label)
        return bool(self._fitted)

    def score(self, texts: list[str]) -> list[tuple[dict[str, list[dict[str, Any]]], float]]:
        """Per text: the model's suggestion per fitted task (`{value, score, agent}`) and the
        item's uncertainty (its least certain task's; NaN when no task is fitted)."""
        import numpy as np

        out: list[tuple[dict[str, list[dict[str, Any]]], float]] = [({}, math.nan) for _ in texts]
        if not texts or not self._fitted:
            return out
        x = self.vectorize(texts)
        worst = np.full(len(texts), -1.0)
        for task in self.tasks:
            fitted = self._fitted.get(task.name)
            if fitted is None:
                continue
            kind, model = fitted
            if kind == "choice":
                p = model.predict_proba(x)
                unsure = uncertainty(p, self.strategy)
                best = p.argmax(axis=1)
                for i in range(len(texts)):
                    value = str(model.classes_[best[i]])
                    out[i][0][task.name] = [_suggestion(value, p[i, best[i]])]
            else:
                columns = [
                    m.predict_proba(x)[:, 1] if not isinstance(m, float) else np.full(len(texts), m)
                    for m in model
                ]
                p = np.stack(columns, axis=1)
                unsure = multilabel_uncertainty(p, self.strategy)
                chosen = p >= 0.5
                certainty = np.where(chosen, p, 1.0 - p).prod(axis=1)
                for i in range(len(texts)):
                    labels = [label for j, label in enumerate(task.labels) if chosen[i, j]]
                    out[i][0][task.name] = [_suggestion(labels, certainty[i])]
            worst = np.maximum(worst, unsure)
        return [
            (suggestions, float(w) if w >= 0 else math.nan)
            for (suggestions, _), w in zip(out, worst, strict=True)
        ]


def _suggestion(value: Any, probability: float) -> dict[str, Any]:
    score = min(1.0, max(0.0, float(probability)))
    return {"value": value, "score": round(score, 4), "agent": AGENT}
