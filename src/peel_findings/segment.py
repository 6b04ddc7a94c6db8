"""Sentence segmentation: ``spacy.blank("en")`` plus one rule-based boundary component.

This is the only module that imports spaCy; ``Doc`` objects never leave it.
Callers pass paragraph texts and get character spans back.
"""

from __future__ import annotations

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


def _is_boundary_after(doc: Doc, i: int) -> bool:
    """Whether a sentence ends after token ``i`` (which may be followed by closers)."""
    tok = doc[i]
    text = tok.text
    if text in ENDERS:
        if text == "." and i > 0 and not doc[i - 1].whitespace_:
            prev = doc[i - 1].text.lower().rstrip(".")
            if prev in ABBREVIATIONS:
                return False
    elif text.lower() in SENTENCE_FINAL_ABBREVIATIONS:
        pass
    elif len(text) > 1 and text.endswith(".") and text.lower().rstrip(".") not in ABBREVIATIONS:
        # A token like "2015." or "a.m." that the tokenizer kept whole.
        if not text[:-1].replace(".", "").isalnum():
            return False
    else:
        return False
    j = i + 1
    while j < len(doc) and doc[j].text in CLOSERS and not doc[j - 1].whitespace_:
        j += 1
    if j >= len(doc):
        return False
    if not doc[j - 1].whitespace_:
        return False  # "4.6%", "www.gov.uk" and the like: no space, no boundary
    nxt = doc[j].text
    return nxt[:1].isupper() or nxt[:1].isdigit() or nxt.startswith(OPENERS) or nxt[:1] in "•–-"


def _closing_extent(doc: Doc, i: int) -> int:
    """Index of the first token after the sentence-ending token ``i`` and its closers."""
    j = i + 1
    while j < len(doc) and doc[j].text in CLOSERS and not doc[j - 1].whitespace_:
        j += 1
    return j


def set_boundaries(doc: Doc) -> Doc:
    """Mark sentence starts: after ., ? or ! (and closing quotes) before a capital, not after abbreviations."""
    for tok in doc:
        tok.is_sent_start = tok.i == 0
    i = 0
    while i < len(doc):
        if _is_boundary_after(doc, i):
            j = _closing_extent(doc, i)
            if j < len(doc):
                doc[j].is_sent_start = True
            i = j
        else:
            i += 1
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


def split_sentences(texts: Sequence[str] | Iterable[str]) -> list[list[tuple[int, int]]]:
    """Character spans ``(start, end)`` of the sentences of each text, whitespace trimmed."""
    out: list[list[tuple[int, int]]] = []
    for doc in _nlp().pipe(texts, batch_size=256):
        spans = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            chunk = doc.text[start:end]
            stripped = chunk.strip()
            if not stripped:
                continue
            start += len(chunk) - len(chunk.lstrip())
            spans.append((start, start + len(stripped)))
        out.append(spans)
    return out
