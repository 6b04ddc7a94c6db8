"""Mapping the per-file function over worker processes or a Dask cluster, one file at a time.

Local runs use a pebble process pool, which can kill the one worker whose file overruns
its time limit (joblib's timeout would abort the whole run) and replaces a worker that
dies (out of memory, a crash in a parser). Each worker caps its own memory. A Dask
scheduler address sends the same function to a cluster instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Set in each worker by `_init_worker`: the task function's fixed arguments.
_WORKER: dict[str, Any] = {}


@dataclass(frozen=True)
class Limits:
    """Per-file limits. ``timeout`` in seconds, ``memory_mb`` per worker process (None: no cap).

    Validated by `RunConfig`, which builds them.
    """

    timeout: float | None = 300.0
    memory_mb: int | None = 4096


def _init_worker(task: Callable[..., Any], kwargs: dict[str, Any], memory_mb: int | None) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if memory_mb:
        try:
            import resource
        except ImportError:  # Windows: no per-process address-space limit to set
            resource = None  # type: ignore[assignment]
        if resource is not None:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _WORKER["task"], _WORKER["kwargs"] = task, kwargs


def _run_in_worker(path: str) -> Any:
    return _WORKER["task"](path, **_WORKER["kwargs"])


@dataclass(frozen=True)
class Done:
    """One file's outcome from a worker: its result, or why there is none."""

    path: str
    result: Any = None
    failure: str | None = None  # "timeout", "crashed" or "memory"
    message: str = ""


def map_local(
    task: Callable[..., Any], paths: Sequence[str], kwargs: dict[str, Any], jobs: int, limits: Limits
) -> Iterator[Done]:
    """Run ``task(path, **kwargs)`` for every path in ``jobs`` worker processes, yielding as files finish."""
    from pebble import ProcessExpired, ProcessPool

    with ProcessPool(max_workers=max(1, jobs), initializer=_init_worker,
                     initargs=(task, kwargs, limits.memory_mb)) as pool:
        futures = {pool.schedule(_run_in_worker, args=(p,), timeout=limits.timeout): p for p in paths}
        for future, path in futures.items():
            try:
                yield Done(path, result=future.result())
            except FutureTimeout:
                yield Done(path, failure="timeout",
                           message=f"{path}: reading took longer than {limits.timeout:g} s and was stopped; "
                                   "raise --timeout if the file is merely large.")
            except ProcessExpired as exc:
                kind = "memory" if exc.exitcode in (-9, 137) else "crashed"
                yield Done(path, failure=kind,
                           message=f"{path}: the worker process died (exit code {exc.exitcode}) while reading it; "
                                   "the file may be damaged, or need more than the memory cap.")
            except MemoryError:
                yield Done(path, failure="memory",
                           message=f"{path}: reading it needed more than the {limits.memory_mb} MB memory cap.")


def map_dask(task: Callable[..., Any], paths: Sequence[str], kwargs: dict[str, Any], scheduler: str) -> Iterator[Done]:
    """Run ``task(path, **kwargs)`` on a Dask cluster (``scheduler`` is its address), yielding as files finish.

    Dask cannot stop one running task, so per-file time limits do not apply here; use the
    workers' own ``--memory-limit`` and ``--lifetime`` settings on the cluster.
    """
    from dask.distributed import Client, as_completed

    with Client(scheduler) as client:
        futures = {client.submit(task, p, pure=False, **kwargs): p for p in paths}
        for future in as_completed(list(futures)):
            path = futures[future]
            try:
                yield Done(path, result=future.result())
            except Exception as exc:  # a worker lost or killed by the cluster
                yield Done(path, failure="crashed", message=f"{path}: the Dask task failed ({type(exc).__name__}: {exc}).")


def model_argument(model: Any) -> str | Any:
    """What to send to workers for a model: its folder when it has one (cheap), else the object."""
    if model is None or isinstance(model, (str, Path)):
        return str(model) if model is not None else None
    return model
