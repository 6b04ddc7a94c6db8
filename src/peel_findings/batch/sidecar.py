"""`--metadata FILE.csv`: what a user knows about their reports, over what the reports seem to say.

The file has a ``path`` column and any of ``force``, ``year``, ``programme``, ``url``. A row's
``path`` matches an input file by its path (absolute, or relative to the sidecar's folder or the
current folder) or, when unambiguous, by its file name. Values are checked and normalised: a force
to its official name (or ``national``), a year to an integer, a programme to the canonical list.
The overrides are applied when the tables are assembled, so they never invalidate the resume cache.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..errors import InvalidArgumentError
from ..structure.metadata import PROGRAMMES, canonical_force

COLUMNS = ("path", "force", "year", "programme", "url")


def read_sidecar(path: str | Path) -> dict[str, dict[str, Any]]:
    """Overrides by resolved file path; every bad row is listed in one `InvalidArgumentError`."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
            fields = rows[0].keys() if rows else []
    except FileNotFoundError as exc:
        raise InvalidArgumentError(f"{path}: no such metadata file. Pass a CSV with columns {', '.join(COLUMNS)}.") \
            from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidArgumentError(f"{path}: not a readable CSV file ({exc}). Save it as UTF-8 CSV.") from exc
    problems = []
    if rows and "path" not in fields:
        problems.append(f"{path}: no 'path' column; the columns must be {', '.join(COLUMNS)}")
    unknown = sorted(set(fields) - set(COLUMNS))
    if unknown:
        problems.append(f"{path}: unknown column(s) {', '.join(unknown)}; allowed: {', '.join(COLUMNS)}")
    overrides: dict[str, dict[str, Any]] = {}
    for n, row in enumerate(rows, start=2):
        where = f"{path}:line {n}"
        values: dict[str, Any] = {}
        if (row.get("force") or "").strip():
            force = canonical_force(row["force"])
            if force is None:
                problems.append(f"{where}: force {row['force']!r} is not one of the 43 forces, British Transport "
                                "Police or 'national'")
            values["force"] = force
        if (row.get("year") or "").strip():
            try:
                values["year"] = int(str(row["year"]).strip()[:4])
            except ValueError:
                problems.append(f"{where}: year {row['year']!r} is not a year (write the start year, e.g. 2018)")
        if (row.get("programme") or "").strip():
            programme = _programme(row["programme"])
            if programme is None:
                problems.append(f"{where}: programme {row['programme']!r} is not one of {', '.join(PROGRAMMES)}")
            values["programme"] = programme
        if (row.get("url") or "").strip():
            values["url"] = row["url"].strip()
        key = (row.get("path") or "").strip()
        if not key:
            problems.append(f"{where}: the path is empty")
            continue
        overrides[key] = values
    if problems:
        raise InvalidArgumentError(f"{path}: {len(problems)} problem(s) in the metadata file:\n" + "\n".join(problems))
    base = path.resolve().parent
    return {_resolve(key, base): values for key, values in overrides.items()}


def _programme(value: str) -> str | None:
    text = " ".join(value.split())
    for programme in PROGRAMMES:
        if text.lower() == programme.lower() or text.lower().replace("–", "-") == programme.lower():
            return programme
    return None


def _resolve(key: str, base: Path) -> str:
    candidate = Path(key)
    if candidate.is_absolute():
        return str(candidate.resolve())
    for root in (base, Path.cwd()):
        if (root / candidate).exists():
            return str((root / candidate).resolve())
    return key  # matched by file name later


def overrides_for(path: str, sidecar: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The sidecar row for a file, by resolved path or, when unambiguous, by file name."""
    resolved = str(Path(path).resolve())
    if resolved in sidecar:
        return sidecar[resolved]
    name = Path(path).name
    matches = [values for key, values in sidecar.items() if Path(key).name == name and not Path(key).is_absolute()]
    return matches[0] if len(matches) == 1 else None
