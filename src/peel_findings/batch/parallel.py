"""Mapping the per-file task over worker processes or a Dask cluster, one file at a time.

Local runs use a pebble process pool, which can kill the one worker whose file overruns its
time limit (joblib's timeout would abort the whole run) and replaces a worker that dies (out of
memory, a crash in a parser). Each worker caps its own memory, limits its maths libraries to one
thread, and sends what C libraries print to stderr into a log file of its own, which the parent
reads when that worker dies. Only a few files are in flight at a time and each result is dropped
once handed on, so the parent holds no more than that window whatever the number of files. A
Dask scheduler address sends the same task to a cluster instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Set in each worker by `_init_worker`: the task and its fixed argument.
_WORKER: dict[str, Any] = {}
IN_FLIGHT_PER_JOB = 4


@dataclass(frozen=True)
class Limits:
    """Per-file limits. ``timeout`` in seconds, ``memory_mb`` per worker process (None: no cap).

    Validated by `RunConfig`, which builds them.
    """

    timeout: float | None = 300.0
    memory_mb: int | None = 4096


def _init_worker(task: Callable[..., Any], argument: Any, memory_mb: int | None, logs: str | None) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if logs:  # C libraries write to file descriptor 2 directly: keep it off the user's terminal
        handle = os.open(Path(logs) / f"stderr-{os.getpid()}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(handle, 2)
        os.close(handle)
    _WORKER["task"], _WORKER["argument"], _WORKER["logs"] = task, argument, logs
    from ..model.model import limit_threads

    limit_threads()  # once per worker: each works on one core
    if hasattr(argument, "warm_up"):  # imports first: the cap is for what a file makes a worker use
        argument.warm_up()
    if memory_mb:
        try:
            import resource
        except ImportError:  # Windows: no per-process address-space limit to set
            resource = None  # type: ignore[assignment]
        if resource is not None:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run_in_worker(path: str) -> Any:
    """The task on one path; what it printed to stderr goes to its result (``with_noise``), if it failed."""
    logs = _WORKER.get("logs")
    start = os.lseek(2, 0, os.SEEK_END) if logs else 0
    result = _WORKER["task"](path, _WORKER["argument"])
    if logs and os.lseek(2, 0, os.SEEK_END) > start and hasattr(result, "with_noise"):
        with open(Path(logs) / f"stderr-{os.getpid()}.log", "rb") as handle:
            handle.seek(start)
            result = result.with_noise(handle.read(4096).decode("utf-8", "replace"))
    return result


@dataclass(frozen=True)
class Done:
    """One file's outcome from a worker: its result, or why there is none."""

    path: str
    result: Any = None
    failure: str | None = None  # "timeout", "crashed" or "memory"
    message: str = ""


def map_local(task: Callable[..., Any], paths: Sequence[str], argument: Any, jobs: int, limits: Limits,
              logs: str | None = None) -> Iterator[Done]:
    """Run ``task(path, argument)`` for every path in ``jobs`` worker processes, yielding as files finish.

    ``logs`` is a folder for the workers' stderr logs (None: their stderr is left alone).
    """
    from concurrent.futures import FIRST_COMPLETED, wait

    from pebble import ProcessPool

    window = max(1, jobs) * IN_FLIGHT_PER_JOB
    todo = iter(paths)
    with ProcessPool(max_workers=max(1, jobs), initializer=_init_worker,
                     initargs=(task, argument, limits.memory_mb, logs)) as pool:
        pending: dict[Any, str] = {}

        def top_up() -> None:
            while len(pending) < window:
                path = next(todo, None)
                if path is None:
                    return
                pending[pool.schedule(_run_in_worker, args=(path,), timeout=limits.timeout)] = path

        top_up()
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in finished:
                path = pending.pop(future)
                yield _done(future, path, limits, logs)
            del finished
            top_up()


def _done(future: Any, path: str, limits: Limits, logs: str | None) -> Done:
    from pebble import ProcessExpired

    try:
        return Done(path, result=future.result())
    except FutureTimeout:
        return Done(path, failure="timeout",
                    message=f"{path}: reading took longer than {limits.timeout:g} s and was stopped; "
                            "raise --timeout if the file is merely large.")
    except ProcessExpired as exc:
        said = _last_words(logs, getattr(exc, "pid", None))
        memory = exc.exitcode in (-9, 137) or "MemoryError" in said
        kind = "memory" if memory else "crashed"
        advice = (f"it needed more than the {limits.memory_mb} MB memory cap; raise --memory-mb" if memory
                  else "the file may be damaged")
        return Done(path, failure=kind,
                    message=f"{path}: the worker process died (exit code {exc.exitcode}) while reading it; {advice}."
                            + (f" It said: {said}" if said else ""))
    except MemoryError:
        return Done(path, failure="memory",
                    message=f"{path}: reading it needed more than the {limits.memory_mb} MB memory cap; "
                            "raise --memory-mb.")


def _last_words(logs: str | None, pid: int | None, limit: int = 300) -> str:
    """The last line a dead worker wrote to its stderr log, if any."""
    if not logs or pid is None:
        return ""
    try:
        text = (Path(logs) / f"stderr-{pid}.log").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:limit] if lines else ""


def map_dask(task: Callable[..., Any], paths: Sequence[str], argument: Any, scheduler: str) -> Iterator[Done]:
    """Run ``task(path, argument)`` on a Dask cluster (``scheduler`` is its address), yielding as files finish.

    Dask cannot stop one running task, so per-file time limits do not apply here; use the
    workers' own ``--memory-limit`` and ``--lifetime`` settings on the cluster.
    """
    from dask.distributed import Client, as_completed

    with Client(scheduler) as client:
        futures = {client.submit(task, p, argument, pure=False): p for p in paths}
        for future in as_completed(list(futures)):
            path = futures.pop(future)
            try:
                yield Done(path, result=future.result())
            except Exception as exc:  # a worker lost or killed by the cluster
                yield Done(path, failure="crashed", message=f"{path}: the Dask task failed ({type(exc).__name__}: {exc}).")
            future.release()


def model_argument(model: Any) -> str | Any:
    """What to send to workers for a model: its folder when it has one (cheap), else the object."""
    if model is None or isinstance(model, (str, Path)):
        return str(model) if model is not None else None
    return model
