"""The per-file task of a batch: from a path to an `Outcome`, whatever happens to the file.

`work_file` runs in a worker process (or in process when there are no limits to enforce). It
makes sure the path is a regular file, applies the size limit, hashes the file, takes the
result from the cache when a good shard is there, and otherwise reads (and, for `peel run`,
classifies) the file and stores its rows as a shard. The parent gets back only what it needs
to assemble the run: the `reports` row, the error rows, where the shard is, and one hash per
sentence. All of it happens here, under the worker's time and memory limits, so no file can
stall the parent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import regular_file, sha256_file
from ..errors import ModelError, PeelError
from . import shards
from .isolate import FileResult, error_row, failed, process_file, read_isolated

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# Outcomes that depend on the limits or the machine, not on the file: never cached, so a re-run
# (with more time or memory, or on a quieter machine) tries again.
RETRY_KINDS = frozenset({"timeout", "crashed", "memory", "internal", "too_large", "not_found", "not_a_file",
                         "unreadable"})


@dataclass(frozen=True)
class Job:
    """What every file of a batch is done with. Picklable: it travels to the workers.

    ``mode`` is "findings" (read and classify: `peel run`) or "sentences" (read only: `peel
    extract`). ``model`` is a model folder, None for the shipped model, or a `Model` (in process).
    ``cache`` is the folder shards go to; ``print_`` the fingerprint of everything that changes a
    result. With ``inline`` the shard's bytes come back in the outcome instead (a cluster worker
    may not see the parent's disk).
    """

    cache: str
    print_: str
    mode: str = "findings"
    model: Any = None
    reader: Callable[..., Any] | None = None
    use_structure: bool = True
    max_file_mb: float | None = None
    max_pages: int | None = None
    engine: str = "pdfium"
    inline: bool = False

    def warm_up(self) -> None:
        """Import what every file needs (once per worker, before its first file), so that no file's time
        limit pays for the imports. The model itself still loads only when a file needs it."""
        from ..pipeline import read_report  # noqa: F401  (the readers, structure, spaCy)
        from ..segment import split_sentences

        split_sentences(["Warm. Up."])
        if self.mode == "findings":
            import sklearn.linear_model  # noqa: F401
            import skops.io  # noqa: F401


@dataclass(frozen=True)
class Outcome:
    """One file's outcome, as the parent needs it: small, whatever the report's size."""

    path: str
    report: dict[str, Any]
    errors: tuple[dict[str, str], ...] = ()
    shard: str | None = None  # the shard holding its rows (None: no rows, or not stored)
    keys: np.ndarray | None = None  # one hash per sentence of its normalised text, in row order
    cached: bool = False  # taken from the cache
    discarded: str | None = None  # a damaged shard found for it and removed, and why
    data: bytes | None = None  # the shard's bytes, when the job is ``inline``

    @property
    def ok(self) -> bool:
        return self.report.get("status") == "ok"

    def with_noise(self, text: str) -> Outcome:
        """The outcome with what the worker printed while on this file added to its first error row
        (a failed file only: a file read well needs no parser chatter)."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if self.ok or not self.errors or not lines:
            return self
        first = dict(self.errors[0])
        first["message"] = f"{first['message']} (the parser said: {lines[-1][:200]})"
        return replace(self, errors=(first, *self.errors[1:]))


def work_file(path: str, job: Job) -> Outcome:
    """The per-file task: everything that can go wrong with one file ends in its `Outcome`."""
    try:
        return _work(Path(path), job)
    except ModelError:
        raise  # not this file's fault: the whole run stops with the model's message
    except MemoryError:
        result = failed(Path(path), "read", "memory",
                        f"{path}: reading it ran out of memory (the worker's memory cap); raise --memory-mb.")
    except PeelError as exc:
        result = failed(Path(path), "read", exc.kind, str(exc))
    except Exception as exc:  # a bug of ours: one row, never a stopped run
        result = failed(Path(path), "read", "internal", f"{path}: {type(exc).__name__}: {exc}")
    return Outcome(path, result.report, result.errors)


def _work(path: Path, job: Job) -> Outcome:
    info = regular_file(path)
    if job.max_file_mb is not None and info.st_size / 1e6 > job.max_file_mb:
        result = failed(path, "read", "too_large", f"{path}: {info.st_size / 1e6:.0f} MB is over the "
                        f"{job.max_file_mb:g} MB limit; raise --max-file-mb to read it.")
        return Outcome(str(path), result.report, result.errors)
    sha = sha256_file(path)
    shard = shards.shard_path(Path(job.cache), sha, job.print_)
    discarded = None
    if not job.inline and shard.exists():
        try:
            stored = shards.load(shard, job.print_)
            return Outcome(str(path), stored.report, tuple(stored.errors), str(shard), _stored_keys(stored),
                           cached=True)
        except shards.ShardError as exc:
            discarded = f"{shard}: {exc}"
            shard.unlink(missing_ok=True)
    result = _process(path, sha, job)
    table = _table(result, job)
    keys = _keys(table)
    if any(e["kind"] in RETRY_KINDS for e in result.errors):
        return Outcome(str(path), result.report, result.errors, discarded=discarded)
    data = shards.dumps(table, result.report, list(result.errors), job.print_, keys)
    if job.inline:
        return Outcome(str(path), result.report, result.errors, str(shard), keys, discarded=discarded, data=data)
    shards.save(shard, data)
    return Outcome(str(path), result.report, result.errors, str(shard), keys, discarded=discarded)


def _process(path: Path, sha: str, job: Job) -> FileResult:
    """Read (and classify) the file; its rows, `reports` row and error rows."""
    from ..pipeline import read_report

    def reader(p: Path) -> Any:
        if job.reader is not None:
            return job.reader(p)
        return read_report(p, max_pages=job.max_pages, engine=job.engine)

    if job.mode == "sentences":
        from ..findings import sentences_frame

        report = read_isolated(path, reader)
        if isinstance(report, dict):
            return failed(path, "read", report["kind"], report["message"])
        frame = sentences_frame(report)
        row = {"report_id": report.report_id, "path": str(path), "sha256": sha, "status": "ok"}
        return FileResult(str(path), frame, row, _warnings(path, report))
    from ..model import Model, load_model

    model = job.model if isinstance(job.model, Model) else load_model(job.model)
    result = process_file(path, model, reader=reader, use_structure=job.use_structure)
    return result


def _warnings(path: Path, report: Any) -> tuple[dict[str, str], ...]:
    return tuple(error_row(path, "read", "decoding", w) for w in getattr(report, "warnings", ()))


def _table(result: FileResult, job: Job) -> Any:
    """The file's rows as an Arrow table of the run's schema (no columns for a file without rows)."""
    import pyarrow as pa

    from ..findings import arrow_schema, schema_for, to_arrow

    frame = result.findings
    if not len(frame.columns) or (not len(frame) and result.report.get("status") != "ok"):
        return pa.table({})
    schema = schema_for(frame)
    if job.mode == "findings" and "theme_scores" in frame and not schema.field("theme_scores").type.num_fields:
        from ..model import Model, load_model  # a report without sentences: the model's themes

        model = job.model if isinstance(job.model, Model) else load_model(job.model)
        schema = arrow_schema(tuple(frame.columns), model.theme_ids, tuple(model.polarity_classes))
    return to_arrow(frame, schema)


def _keys(table: Any) -> np.ndarray:
    """One 64-bit hash per row of its normalised text (for finding copies across reports)."""
    import numpy as np

    from ..aggregate import text_keys

    if "text" not in table.column_names:
        return np.zeros(0, dtype=np.uint64)
    return text_keys(table.column("text").to_pylist())


def _stored_keys(stored: shards.Shard) -> np.ndarray:
    """The text hashes a shard keeps, as `_keys` made them."""
    import numpy as np

    return np.frombuffer(stored.keys, dtype="<u8").astype(np.uint64)


class StatIndex:
    """Which cached shard a file has, from its status alone (path, size, modification time, inode), so that
    a re-run takes unchanged files from the cache without opening them or starting a worker.

    Kept in the cache folder as ``index.json``. A file whose status changed is hashed again in a
    worker as usual; one changed in place with its size and time restored would be missed (as by
    ``make`` and ``git``): run with ``--no-resume`` after such tricks.
    """

    NAME = "index.json"

    def __init__(self, cache: str | Path) -> None:
        import json

        self.cache = Path(cache)
        try:
            loaded = json.loads((self.cache / self.NAME).read_text(encoding="utf-8"))
            self.entries: dict[str, str] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.entries = {}

    @staticmethod
    def key(path: str) -> str | None:
        import os
        import stat

        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return f"{Path(path).resolve()}|{info.st_size}|{info.st_mtime_ns}|{info.st_ino}"

    def lookup(self, path: str, print_: str) -> Outcome | None:
        """The file's outcome from its shard, if its status is known and the shard is good; else None."""
        key = self.key(path)
        sha = self.entries.get(key) if key else None
        if not isinstance(sha, str):
            return None
        shard = shards.shard_path(self.cache, sha, print_)
        try:
            stored = shards.load(shard, print_)
        except shards.ShardError:
            return None  # a worker will hash the file, and deal with the shard
        return Outcome(path, stored.report, tuple(stored.errors), str(shard), _stored_keys(stored), cached=True)

    def save(self, outcomes: list[Outcome]) -> None:
        """Remember the status of every file of this run that has a shard."""
        import json

        from .._files import atomic_write_bytes

        for outcome in outcomes:
            key = self.key(outcome.path) if outcome.shard else None
            if key:
                self.entries[key] = Path(outcome.shard).name.split("-")[0]
        stored = {p.name.split("-")[0] for p in self.cache.glob("*.shard")}
        live = {k: v for k, v in self.entries.items() if v in stored}
        try:
            atomic_write_bytes(self.cache / self.NAME, json.dumps(live, sort_keys=True).encode("utf-8"), sync=False)
        except OSError:
            pass  # only a speed-up: the next run hashes the files again
