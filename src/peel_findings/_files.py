"""Small file helpers every layer uses: content hashes, atomic writes, JSON Lines reading.

Standard library only, so importing this costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def sha256_file(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync it, then rename it over ``path``.

    A reader never sees a half-written file, and a crash leaves the old file or none.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, Any | None, str | None]]:
    """``(line number, object, problem)`` for each non-blank line of a JSON Lines file.

    Exactly one of ``object`` and ``problem`` is None: a line that is not valid JSON, or not a
    JSON object, yields a problem that names the line, so callers can list every bad line at once.
    """
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"{path}:line {number}: not valid JSON ({exc.msg})"
                continue
            if not isinstance(value, dict):
                yield number, None, f"{path}:line {number}: expected a JSON object"
                continue
            yield number, value, None
