"""Rules both readers share: what a line is (bullet, caption, footnote body, ...) and text clean-up."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache

from ..types import Block

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_ASCII = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")

# A footnote marker glued to the end of a word or punctuation: "judgment¹", "report:²".
MARKER_RE = re.compile(rf"(?<=[^\s{SUPERSCRIPT_DIGITS}])[{SUPERSCRIPT_DIGITS}]+")
FOOTNOTE_BODY_RE = re.compile(rf"^([{SUPERSCRIPT_DIGITS}]+)\s*(\S.*)$")
# Bullet glyphs: dashes, bullets, the geometric-shapes block, and the Wingdings/Symbol code points
# (private use area) that Word exports for its list bullets.
BULLET_GLYPHS = "-–•●▪◦·*‣∙⁃➢►✓\u25a0-\u25ff\uf0a7\uf0b7\uf0d8\uf0fc"
BULLET_RE = re.compile(rf"^\s*(?:[{BULLET_GLYPHS}]|\d{{1,2}}[.)]|\(?[a-z]\))\s+(?=\S)")
NUMBERED_RE = re.compile(r"^\s*\d{1,2}[.)]\s+")
CAPTION_RE = re.compile(r"^(?:Figure|Table|Chart|Graph|Source)\b\s*\d*\s*[:.–-]?", re.IGNORECASE)
CONTENTS_LINE_RE = re.compile(r"^.{3,}?(?:\.{3,}|…+|\t)\s*\d{1,3}\s*$")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_HEADING_END_STOPWORDS = frozenset(
    "a an and are as at be by for from in is it its of on or that the their to was were which with".split()
)


NUMBER_ONLY_RE = re.compile(r"[+\-–]?[\d.,]+%?")


def is_number_only(text: str) -> bool:
    """A statistic standing alone ("588", "+4.6%"): table data, not prose."""
    return bool(NUMBER_ONLY_RE.fullmatch(text.strip()))


def normalise_space(text: str) -> str:
    """Collapse runs of spaces (including no-break and thin spaces) and strip the ends.

    Idempotent: ``normalise_space(normalise_space(t)) == normalise_space(t)``.
    """
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return _SPACE_RE.sub(" ", text).strip()


# Markers written as text by some extractions: "crime (excluding fraud)^{4 5 6}".
CARET_MARKER_RE = re.compile(r"\^\{[\d\s,]+\}")
# Markdown emphasis left in extracted text: "*The Strategic Policing Requirement*", "**public interest**".
EMPHASIS_RE = re.compile(r"(?<![\w*])(\*{1,3})(?=\S)([^*\n]+?)(?<=\S)\1(?![\w*])")


def remove_markers(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove footnote markers (superscript digits after a word); return the text and the markers."""
    found = tuple(m.translate(_SUPER_TO_ASCII) for m in MARKER_RE.findall(text))
    carets = tuple(re.sub(r"\D+", ",", m.strip("^{}")).strip(",") for m in CARET_MARKER_RE.findall(text))
    if carets:
        text = CARET_MARKER_RE.sub("", text)
    return (MARKER_RE.sub("", text) if found else text), found + carets


def strip_emphasis(text: str) -> str:
    """Remove markdown emphasis marks, keeping the emphasised words."""
    return EMPHASIS_RE.sub(r"\2", text)


def footnote_body(line: str) -> tuple[str, str] | None:
    """("1", "Outstanding, Good, ...") for a footnote body line such as "¹ Outstanding, Good, ..."."""
    match = FOOTNOTE_BODY_RE.match(line.strip())
    if not match:
        return None
    return match.group(1).translate(_SUPER_TO_ASCII), match.group(2).strip()


def strip_bullet(line: str) -> str | None:
    """The item text without its bullet glyph, or None when the line is not a list item.

    Numbered items keep their number ("1. How effective ..."), as the labelling guide reads them.
    """
    match = BULLET_RE.match(line)
    if not match:
        return None
    if NUMBERED_RE.match(line):
        return line.strip()
    return line[match.end():].strip()


def is_caption(line: str) -> bool:
    """A figure/table caption or a "Source: ..." line."""
    return bool(CAPTION_RE.match(line.strip())) and (
        line.strip().lower().startswith("source") or bool(re.match(r"^\w+\s+\d", line.strip()))
    )


def is_contents_line(line: str) -> bool:
    """A table-of-contents entry: text, then dot leaders or a tab, then a page number."""
    return bool(CONTENTS_LINE_RE.match(line))


def looks_like_heading(text: str) -> bool:
    """Shape of a heading in plain text: one short line that does not end like prose."""
    text = text.strip()
    if not text or len(text) > 200 or not (text[0].isupper() or text[0].isdigit()):
        return False
    if text[-1] in ".,;:" or text.endswith(("”", '"')):
        return False
    if re.search(r"[.!?]\s+[A-Z]", text):
        return False  # more than one sentence
    words = text.split()
    if len(words) > 30:
        return False
    last = words[-1].strip("?!").lower()
    return last not in _HEADING_END_STOPWORDS


def merge_continuations(blocks: list[Block], vocabulary: frozenset[str] = frozenset()) -> list[Block]:
    """Rejoin paragraphs split by a page or column break.

    A paragraph that stops without final punctuation is continued by the next
    paragraph (past any captions) when that one starts in lower case, or, in a
    PDF, when it is the first block of the next page or of the next column.
    """
    out: list[Block] = []
    for block in blocks:
        if block.kind == "paragraph":
            j = len(out) - 1
            while j >= 0 and out[j].kind == "caption":
                j -= 1
            prev = out[j] if j >= 0 else None
            if prev is not None and prev.text[-1:] not in _FINAL_PUNCTUATION and _continues(prev, block):
                # In plain text a "heading" is only a guess from its shape; a lower-case
                # continuation shows it was the start of a paragraph.
                kind = "paragraph" if prev.kind == "heading" else prev.kind
                out[j] = replace(prev, text=join_fragments(prev.text, block.text, vocabulary), kind=kind)
                continue
        out.append(block)
    return out


def _continues(prev: Block, block: Block) -> bool:
    guessed_heading = prev.kind == "heading" and prev.font_size is None
    if prev.kind not in ("paragraph", "bullet") and not guessed_heading:
        return False
    if block.text[:1].islower():
        return True
    next_page = prev.page is not None and block.page == prev.page + 1
    next_column = prev.page is not None and block.page == prev.page and block.opens_region
    # Across a page or column break a capital may start the continuation ("... compared with" /
    # "England and Wales."), but only running prose is cut that way: a short label is not continued.
    return (next_page or next_column) and prev.kind == "paragraph" and len(prev.text) >= 80


_FINAL_PUNCTUATION = frozenset(".?!:;…\"”’)")


def join_fragments(left: str, right: str, vocabulary: frozenset[str] | None = frozenset()) -> str:
    """Join text broken at a line or page end, resolving a trailing hyphen.

    ``vocabulary`` is the document's own words (a PDF, whose typesetter broke words at line
    ends); None means plain text, which carries no evidence that a hyphen was a break, so the
    hyphen is kept as written.
    """
    match = re.search(r"([A-Za-z]+)-$", left)
    word = re.match(r"[a-z]+", right)
    if match and right[:1].isupper():
        return left + right  # "Multi-" + "Agency": a compound broken at its own hyphen
    if match and word:
        if vocabulary is None or keep_hyphen(match.group(1).lower(), word.group(0), vocabulary):
            return left + right
        return left[:-1] + right
    return left + " " + right


def keep_hyphen(left: str, right: str, vocabulary: frozenset[str] = frozenset()) -> bool:
    """Whether "left-" + "right" broken at a line end is a hyphenated compound, not a split word.

    The document's own usage decides first; otherwise the more frequent spelling in general
    English (wordfreq), with a margin in favour of joining, which is what typesetters' breaks
    usually undo.
    """
    joined, hyphenated = left + right, f"{left}-{right}"
    if hyphenated in vocabulary:
        return True
    if joined in vocabulary:
        return False
    joined_freq, hyphenated_freq = _zipf(joined), _zipf(hyphenated)
    if hyphenated_freq >= joined_freq + 0.5:
        return True  # "ground-breaking", "multi-agency": the compound is the usual spelling
    return joined_freq < 1.5  # not a word when joined: keep what the page shows


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    """Word frequency on the Zipf scale (0 = unknown, 7 = "the"), from wordfreq's bundled lists."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")
