"""A scikit-learn transformer for cue-word features: one column per group of cue words.

Used for the taxonomy's theme keywords (each theme's name and obvious synonyms, from the
labelling guide) and the guide's polarity cues. A theme with few labelled examples then
shares one strong feature across all of them instead of many rare n-grams.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

# The polarity cues of LABELLING.md section 2, and contrast words that signal a mixed sentence.
POLARITY_CUES: dict[str, tuple[str, ...]] = {
    "cue:positive": ("works well", "effective", "encouraged", "well-established", "improved", "good", "strong",
                     "outstanding", "impressive", "commend"),
    "cue:negative": ("not consistent", "inconsistent", "lack", "backlog", "of concern", "concern", "should",
                     "requires improvement", "inadequate", "poor", "not always", "insufficient", "limited", "weak"),
    "cue:contrast": ("but", "however", "although", "though", "while", "whilst", "despite", "yet"),
}


@lru_cache(maxsize=64)
def _patterns(groups: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], ...]:
    """One regex per group; a cue matches at the start of a word (so "allocat" matches "allocated")."""
    return tuple(
        re.compile(r"\b(?:" + "|".join(re.escape(c.lower()) for c in sorted(cues, key=len, reverse=True)) + ")")
        for _, cues in groups
    )


class CueFeatures(TransformerMixin, BaseEstimator):
    """Binary features: does the text contain any cue of each group?

    Parameters
    ----------
    groups : tuple of (name, tuple of cue strings)
        The cue groups, in column order. Cues are matched case-insensitively at word starts.
    """

    def __init__(self, groups: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> None:
        self.groups = groups

    def fit(self, X: Iterable[str], y: object = None) -> CueFeatures:
        self._check_groups()
        self.feature_names_ = np.asarray([name for name, _ in self.groups], dtype=object)
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        check_is_fitted(self, "feature_names_")
        patterns = _patterns(tuple((n, tuple(c)) for n, c in self.groups))
        texts = [str(text).lower() for text in X]
        rows, cols = [], []
        for i, text in enumerate(texts):
            for j, pattern in enumerate(patterns):
                if pattern.search(text):
                    rows.append(i)
                    cols.append(j)
        data = np.ones(len(rows), dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(texts), len(patterns)), dtype=np.float32)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "feature_names_")
        return self.feature_names_

    def _check_groups(self) -> None:
        for item in self.groups:
            if len(item) != 2 or not isinstance(item[0], str) or isinstance(item[1], str):
                raise ValueError(
                    f"CueFeatures groups must be (name, (cue, ...)) pairs; got {item!r}. "
                    "Wrap a single cue in a tuple: ('name', ('cue',))."
                )
