"""Landing one synth's outputs together: staging beside ``cdktf.out``, a record of what
synth wrote, and the clean-up of what earlier runs left.

* Staging folders are named ``.<out>.hiac-staging.<pid>.<random>``: a later run removes
  those whose process is gone (a run killed mid-way), never one still running.
* ``<out>/.harvester-iac-synth.json`` records every file synth moved into ``<out>`` with
  its sha256. A file of an earlier run that this run does not write again (the stack of a
  previous inventory) is removed only when its bytes are still what synth wrote; anything
  else (``terraform.tfstate``, ``.terraform/``, an edited file) is left alone and reported.
* ``commit`` first creates every folder it needs, then moves the files with
  ``os.replace``: each file is whole, old or new, and a failure to create a folder
  changes nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harvester_iac._files import read_regular, sha256_regular
from harvester_iac.core import InputError

__all__ = ["RECORD_NAME", "Landed", "Staging"]

RECORD_NAME = ".harvester-iac-synth.json"
_RECORD_BYTES = 1 << 20


@dataclass(frozen=True, kw_only=True)
class Landed:
    """What ``Staging.commit`` did, paths relative to the output folder."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    left_alone: tuple[str, ...]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class Staging:
    """A staging folder for ``out``; ``commit`` moves its files in, ``close`` removes it."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.target = Path(out)
        parent = self.target.resolve().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.removed_stale = self._clean_stale(parent)
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.hiac-staging.{os.getpid()}.",
                                              dir=parent))
        except OSError as exc:
            raise InputError(f"cannot create the output directory: {exc.strerror or exc}",
                             file=str(self.target)) from None

    def _clean_stale(self, parent: Path) -> tuple[str, ...]:
        pattern = re.compile(rf"\.{re.escape(self.target.name)}\.hiac-staging\.(\d+)\.[A-Za-z0-9_]+\Z")
        removed = []
        for entry in sorted(os.listdir(parent)):
            found = pattern.match(entry)
            path = parent / entry
            if found and not _alive(int(found.group(1))) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(entry)
        return tuple(removed)

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def _files(self) -> list[str]:
        out = []
        for root, dirs, files in os.walk(self.path):
            dirs.sort()
            rel = Path(root).relative_to(self.path)
            out += [(rel / name).as_posix() for name in sorted(files)]
        return out

    def _old_record(self) -> dict[str, str]:
        path = self.target / RECORD_NAME
        try:
            doc = json.loads(read_regular(path, limit=_RECORD_BYTES, follow=False))
        except (OSError, ValueError, RecursionError):
            return {}
        files = doc.get("files") if isinstance(doc, dict) else None
        if not isinstance(files, dict):
            return {}
        return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str) and _safe(k)}

    def prepare(self) -> None:
        """Create every folder ``commit`` will move files into (nothing is replaced yet)."""
        try:
            for rel in self._files():
                (self.target / rel).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot write the synthesized files: {exc.strerror or exc}",
                             file=str(self.target)) from None

    def commit(self) -> Landed:
        """Move the staged files into place, then remove stale files of earlier runs."""
        old = self._old_record()
        new: dict[str, str] = {}
        written = self._files()
        try:
            for rel in written:
                src = self.path / rel
                new[rel] = sha256_regular(src) or ""
                os.replace(src, self.target / rel)
            removed, kept = self._remove_stale(old, new)
            self._write_record(new)
        except OSError as exc:
            raise InputError(f"cannot write the synthesized files: {exc.strerror or exc}",
                             file=str(self.target)) from None
        return Landed(written=tuple(written), removed=removed, left_alone=kept)

    def _remove_stale(self, old: dict[str, str], new: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        removed, kept = [], []
        for rel, digest in sorted(old.items()):
            if rel in new:
                continue
            path = self.target / rel
            if not os.path.lexists(path):
                continue
            if sha256_regular(path) == digest:
                path.unlink()
                removed.append(rel)
                self._prune(path.parent)
            else:
                kept.append(rel)
        for folder in {(self.target / r).parent for r in removed}:  # files synth never wrote
            if folder.is_dir():
                kept += sorted((folder / n).relative_to(self.target).as_posix() for n in os.listdir(folder))
        return tuple(removed), tuple(sorted(set(kept)))

    def _prune(self, folder: Path) -> None:
        """Remove ``folder`` and empty parents up to (not including) the output folder."""
        root = self.target.resolve()
        current = folder
        while current.resolve() != root and root in current.resolve().parents:
            try:
                current.rmdir()
            except OSError:
                return
            current = current.parent

    def _write_record(self, files: dict[str, str]) -> None:
        text = json.dumps({"about": "files harvester-iac synth wrote here, with their sha256; "
                           "synth removes one it no longer writes only while it is unchanged",
                           "files": files}, indent=2, sort_keys=True) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f"{RECORD_NAME}.", suffix=".tmp", dir=self.target)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.target / RECORD_NAME)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _safe(rel: str) -> bool:
    """A recorded path that stays inside the output folder."""
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts and rel != RECORD_NAME
