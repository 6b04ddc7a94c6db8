"""Report metadata: the force inspected, the programme and pillar, the year and period, the publication date.

Read from the report's title (PDF metadata, the web page's title, the first heading) and its first
blocks. Every force name is normalised to the official name of one of the 43 territorial forces,
British Transport Police, or ``national`` for a report about England and Wales as a whole (never
the first force a national report happens to name). ``force_source`` says how sure that is:
``title`` (the title names it), ``text`` (the text names it clearly more than any other), ``guessed``
(the only force named, once), or None (none found).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..types import Block

NATIONAL = "national"

# Official names, each with the short names the inspectorate's titles and addresses use.
FORCES: dict[str, tuple[str, ...]] = {
    "Avon and Somerset Constabulary": ("Avon and Somerset", "Avon & Somerset"),
    "Bedfordshire Police": ("Bedfordshire",),
    "British Transport Police": ("British Transport Police", "BTP"),
    "Cambridgeshire Constabulary": ("Cambridgeshire",),
    "Cheshire Constabulary": ("Cheshire",),
    "City of London Police": ("City of London",),
    "Cleveland Police": ("Cleveland",),
    "Cumbria Constabulary": ("Cumbria",),
    "Derbyshire Constabulary": ("Derbyshire",),
    "Devon and Cornwall Police": ("Devon and Cornwall", "Devon & Cornwall"),
    "Dorset Police": ("Dorset",),
    "Durham Constabulary": ("Durham",),
    "Dyfed-Powys Police": ("Dyfed-Powys", "Dyfed Powys"),
    "Essex Police": ("Essex",),
    "Gloucestershire Constabulary": ("Gloucestershire",),
    "Greater Manchester Police": ("Greater Manchester", "GMP"),
    "Gwent Police": ("Gwent",),
    "Hampshire Constabulary": ("Hampshire", "Hampshire and Isle of Wight"),
    "Hertfordshire Constabulary": ("Hertfordshire",),
    "Humberside Police": ("Humberside",),
    "Kent Police": ("Kent",),
    "Lancashire Constabulary": ("Lancashire",),
    "Leicestershire Police": ("Leicestershire",),
    "Lincolnshire Police": ("Lincolnshire",),
    "Merseyside Police": ("Merseyside",),
    "Metropolitan Police Service": ("Metropolitan Police", "Metropolitan", "the Met"),
    "Norfolk Constabulary": ("Norfolk",),
    "North Wales Police": ("North Wales",),
    "North Yorkshire Police": ("North Yorkshire",),
    "Northamptonshire Police": ("Northamptonshire",),
    "Northumbria Police": ("Northumbria",),
    "Nottinghamshire Police": ("Nottinghamshire",),
    "South Wales Police": ("South Wales",),
    "South Yorkshire Police": ("South Yorkshire",),
    "Staffordshire Police": ("Staffordshire",),
    "Suffolk Constabulary": ("Suffolk",),
    "Surrey Police": ("Surrey",),
    "Sussex Police": ("Sussex",),
    "Thames Valley Police": ("Thames Valley",),
    "Warwickshire Police": ("Warwickshire",),
    "West Mercia Police": ("West Mercia",),
    "West Midlands Police": ("West Midlands",),
    "West Yorkshire Police": ("West Yorkshire",),
    "Wiltshire Police": ("Wiltshire",),
}

PROGRAMMES = ("PEEL 2014", "PEEL 2015", "PEEL 2016", "PEEL 2017", "PEEL 2018/19", "PEEL 2021/22", "PEEL 2023-25",
              "crime data integrity", "child protection", "custody", "thematic", "other")
PILLARS = ("effectiveness", "efficiency", "legitimacy", "leadership")
MONTHS = (
    "January February March April May June July August September October November December".split()
)
PUBLISHED_RE = re.compile(rf"\b({'|'.join(MONTHS)})\s+(19|20)(\d\d)\b")
_DATED_LINE = re.compile(
    rf"\b(published|last updated|updated|inspection dates?|inspected|inspection took place)\b[^\n]{{0,40}}?"
    rf"(?:\b\d{{1,2}}/\d{{1,2}}/((?:19|20)\d\d)|\b(?:{'|'.join(MONTHS)})\s+((?:19|20)\d\d)|\b((?:19|20)\d\d)-\d\d-\d\d)",
    re.IGNORECASE,
)
_NOT_A_TITLE = re.compile(r"^(?:skip to (?:main )?content|contents|print this (?:document|page)|menu|home|search|"
                          r"published on|last updated|read more|cookies?\b)", re.IGNORECASE)
_PEEL_RE = re.compile(r"\bPEEL\b[^\n]{0,60}?\b(20\d\d)(?:\s*(?:/|–|-|to)\s*(?:20)?(\d\d))?", re.IGNORECASE)
_PEEL_YEAR_FIRST = re.compile(r"\b(20\d\d)(?:\s*(?:/|–|-)\s*(?:20)?(\d\d))?\s*(?:PEEL|\(?police effectiveness)",
                              re.IGNORECASE)
_PILLAR_RE = re.compile(r"\b(effectiveness|efficiency|legitimacy|leadership|effective|efficient|legitimate)\b",
                        re.IGNORECASE)
_NATIONAL_RE = re.compile(
    r"\bstate of policing\b|\bannual assessment\b|\bin england and wales\b|\bacross england and wales\b|"
    r"\bnational (?:thematic|overview|report)\b|\bthematic\b|\bspotlight report\b|"
    r"\ball (?:police )?forces\b|\b(?:forces|police forces) in england and wales\b|"
    r"^(?:how well|an inspection (?:into|of) how well) (?:do )?(?:the )?police\b|\bthe police response to\b|"
    r"^police response to\b|^terms of reference\b|^police forces\b|\bregional (?:response|organised crime)\b",
    re.IGNORECASE | re.MULTILINE,
)
_ABOUT_POLICING = re.compile(r"\b(?:police )?forces\b|\bthe police\b|\bpolicing\b", re.IGNORECASE)
_TITLE_YEAR = re.compile(r"\b(20\d\d)(?:\s*(?:/|–|-)\s*(?:20)?(\d\d))?\b")
_KIND_RULES = (
    ("crime data integrity", re.compile(r"crime data integrity|crime recording|recording of crime", re.I)),
    ("custody", re.compile(r"\bcustody\b", re.I)),
    ("child protection", re.compile(r"child protection|joint targeted area inspection|\bJTAI\b", re.I)),
)


@dataclass(frozen=True)
class Metadata:
    """What a report says about itself."""

    force: str | None
    force_source: str | None  # title, text, guessed, sidecar, or None when no force was found
    programme: str | None  # one of PROGRAMMES
    pillar: str | None  # one of PILLARS, for PEEL pillar reports
    year: int | None  # the start year: the PEEL cycle, else the inspection, else publication year
    period: str | None  # as the report states it: "2018/19", "2023-25", "2015"
    published: str | None  # publication month and year, e.g. "February 2016"


def _alias_pattern() -> re.Pattern[str]:
    names = {alias: force for force, aliases in FORCES.items() for alias in (force, *aliases)}
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in ordered) + r")(?![\w-])")


_ALIAS_RE = _alias_pattern()
_CANONICAL = {alias.lower(): force for force, aliases in FORCES.items() for alias in (force, *aliases)}


def canonical_force(name: str | None) -> str | None:
    """The official name of a force from any of its usual names ("Kent", "Devon & Cornwall"), ``national``
    for England and Wales, or None when the name is not a force."""
    if not name:
        return None
    text = " ".join(str(name).split())
    if text.lower() in (NATIONAL, "england and wales", "national (england and wales)") or \
            text.lower().startswith("england and wales"):
        return NATIONAL
    if text.lower() in _CANONICAL:
        return _CANONICAL[text.lower()]
    match = _ALIAS_RE.search(text)
    return _CANONICAL[match.group(1).lower()] if match else None


def forces_named(text: str) -> list[str]:
    """Every force named in ``text``, as official names, in order of appearance (repeats kept)."""
    found = []
    for match in _ALIAS_RE.finditer(text):
        alias = match.group(1)
        if alias in ("Metropolitan", "Cleveland", "Durham", "Essex", "Kent", "Surrey", "Sussex", "Suffolk") and \
                _is_other_use(text, match):
            continue
        found.append(_CANONICAL[alias.lower()])
    return found


def _is_other_use(text: str, match: re.Match[str]) -> bool:
    """A county name in a phrase that is not about its force ("Metropolitan areas")."""
    after = text[match.end():match.end() + 12].lower()
    return after.startswith((" area", " university", " county council"))


def metadata(blocks: tuple[Block, ...], title: str | None = None, dates: dict[str, str] | None = None) -> Metadata:
    """The report's metadata from its title (PDF metadata or page title), first blocks and dated lines.

    ``dates`` may give ``published`` / ``updated`` dates the reader found outside the text (a web
    page's ``<time>`` elements), as ISO dates or as written.
    """
    head_blocks = [b.text for b in blocks[:40]]
    titles = ([title] if title else []) + _title_lines(blocks)
    title_text = "\n".join(titles)
    head_text = "\n".join(head_blocks)
    force, source = _force(titles, "\n".join(b.text for b in blocks[:200]))
    programme, pillar, year, period = _programme(title_text, head_text)
    published = next((f"{m.group(1)} {m.group(2)}{m.group(3)}" for t in (title_text, head_text)
                      for m in [PUBLISHED_RE.search(t)] if m), None)
    if year is None:
        dated = _dated_year(head_text, dates or {})
        if dated is not None:
            year, period = dated, str(dated)
    if year is None and (stated := _TITLE_YEAR.search(title_text)):
        year, period = int(stated.group(1)), stated.group(0).replace(" ", "")
    if year is None and published:
        year = int(published[-4:])
        period = period or str(year)
    return Metadata(force, source, programme, pillar, year, period, published)


def _title_lines(blocks: tuple[Block, ...]) -> list[str]:
    """The lines that title a report: its first headings or short lines, page furniture skipped."""
    lines = []
    for block in blocks[:8]:
        text = block.text.strip()
        if not text or _NOT_A_TITLE.match(text):
            continue
        if block.kind == "heading" or (len(text) <= 160 and not re.search(r"[.!?]\s+\S", text)):
            lines.append(text)
        else:
            break  # prose: the title is above it
        if len(lines) == 3:
            break
    return lines


def _force(titles: list[str], text: str) -> tuple[str | None, str | None]:
    for title in titles:
        if _NATIONAL_RE.search(title):
            return NATIONAL, "title"
        named = forces_named(title)
        if named:
            return named[0], "title"
    mentions = forces_named(text)
    counts = {f: mentions.count(f) for f in dict.fromkeys(mentions)}
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        return ranked[0][0], "text"
    if len(ranked) == 1:
        return ranked[0][0], "guessed"
    if len(ranked) >= 3:
        return NATIONAL, "guessed"  # many forces, none dominant: a national or comparative page
    if not ranked and _ABOUT_POLICING.search(text):
        return NATIONAL, "guessed"  # about the police, naming no force at all
    return None, None


def _programme(title: str, head: str) -> tuple[str | None, str | None, int | None, str | None]:
    """(programme, pillar, start year, period) from the title first, then the first blocks."""
    for text in (title, head):
        match = _PEEL_RE.search(text) or _PEEL_YEAR_FIRST.search(text)
        if match:
            start = int(match.group(1))
            end = match.group(2)
            programme = _peel_cycle(start)
            period = f"{start}/{end}" if end and len(programme) > 9 and "/" in programme else \
                f"{start}-{end}" if end else str(start)
            window = text[max(0, match.start() - 60):match.end() + 80]
            pillar_match = _PILLAR_RE.search(window) if start < 2021 else None
            pillar = None
            if pillar_match:
                word = pillar_match.group(1).lower()
                pillar = {"effective": "effectiveness", "efficient": "efficiency",
                          "legitimate": "legitimacy"}.get(word, word)
            return programme, pillar, start, period
    year_in_title = _TITLE_YEAR.search(title)
    if year_in_title and re.search(r"\bPEEL\b", head, re.IGNORECASE):
        start, end = int(year_in_title.group(1)), year_in_title.group(2)  # "Kent 2016" over a PEEL page
        return _peel_cycle(start), None, start, f"{start}/{end}" if end else str(start)
    for text in (title, head[:600]):
        for name, pattern in _KIND_RULES:
            if pattern.search(text):
                return name, None, None, None
    if _NATIONAL_RE.search(title):
        return "thematic", None, None, None
    return ("other" if title else None), None, None, None


def _peel_cycle(start: int) -> str:
    if start in (2018, 2019):
        return "PEEL 2018/19"
    if start in (2020, 2021, 2022):
        return "PEEL 2021/22"
    if start >= 2023:
        return "PEEL 2023-25"
    return f"PEEL {start}"


def _dated_year(text: str, dates: dict[str, str]) -> int | None:
    """The year of an inspection period, else of publication, else of the last update."""
    found: dict[str, int] = {}
    for match in _DATED_LINE.finditer(text):
        kind = match.group(1).lower()
        year = match.group(2) or match.group(3) or match.group(4)
        key = "inspection" if kind.startswith("inspect") else "published" if kind == "published" else "updated"
        found.setdefault(key, int(year))
    for key, value in dates.items():
        match = re.search(r"(19|20)\d\d", value or "")
        if match:
            found.setdefault("published" if key == "published" else "updated", int(match.group(0)))
    for key in ("inspection", "published", "updated"):
        if key in found:
            return found[key]
    return None
