"""The model's two custom feature transformers; everything else in the feature step is scikit-learn's.

- `CueFeatures`: one column per group of cue words: the taxonomy's theme keywords (each theme's
  name and obvious synonyms, from the labelling guide) and the guide's polarity cues. A theme
  with few labelled examples then shares one strong feature across all of them instead of many
  rare n-grams.
- `CharNgramTfidf`: scikit-learn's ``char_wb`` TF-IDF, with a faster, identical ``transform``.

Both take texts as a list (one text per row) or as a 2-D table of text columns (joined per
row, as a `ColumnTransformer` passes them), and follow the estimator contract (they pass
scikit-learn's ``parametrize_with_checks``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..errors import InvalidArgumentError

# The polarity cues of LABELLING.md section 2, and contrast words that signal a mixed sentence.
# A contrast word counts only inside the sentence: opening a sentence ("However, ...") it points
# back to the previous one and does not make the sentence mixed (LABELLING.md section 2), so it
# is its own feature there.
POLARITY_CUES: dict[str, tuple[str, ...]] = {
    "cue:positive": ("works well", "effective", "encouraged", "well-established", "improved", "good", "strong",
                     "outstanding", "impressive", "commend"),
    "cue:negative": ("not consistent", "inconsistent", "lack", "backlog", "of concern", "concern", "should",
                     "requires improvement", "inadequate", "poor", "not always", "insufficient", "limited", "weak"),
    "cue:contrast": ("but", "however", "although", "though", "while", "whilst", "despite", "yet"),
    "cue:opening_connective": ("however", "but", "despite", "nevertheless", "nonetheless", "yet", "even so",
                               "that said", "conversely", "in contrast"),
}
INNER_CUES = ("cue:contrast",)
OPENING_CUES = ("cue:opening_connective",)
CONTEXT_COLUMNS = ("text", "prev_text", "section", "section_kind")


def as_text(value: object) -> str:
    """A model input as text: None and NaN become the empty string."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value)


def model_frame(data: object) -> pd.DataFrame:
    """What the model reads: ``text`` with its context, ``prev_text``, ``section`` and ``section_kind``.

    ``data`` is a list of texts (each stands alone) or a frame with a ``text`` column and, where
    known, ``report``, ``section`` and ``section_kind``. Consecutive rows with the same non-empty
    ``report`` are one document in order: each row's ``prev_text`` is the row before it.
    """
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        frame = data
    else:
        frame = pd.DataFrame({"text": list(data)})  # type: ignore[call-overload]
    n = len(frame)
    text = [as_text(t) for t in frame["text"]] if "text" in frame else [""] * n

    def column(name: str) -> list[str]:
        return [as_text(v) for v in frame[name]] if name in frame else [""] * n

    if "prev_text" in frame:  # already the model's input frame
        prev = column("prev_text")
    else:
        report = column("report")
        prev = [text[i - 1] if i and report[i] and report[i] == report[i - 1] else "" for i in range(n)]
    return pd.DataFrame({"text": text, "prev_text": prev, "section": column("section"),
                         "section_kind": column("section_kind")})


_TOKEN = re.compile(r"\w[\w'’]*")


def _texts(estimator: BaseEstimator, X: object, reset: bool) -> list[str]:
    """The rows of ``X`` as texts: a 1-D sequence of strings as it is, a 2-D table's cells joined per row.

    Missing cells (None, NaN) are empty text. Anything else 1-D (numbers, a bare string) is refused.
    """
    if isinstance(X, str):
        raise InvalidArgumentError("Expected a list of texts or a 2-D table of text columns; got a single string. "
                         "Wrap it in a list: [text].")
    if hasattr(X, "iloc") or hasattr(X, "__array__") or hasattr(X, "shape"):
        if hasattr(X, "iloc"):
            ndim = X.ndim  # type: ignore[union-attr]
        else:
            X = np.asarray(X)
            ndim = X.ndim
        if ndim == 1:
            values = list(X)  # type: ignore[call-overload]
        else:
            table = validate_data(estimator, X, dtype=None, ensure_all_finite=False, reset=reset)
            return [" ".join(_cell(v) for v in row) for row in table]
    else:
        values = list(X)  # type: ignore[call-overload]
    if all(isinstance(x, str) or x is None for x in values):
        return ["" if x is None else x for x in values]
    if values and all(isinstance(x, (list, tuple)) for x in values):
        table = validate_data(estimator, values, dtype=None, ensure_all_finite=False, reset=reset)
        return [" ".join(_cell(v) for v in row) for row in table]
    raise InvalidArgumentError(
        "Expected 2D array, got 1D array instead: pass a list of texts, or a table of text columns. "
        "Reshape your data with .reshape(-1, 1) if it is a single column."
    )


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


class _TextTransformer(TransformerMixin, BaseEstimator):
    """What both transformers share: text input (see `_texts`), sparse float32 output."""

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True  # a missing cell is empty text
        tags.transformer_tags.preserves_dtype = []  # always float32
        return tags


def _hyphens_to_spaces(text: str) -> str:
    return _HYPHEN.sub(" ", text)


_HYPHEN = re.compile(r"[-‐‑–]")


@lru_cache(maxsize=64)
def _matcher(
    groups: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[dict[str, tuple[int, ...]], re.Pattern[str] | None, dict[str, tuple[int, ...]]]:
    """Single-word cues (matched at the start of a word or of a hyphenated word's part: "supervis"
    matches "supervised" and "well-supervised"; see `_matches`), and one regex for the multi-word cues (matched with
    hyphens read as spaces: "multi agency" matches "multi-agency"), with the column(s) each belongs to."""
    single: dict[str, set[int]] = {}
    phrases: dict[str, set[int]] = {}
    for column, (_, cues) in enumerate(groups):
        for cue in cues:
            whole = cue.strip().isupper()  # an abbreviation: the whole word only
            cue = _hyphens_to_spaces(cue.lower().strip())
            if " " in cue or "," in cue:
                phrases.setdefault(cue, set()).add(column)
            else:
                single.setdefault("=" + cue if whole else cue, set()).add(column)
    phrase_re = None
    if phrases:
        phrase_re = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + ")")
    return (
        {c: tuple(sorted(cols)) for c, cols in single.items()},
        phrase_re,
        {p: tuple(sorted(cols)) for p, cols in phrases.items()},
    )


def _matches(token: str, cue: str) -> bool:
    """A single-word cue matches at the start of a word ("allocat" -> "allocated"); an abbreviation
    (written in capitals: "OCG", "CSE") only as the whole word or its plural ("ocgs"; never "soc" in
    "social")."""
    if cue.startswith("="):
        return token == cue[1:] or token == cue[1:] + "s"
    return token.startswith(cue)


class CueFeatures(_TextTransformer):
    """Binary features: does the text contain any cue of each group?

    Parameters
    ----------
    groups : tuple of (name, tuple of cue strings)
        The cue groups, in column order. Cues are matched case-insensitively at word starts.
    opening : tuple of group names
        Groups whose cues count only as the text's first word ("However, ..." opening a sentence).
    inner : tuple of group names
        Groups whose cues count only after the first word (a contrast inside the sentence).
    """

    def __init__(
        self,
        groups: tuple[tuple[str, tuple[str, ...]], ...] = (),
        opening: tuple[str, ...] = (),
        inner: tuple[str, ...] = (),
    ) -> None:
        self.groups = groups
        self.opening = opening
        self.inner = inner

    def fit(self, X: Iterable[str], y: object = None) -> CueFeatures:
        self._check_groups()
        _texts(self, X, reset=True)
        self.feature_names_ = np.asarray([name for name, _ in self.groups], dtype=object)
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        check_is_fitted(self, "feature_names_")
        X = _texts(self, X, reset=False)
        single, phrase_re, phrase_columns = _matcher(tuple((n, tuple(c)) for n, c in self.groups))
        names = [name for name, _ in self.groups]
        # getattr: a model saved before these parameters existed has neither (and no such groups)
        opening = {i for i, name in enumerate(names) if name in set(getattr(self, "opening", ()))}
        inner = {i for i, name in enumerate(names) if name in set(getattr(self, "inner", ()))}
        cache: dict[str, tuple[int, ...]] = {}
        rows, cols = [], []
        n = 0
        for i, text in enumerate(X):
            n += 1
            low = _hyphens_to_spaces(str(text).lower())
            found: set[int] = set()
            for position, token in enumerate(_TOKEN.findall(low)):
                hit = cache.get(token)
                if hit is None:
                    hit = cache[token] = tuple(sorted({c for cue, columns in single.items()
                                                       if _matches(token, cue) for c in columns}))
                found.update(c for c in hit if (c not in opening or position == 0) and (c not in inner or position))
            if phrase_re is not None:
                first = _TOKEN.search(low)
                start = first.start() if first else 0
                for match in phrase_re.finditer(low):
                    at_start = match.start() == start
                    found.update(c for c in phrase_columns[match.group(0)]
                                 if (c not in opening or at_start) and (c not in inner or not at_start))
            rows.extend([i] * len(found))
            cols.extend(sorted(found))
        data = np.ones(len(rows), dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(n, len(self.groups)), dtype=np.float32)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "feature_names_")
        return self.feature_names_

    def _check_groups(self) -> None:
        for item in self.groups:
            if len(item) != 2 or not isinstance(item[0], str) or isinstance(item[1], str):
                raise InvalidArgumentError(
                    f"CueFeatures groups must be (name, (cue, ...)) pairs; got {item!r}. "
                    "Wrap a single cue in a tuple: ('name', ('cue',))."
                )


_WHITESPACE = re.compile(r"\s\s+")


class CharNgramTfidf(_TextTransformer):
    """TF-IDF over character n-grams within word boundaries: scikit-learn's ``char_wb``, faster.

    `fit` uses scikit-learn's own `TfidfVectorizer` (analyzer="char_wb"), so the vocabulary
    and IDF weights are the same. `transform` gives the same matrix, but computes the
    n-gram feature indices once per distinct word and caches them: report text repeats
    its words, so most words are looked up rather than split again. With fewer texts than
    ``min_df``, every n-gram seen is kept (``min_df`` is lowered to the number of texts).
    """

    def __init__(self, ngram_range: tuple[int, int] = (3, 5), min_df: int = 2, sublinear_tf: bool = True) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf

    def fit(self, X: Iterable[str], y: object = None) -> CharNgramTfidf:
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = _texts(self, X, reset=True)
        reference = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.ngram_range),
                                    min_df=min(self.min_df, max(1, len(texts))) if isinstance(self.min_df, int)
                                    else self.min_df,
                                    sublinear_tf=self.sublinear_tf, dtype=np.float32)
        reference.fit(texts)
        self.vocabulary_ = dict(reference.vocabulary_)
        self.idf_ = reference.idf_.astype(np.float32)
        self._cache: dict[str, list[int]] = {}
        return self

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_cache", None)  # rebuilt on demand; never stored in a model file
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._cache = {}

    def _word_indices(self, word: str) -> list[int]:
        vocabulary = self.vocabulary_
        padded = f" {word} "
        low, high = self.ngram_range
        found = []
        for n in range(low, high + 1):
            if len(padded) < n:
                if n == low:
                    gram = padded
                    if gram in vocabulary:
                        found.append(vocabulary[gram])
                break
            for start in range(len(padded) - n + 1):
                gram = padded[start:start + n]
                if gram in vocabulary:
                    found.append(vocabulary[gram])
        return found

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        check_is_fitted(self, "vocabulary_")
        X = _texts(self, X, reset=False)
        cache: dict[str, list[int]] = self.__dict__.setdefault("_cache", {})
        if len(cache) > 500_000:
            cache.clear()
        indices: list[int] = []
        indptr = [0]
        for text in X:
            for word in _WHITESPACE.sub(" ", str(text).lower()).split():
                found = cache.get(word)
                if found is None:
                    found = cache[word] = self._word_indices(word)
                indices.extend(found)
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
            shape=(len(indptr) - 1, len(self.idf_)),
        )
        matrix.sum_duplicates()
        if self.sublinear_tf:
            np.log(matrix.data, matrix.data)
            matrix.data += 1
        matrix = matrix.multiply(self.idf_).tocsr()
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sp.csr_matrix(sp.diags(1 / norms) @ matrix, dtype=np.float32)
