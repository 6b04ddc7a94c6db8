"""The resume cache: one self-checking shard per input file, keyed by file content and pipeline.

A shard's name is the file's SHA-256 plus a fingerprint of the pipeline (package version,
settings, model), so a changed file, setting or model is read again. A shard holds the file's
findings rows as an Arrow IPC stream (LZ4-compressed: read back without decoding), then a trailer: its `reports` row, error rows and fingerprint as JSON,
and a SHA-256 over all of that. `load` checks the trailer and the hash, so a truncated, damaged
or edited shard is refused (`ShardError`) and its file read again, never trusted. Nothing in a
shard can run code. The final tables are always assembled from shards, so a resumed run and an
uninterrupted one write identical files.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._files import atomic_write_bytes

SHARD_DIR = ".peel-cache"
FORMAT = 4
_MAGIC = b"PEELSHARD4"
_TAIL = struct.Struct("<Q")  # length of the JSON trailer


class ShardError(Exception):
    """A shard that cannot be trusted: unreadable, truncated, edited, or from other settings."""


@dataclass(frozen=True)
class Shard:
    """One file's result as stored: its findings rows (an Arrow table), `reports` row and error rows."""

    table: Any  # pyarrow.Table
    report: dict[str, Any]
    errors: list[dict[str, str]]
    keys: bytes = b""  # one little-endian uint64 per row: its text's hash (`aggregate.text_keys`)


def fingerprint(settings: dict[str, Any]) -> str:
    """A short hash of everything that changes a file's result."""
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def shard_path(cache: Path, file_sha256: str, print_: str) -> Path:
    return Path(cache) / f"{file_sha256[:32]}-{print_}.shard"


def clean(value: Any) -> Any:
    """A value as plain JSON: NaN and pandas' missing values as None, NumPy scalars as Python ones."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return clean(value.item())
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def dumps(table: Any, report: dict[str, Any], errors: list[dict[str, str]], print_: str, keys: Any = ()) -> bytes:
    """One file's result as shard bytes: Arrow body, JSON trailer, SHA-256, trailer length, magic.
    ``keys`` (the rows' text hashes) go into the trailer, so a resumed run need not hash the text again."""
    import base64

    import numpy as np
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    table = table.replace_schema_metadata(None)
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(table)
    body = sink.getvalue().to_pybytes()
    packed = base64.b64encode(np.asarray(keys, dtype="<u8").tobytes()).decode("ascii")
    trailer = json.dumps({"format": FORMAT, "fingerprint": print_, "report": clean(report),
                          "errors": [clean(dict(e)) for e in errors], "keys": packed},
                         ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    digest = hashlib.sha256(body + trailer).digest()
    return body + trailer + digest + _TAIL.pack(len(trailer)) + _MAGIC


def loads(data: bytes, print_: str | None = None, verify: bool = True) -> Shard:
    """A shard from its bytes, checked: raises `ShardError` saying what is wrong. ``verify=False`` skips
    the checksum (for a shard this run has just checked or written)."""
    import base64

    import pyarrow as pa

    end = len(data) - len(_MAGIC)
    if end < _TAIL.size + 32 or data[end:] != _MAGIC:
        raise ShardError("not a shard, or cut short (no end marker)")
    (length,) = _TAIL.unpack(data[end - _TAIL.size:end])
    start = end - _TAIL.size - 32 - length
    if start < 0:
        raise ShardError("cut short (the trailer is longer than the file)")
    body, trailer = data[:start], data[start:start + length]
    if verify and hashlib.sha256(body + trailer).digest() != data[start + length:start + length + 32]:
        raise ShardError("its checksum does not match its content (damaged or edited)")
    try:
        meta = json.loads(trailer.decode("utf-8"))
        table = pa.ipc.open_stream(pa.BufferReader(body)).read_all()
    except Exception as exc:  # a checksum that matches over bytes we cannot parse: written by something else
        raise ShardError(f"unreadable ({type(exc).__name__}: {exc})") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ShardError("written by another version of peel-findings")
    if print_ is not None and meta.get("fingerprint") != print_:
        raise ShardError("made with other settings or another model")
    if not isinstance(meta.get("report"), dict) or not isinstance(meta.get("errors"), list):
        raise ShardError("its trailer lacks the report row or the error rows")
    try:
        keys = base64.b64decode(meta.get("keys", ""), validate=True)
    except (TypeError, ValueError) as exc:
        raise ShardError("its text hashes are not base64") from exc
    if len(keys) != 8 * table.num_rows:
        raise ShardError(f"it holds {len(keys) // 8} text hashes for {table.num_rows} rows")
    return Shard(table, meta["report"], meta["errors"], keys)


def save(path: Path, data: bytes) -> None:
    """Write shard bytes atomically (a reader sees the old shard, the new one, or none)."""
    atomic_write_bytes(path, data, sync=False)


def load(path: Path, print_: str | None = None, verify: bool = True) -> Shard:
    """The shard at ``path``, checked (`ShardError` when it cannot be trusted or read)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ShardError(f"cannot be read ({exc.strerror or type(exc).__name__})") from exc
    return loads(data, print_, verify)
