"""Labelled records (the LABELLING.md format): the fields, and validation of one record.

Validation reports every problem of a record, each naming place, field, the bad value and
the allowed values; `interchange` collects them over whole files so nothing is half-imported.
"""

from __future__ import annotations

from typing import Any

from ..taxonomy import Taxonomy
from ..types import POLARITIES

REQUIRED_FIELDS = ("id", "text", "is_finding", "polarity", "themes")
RECORD_FIELDS = ("id", "text", "report", "force", "year", "is_finding", "polarity", "themes")


def validate_record(record: dict[str, Any], taxonomy: Taxonomy, where: str = "record") -> list[str]:
    """Problems with one record, as messages naming place, field, value and what is allowed."""
    problems = []
    for name in REQUIRED_FIELDS:
        if name not in record:
            problems.append(f"{where}: field '{name}' is missing")
    if problems:
        return problems
    if not isinstance(record["text"], str) or not record["text"].strip():
        problems.append(f"{where}: field 'text' must be a non-empty string, got {record['text']!r}")
    finding = record["is_finding"]
    if not isinstance(finding, bool):
        problems.append(f"{where}: field 'is_finding' must be true or false, got {finding!r}")
    polarity = record["polarity"]
    if finding is True and polarity not in POLARITIES:
        problems.append(
            f"{where}: field 'polarity' is {polarity!r}; a finding needs one of {', '.join(POLARITIES)}"
        )
    if finding is False and polarity is not None:
        problems.append(f"{where}: field 'polarity' is {polarity!r}; it must be null when is_finding is false")
    themes = record["themes"]
    if not isinstance(themes, list):
        problems.append(f"{where}: field 'themes' must be a list, got {themes!r}")
    else:
        for theme in themes:
            if theme not in taxonomy.ids:
                problems.append(
                    f"{where}: field 'themes' has {theme!r}, which is not in the taxonomy; "
                    f"allowed: {', '.join(taxonomy.ids)}"
                )
        if finding is False and themes:
            problems.append(f"{where}: field 'themes' must be [] when is_finding is false, got {themes!r}")
    return problems
