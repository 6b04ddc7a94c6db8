"""The sentence model: three heads over one feature space, giving calibrated scores.

Texts go through one feature step (TF-IDF over word 1-2-grams and character 3-5-grams, and
cue-word indicators; see `features`), then three kinds of head, each a standard scikit-learn
classifier with sigmoid calibration, so every score is a probability:

- ``finding``: is the sentence a finding?
- ``polarity``: positive, negative, mixed or neutral;
- ``themes``: one binary head per theme.

A model gives scores only; turning scores into labels (thresholds, class weights, what the
report's structure says) is `decide`'s job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

if TYPE_CHECKING:  # pragma: no cover
    from .stacked import StackedHeads

MIN_EXAMPLES_FOR_CALIBRATION = 6


@dataclass(frozen=True)
class Scores:
    """Calibrated scores for a batch of texts, one row per text."""

    finding: np.ndarray  # (n,) probability of being a finding
    polarity: np.ndarray  # (n, len(polarity_classes)) probability of each polarity
    polarity_classes: tuple[str, ...]
    themes: np.ndarray  # (n, len(theme_ids)) probability of each theme
    theme_ids: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.finding)


@dataclass
class Model:
    """A trained classifier with its provenance and its decision parameters.

    `vectorizer` turns texts into features; `context`, when present, turns each text's
    context (the sentence before it, its section heading and kind) into more features, used by
    the heads named in ``metadata["context_heads"]``. `finding`, `polarity` and `themes` are
    fitted scikit-learn classifiers. `theme_thresholds`, `polarity_weights` and `decision`
    are decision parameters chosen in training and applied by `decide`.
    """

    vectorizer: Any
    finding: Any
    polarity: Any
    themes: Any
    theme_ids: tuple[str, ...]
    metadata: dict[str, Any] = field(default_factory=dict)
    theme_thresholds: tuple[float, ...] = ()  # one per theme; 0.5 each when empty
    polarity_weights: dict[str, float] = field(default_factory=dict)  # decision weights; 1 each when empty
    context: Any = None
    # (parts key, stacked heads or None): built on first `scores` call; see `stacked_heads`
    _stacked: tuple[tuple[int, ...], StackedHeads | None] | None = field(default=None, init=False, repr=False,
                                                                           compare=False)

    @property
    def thresholds(self) -> np.ndarray:
        """Each theme's decision threshold (0.5 where training chose none)."""
        return np.asarray(self.theme_thresholds or (0.5,) * len(self.theme_ids), dtype=float)

    @property
    def polarity_classes(self) -> tuple[str, ...]:
        return tuple(self.polarity.classes_)

    @property
    def context_heads(self) -> tuple[str, ...]:
        return tuple(self.metadata.get("context_heads", ())) if self.context is not None else ()

    def features(self, data: Any) -> tuple[Any, Any]:
        """(text features, text and context features) for a list of texts or a frame with context."""
        import scipy.sparse as sp

        from .features import model_frame

        frame = model_frame(data)
        text = self.vectorizer.transform(frame["text"].tolist())
        if self.context is None:
            return text, text
        return text, sp.hstack([text, self.context.transform(frame)], format="csr")

    def scores(self, data: Any) -> Scores:
        """Calibrated scores of every head, for a list of texts or a frame with ``text`` and its context
        (``report``, ``section``, ``section_kind``: see `features.model_frame`).

        All heads are one matrix product (see `stacked`), built on first use and kept on the model;
        a model with a part that cannot be stacked is scored by `reference_scores`. The scores are
        the same either way (bit for bit on the shipped model; tests/test_model_stacked.py allows 1e-9).
        """
        if not len(data):
            return self._no_scores()
        stacked = self.stacked_heads()
        if stacked is None:
            return self.reference_scores(data)
        from .features import model_columns

        finding, polarity, themes = stacked.proba(model_columns(data))
        return Scores(finding=finding, polarity=polarity, polarity_classes=self.polarity_classes, themes=themes,
                      theme_ids=self.theme_ids)

    def reference_scores(self, data: Any) -> Scores:
        """`scores` computed by each scikit-learn head's own ``predict_proba``: the slower reference path
        (input checks on every head, thread limits set up on every call)."""
        from threadpoolctl import threadpool_limits

        if not len(data):
            return self._no_scores()
        with threadpool_limits(limits=1):
            text, full = self.features(data)
            heads = self.context_heads
            return Scores(
                finding=positive_proba(self.finding, full if "finding" in heads else text),
                polarity=self.polarity.predict_proba(full if "polarity" in heads else text),
                polarity_classes=self.polarity_classes,
                themes=self.themes.predict_proba(full if "themes" in heads else text),
                theme_ids=self.theme_ids,
            )

    def stacked_heads(self) -> StackedHeads | None:
        """The heads as one matrix product (built once, then kept), or None when the model has a part
        that `stacked` cannot reproduce exactly."""
        from .stacked import Unstackable, stack

        key = self._parts_key()
        if self._stacked is None or self._stacked[0] != key:
            try:
                built: StackedHeads | None = stack(self)
            except Unstackable:
                built = None
            self._stacked = (key, built)
        return self._stacked[1]

    def _parts_key(self) -> tuple[int, ...]:
        """Which fitted parts the kept stack was built from (a part replaced means building it again)."""
        return (id(self.vectorizer), id(self.context), id(self.finding), id(self.polarity),
                *(id(head) for head in self.themes), hash(self.context_heads))

    def _no_scores(self) -> Scores:
        return Scores(np.zeros(0), np.zeros((0, len(self.polarity_classes))), self.polarity_classes,
                      np.zeros((0, len(self.theme_ids))), self.theme_ids)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_stacked"] = None  # rebuilt on first use: never sent to a worker or written out
        return state


_THREADS_LIMITED = False


def limit_threads() -> None:
    """Limit the BLAS and OpenMP thread pools of this process to one thread; does anything only once.

    For worker processes that each score on one core (call it from the worker initialiser).
    `Model.scores` itself needs no limit: its sparse products and element-wise steps run on one
    thread anyway, so it no longer sets limits up on every call.
    """
    global _THREADS_LIMITED
    if _THREADS_LIMITED:
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    _THREADS_LIMITED = True


def positive_proba(head: Any, features: Any) -> np.ndarray:
    """P(class 1) from a binary head, also when it saw one class only (then 0 or 1 throughout)."""
    proba = head.predict_proba(features)
    classes = list(head.classes_)
    if 1 in classes:
        return proba[:, classes.index(1)]
    return np.zeros(features.shape[0])


class ThemeHeads(list):
    """One fitted binary classifier per theme; ``predict_proba`` gives a (texts x themes) matrix."""

    def predict_proba(self, features: Any) -> np.ndarray:
        columns = []
        for head in self:
            columns.append(positive_proba(head, features))
        return np.column_stack(columns) if columns else np.zeros((features.shape[0], 0))


def make_head(labels: np.ndarray, seed: int = 0, c: float = 4.0) -> Any:
    """A head for these labels: class-balanced logistic regression, sigmoid-calibrated by 3-fold CV
    when every class has enough examples (a constant predictor when there is one class)."""
    from collections import Counter

    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression

    counts = Counter(np.asarray(labels).tolist())
    if len(counts) < 2:
        return DummyClassifier(strategy="prior")
    base = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    if min(counts.values()) < MIN_EXAMPLES_FOR_CALIBRATION:
        return base
    return CalibratedClassifierCV(base, method="sigmoid", cv=3, ensemble=False)


class TwoStagePolarity(ClassifierMixin, BaseEstimator):
    """Polarity in two steps: is the finding evaluative (or neutral)? If so, which way?

    ``predict_proba`` gives P(neutral) = 1 - P(evaluative) and, for the other classes,
    P(evaluative) x P(class | evaluative), so the four probabilities sum to 1.
    """

    def __init__(self, c: float = 4.0, seed: int = 0) -> None:
        self.c = c
        self.seed = seed

    def fit(self, X: Any, y: Any) -> TwoStagePolarity:
        y = np.asarray(y, dtype=object)
        self.classes_ = np.asarray(sorted(set(y.tolist())), dtype=object)
        evaluative = (y != "neutral").astype(int)
        self.evaluative_ = make_head(evaluative, self.seed, self.c).fit(X, evaluative)
        rows = np.flatnonzero(evaluative)
        self.direction_ = make_head(y[rows], self.seed, self.c).fit(X[rows], y[rows])
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.combine(self.evaluative_.predict_proba(X), self.direction_.predict_proba(X))

    def stacked_proba(self, stack: Callable[[Any], Callable[[Any], np.ndarray]]) -> Callable[[Any], np.ndarray]:
        """``predict_proba`` on stacked decision values (see `stacked`), given how to stack one head."""
        evaluative, direction = stack(self.evaluative_), stack(self.direction_)
        return lambda decision: self.combine(evaluative(decision), direction(decision))

    def combine(self, evaluative: np.ndarray, direction: np.ndarray) -> np.ndarray:
        """The four probabilities from the two stages' own (``evaluative_``'s and ``direction_``'s)."""
        p_eval = evaluative[:, list(self.evaluative_.classes_).index(1)]
        out = np.zeros((evaluative.shape[0], len(self.classes_)))
        for j, cls in enumerate(self.classes_):
            if cls == "neutral":
                out[:, j] = 1 - p_eval
            else:
                out[:, j] = p_eval * direction[:, list(self.direction_.classes_).index(cls)]
        return out

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
