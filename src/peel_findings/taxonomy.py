"""The theme taxonomy (`training/taxonomy.json`, shipped with the package): ids, names, definitions, keywords.

`LABELLING.md` defines the themes; the taxonomy file paraphrases those definitions, gives each
theme its name and obvious synonyms (`keywords`, used by the cue features and the keyword
baseline), and names the five core themes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import LabelError


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    definition: str
    keywords: tuple[str, ...] = ()  # the theme's name and obvious synonyms (keyword baseline)
    cues: tuple[str, ...] = ()  # wider cue words from the guide's scope (the model's cue features)


@dataclass(frozen=True)
class Taxonomy:
    themes: tuple[Theme, ...]
    core: tuple[str, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)

    def name(self, theme_id: str) -> str:
        """A theme's readable name ("Allocation of crime"), or the id itself for a theme not in the taxonomy."""
        return next((t.name for t in self.themes if t.id == theme_id), theme_id)


def default_taxonomy_path() -> Path:
    return Path(__file__).resolve().parent / "data" / "taxonomy.json"


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read a taxonomy file (JSON: ``themes`` with ``id``, ``name``, ``definition``; ``core``)."""
    path = Path(path) if path is not None else default_taxonomy_path()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LabelError(f"{path}: taxonomy file not found. Pass an existing taxonomy JSON file.") from exc
    except json.JSONDecodeError as exc:
        raise LabelError(f"{path}: not valid JSON ({exc}). Fix the file or start from training/taxonomy.json.") from exc
    if not isinstance(data, dict):
        raise LabelError(f"{path}: expected a JSON object with 'themes' and 'core'; start from training/taxonomy.json.")
    problems = []
    themes = []
    for n, item in enumerate(data.get("themes", []), start=1):
        missing = [k for k in ("id", "name", "definition") if not (isinstance(item, dict) and item.get(k))]
        if missing:
            problems.append(f"{path}: theme {n}: missing {', '.join(missing)}")
            continue
        themes.append(Theme(item["id"], item["name"], item["definition"], tuple(item.get("keywords", ())),
                            tuple(item.get("cues", ()))))
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
