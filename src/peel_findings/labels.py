"""Labelled records (the LABELLING.md format) and the theme taxonomy: reading and validation.

Validation reports every problem at once, each with file, line, field, the bad
value and the allowed values, and nothing is returned unless all records pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import LabelError
from .types import POLARITIES

REQUIRED_FIELDS = ("id", "text", "is_finding", "polarity", "themes")
RECORD_FIELDS = ("id", "text", "report", "force", "year", "is_finding", "polarity", "themes")


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    definition: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    core: tuple[str, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)


def default_taxonomy_path() -> Path:
    return Path(__file__).resolve().parent / "data" / "taxonomy.json"


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read a taxonomy file (JSON: ``themes`` with ``id``, ``name``, ``definition``; ``core``)."""
    path = Path(path) if path is not None else default_taxonomy_path()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LabelError(f"{path}: taxonomy file not found.") from exc
    except json.JSONDecodeError as exc:
        raise LabelError(f"{path}: not valid JSON ({exc}).") from exc
    problems = []
    themes = []
    for n, item in enumerate(data.get("themes", []), start=1):
        missing = [k for k in ("id", "name", "definition") if not item.get(k)]
        if missing:
            problems.append(f"{path}: theme {n}: missing {', '.join(missing)}")
            continue
        themes.append(Theme(item["id"], item["name"], item["definition"], tuple(item.get("keywords", ()))))
    ids = [t.id for t in themes]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"{path}: theme ids repeated: {', '.join(duplicates)}")
    core = tuple(data.get("core", ()))
    unknown_core = [c for c in core if c not in ids]
    if unknown_core:
        problems.append(f"{path}: 'core' names themes not defined: {', '.join(unknown_core)}")
    if not themes:
        problems.append(f"{path}: no themes defined")
    if problems:
        raise LabelError("Invalid taxonomy:\n" + "\n".join(problems))
    return Taxonomy(themes=tuple(themes), core=core)


def read_records(paths: str | Path | Iterable[str | Path], taxonomy: Taxonomy | None = None) -> list[dict[str, Any]]:
    """Read and validate labelled records from files in any supported format (JSONL, CSV, Label
    Studio, Prodigy); every problem in every file is reported together and nothing is returned
    unless all records pass."""
    from .interchange import import_records

    if isinstance(paths, (str, Path)):
        paths = [paths]
    taxonomy = taxonomy or load_taxonomy()
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in paths:
        try:
            records.extend(import_records(path, taxonomy=taxonomy))
        except LabelError as exc:
            problems.append(str(exc))
    if problems:
        raise LabelError("\n".join(problems))
    return records


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
