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

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


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

    `vectorizer` turns texts into features; `finding`, `polarity` and `themes` are fitted
    scikit-learn classifiers over those features. `theme_thresholds` and `polarity_weights`
    are decision parameters chosen in training (by inner cross-validation) and applied by
    `decide`.
    """

    vectorizer: Any
    finding: Any
    polarity: Any
    themes: Any
    theme_ids: tuple[str, ...]
    metadata: dict[str, Any] = field(default_factory=dict)
    theme_thresholds: tuple[float, ...] = ()  # one per theme; 0.5 each when empty
    polarity_weights: dict[str, float] = field(default_factory=dict)  # decision weights; 1 each when empty

    @property
    def thresholds(self) -> np.ndarray:
        """Each theme's decision threshold (0.5 where training chose none)."""
        return np.asarray(self.theme_thresholds or (0.5,) * len(self.theme_ids), dtype=float)

    @property
    def polarity_classes(self) -> tuple[str, ...]:
        return tuple(self.polarity.classes_)

    def scores(self, texts: Sequence[str]) -> Scores:
        """Calibrated scores of every head for ``texts`` (strings), from one vectorisation."""
        from threadpoolctl import threadpool_limits

        texts = list(texts)
        if not texts:
            return Scores(np.zeros(0), np.zeros((0, len(self.polarity_classes))), self.polarity_classes,
                          np.zeros((0, len(self.theme_ids))), self.theme_ids)
        with threadpool_limits(limits=1):
            features = self.vectorizer.transform(texts)
            return Scores(
                finding=self.finding.predict_proba(features)[:, 1],
                polarity=self.polarity.predict_proba(features),
                polarity_classes=self.polarity_classes,
                themes=self.themes.predict_proba(features),
                theme_ids=self.theme_ids,
            )


class ThemeHeads(list):
    """One fitted binary classifier per theme; ``predict_proba`` gives a (texts x themes) matrix."""

    def predict_proba(self, features: Any) -> np.ndarray:
        columns = []
        for head in self:
            proba = head.predict_proba(features)
            classes = list(head.classes_)
            columns.append(proba[:, classes.index(1)] if 1 in classes else np.zeros(features.shape[0]))
        return np.column_stack(columns) if columns else np.zeros((features.shape[0], 0))
