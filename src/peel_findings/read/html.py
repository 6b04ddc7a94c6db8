"""Read web pages saved from the inspectorate's site (.html, .htm). The only module that imports lxml.

lxml (libxml2's forgiving HTML parser) gives the element tree; the rules here pick the report out
of the page:

- scripts, styles, forms, hidden elements, site navigation, banners, breadcrumbs, cookie notices,
  share links, sidebars and the site footer are dropped, by element (``nav``, ``aside``, ``footer``
  outside the article, ``[aria-hidden]``, ARIA roles) and by class or id;
- the report's root is ``<main>``, else ``role=main``, else ``<article>``, else the body;
- footnote references in the prose (``<sup>``, ``[1]`` links to notes) are removed, and the notes
  themselves (a "Footnotes" section, ``.footnotes``, an ``<ol>`` of notes) kept apart as footnotes;
- ``h1``-``h4`` are headings with their levels, paragraphs, list items, table cells, and accordion
  (``details``) contents are units; accordion labels (``summary``) are not prose;
- ``<title>``, ``<time datetime>`` and "Published" / "Last updated" lines, and grade widgets
  ("Effectiveness" above "Good"), feed the metadata and grades.

What is left is passed through `chrome.apply`, which also serves pages printed or copied as text.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import EmptyFileError, ReadError
from ..types import Block, Document, Footnote, Table
from . import chrome, units

_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "form", "button", "input", "select",
              "textarea", "nav", "canvas", "video", "audio", "picture", "img", "link", "meta")
_DROP_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary", "dialog", "alert")
_DROP_CLASS = re.compile(
    r"cookie|consent|banner|breadcrumb|share|social|skip|\bnav\b|navbar|navigation|menu|sidebar|related|"
    r"back-to-top|backtotop|to-top|print|site-header|site-footer|masthead|header__|footer__|visually-hidden|"
    r"sr-only|screen-reader|\bhidden\b|on-this-page|contents-list|table-of-contents|toc\b",
    re.IGNORECASE,
)
_FOOTNOTE_CLASS = re.compile(r"footnote|endnote|\bnotes?\b", re.IGNORECASE)
_GRADE_CLASS = re.compile(r"grade|judg(?:e)?ment|rating", re.IGNORECASE)
_REF = re.compile(r"^\[?\d{1,3}\]?$")
_BACKLINK = re.compile(r"^(?:↩\ufe0e?\ufe0f?|\^|back(?: to (?:content|text|top))?|return to (?:text|content))$", re.IGNORECASE)
_BLOCK_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}


def read_html(path: str | Path) -> Document:
    """Read a saved web page into blocks, footnotes, tables, its title, dates and grade widgets."""
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise EmptyFileError(f"{path}: the file is empty. Save the web page again.")
    return parse_html(data, path=str(path))


def parse_html(data: bytes | str, path: str = "<html>") -> Document:
    """Parse a web page (bytes or text) into a `Document`."""
    import lxml.html
    from lxml import etree

    text = data if isinstance(data, str) else _decode(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses an encoding declaration in text
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"{path}: not a readable web page ({exc}). Save the page again as HTML.") from exc
    title = _text(tree.find(".//title")) or None
    dates = [("published" if "publish" in (el.getparent().text_content() or "").lower() else "updated",
              el.get("datetime")) for el in tree.iter("time") if el.get("datetime")]
    for element in list(tree.iter(*_DROP_TAGS)):
        _remove(element)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str):
            _remove(element)  # comments, processing instructions
            continue
        if element.get("aria-hidden") == "true" or element.get("hidden") is not None \
                or element.get("role") in _DROP_ROLES:
            _remove(element)
    root = _root(tree)
    for element in list(root.iter()):
        if element.tag in ("header", "footer") and not _inside(element, ("article", "main")):
            _remove(element)
    for element in list(tree.iter("aside", "header", "footer", "div", "section", "ul", "ol", "p", "span", "a")):
        if element.getparent() is not None and _DROP_CLASS.search(_classes(element)) and \
                not _FOOTNOTE_CLASS.search(_classes(element)):
            _remove(element)
    grades = _grade_widgets(root)
    footnotes = _footnotes(tree, root)
    for sup in list(root.iter("sup")):
        if _REF.match(_text(sup)):
            _remove(sup, keep_tail=True)
    for link in list(root.iter("a")):
        if _REF.match(_text(link)) and (link.get("href") or "").startswith("#"):
            _remove(link, keep_tail=True)
    blocks, tables = _blocks(root)
    if not blocks:
        raise EmptyFileError(f"{path}: no report text found on the page. Check that the page was saved whole.")
    doc = Document(path=path, format="html", pages=0, blocks=tuple(units.merge_continuations(blocks)),
                   footnotes=tuple(footnotes), tables=tuple(tables), title=title,
                   dates=tuple((k, v) for k, v in dates if v), grades=tuple(grades))
    return chrome.apply(doc, always=True)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _decode(data: bytes) -> str:
    """A page's text: by its byte-order mark, else its <meta charset>, else UTF-8, else Windows-1252."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _text(element: object) -> str:
    return units.normalise_space(element.text_content()) if element is not None else ""  # type: ignore[attr-defined]


def _classes(element: object) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"  # type: ignore[attr-defined]


def _inside(element: object, tags: tuple[str, ...]) -> bool:
    parent = element.getparent()  # type: ignore[attr-defined]
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _remove(element: object, keep_tail: bool = True) -> None:
    """Take an element out of the tree, keeping the text that follows it."""
    parent = element.getparent()  # type: ignore[attr-defined]
    if parent is None:
        return
    tail = element.tail if keep_tail else None  # type: ignore[attr-defined]
    previous = element.getprevious()  # type: ignore[attr-defined]
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _root(tree: object) -> object:
    """The element that holds the report: ``<main>``, else ``role=main``, else ``<article>``, else the body."""
    candidates = (tree.find(".//main"), next(iter(tree.xpath("//*[@role='main']")), None),  # type: ignore[attr-defined]
                  tree.find(".//article"), tree.find(".//body"))  # type: ignore[attr-defined]
    return next((c for c in candidates if c is not None), tree)


def _grade_widgets(root: object) -> list[tuple[str, str]]:
    """Grades stated in page widgets: an element whose class names a grade, holding a label and a grade."""
    found = []
    for element in list(root.iter()):  # type: ignore[attr-defined]
        if not isinstance(element.tag, str) or not _GRADE_CLASS.search(_classes(element)):
            continue
        parts = [_text(child) for child in element if _text(child)]
        if len(parts) == 2 and chrome.GRADE_ONLY.match(parts[1]) and not chrome.GRADE_ONLY.match(parts[0]):
            found.append((parts[0], parts[1].lower()))
            _remove(element)
    return found


def _footnotes(tree: object, root: object) -> list[Footnote]:
    """Footnotes: the items of a footnotes container, or of the list under a "Footnotes" heading."""
    containers = [el for el in tree.iter() if isinstance(el.tag, str) and _FOOTNOTE_CLASS.search(_classes(el))  # type: ignore[attr-defined]
                  and el.tag in ("div", "section", "aside", "ol", "ul", "footer")]
    for heading in list(tree.iter("h2", "h3", "h4")):  # type: ignore[attr-defined]
        if re.fullmatch(r"(?:foot|end)?notes|references", _text(heading), re.IGNORECASE):
            following = heading.getnext()
            if following is not None and following.tag in ("ol", "ul"):
                containers.append(following)
            _remove(heading)
    notes: list[Footnote] = []
    done: list[object] = []
    for container in containers:
        if container.getparent() is None or any(container in list(d.iter()) for d in done):
            continue  # already read as part of a footnotes container around it
        items = list(container.iter("li")) or [el for el in container if el.tag == "p"]
        for n, item in enumerate(items, start=1):
            for link in list(item.iter("a")):
                if (link.get("href") or "").startswith("#") and _BACKLINK.match(_text(link)):
                    _remove(link)
            text = _text(item).strip()
            match = re.match(r"^\[?(\d{1,3})[\].)]?\s+(.*)$", text)
            number, body = (match.group(1), match.group(2)) if match else (item.get("value") or str(n), text)
            if body:
                notes.append(Footnote(number=number, text=units.normalise_space(body)))
        done.append(container)
        _remove(container)
    return notes


def _blocks(root: object) -> tuple[list[Block], list[Table]]:
    blocks: list[Block] = []
    tables: list[Table] = []

    def walk(element: object) -> None:
        tag = element.tag  # type: ignore[attr-defined]
        if not isinstance(tag, str) or tag == "summary":
            return  # an accordion's label is not prose
        if tag in _BLOCK_TAGS:
            text = _text(element)
            if text:
                blocks.append(Block(text, "heading", heading_level=_BLOCK_TAGS[tag]))
            return
        if tag == "table":
            rows = tuple(tuple(_text(cell) for cell in row.iter("td", "th")) for row in element.iter("tr"))
            if rows:
                tables.append(Table(rows=rows))
            return
        if tag == "li":
            own = _own_text(element)
            if own:
                blocks.append(Block(units.strip_bullet(own) or own, "bullet"))
            for child in element:
                if child.tag in ("ul", "ol", "p", "div"):
                    walk(child)
            return
        if tag in ("p", "blockquote", "dd", "dt", "figcaption", "caption") or (tag == "div" and not _has_blocks(element)):
            text = _text(element)
            if text:
                kind = "caption" if tag in ("figcaption", "caption") else "paragraph"
                blocks.append(Block(text, kind))
            return
        if element.text and element.text.strip() and tag not in ("ul", "ol", "table", "tr"):  # type: ignore[attr-defined]
            blocks.append(Block(units.normalise_space(element.text), "paragraph"))  # type: ignore[attr-defined]
        for child in element:  # type: ignore[attr-defined]
            walk(child)
            if child.tail and child.tail.strip() and tag not in ("ul", "ol", "table", "tr"):
                blocks.append(Block(units.normalise_space(child.tail), "paragraph"))

    walk(root)
    return [b for b in blocks if b.text], tables


def _has_blocks(element: object) -> bool:
    return any(isinstance(child.tag, str) and child.tag in ("p", "div", "ul", "ol", "table", "section", "details",
                                                           "blockquote", *_BLOCK_TAGS)
               for child in element.iter() if child is not element)  # type: ignore[attr-defined]


def _own_text(item: object) -> str:
    """A list item's text without its nested lists."""
    parts = [item.text or ""]  # type: ignore[attr-defined]
    for child in item:  # type: ignore[attr-defined]
        if child.tag not in ("ul", "ol"):
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return units.normalise_space("".join(parts))
