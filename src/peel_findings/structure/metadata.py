"""Report metadata from its first blocks: force, programme, inspection year, publication month."""

from __future__ import annotations

import re

from ..types import Block

MONTHS = (
    "January February March April May June July August September October November December".split()
)
PUBLISHED_RE = re.compile(rf"\b({'|'.join(MONTHS)})\s+(19|20)(\d\d)\b")
PROGRAMME_RE = re.compile(
    r"\b(PEEL)\s*[:–—-]?\s*((?:Police\s+)?[A-Za-z ,]*?(?:20\d\d(?:\s*[/–-]\s*\d{2,4})?))", re.IGNORECASE
)
FORCE_RE = re.compile(r"\binspection of (?:the\s+)?([A-Z][\w&'’ -]*?(?:Constabulary|Police|Service))\b")
YEAR_RE = re.compile(r"\b(20\d\d(?:\s*[/–-]\s*(?:20)?\d\d)?)\b")

# The 43 territorial forces of England and Wales, for finding the force when the title lacks it.
FORCES = (
    "Avon and Somerset Constabulary", "Bedfordshire Police", "Cambridgeshire Constabulary",
    "Cheshire Constabulary", "City of London Police", "Cleveland Police", "Cumbria Constabulary",
    "Derbyshire Constabulary", "Devon and Cornwall Police", "Dorset Police", "Durham Constabulary",
    "Dyfed-Powys Police", "Essex Police", "Gloucestershire Constabulary", "Greater Manchester Police",
    "Gwent Police", "Hampshire Constabulary", "Hertfordshire Constabulary", "Humberside Police",
    "Kent Police", "Lancashire Constabulary", "Leicestershire Police", "Lincolnshire Police",
    "Merseyside Police", "Metropolitan Police Service", "Norfolk Constabulary",
    "North Wales Police", "North Yorkshire Police", "Northamptonshire Police", "Northumbria Police",
    "Nottinghamshire Police", "South Wales Police", "South Yorkshire Police",
    "Staffordshire Police", "Suffolk Constabulary", "Surrey Police", "Sussex Police",
    "Thames Valley Police", "Warwickshire Police", "West Mercia Police", "West Midlands Police",
    "West Yorkshire Police", "Wiltshire Police",
)


def metadata(
    blocks: tuple[Block, ...], title: str | None
) -> tuple[str | None, str | None, str | None, str | None]:
    """Force, programme, inspection year and publication month-year from the first blocks."""
    head = [b.text for b in blocks[:25]]
    if title:
        head.insert(0, title)
    programme = year = published = force = None
    for text in head:
        if programme is None and (m := PROGRAMME_RE.search(text)):
            programme = "PEEL: " + re.sub(r"\s+", " ", m.group(2)).strip()
            if y := YEAR_RE.search(programme):
                year = re.sub(r"\s*[/–-]\s*(?:20)?", "/", y.group(1))
        if published is None and (m := PUBLISHED_RE.search(text)):
            published = f"{m.group(1)} {m.group(2)}{m.group(3)}"
        if force is None and (m := FORCE_RE.search(text)):
            force = m.group(1).strip()
    if force is None:
        joined = " ".join(b.text for b in blocks[:200])
        force = next((f for f in FORCES if f in joined), None)
    return force, programme, year, published
