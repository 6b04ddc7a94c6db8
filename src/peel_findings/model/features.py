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

    return pd.DataFrame(model_columns(data))


def model_columns(data: object) -> dict[str, list[str]]:
    """`model_frame` as plain lists of strings, one per column (building no frame: cheaper per call)."""
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        texts = list(data)  # type: ignore[call-overload]
        if all(type(t) is str for t in texts):  # the usual case: no frame needed to read them
            n = len(texts)
            return {"text": texts, "prev_text": [""] * n, "section": [""] * n, "section_kind": [""] * n}
        data = pd.DataFrame({"text": texts})
    frame = data
    n = len(frame)

    def column(name: str) -> list[str]:
        return [as_text(v) for v in frame[name].tolist()] if name in frame else [""] * n

    text = column("text")
    if "prev_text" in frame:  # already the model's input frame
        prev = column("prev_text")
    else:
        report = column("report")
        prev = [text[i - 1] if i and report[i] and report[i] == report[i - 1] else "" for i in range(n)]
    return {"text": text, "prev_text": prev, "section": column("section"), "section_kind": column("section_kind")}


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


class _CueMatcher:
    """The cues of some groups, ready to match: which groups a word, and a text's phrases, belong to.

    Single-word cues match at the start of a word or of a hyphenated word's part ("supervis"
    matches "supervised" and "well-supervised"); an abbreviation (written in capitals: "OCG",
    "CSE") only as the whole word or its plural ("ocgs"; never "soc" in "social"). Multi-word
    cues are one regex, matched with hyphens read as spaces ("multi agency" matches
    "multi-agency"). Groups in ``opening`` count only as the text's first word, groups in
    ``inner`` only after it. Each word's groups are worked out once and remembered (for the
    process: report text repeats its words).
    """

    MAX_WORDS = 500_000  # remembered words; the memory is cleared beyond this

    def __init__(self, groups: tuple[tuple[str, tuple[str, ...]], ...], opening: frozenset[int],
                 inner: frozenset[int]) -> None:
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
        self.prefixes: dict[str, set[int]] = {}  # cue -> columns: matches a word starting with it
        self.wholes: dict[str, set[int]] = {}  # abbreviation -> columns: matches it or its plural
        for cue, columns in single.items():
            target, key = (self.wholes, cue[1:]) if cue.startswith("=") else (self.prefixes, cue)
            target.setdefault(key, set()).update(columns)
        self.phrase_re = re.compile(r"\b(?:" + _longest_first(phrases) + ")") if phrases else None
        self.phrase_columns = {p: tuple(sorted(cols)) for p, cols in phrases.items()}
        self.opening, self.inner = opening, inner
        self.words: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def word(self, token: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The groups of a (lower-case) word: (as the text's first word, anywhere after it)."""
        hit = self.words.get(token)
        if hit is None:
            if len(self.words) > self.MAX_WORDS:
                self.words.clear()
            columns = self._columns(token)
            hit = self.words[token] = (tuple(c for c in columns if c not in self.inner),
                                       tuple(c for c in columns if c not in self.opening))
        return hit

    def _columns(self, token: str) -> list[int]:
        """Every group with a cue the word starts with, or an abbreviation it is (or is the plural of)."""
        found: set[int] = set()
        for end in range(len(token) + 1):
            found.update(self.prefixes.get(token[:end], ()))
        found.update(self.wholes.get(token, ()))
        if token.endswith("s"):
            found.update(self.wholes.get(token[:-1], ()))
        return sorted(found)

    def text(self, text: str) -> list[int]:
        """The groups a text has a cue of, in column order."""
        low, tokens = _cue_words(text)
        found: set[int] = set()
        if tokens:
            words = self.words
            try:
                after = [words[token][1] for token in tokens[1:]]
            except KeyError:
                after = [self.word(token)[1] for token in tokens[1:]]
            found.update(self.word(tokens[0])[0], *after)
        if self.phrase_re is not None:
            start = None
            for match in self.phrase_re.finditer(low):
                if start is None:
                    first = _TOKEN.search(low)
                    start = first.start() if first else 0
                at_start = match.start() == start
                found.update(c for c in self.phrase_columns[match.group(0)]
                             if (c not in self.opening or at_start) and (c not in self.inner or not at_start))
        return sorted(found)


def _longest_first(phrases: Iterable[str]) -> str:
    """A regex for any of the phrases, the longest one matching where several start at the same place.

    The phrases as a trie (``ab(?:c(?:d)?)?`` for "ab", "abc", "abcd"): matches exactly what an
    alternation sorted longest first matches, with far fewer alternatives tried at each position.
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}  # a phrase ends here

    def render(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return render(trie)


@lru_cache(maxsize=4096)
def _cue_words(text: str) -> tuple[str, tuple[str, ...]]:
    """A text as cues are matched in it: lower case, hyphens as spaces; and its words.

    Kept for the last few thousand texts, and cleared on every scoring call (`clear_cue_words`):
    within a call, a report's sentence comes back as the next one's previous sentence, read by
    the context's cue features.
    """
    low = _hyphens_to_spaces(text.lower())
    return low, tuple(_TOKEN.findall(low))


def clear_cue_words() -> None:
    """Forget the texts `_cue_words` keeps."""
    _cue_words.cache_clear()


@lru_cache(maxsize=64)
def _matcher(groups: tuple[tuple[str, tuple[str, ...]], ...], opening: tuple[str, ...],
             inner: tuple[str, ...]) -> _CueMatcher:
    """The matcher for these groups (one per process, so what it learns about words is kept)."""
    names = [name for name, _ in groups]
    return _CueMatcher(groups, frozenset(i for i, name in enumerate(names) if name in set(opening)),
                       frozenset(i for i, name in enumerate(names) if name in set(inner)))


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
        # getattr: a model saved before these parameters existed has neither (and no such groups)
        matcher = _matcher(tuple((n, tuple(c)) for n, c in self.groups), tuple(getattr(self, "opening", ())),
                           tuple(getattr(self, "inner", ())))
        indices: list[int] = []
        indptr = [0]
        for text in X:
            indices.extend(matcher.text(str(text)))
            indptr.append(len(indices))
        return sp.csr_matrix((np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int32),
                              np.asarray(indptr, dtype=np.int32)), shape=(len(indptr) - 1, len(self.groups)))

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


def count_rows(indices: np.ndarray, row_lengths: np.ndarray,
               n_features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of feature indices per row, as CSR arrays (indptr, columns, float32 counts): row i holds
    the next ``row_lengths[i]`` of ``indices``, repeats allowed; each row's columns come out sorted,
    without duplicates."""
    n_rows = len(row_lengths)
    offsets = np.arange(n_rows, dtype=np.int64) * n_features  # a key per (row, feature), in row order
    keys = np.repeat(offsets, row_lengths) + indices
    keys.sort()
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    unique = keys[starts]
    counts = np.diff(starts, append=len(keys)).astype(np.float32)
    indptr = np.searchsorted(unique, np.append(offsets, n_rows * n_features))
    columns = unique - np.repeat(offsets, np.diff(indptr))
    index = np.int32 if len(unique) < 2**31 and n_features < 2**31 else np.int64
    return indptr.astype(index), columns.astype(index), counts


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
        cache: dict[str, bytes] = self.__dict__.setdefault("_cache", {})
        if len(cache) > 500_000:
            cache.clear()
        rows: list[bytes] = []
        for text in X:
            words = str(text).lower().split()  # as char_wb's split: runs of white space are one break
            try:
                rows.append(b"".join([cache[word] for word in words]))
            except KeyError:  # a word not seen yet
                rows.append(b"".join([self._word_bytes(word) for word in words]))
        indices = np.frombuffer(b"".join(rows), dtype=np.int32)
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)) // 4
        return self._weigh(*count_rows(indices, lengths, len(self.idf_)))

    def _word_bytes(self, word: str) -> bytes:
        """A word's n-gram feature indices as int32 bytes, worked out once and cached."""
        cache: dict[str, bytes] = self.__dict__.setdefault("_cache", {})
        found = cache.get(word)
        if found is None:
            found = cache[word] = np.asarray(self._word_indices(word), dtype=np.int32).tobytes()
        return found

    def _weigh(self, indptr: np.ndarray, columns: np.ndarray, counts: np.ndarray) -> sp.csr_matrix:
        """Counts (CSR arrays, see `count_rows`) to (sublinear) TF-IDF with each row scaled to unit length.

        Element by element the same float32 arithmetic as scaling a scipy matrix by ``idf_`` and
        then by a diagonal of inverse row norms, as this transform first did, and each row's
        features in the order that left them (descending column): the features are bit for bit
        those, and so are the float32 sums the heads take over a row (their rounding depends on
        the order)."""
        data = counts
        if self.sublinear_tf:
            np.log(data, data)
            data += 1
        data = np.multiply(data, self.idf_[columns])
        lengths = np.diff(indptr)
        nonempty = np.flatnonzero(lengths)
        norms = np.zeros(len(lengths), dtype=data.dtype)
        if len(nonempty):
            norms[nonempty] = np.add.reduceat(data * data, indptr[nonempty])
        norms = np.sqrt(norms)
        norms[norms == 0] = 1
        data = np.multiply(np.repeat(1 / norms, lengths), data).astype(np.float32, copy=False)
        reverse = _reversed_rows(indptr)
        return sp.csr_matrix((data[reverse], columns[reverse], indptr), shape=(len(lengths), len(self.idf_)))


def _reversed_rows(indptr: np.ndarray) -> np.ndarray:
    """Positions that reverse the order of the entries within each row of a CSR matrix."""
    lengths = np.diff(indptr)
    return np.repeat(indptr[:-1] + indptr[1:] - 1, lengths) - np.arange(indptr[-1])
