"""The model's features part by part, for the fast scoring path (`stacked`).

A block turns the model's input columns (`features.model_columns`: ``text``, ``prev_text``,
``section``, ``section_kind``, each a list of strings) into one part of the feature matrix. The
text vectorizer (a `FeatureUnion`) and the context vectorizer (a `ColumnTransformer`) become
one block per part, in their column order, so the parts side by side are exactly what the
vectorizers' own ``transform`` gives; the per-call cost of the two containers (input checks,
column selection, stacking the parts) goes.

Two scikit-learn parts get a transform of their own here, computing the same matrix with less
per-call overhead: a word `TfidfVectorizer` (`WordTfidf`) and a one-column `OneHotEncoder`
(`OneHot`). Every other part calls its own ``transform``. A container this module does not
recognise (weights, ``passthrough``, other column selections) is one block calling the whole
container's ``transform``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from .features import CONTEXT_COLUMNS, CharNgramTfidf, CueFeatures, clear_cue_words, count_rows

Columns = dict[str, list[str]]
SKLEARN_TOKENS = r"(?u)\b\w\w+\b"  # scikit-learn's default token pattern: two or more word characters


class Block(Protocol):
    """One part of the feature matrix, from the model's input columns."""

    def transform(self, columns: Columns) -> sp.csr_matrix:
        """This block's part of the feature matrix, one row per text."""
        ...


def text_blocks(vectorizer: Any) -> list[Block]:
    """The text vectorizer's parts as blocks (it reads the ``text`` column)."""
    from sklearn.pipeline import FeatureUnion

    if type(vectorizer) is not FeatureUnion:
        return [part_block(vectorizer, "text", as_list=True)]
    parts = [part for _, part in vectorizer.transformer_list if not (isinstance(part, str) and part == "drop")]
    if not parts or vectorizer.transformer_weights or any(isinstance(part, str) for part in parts):
        return [WholeText(vectorizer)]
    return [part_block(part, "text", as_list=True) for part in parts]


def context_blocks(context: Any) -> list[Block]:
    """The context vectorizer's parts as blocks, each reading its own column(s)."""
    from sklearn.compose import ColumnTransformer

    whole: list[Block] = [WholeContext(context)]
    if type(context) is not ColumnTransformer or context.transformer_weights:
        return whole
    blocks = []
    for _, part, column in context.transformers_:
        if isinstance(part, str):
            if part == "drop":
                continue
            return whole  # "passthrough": not a transformer
        if isinstance(column, list) and not column:
            continue  # ColumnTransformer skips a part with no columns
        if isinstance(column, str) and column in CONTEXT_COLUMNS:
            blocks.append(part_block(part, column))
        elif isinstance(column, list) and all(isinstance(c, str) and c in CONTEXT_COLUMNS for c in column):
            blocks.append(OneHot(part, column[0]) if OneHot.supports(part, column) else Transformer(part, column))
        else:
            return whole
    return blocks


def part_block(part: Any, column: str, as_list: bool = False) -> Block:
    """A block for one fitted transformer reading one column (as a list when ``as_list``, as
    `FeatureUnion` passes it, else as a Series, as `ColumnTransformer` does)."""
    if WordTfidf.supports(part):
        return WordTfidf(part, column)
    return Transformer(part, column, as_list=as_list or type(part) in (CueFeatures, CharNgramTfidf))


@dataclass(frozen=True)
class Transformer:
    """Any fitted transformer, given its column(s) as its container would give them."""

    transformer: Any
    column: str | list[str]
    as_list: bool = False

    def transform(self, columns: Columns) -> sp.csr_matrix:
        import pandas as pd

        if isinstance(self.column, list):
            data: Any = pd.DataFrame({c: columns[c] for c in self.column})
        elif self.as_list:
            data = columns[self.column]
        else:
            data = pd.Series(columns[self.column], name=self.column)
        return sp.csr_matrix(self.transformer.transform(data))


@dataclass(frozen=True)
class WholeText:
    """The whole text vectorizer, where its parts are not taken apart."""

    vectorizer: Any

    def transform(self, columns: Columns) -> sp.csr_matrix:
        return sp.csr_matrix(self.vectorizer.transform(columns["text"]))


@dataclass(frozen=True)
class WholeContext:
    """The whole context vectorizer, where its parts are not taken apart."""

    context: Any

    def transform(self, columns: Columns) -> sp.csr_matrix:
        import pandas as pd

        return sp.csr_matrix(self.context.transform(pd.DataFrame(columns)))


class WordTfidf:
    """A fitted word `TfidfVectorizer`'s ``transform``, the same matrix with less overhead per call.

    The same steps as scikit-learn's: lower-case, the token pattern, the n-grams of the
    vocabulary counted (sorted by column), then the same in-place (sublinear) TF-IDF weighting
    and scikit-learn's own L2 normalisation. N-grams are looked up by their tokens (a tuple)
    rather than joined by a space: with scikit-learn's token pattern a token never holds a space,
    so the two are the same. `supports` says which settings it reproduces; any other vectorizer
    keeps its own transform.
    """

    def __init__(self, vectorizer: Any, column: str) -> None:
        self.column = column
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.ngrams = {tuple(gram.split(" ")): i for gram, i in self.vocabulary.items() if " " in gram}
        self.lowercase = bool(vectorizer.lowercase)
        self.ngram_range: tuple[int, int] = tuple(vectorizer.ngram_range)  # type: ignore[assignment]
        self.idf = vectorizer.idf_ if vectorizer.use_idf else None
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.norm = vectorizer.norm
        self.dtype = vectorizer.dtype

    @staticmethod
    def supports(vectorizer: Any) -> bool:
        """A fitted word TF-IDF vectorizer with the settings this class reproduces."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        if type(vectorizer) is not TfidfVectorizer or not hasattr(vectorizer, "vocabulary_"):
            return False
        low, high = vectorizer.ngram_range
        return (vectorizer.analyzer == "word" and vectorizer.input == "content" and vectorizer.preprocessor is None
                and vectorizer.tokenizer is None and vectorizer.stop_words is None and vectorizer.strip_accents is None
                and not vectorizer.binary and vectorizer.token_pattern == SKLEARN_TOKENS and 1 <= low <= high)

    def ids(self, text: str) -> list[int]:
        """The vocabulary's n-grams in a text, as feature indices (repeats kept), as scikit-learn counts them."""
        tokens = _tokens(text, self.lowercase)
        low, high = self.ngram_range
        found = [i for i in map(self.vocabulary.get, tokens) if i is not None] if low == 1 else []
        get = self.ngrams.get
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            found += [i for i in map(get, zip(*(tokens[k:] for k in range(n)))) if i is not None]
        return found

    def transform(self, columns: Columns) -> sp.csr_matrix:
        from sklearn.preprocessing import normalize
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        seen: dict[str, list[int]] = {}  # a text repeated in the batch (a section heading) is read once
        found: list[int] = []
        lengths: list[int] = []
        for text in columns[self.column]:
            ids = seen.get(text)
            if ids is None:
                ids = seen[text] = self.ids(text)
            found += ids
            lengths.append(len(ids))
        indptr, indices, counts = count_rows(np.asarray(found, dtype=np.int64), np.asarray(lengths, dtype=np.int64),
                                             len(self.vocabulary))
        matrix = sp.csr_matrix((counts.astype(self.dtype, copy=False), indices, indptr),
                               shape=(len(lengths), len(self.vocabulary)))
        data = matrix.data
        if self.sublinear:
            np.log(data, data)
            data += 1.0
        if self.idf is not None:
            data *= self.idf[matrix.indices]
        if self.norm == "l2":  # what `normalize` does for a CSR matrix, without its input checks
            inplace_csr_row_normalize_l2(matrix)
        elif self.norm is not None:
            matrix = normalize(matrix, norm=self.norm, copy=False)
        return matrix


_SKLEARN_TOKENS = re.compile(SKLEARN_TOKENS)


@lru_cache(maxsize=4096)
def _tokens(text: str, lowercase: bool) -> tuple[str, ...]:
    """A text's tokens as scikit-learn's default word analyzer finds them (lower-cased first if it lower-cases).

    Kept within a scoring call (`forget_texts` clears them): a sentence comes back as the next
    one's previous sentence, read by the context's word features.
    """
    return tuple(_SKLEARN_TOKENS.findall(text.lower() if lowercase else text))


def forget_texts() -> None:
    """Clear what is kept about texts within a scoring call (word tokens, cue words)."""
    _tokens.cache_clear()
    clear_cue_words()


class OneHot:
    """A fitted one-column `OneHotEncoder` (unknown values ignored, nothing dropped): one 1 per known value."""

    def __init__(self, encoder: Any, column: str) -> None:
        self.column = column
        self.index = {value: i for i, value in enumerate(encoder.categories_[0].tolist())}
        self.width = len(self.index)
        self.dtype = encoder.dtype

    @staticmethod
    def supports(encoder: Any, column: list[str]) -> bool:
        from sklearn.preprocessing import OneHotEncoder

        return (type(encoder) is OneHotEncoder and hasattr(encoder, "categories_") and len(column) == 1
                and len(encoder.categories_) == 1 and encoder.handle_unknown == "ignore"
                and getattr(encoder, "drop_idx_", None) is None and not getattr(encoder, "_infrequent_enabled", False)
                and all(isinstance(v, str) for v in encoder.categories_[0].tolist()))

    def transform(self, columns: Columns) -> sp.csr_matrix:
        get = self.index.get
        found = np.fromiter((get(v, -1) for v in columns[self.column]), dtype=np.int64)
        known = found >= 0
        indptr = np.zeros(len(found) + 1, dtype=np.int64)
        np.cumsum(known, out=indptr[1:])
        return sp.csr_matrix((np.ones(int(known.sum()), dtype=self.dtype), found[known], indptr),
                             shape=(len(found), self.width))
