"""Every head of a model as one matrix product: the fast path of `Model.scores`.

Each head is linear underneath (a logistic regression, alone or sigmoid-calibrated) or a
constant (a `DummyClassifier`). Their coefficients are gathered once, as the columns of one
matrix ``W`` (features x head outputs) with intercepts ``b``, so scoring a batch is one
product ``X @ W + b``, then each head's own post-processing, done as scikit-learn does it:

- `LogisticRegression`: binary, the expit of its one output; multiclass, the softmax;
- `CalibratedClassifierCV` (sigmoid): each calibrated classifier's sigmoid calibrators
  ``expit(-(a * f + b))`` on its estimator's decision function, scikit-learn's normalisation
  across classes (binary: 1 - p; multiclass: divide by the sum), averaged over the
  calibrated classifiers (one, with ``ensemble=False``);
- `DummyClassifier`: its constant row of probabilities;
- a head with a ``stacked_proba`` method (`model.TwoStagePolarity`: its two stages, combined by
  its own ``combine``), stacking its parts itself.

Heads that read the context features have their rows there; heads that read text features
only have zero rows there. The shipped heads were fitted on float32 features, so their
coefficients and decision values are float32, and float32 sums round differently in another
order: so ``W`` keeps the heads' own dtype (one matrix per dtype) and ``X`` is the features
side by side exactly as the vectorizers give them, entries in the same order. Each output
column is then the same sum, in the same order, as the head's own ``decision_function``, and
the scores match scikit-learn's to the last bit or nearly (the test allows 1e-9).

Anything else raises `Unstackable` when the stack is built, and `Model.scores` keeps
scikit-learn's own path for that model. Nothing of this is saved: it is built from the fitted
heads on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from .blocks import Block, Columns, context_blocks, forget_texts, text_blocks
from .features import CONTEXT_COLUMNS

Proba = Callable[["Decision"], np.ndarray]  # decision values -> probabilities (texts x classes)
Where = tuple[str, slice]  # a linear model's outputs: their group and columns


@dataclass(frozen=True)
class Decision:
    """The linear outputs of every head for a batch of texts: per group (see `Coefficients`), texts x outputs."""

    rows: int
    values: dict[str, np.ndarray]


class Unstackable(Exception):
    """A part of the model this module does not reproduce exactly (scikit-learn's path is used)."""


@dataclass(frozen=True)
class Head:
    """A head on the stacked decision values: its probabilities (texts x classes) and its classes."""

    proba: Proba
    classes: Sequence[Any]

    def positive(self, decision: Decision) -> np.ndarray:
        """P(class 1), as `model.positive_proba` gives it (zeros when the head never saw class 1)."""
        classes = list(self.classes)
        if 1 in classes:
            return self.proba(decision)[:, classes.index(1)]
        return np.zeros(decision.rows)


class Coefficients:
    """Linear heads' coefficients gathered as the columns of one matrix (features x outputs) per group.

    A group is a dtype of the coefficients and of the intercepts, kept as fitted so the product
    runs in the same precision as the head's own. Text-only heads have ``n_text`` coefficients
    and get zeros for the context features after them.
    """

    def __init__(self, n_text: int, n_features: int) -> None:
        self.n_text, self.n_features = n_text, n_features
        self.columns: dict[str, list[np.ndarray]] = {}
        self.intercepts: dict[str, list[np.ndarray]] = {}

    def add(self, coef: np.ndarray, intercept: Any, context: bool) -> Where:
        """Columns for a linear model's ``coef_`` (outputs x features) and ``intercept_``; where they are."""
        coef = np.asarray(coef)
        expected = self.n_features if context else self.n_text
        if coef.ndim != 2 or coef.shape[1] != expected or coef.dtype.kind != "f":
            raise Unstackable(f"coefficients of shape {coef.shape}; the features have {expected} columns")
        # a plain Python number (no intercept fitted) takes the coefficients' dtype, as NumPy does
        intercept = np.asarray(intercept, dtype=coef.dtype if type(intercept) in (int, float) else None)
        group = f"{coef.dtype.str}+{intercept.dtype.str}"
        block = np.zeros((self.n_features, coef.shape[0]), dtype=coef.dtype)
        block[:expected] = coef.T
        columns = self.columns.setdefault(group, [])
        start = sum(c.shape[1] for c in columns)
        columns.append(block)
        self.intercepts.setdefault(group, []).append(np.broadcast_to(intercept, (coef.shape[0],)))
        return group, slice(start, start + coef.shape[0])

    def matrices(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per group, (W, b): its columns side by side, and their intercepts."""
        return {group: (np.ascontiguousarray(np.hstack(columns)), np.concatenate(self.intercepts[group]))
                for group, columns in self.columns.items()}


@dataclass(frozen=True)
class StackedHeads:
    """A model's feature blocks, its heads' coefficients (per group), and the heads on top."""

    blocks: tuple[Block, ...]
    linear: dict[str, tuple[np.ndarray, np.ndarray]]  # group -> (W, b)
    finding: Head
    polarity: Head
    themes: tuple[Head, ...]

    def features(self, columns: Columns) -> sp.csr_matrix:
        """Every feature side by side (text, then context), as `Model.features` gives them."""
        return sp.hstack([block.transform(columns) for block in self.blocks], format="csr")

    def decision(self, columns: Columns) -> Decision:
        """X @ W + b per group: every linear output for every text (texts x outputs)."""
        forget_texts()  # what the blocks keep about texts serves one call
        features = self.features(columns)
        return Decision(features.shape[0], {group: features @ w + b for group, (w, b) in self.linear.items()})

    def proba(self, columns: Columns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(finding, polarity, themes) probabilities for texts with their context (see `features.model_columns`),
        as `Model.scores` gives them."""
        decision = self.decision(columns)
        themes = [head.positive(decision) for head in self.themes]
        return (self.finding.positive(decision), self.polarity.proba(decision),
                np.column_stack(themes) if themes else np.zeros((decision.rows, 0)))


def stack(model: Any) -> StackedHeads:
    """Build the stacked heads of a `Model`; raises `Unstackable` for a model it cannot reproduce."""
    uses_context = model.context is not None and bool(model.context_heads)
    text = text_blocks(model.vectorizer)
    context = context_blocks(model.context) if uses_context else []
    text_probe, context_probe = _probe(text), _probe(context)
    if context and context_probe.dtype != text_probe.dtype:
        raise Unstackable("text and context features of different dtypes")  # text-only heads would change precision
    coefficients = Coefficients(text_probe.shape[1], text_probe.shape[1] + context_probe.shape[1])
    heads = model.context_heads

    def build(name: str, head: Any) -> Head:
        return head_for(head, coefficients, name in heads)

    return StackedHeads(
        blocks=tuple(text + context),
        finding=build("finding", model.finding),
        polarity=build("polarity", model.polarity),
        themes=tuple(build("themes", head) for head in model.themes),
        linear=coefficients.matrices(),
    )


def _probe(blocks: Sequence[Block]) -> sp.csr_matrix:
    """The blocks' features of one empty text: their width and dtype."""
    if not blocks:
        return sp.csr_matrix((1, 0), dtype=np.float32)
    probe = {column: [""] for column in CONTEXT_COLUMNS}
    try:
        return sp.hstack([block.transform(probe) for block in blocks], format="csr")
    except Exception as exc:  # a vectorizer that refuses empty text: leave it to scikit-learn's path
        raise Unstackable(f"feature block failed on an empty text: {exc}") from exc


def head_for(head: Any, coefficients: Coefficients, context: bool) -> Head:
    """A fitted head on the stacked decision values, its linear part added to ``coefficients``."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression

    kind = type(head)
    if kind is LogisticRegression:
        return _logistic(head, coefficients.add(head.coef_, head.intercept_, context))
    if kind is CalibratedClassifierCV:
        return _calibrated(head, coefficients, context)
    if kind is DummyClassifier:
        return _constant(head, coefficients.n_features if context else coefficients.n_text)
    if hasattr(kind, "stacked_proba"):  # a head of this package made of heads (TwoStagePolarity)
        return Head(head.stacked_proba(lambda part: head_for(part, coefficients, context).proba), head.classes_)
    raise Unstackable(f"no stacked form for a {kind.__name__} head")


def _values(decision: Decision, where: Where) -> np.ndarray:
    """A linear model's decision values (texts x outputs), laid out as its own ``decision_function`` gives them."""
    group, columns = where
    return np.ascontiguousarray(decision.values[group][:, columns])


def _logistic(head: Any, where: Where) -> Head:
    """`LogisticRegression.predict_proba`: expit (binary) or softmax (multiclass) of its outputs."""
    from sklearn.utils.extmath import softmax

    if len(head.classes_) <= 2:
        def proba(decision: Decision) -> np.ndarray:
            p = expit(_values(decision, where).ravel())
            return np.stack([1 - p, p], axis=1)
    else:
        def proba(decision: Decision) -> np.ndarray:
            return softmax(_values(decision, where), copy=False)
    return Head(proba, head.classes_)


def _calibrated(head: Any, coefficients: Coefficients, context: bool) -> Head:
    """`CalibratedClassifierCV.predict_proba` with sigmoid calibration of linear estimators."""
    if head.method != "sigmoid":
        raise Unstackable(f"calibration method {head.method!r}")
    parts = [_calibrated_one(part, coefficients, context) for part in head.calibrated_classifiers_]
    n_classes = len(head.classes_)

    def proba(decision: Decision) -> np.ndarray:
        mean = np.zeros((decision.rows, n_classes))
        for part in parts:
            mean += part(decision)
        mean /= len(parts)
        return mean

    return Head(proba, head.classes_)


def _calibrated_one(calibrated: Any, coefficients: Coefficients, context: bool) -> Proba:
    """One `_CalibratedClassifier` (sigmoid, on a linear estimator's decision function)."""
    from sklearn.calibration import _SigmoidCalibration
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import LabelEncoder
    from sklearn.svm import LinearSVC

    estimator = calibrated.estimator
    if type(estimator) not in (LogisticRegression, LinearSVC) or calibrated.method != "sigmoid":
        raise Unstackable(f"calibrated {type(estimator).__name__} ({calibrated.method})")
    if any(type(c) is not _SigmoidCalibration for c in calibrated.calibrators):
        raise Unstackable("a calibrator that is not a sigmoid")
    where = coefficients.add(estimator.coef_, estimator.intercept_, context)
    targets = LabelEncoder().fit(calibrated.classes).transform(estimator.classes_)
    n_classes = len(calibrated.classes)
    sigmoids = [(int(target) + (1 if n_classes == 2 else 0), c.a_, c.b_)
                for target, c in zip(targets, calibrated.calibrators)]

    def proba(decision: Decision) -> np.ndarray:
        values = _values(decision, where)
        out = np.zeros((values.shape[0], n_classes))
        for (target, a, b), column in zip(sigmoids, values.T):
            out[:, target] = expit(-(a * column + b))
        if n_classes == 2:
            out[:, 0] = 1.0 - out[:, 1]
        else:
            total = np.sum(out, axis=1)[:, np.newaxis]
            out = np.divide(out, total, out=np.full_like(out, 1 / n_classes), where=total != 0)
        out[(1.0 < out) & (out <= 1.0 + 1e-5)] = 1.0
        return out

    return proba


def _constant(head: Any, n_features: int) -> Head:
    """A `DummyClassifier` that gives every text the same probabilities (any strategy but "stratified")."""
    if head.strategy == "stratified" or getattr(head, "n_outputs_", 1) != 1:
        raise Unstackable(f"DummyClassifier(strategy={head.strategy!r})")
    row = np.asarray(head.predict_proba(sp.csr_matrix((1, n_features))))
    return Head(lambda d: np.repeat(row, d.rows, axis=0), head.classes_)
