"""Writing rendered files into a templates directory that people also edit by hand.

Rules: a file is ours only if its bytes are what render wrote under that name (the seal
in its header line, see ``_seal``); files that are not ours (no header, or a header whose
seal does not match: an edit, a copy, an imitation) are never modified or deleted, a name
clash with one is refused before anything is written, and the report lists them as left
alone. Our files that are no longer rendered are removed. Writes are atomic in two
phases: every new content goes to a temporary file in the same directory first (any
failure removes them all and leaves the directory as it was), then each is moved over its
target with ``os.replace``, so a reader sees the old file or the new one, never a part.
Only regular files are read (a FIFO or device is foreign, never opened for reading).
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

from harvester_iac._files import read_regular
from harvester_iac.core import InputError, UsageError
from harvester_iac.render._manifest import RenderedFile
from harvester_iac.render._seal import Ownership, ownership, unsealed
from harvester_iac.render._yaml import GENERATED_PREFIX

__all__ = [
    "DiffStatus",
    "TemplateDiff",
    "TemplatePlan",
    "WriteReport",
    "check_templates",
    "is_generated",
    "plan_templates",
    "write_templates",
]

_TMP_SUFFIX = ".hiac-tmp"


class DiffStatus(StrEnum):
    """How a file in the templates directory differs from what render would write."""

    MISSING = "missing"  # render would create it
    CHANGED = "changed"  # ours, with other content
    STALE = "stale"  # ours, no longer rendered: render would remove it
    FOREIGN = "foreign"  # not ours, in the way of a rendered file: render refuses
    EDITED = "edited"  # generated once, changed by hand since, in the way: render refuses


@dataclass(frozen=True, kw_only=True)
class TemplateDiff:
    """One out-of-date file and its unified diff (``a/`` on disk, ``b/`` rendered)."""

    path: str
    status: DiffStatus
    diff: str


@dataclass(frozen=True, kw_only=True)
class WriteReport:
    """What ``write_templates`` did; paths are relative to ``directory``.

    ``foreign`` files have no generated-file header; ``edited`` ones have it but their
    seal does not match (changed by hand, or a copy under another name). Both were left
    alone.
    """

    directory: str
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    foreign: tuple[str, ...]
    edited: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)

    @property
    def left_alone(self) -> tuple[str, ...]:
        """Every file render did not write and so did not touch, sorted."""
        return tuple(sorted(self.foreign + self.edited))


@dataclass(kw_only=True)
class TemplatePlan:
    """Phase one of a write, done: every new content sits in a temporary file beside its
    target. ``commit`` moves them over their targets and removes render's stale files;
    ``discard`` removes the temporary files and leaves the directory as it was.

    ``synth`` stages its Terraform output and a plan, then commits both together.
    """

    directory: Path
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    stale: tuple[str, ...]
    foreign: tuple[str, ...]
    edited: tuple[str, ...]
    temps: dict[str, Path]

    def commit(self) -> WriteReport:
        root = self.directory
        try:
            for name in self.written:
                os.replace(self.temps[name], root / name)
                del self.temps[name]
            for name in self.stale:
                os.unlink(root / name)
        except OSError as exc:
            raise InputError(f"cannot update the templates directory: {exc.strerror or exc}",
                             file=str(root)) from None
        finally:
            self.discard()
        _sync_dir(root)
        return WriteReport(directory=str(root), written=self.written, unchanged=self.unchanged,
                           removed=self.stale, foreign=self.foreign, edited=self.edited)

    def discard(self) -> None:
        _discard(self.temps.values())
        self.temps.clear()


def is_generated(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a regular file holding exactly what render wrote under its name."""
    p = Path(path)
    content = _read(p)
    return content is not None and ownership(p.name, content) is Ownership.OURS


def plan_templates(files: Iterable[RenderedFile], directory: str | os.PathLike[str]) -> TemplatePlan:
    """Phase one of ``write_templates``: check, then stage every new content.

    Raises ``InputError`` when a rendered file's name is taken by a file render did not
    write (or one it wrote and someone edited), or when the directory cannot be written;
    nothing is changed then.
    """
    root = Path(directory)
    wanted = _by_name(files)
    _make_dir(root)
    entries = _scan(root)
    for name, f in wanted.items():
        if name in entries and entries[name] is Ownership.EDITED and _read(root / name) == unsealed(f.content):
            entries[name] = Ownership.OURS
        if name in entries and entries[name] is not Ownership.OURS:
            raise _in_the_way(root, name, entries[name])
    written = sorted(n for n, f in wanted.items() if _read(root / n) != f.content)
    temps = _write_temps(root, {n: wanted[n].content for n in written})
    return TemplatePlan(
        directory=root, written=tuple(written), unchanged=tuple(sorted(n for n in wanted if n not in written)),
        stale=tuple(sorted(n for n, who in entries.items() if who is Ownership.OURS and n not in wanted)),
        foreign=tuple(sorted(n for n, who in entries.items() if who is Ownership.FOREIGN)),
        edited=tuple(sorted(n for n, who in entries.items() if who is Ownership.EDITED)),
        temps=temps,
    )


def write_templates(files: Iterable[RenderedFile], directory: str | os.PathLike[str]) -> WriteReport:
    """Make ``directory`` hold ``files``; see the module docstring for what is never touched.

    Raises ``InputError`` when a rendered file's name is taken by a file render did not
    write, or when the directory cannot be written (nothing is changed then).
    """
    return plan_templates(files, directory).commit()


def check_templates(files: Iterable[RenderedFile], directory: str | os.PathLike[str]) -> list[TemplateDiff]:
    """How ``directory`` differs from ``files``: empty when render would change nothing."""
    root = Path(directory)
    wanted = _by_name(files)
    entries = _scan(root, clean=False) if root.is_dir() else {}
    out: list[TemplateDiff] = []
    for name, f in wanted.items():
        label = _label(root, name)
        if name not in entries:
            out.append(TemplateDiff(path=name, status=DiffStatus.MISSING,
                                    diff=_diff(b"", f.content, "/dev/null", f"b/{label}")))
            continue
        current = _read(root / name)
        who = entries[name]
        if who is Ownership.EDITED and current == unsealed(f.content):
            who = Ownership.OURS  # written before seals: render would only add the seal
        status = (DiffStatus.FOREIGN if who is Ownership.FOREIGN else DiffStatus.EDITED
                  if who is Ownership.EDITED else DiffStatus.CHANGED if current != f.content else None)
        if status is not None:
            out.append(TemplateDiff(path=name, status=status,
                                    diff=_diff(current or b"", f.content, f"a/{label}", f"b/{label}")))
    for name, who in entries.items():
        if who is Ownership.OURS and name not in wanted:
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
        if ownership(f.path, f.content) is not Ownership.OURS:
            raise ValueError(f"rendered file {f.path!r} is not sealed for its name (build it with sealed_file)")
        out[f.path] = f
    return out


def _scan(root: Path, *, clean: bool = True) -> dict[str, Ownership]:
    """Visible entries of ``root`` -> whose they are. Our leftover temps go (``clean``)."""
    out: dict[str, Ownership] = {}
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise InputError(f"cannot list the templates directory: {exc.strerror}", file=str(root)) from None
    for name in names:
        path = root / name
        if name.startswith("."):
            target = _temp_target(name)
            content = _read(path) if clean and target else None
            if target and content is not None and ownership(target, content) is Ownership.OURS:
                _discard([path])  # from a run that was killed between its two phases
            continue
        content = _read(path)
        out[name] = Ownership.FOREIGN if content is None else ownership(name, content)
    return out


def _temp_target(name: str) -> str | None:
    """``a.yaml`` for ``.a.yaml.k1l2l3.hiac-tmp`` (a temporary file of ``_write_temps``)."""
    if not name.endswith(_TMP_SUFFIX):
        return None
    stem = name[1:-len(_TMP_SUFFIX)]
    target, dot, _ = stem.rpartition(".")
    return target if dot and target else None


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
    """The bytes of a regular file (never following a link, never blocking on a FIFO)."""
    try:
        return read_regular(path, follow=False)
    except OSError:
        return None


def _in_the_way(root: Path, name: str, who: Ownership) -> InputError:
    if who is Ownership.EDITED:
        return InputError(
            "was generated by harvester-iac but changed since (its sha256 seal does not match its "
            "name and content), so render will not overwrite it",
            file=str(root / name),
            expected="no file there, or the file exactly as render wrote it",
            hint="move your edits into the inventory and delete the file, or move it away",
        )
    return InputError(
        "exists and was not generated by harvester-iac, so render will not overwrite it",
        file=str(root / name),
        expected=f"no file there, or one render wrote (first line {GENERATED_PREFIX.strip()!r} ... sha256:...)",
        hint="move it away, or delete it if the rendered file replaces it",
    )


def _label(root: Path, name: str) -> str:
    return (root / name).as_posix()


def _diff(old: bytes, new: bytes, a: str, b: str) -> str:
    lines = difflib.unified_diff(_lines(old), _lines(new), fromfile=a, tofile=b)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _lines(data: bytes) -> Sequence[str]:
    return data.decode("utf-8", errors="replace").splitlines(keepends=True)
