"""Web-page chrome, whatever carried the page here: a saved web page, a page printed to PDF by a browser,
or text copied from a page.

Site chrome is never report prose: skip links, cookie banners, the site's name and strap line,
navigation rows and breadcrumbs, "On this page" contents, accordion labels, share and print links,
"Back to top", the site footer. `strip` drops it from a document's blocks, and takes out what it
says about the report: the "Published" / "Last updated" dates (for the metadata), a "Footnotes"
list (as footnotes), and grade widgets ("Effectiveness" above "Good") as grades.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..types import Block, Document, Footnote
from .units import normalise_space

_GRADES = r"(?:outstanding|good|adequate|requires improvement|inadequate)"
GRADE_ONLY = re.compile(rf"^{_GRADES}$", re.IGNORECASE)
GRADES_ONLY = re.compile(rf"^(?:{_GRADES}\s*)+$", re.IGNORECASE)
# A whole unit that is chrome.
CHROME = re.compile(
    r"^(?:skip to (?:main )?content|menu|search|home|back to top|top of page|print this (?:page|document)|"
    r"share this(?: page)?:?|share on (?:twitter|x|facebook|linkedin|email|whatsapp)|share|"
    r"(?:accept|reject) (?:all |additional |analytics )?cookies|view cookies|hide (?:this )?message|"
    r"cookies?(?: on [\w &]+)?|cookie (?:settings|policy|preferences)|accessibility(?: statement)?|"
    r"privacy(?: notice| policy)?|terms and conditions|contact(?: us)?|sitemap|related content|"
    r"on this page|hmicfrs|hmic|hm inspectorate of constabulary(?: and fire (?:&|and) rescue services)?|"
    r"her majesty[’']s inspectorate of constabulary(?: and fire (?:&|and) rescue services)?|"
    r"inspecting policing in the public interest|© crown copyright.*|all content is available under the open "
    r"government licence.*|globe house, 89 eccleston square.*|read (?:the full|more|the areas for improvement)\b.*|"
    r"show (?:more|all|less)\b.*|hide (?:all|section)\b.*|open all|close all|↩|"
    r"your browser has javascript turned off.*|javascript is (?:disabled|turned off).*)$",
    re.IGNORECASE,
)
# Chrome phrases that run together when a page is printed (a share row and the footer links as one line).
_PHRASES = re.compile(
    r"share this(?: page)?:?|share on (?:twitter|x|facebook|linkedin|email)|print this (?:page|document)|"
    r"(?:accept|reject) (?:analytics |all |additional )?cookies|view cookies|"
    r"accessibility|cookies|privacy notice|terms and conditions|contact(?: us)?|back to top|"
    r"hm inspectorate of constabulary and fire & rescue services|globe house, 89 eccleston square, london sw1v 1pn|"
    r"© crown copyright|all content is available under the open government licence v3\.0,? except where "
    r"otherwise stated|home|our work|our inspections|publications|news|media centre|about us|"
    r"peel assessments|[–—•|]",
    re.IGNORECASE,
)
_COOKIE_BANNER = re.compile(r"\bcookies?\b.*\b(?:we use|to make this website work|analytics|accept|reject)\b|"
                            r"\b(?:we use|we[’']d (?:also )?like to use)\b.*\bcookies\b", re.IGNORECASE)
_BREADCRUMB = re.compile(r"^home\s*(?:[›>»/|]\s*[^›>»/|]{1,60})+$", re.IGNORECASE)
_DATED = re.compile(r"^(published(?: on)?|last updated|updated|first published)\s*:?\s*(.+?)\s*(?:\|\s*(last updated|updated)"
                    r"\s*:?\s*(.+))?$", re.IGNORECASE)
_FOOTNOTE_HEADING = re.compile(r"^(?:footnotes|notes|endnotes|references)$", re.IGNORECASE)
_FOOTNOTE_ITEM = re.compile(r"^\[?(\d{1,3})[\].)]?\s+(.+?)\s*(?:↩\s*)*$")
_NAV_WORDS = frozenset("home our work publications news about us contact media centre inspections peel "
                       "assessments search menu".split())


@dataclass
class Chrome:
    """What the chrome said about the report."""

    dates: list[tuple[str, str]] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    grades: list[tuple[str, str]] = field(default_factory=list)


def is_chrome(text: str) -> bool:
    """A unit of site chrome (a whole block's text)."""
    text = normalise_space(text)
    if not text:
        return True
    if CHROME.match(text) or _COOKIE_BANNER.search(text) or _BREADCRUMB.match(text):
        return True
    rest = _PHRASES.sub(" ", text)
    if len(text) > 12 and len(rest.split()) <= 1 and len(_PHRASES.findall(text)) >= 2:
        return True  # a row of chrome phrases run together
    words = text.lower().split()
    return 2 <= len(words) <= 12 and all(w in _NAV_WORDS for w in words)  # a navigation row


def strip(blocks: list[Block]) -> tuple[list[Block], Chrome]:
    """The blocks without site chrome, and the dates, footnotes and grades the chrome held."""
    found = Chrome()
    kept: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        text = normalise_space(block.text)
        if text.lower() == "on this page":
            i = _skip_list(blocks, i + 1)
            continue
        if _FOOTNOTE_HEADING.match(text) and block.kind == "heading":
            i = _footnotes(blocks, i + 1, found)
            continue
        dated = _DATED.match(text)
        if dated and len(text) < 80:
            found.dates.append(("published" if "publish" in dated.group(1).lower() else "updated", dated.group(2)))
            if dated.group(4):
                found.dates.append(("updated", dated.group(4)))
            i += 1
            continue
        if GRADES_ONLY.match(text) and not GRADE_ONLY.match(text):
            i += 1  # a row of grade widgets ("Good Outstanding Outstanding"): the labels come with each
            continue
        if (i + 1 < len(blocks) and GRADE_ONLY.match(normalise_space(blocks[i + 1].text)) and len(text) <= 80
                and not text.endswith((".", "?", ":")) and block.kind != "heading"):
            found.grades.append((text, normalise_space(blocks[i + 1].text).lower()))  # a grade widget
            i += 2
            continue
        if is_chrome(text):
            i += 1
            continue
        kept.append(block)
        i += 1
    return kept, found


def _skip_list(blocks: list[Block], i: int) -> int:
    """Past an "On this page" list: its items, up to the next heading that is not one of them."""
    while i < len(blocks) and blocks[i].kind in ("bullet", "paragraph") and len(blocks[i].text) <= 120 \
            and not blocks[i].text.rstrip().endswith("."):
        i += 1
    return i


def _footnotes(blocks: list[Block], i: int, found: Chrome) -> int:
    """The numbered notes under a "Footnotes" heading, as footnotes."""
    number = 0
    while i < len(blocks) and blocks[i].kind != "heading":
        text = normalise_space(blocks[i].text)
        match = _FOOTNOTE_ITEM.match(text)
        last = found.footnotes[-1] if found.footnotes else None
        if match:
            number = int(match.group(1))
            body = match.group(2)
        elif blocks[i].kind == "bullet":
            number += 1
            body = text.rstrip("↩ ").strip()
        elif last is not None and not last.text.endswith((".", "!", "?")):
            # a note run on past a page break: add to the one before
            found.footnotes[-1] = Footnote(last.number, f"{last.text} {text.rstrip('↩ ').strip()}", last.page)
            i += 1
            continue
        else:
            break
        found.footnotes.append(Footnote(number=str(number), text=body.rstrip("↩ ").strip(), page=blocks[i].page))
        i += 1
    return i


_WEB_SIGNS = re.compile(r"^(?:skip to (?:main )?content|cookies on\b|share this|print this page|back to top|"
                        r"published(?: on)?:|last updated\b)|\bcookies\b.*\b(?:accept|reject|we use)\b", re.IGNORECASE)


def looks_like_a_web_page(blocks: list[Block]) -> bool:
    """Whether a document carries web-page chrome (a page saved, printed or copied from a website)."""
    edges = [*blocks[:15], *blocks[-15:]]
    return sum(bool(_WEB_SIGNS.search(normalise_space(b.text))) for b in edges) >= 1


def apply(doc: Document, always: bool = False) -> Document:
    """The document without site chrome (when it is a web page, or ``always``), its dates, footnotes
    and grades added."""
    from dataclasses import replace

    if not always and not looks_like_a_web_page(list(doc.blocks)):
        return doc
    blocks, found = strip(list(doc.blocks))
    if not blocks:
        return doc
    return replace(doc, blocks=tuple(blocks), dates=(*doc.dates, *found.dates),
                   footnotes=(*doc.footnotes, *found.footnotes), grades=(*doc.grades, *found.grades))
