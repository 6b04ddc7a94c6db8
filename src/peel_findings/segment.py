"""Sentence segmentation: ``spacy.blank("en")`` plus one rule-based boundary component.

This is the only module that imports spaCy; ``Doc`` objects never leave it.
Callers pass paragraph texts and get character spans back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

COMPONENT = "peel_sentence_boundaries"

# Tokens that end with "." but rarely end a sentence (spaCy keeps some, e.g. "e.g.", as one token).
ABBREVIATIONS = frozenset(
    """e.g i.e cf vs viz approx para paras no nos fig figs ref mr mrs ms dr st ch sec
    p pp vol op inc ltd co jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
# Abbreviations that commonly end a sentence when a capitalised word follows.
SENTENCE_FINAL_ABBREVIATIONS = frozenset({"etc.", "etc"})
ENDERS = frozenset({".", "?", "!", "…", "...", ".)"})
CLOSERS = frozenset({"”", "’", '"', "'", ")", "]", "»"})
OPENERS = ("“", "‘", '"', "'", "(", "[", "«")


def _is_boundary_after(words: list[str], spaced: list[bool], i: int) -> bool:
    """Whether a sentence ends after token ``i`` (which may be followed by closers).

    ``words`` are the tokens' texts, ``spaced`` whether whitespace follows each.
    """
    text = words[i]
    if text in ENDERS:
        if text == "." and i > 0 and not spaced[i - 1]:
            if words[i - 1].lower().rstrip(".") in ABBREVIATIONS:
                return False
    elif text.lower() in SENTENCE_FINAL_ABBREVIATIONS:
        pass
    elif len(text) > 1 and text.endswith(".") and text.lower().rstrip(".") not in ABBREVIATIONS:
        # A token like "2015." or "a.m." that the tokenizer kept whole.
        if not text[:-1].replace(".", "").isalnum():
            return False
    else:
        return False
    j = _closing_extent(words, spaced, i)
    if j >= len(words):
        return False
    if not spaced[j - 1]:
        return False  # "4.6%", "www.gov.uk" and the like: no space, no boundary
    nxt = words[j]
    return nxt[:1].isupper() or nxt[:1].isdigit() or nxt.startswith(OPENERS) or nxt[:1] in "•–-"


def _closing_extent(words: list[str], spaced: list[bool], i: int) -> int:
    """Index of the first token after the sentence-ending token ``i`` and its closers."""
    j = i + 1
    while j < len(words) and words[j] in CLOSERS and not spaced[j - 1]:
        j += 1
    return j


BOUNDARIES = "peel_sentence_starts"  # key in Doc.user_data: token indices where sentences start
MAX_CHARS = 50_000  # longer texts are cut at sentence ends first, so spaCy's work stays linear


def set_boundaries(doc: Doc) -> Doc:
    """Find sentence starts: after ., ? or ! (and closing quotes) before a capital, not after abbreviations.

    The starts go to ``doc.user_data`` as token indices. (Setting spaCy's ``is_sent_start`` token by token,
    and reading ``Doc.sents``, cost time in the square of the text's length.)
    """
    words = [token.text for token in doc]
    spaced = [bool(token.whitespace_) for token in doc]
    starts = [0]
    i = 0
    while i < len(words):
        if _is_boundary_after(words, spaced, i):
            j = _closing_extent(words, spaced, i)
            if j < len(words):
                starts.append(j)
            i = j
        else:
            i += 1
    doc.user_data[BOUNDARIES] = starts
    return doc


@lru_cache(maxsize=1)
def _nlp() -> Language:
    import spacy
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.component(COMPONENT, func=set_boundaries)
    nlp = spacy.blank("en")
    nlp.add_pipe(COMPONENT)
    return nlp


_SAFE_CUT = re.compile(r"[.!?][\"”’)\]]*\s+(?=[A-Z0-9“\"(])")


def _pieces(text: str) -> list[tuple[int, str]]:
    """A long text cut into pieces of at most about `MAX_CHARS`, at sentence ends where possible
    (else at a space, else anywhere), with each piece's offset."""
    pieces, start = [], 0
    while len(text) - start > MAX_CHARS:
        window = text[start + MAX_CHARS // 2:start + MAX_CHARS]
        ends = [m.end() for m in _SAFE_CUT.finditer(window)]
        cut = start + MAX_CHARS // 2 + (ends[-1] if ends else (window.rfind(" ") + 1 or len(window)))
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def split_sentences(texts: Sequence[str] | Iterable[str]) -> list[list[tuple[int, int]]]:
    """Character spans ``(start, end)`` of the sentences of each text, whitespace trimmed.

    Time grows linearly with the text: a paragraph of a million characters is cut at sentence ends
    into pieces spaCy reads one by one.
    """
    texts = list(texts)
    pieces = [(n, offset, piece) for n, text in enumerate(texts) for offset, piece in _pieces(text)]
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    docs = _nlp().pipe((piece for _, _, piece in pieces), batch_size=256)
    for (n, offset, piece), doc in zip(pieces, docs):
        starts = doc.user_data.get(BOUNDARIES, [0])
        for first, nxt in zip(starts, [*starts[1:], len(doc)]):
            if first >= nxt:
                continue
            last = doc[nxt - 1]
            start, end = doc[first].idx, last.idx + len(last.text)
            chunk = piece[start:end]  # the piece itself: Doc.text rebuilds the whole text on every call
            stripped = chunk.strip()
            if not stripped:
                continue
            start += len(chunk) - len(chunk.lstrip())
            out[n].append((offset + start, offset + start + len(stripped)))
    return out
