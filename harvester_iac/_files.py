"""Opening files that are read whole: regular files only, never blocking, bounded.

A FIFO named as an input would block ``open()`` until a writer comes (forever, for a
fuzzer's ``mkfifo``), and ``/dev/zero`` never ends. Every reader that takes a file whole
goes through :func:`read_regular`, which opens with ``O_NONBLOCK`` (a FIFO then opens at
once), refuses anything that is not a regular file, and refuses files over a size limit
before reading them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from harvester_iac.core import InputError

__all__ = ["MAX_FILE_BYTES", "NotRegular", "TooLarge", "input_error", "read_regular", "sha256_regular"]

#: The largest file any reader takes whole (inventories, snapshots, waivers, cases, ...).
MAX_FILE_BYTES = 256 * 1024 * 1024


class NotRegular(OSError):
    """The path is a FIFO, socket, device or directory, not a regular file."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"{path} is a {kind}, not a regular file")
        self.kind = kind


class TooLarge(OSError):
    """The file is larger than the limit it is read under."""

    def __init__(self, path: str, size: int, limit: int) -> None:
        super().__init__(f"{path} is {size} bytes, more than the {limit} this reader takes")
        self.size = size
        self.limit = limit


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO (named pipe)"),
                       (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device")):
        if test(mode):
            return name
    return "special file"


def _open(path: Path, *, follow: bool) -> int:
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotRegular(str(path), _kind(mode))
    return fd


def read_regular(path: str | os.PathLike[str], *, limit: int = MAX_FILE_BYTES, follow: bool = True) -> bytes:
    """The bytes of the regular file ``path``; ``OSError`` (``NotRegular``, ``TooLarge``) else."""
    p = Path(path)
    fd = _open(p, follow=follow)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise TooLarge(str(p), size, limit)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:  # grew while we read
            raise TooLarge(str(p), len(data), limit)
        return data
    finally:
        os.close(fd)


def sha256_regular(path: str | os.PathLike[str]) -> str | None:
    """The sha256 of a regular file (links not followed), ``None`` for anything else."""
    import hashlib  # ~3 ms (OpenSSL), paid only by what hashes

    try:
        fd = _open(Path(path), follow=False)
    except OSError:
        return None
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "rb", closefd=False) as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def input_error(exc: OSError, path: str, *, error: type[InputError] = InputError,
                expected: str = "a regular file") -> InputError:
    """``exc`` from :func:`read_regular` (or ``open``) as one located ``InputError``."""
    if isinstance(exc, NotRegular):
        return error(f"is a {exc.kind}, which is not read", file=path, expected=expected)
    if isinstance(exc, TooLarge):
        return error(f"is {exc.size} bytes, more than the limit of {exc.limit}", file=path,
                     expected=f"{expected} of at most {exc.limit} bytes")
    if isinstance(exc, FileNotFoundError):
        return error("file not found", file=path, expected=f"an existing file ({expected})")
    return error(f"cannot read: {exc.strerror or exc}", file=path, expected=expected)
