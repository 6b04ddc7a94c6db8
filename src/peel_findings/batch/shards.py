"""The resume cache: one result shard per input file, keyed by file content and pipeline.

A shard's name is the file's SHA-256 plus a fingerprint of the pipeline (package
version, settings, model hash), so a changed file, setting or model is read again.
Shards are JSON (nothing in them can run code) and written atomically. The final
tables are always assembled from shards, so a resumed run and an uninterrupted one
write identical files.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from .._files import atomic_write_bytes

SHARD_DIR = ".peel-cache"


def fingerprint(settings: dict[str, Any]) -> str:
    """A short hash of everything that changes a file's result."""
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def shard_path(out: Path, file_sha256: str, print_: str) -> Path:
    return Path(out) / SHARD_DIR / f"{file_sha256[:32]}-{print_}.json"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def dumps(findings: pd.DataFrame, report: dict[str, Any], errors: list[dict[str, str]]) -> bytes:
    """One file's result as shard bytes (JSON)."""
    payload = {
        "report": _clean(report),
        "errors": errors,
        "columns": list(findings.columns),
        "rows": [[_clean(v) for v in row] for row in findings.itertuples(index=False, name=None)],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def normalise(
    findings: pd.DataFrame, report: dict[str, Any], errors: list[dict[str, str]]
) -> tuple[pd.DataFrame, dict[str, Any], list[dict[str, str]]]:
    """A result in the form a shard gives back (plain Python values, the same dtypes), without the bytes.

    ``normalise(*r)`` equals ``loads(dumps(*r))``, so a fresh result and a resumed one are identical.
    """
    rows = [[_clean(v) for v in row] for row in findings.itertuples(index=False, name=None)]
    return pd.DataFrame(rows, columns=list(findings.columns)), _clean(report), [dict(e) for e in errors]


def loads(data: bytes) -> tuple[pd.DataFrame, dict[str, Any], list[dict[str, str]]]:
    """A result from shard bytes."""
    payload = json.loads(data.decode("utf-8"))
    findings = pd.DataFrame(payload["rows"], columns=payload["columns"])
    return findings, payload["report"], payload["errors"]


def save(path: Path, data: bytes) -> None:
    """Write shard bytes atomically."""
    atomic_write_bytes(path, data)


def load(path: Path) -> tuple[pd.DataFrame, dict[str, Any], list[dict[str, str]]]:
    return loads(Path(path).read_bytes())
