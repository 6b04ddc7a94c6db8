"""Small file helpers every layer uses: content hashes, atomic writes, JSON Lines reading.

Standard library only, so importing this costs nothing.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def regular_file(path: str | Path) -> os.stat_result:
    """The file's status, after making sure it is a regular file that may be read: opening a FIFO
    would block for ever, and a device or socket is no report. Raises a `ReadError` naming what it is."""
    from .errors import NotAFileError, NotFoundError, UnreadableError

    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise NotAFileError(f"{path}: a symbolic link to something that does not exist (a dangling link). "
                                "Point it at the report or remove it.") from None
        raise NotFoundError(f"{path}: no such file or folder. Check the path.") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotAFileError(f"{path}: a loop of symbolic links that never reaches a file. "
                                "Fix or remove the link.") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise UnreadableError(f"{path}: permission denied. Make the file readable (chmod +r) "
                                  "or run as a user who may read it.") from None
        raise NotFoundError(f"{path}: cannot be reached ({exc.strerror}). Check the path.") from None
    if not stat.S_ISREG(info.st_mode):
        what = ("a folder" if stat.S_ISDIR(info.st_mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode)
                else "a socket" if stat.S_ISSOCK(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode)
                or stat.S_ISBLK(info.st_mode) else "not a regular file")
        raise NotAFileError(f"{path}: {what}, not a report file; only regular files are read.")
    if not os.access(path, os.R_OK):
        raise UnreadableError(f"{path}: permission denied. Make the file readable (chmod +r) "
                              "or run as a user who may read it.")
    return info


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


def atomic_write_bytes(path: str | Path, data: bytes, sync: bool = True) -> None:
    """Write to a temporary file in the same folder, fsync it (unless ``sync`` is False), then rename
    it over ``path``.

    A reader never sees a half-written file, and a crash leaves the old file or none (without
    ``sync``, possibly a damaged one after a power cut: for files that are checked when read).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def iter_jsonl(path: str | Path, max_depth: int = 100) -> Iterator[tuple[int, Any | None, str | None]]:
    """``(line number, object, problem)`` for each non-blank line of a JSON Lines file.

    Exactly one of ``object`` and ``problem`` is None: a line that is not UTF-8 (the problem names the
    byte and its offset), not valid JSON, nested more than ``max_depth`` arrays or objects deep, holding
    a lone surrogate escape (``"\\ud800"``, not a character), or not a JSON object yields a problem that
    names the line, so callers can list every bad line at once. ``NaN``, ``Infinity`` and ``-Infinity``
    (which Python's json and pandas write for missing numbers, though JSON has no such values) are read
    as null, so nothing read from a file carries them into what is written. A UTF-8 byte-order mark
    before the first line is skipped.
    """

    def too_deep(value: Any) -> bool:
        stack = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            if isinstance(item, (dict, list)):
                if depth > max_depth:
                    return True
                stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
        return False

    offset = 0
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            start, offset = offset, offset + len(raw)
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw, start = raw[3:], 3
            where = f"{path}:line {number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, None, (f"{where}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                                     f"{start + exc.start} of the file, offset {exc.start} in the line); "
                                     "save the file as UTF-8")
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line, parse_constant=lambda _: None)
            except json.JSONDecodeError as exc:
                yield number, None, f"{where}: not valid JSON ({exc.msg}, column {exc.colno})"
                continue
            except ValueError as exc:  # a number too long to convert
                yield number, None, f"{where}: not usable JSON ({str(exc).split(':')[0]})"
                continue
            except RecursionError:
                yield number, None, (f"{where}: nested too deeply to read (arrays or objects inside each other "
                                     f"more than {max_depth} levels deep)")
                continue
            if too_deep(value):
                yield number, None, (f"{where}: nested too deeply (arrays or objects inside each other more "
                                     f"than {max_depth} levels deep)")
                continue
            if "\\u" in line:
                try:
                    json.dumps(value, ensure_ascii=False).encode("utf-8")
                except UnicodeEncodeError as exc:
                    yield number, None, (f"{where}: has a lone surrogate escape ({exc.object[exc.start]!r}), half "
                                         "of a character pair and no text; remove it or escape the whole pair")
                    continue
            if not isinstance(value, dict):
                kind = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}.get(
                    type(value), "a number")
                yield number, None, f"{where}: expected a JSON object {{...}}, got {kind}"
                continue
            yield number, value, None
