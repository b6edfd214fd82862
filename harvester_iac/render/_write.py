"""Writing rendered files into a templates directory that people also edit by hand.

Rules: a file is ours only if its first line is the generated-file header; files that are
not ours are never modified or deleted (a name clash is refused before anything is
written); our files that are no longer rendered are removed. Writes are atomic in two
phases: every new content goes to a temporary file in the same directory first (any
failure removes them all and leaves the directory as it was), then each is moved over its
target with ``os.replace``, so a reader sees the old file or the new one, never a part.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from harvester_iac.core import InputError, UsageError
from harvester_iac.render._manifest import RenderedFile
from harvester_iac.render._yaml import GENERATED_PREFIX

__all__ = ["DiffStatus", "TemplateDiff", "WriteReport", "check_templates", "is_generated", "write_templates"]

_TMP_SUFFIX = ".hiac-tmp"
_PREFIX = GENERATED_PREFIX.encode("utf-8")


class DiffStatus(StrEnum):
    """How a file in the templates directory differs from what render would write."""

    MISSING = "missing"  # render would create it
    CHANGED = "changed"  # ours, with other content
    STALE = "stale"  # ours, no longer rendered: render would remove it
    FOREIGN = "foreign"  # not ours, in the way of a rendered file: render refuses


@dataclass(frozen=True, kw_only=True)
class TemplateDiff:
    """One out-of-date file and its unified diff (``a/`` on disk, ``b/`` rendered)."""

    path: str
    status: DiffStatus
    diff: str


@dataclass(frozen=True, kw_only=True)
class WriteReport:
    """What ``write_templates`` did; paths are relative to ``directory``."""

    directory: str
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    foreign: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def is_generated(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a regular file written by render (its first line is the header)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        with open(path, "rb") as fh:
            return fh.read(len(_PREFIX)) == _PREFIX
    except OSError:
        return False


def write_templates(files: Iterable[RenderedFile], directory: str | os.PathLike[str]) -> WriteReport:
    """Make ``directory`` hold ``files``; see the module docstring for what is never touched.

    Raises ``InputError`` when a rendered file's name is taken by a file render did not
    write, or when the directory cannot be written (nothing is changed then).
    """
    root = Path(directory)
    wanted = _by_name(files)
    _make_dir(root)
    entries = _scan(root)
    for name in wanted:
        if name in entries and not entries[name]:
            raise _foreign(root, name)
    written = sorted(n for n, f in wanted.items() if _read(root / n) != f.content)
    unchanged = sorted(n for n in wanted if n not in written)
    stale = sorted(n for n, ours in entries.items() if ours and n not in wanted)
    temps = _write_temps(root, {n: wanted[n].content for n in written})
    try:
        for name in written:
            os.replace(temps[name], root / name)
            del temps[name]
        for name in stale:
            os.unlink(root / name)
    except OSError as exc:
        raise InputError(f"cannot update the templates directory: {exc.strerror or exc}",
                         file=str(root)) from None
    finally:
        _discard(temps.values())
    _sync_dir(root)
    return WriteReport(
        directory=str(root), written=tuple(written), unchanged=tuple(unchanged), removed=tuple(stale),
        foreign=tuple(sorted(n for n, ours in entries.items() if not ours)),
    )


def check_templates(files: Iterable[RenderedFile], directory: str | os.PathLike[str]) -> list[TemplateDiff]:
    """How ``directory`` differs from ``files``: empty when render would change nothing."""
    root = Path(directory)
    wanted = _by_name(files)
    entries = _scan(root) if root.is_dir() else {}
    out: list[TemplateDiff] = []
    for name, f in wanted.items():
        label = _label(root, name)
        if name not in entries:
            out.append(TemplateDiff(path=name, status=DiffStatus.MISSING,
                                    diff=_diff(b"", f.content, "/dev/null", f"b/{label}")))
            continue
        current = _read(root / name)
        if not entries[name]:
            out.append(TemplateDiff(path=name, status=DiffStatus.FOREIGN,
                                    diff=_diff(current or b"", f.content, f"a/{label}", f"b/{label}")))
        elif current != f.content:
            out.append(TemplateDiff(path=name, status=DiffStatus.CHANGED,
                                    diff=_diff(current or b"", f.content, f"a/{label}", f"b/{label}")))
    for name, ours in entries.items():
        if ours and name not in wanted:
            out.append(TemplateDiff(path=name, status=DiffStatus.STALE,
                                    diff=_diff(_read(root / name) or b"", b"", f"a/{_label(root, name)}",
                                               "/dev/null")))
    return sorted(out, key=lambda d: d.path)


def _by_name(files: Iterable[RenderedFile]) -> dict[str, RenderedFile]:
    out: dict[str, RenderedFile] = {}
    for f in files:
        if "/" in f.path or "\\" in f.path or f.path.startswith(".") or not f.path:
            raise ValueError(f"rendered files are plain names in the templates directory, not {f.path!r}")
        if f.path in out:
            raise ValueError(f"two rendered files named {f.path!r}")
        out[f.path] = f
    return out


def _scan(root: Path) -> dict[str, bool]:
    """Visible entries of ``root`` -> whether render wrote them. Our leftover temps go."""
    out: dict[str, bool] = {}
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise InputError(f"cannot list the templates directory: {exc.strerror}", file=str(root)) from None
    for name in names:
        path = root / name
        if name.startswith("."):
            if name.endswith(_TMP_SUFFIX) and is_generated(path):
                _discard([path])  # from a run that was killed between its two phases
            continue
        out[name] = is_generated(path)
    return out


def _make_dir(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise UsageError("is not a directory", file=str(root),
                         expected="a directory for the rendered templates (--templates-dir)")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the templates directory: {exc.strerror}", file=str(root)) from None


def _write_temps(root: Path, contents: dict[str, bytes]) -> dict[str, Path]:
    """Phase one: every new content in its own temporary file beside its target."""
    temps: dict[str, Path] = {}
    try:
        for name, content in contents.items():
            fd, tmp = tempfile.mkstemp(dir=root, prefix=f".{name}.", suffix=_TMP_SUFFIX)
            temps[name] = Path(tmp)
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _mode(root / name))
    except OSError as exc:
        _discard(temps.values())
        raise InputError(f"cannot write the templates directory: {exc.strerror or exc}; nothing was changed",
                         file=str(root)) from None
    return temps


def _mode(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o644


def _discard(paths: Iterable[Path]) -> None:
    for p in list(paths):
        try:
            os.unlink(p)
        except OSError:
            pass


def _sync_dir(root: Path) -> None:
    """Persist the renames themselves (where the platform allows opening a directory)."""
    try:
        fd = os.open(root, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _foreign(root: Path, name: str) -> InputError:
    return InputError(
        "exists and was not generated by harvester-iac, so render will not overwrite it",
        file=str(root / name),
        expected=f"no file there, or one whose first line starts with {GENERATED_PREFIX.strip()!r}",
        hint="move it away, or delete it if the rendered file replaces it",
    )


def _label(root: Path, name: str) -> str:
    return (root / name).as_posix()


def _diff(old: bytes, new: bytes, a: str, b: str) -> str:
    lines = difflib.unified_diff(_lines(old), _lines(new), fromfile=a, tofile=b)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _lines(data: bytes) -> Sequence[str]:
    return data.decode("utf-8", errors="replace").splitlines(keepends=True)
