"""One side of a comparison (base or head): inventory, synthesized resources, manifests.

A side is a folder: a checkout (``cdktf.out/``, ``templates/``, the inventory file) or a
``cdktf.out/`` itself. What a side lacks is synthesized when a synthesizer is given (the
command passes one that runs ``harvester-iac synth`` in a subprocess; this package never
imports the CDK runtime). A git ref becomes a folder through :func:`git_checkout`: a
temporary ``git worktree`` of that commit, removed afterwards, so the working tree and
the index are never touched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harvester_iac.errors import InputError
from harvester_iac.model import Inventory, default_inventory, load_inventory

__all__ = ["GitCheckout", "ManifestFile", "SynthResource", "Synthesizer", "Tree", "git_checkout", "read_tree"]

#: ``synthesize(root, inventory_file_or_None, out_dir)``: write a ``cdktf.out`` into out_dir.
Synthesizer = Callable[[Path, Path | None, Path], None]


@dataclass(frozen=True, slots=True)
class SynthResource:
    """One resource of a synthesized stack: ``harvester_virtualmachine.ControlPlane_...``."""

    stack: str
    type: str
    name: str
    attributes: object

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass(frozen=True, slots=True)
class ManifestFile:
    """A rendered manifest, by its path under ``templates/``."""

    name: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Tree:
    """What one side holds; ``None`` where the side has no such part."""

    label: str
    inventory: Inventory | None
    resources: tuple[SynthResource, ...] | None
    manifests: tuple[ManifestFile, ...] | None
    notes: tuple[str, ...] = ()


def _cdktf_out(root: Path) -> Path | None:
    if (root / "manifest.json").is_file() and (root / "stacks").is_dir():
        return root
    out = root / "cdktf.out"
    return out if (out / "stacks").is_dir() else None


def _resources(out: Path) -> tuple[SynthResource, ...]:
    found: list[SynthResource] = []
    for file in sorted(out.glob("stacks/*/cdk.tf.json")):
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"synthesized stack cannot be read ({exc})", file=str(file), where="1:1",
                             expected="Terraform JSON written by cdktf synth") from None
        resources = doc.get("resource", {}) if isinstance(doc, dict) else None
        if not isinstance(resources, dict):
            raise InputError("resource is not an object", file=str(file), where="/resource",
                             expected='{"<type>": {"<name>": {...}}}')
        for rtype in sorted(resources):
            by_name = resources[rtype]
            if not isinstance(by_name, dict):
                raise InputError("a resource type does not map names to resources", file=str(file),
                                 where=f"/resource/{rtype}", expected='{"<name>": {...}}')
            for name in sorted(by_name):
                found.append(SynthResource(stack=file.parent.name, type=rtype, name=name,
                                           attributes=by_name[name]))
    return tuple(found)


def _manifests(folder: Path) -> tuple[ManifestFile, ...]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))
    return tuple(ManifestFile(p.relative_to(folder).as_posix(), p.read_text(encoding="utf-8", errors="replace"))
                 for p in files)


def read_tree(root: Path, *, label: str, inventory: str | None,
              synthesize: Synthesizer | None = None) -> Tree:
    """Read the side at ``root``; ``inventory`` is its inventory file relative to ``root``
    (``None``: the embedded default). Missing resources are synthesized when possible."""
    notes: list[str] = []
    inv: Inventory | None
    inv_file: Path | None = None
    if inventory is None:
        inv = default_inventory()
    else:
        inv_file = Path(inventory) if Path(inventory).is_absolute() else root / inventory
        if inv_file.is_file():
            inv = load_inventory(inv_file)
        else:
            inv = None
            notes.append(f"{label} has no inventory {inventory}")
    out = _cdktf_out(root)
    resources: tuple[SynthResource, ...] | None = None
    if out is not None:
        resources = _resources(out)
        if inv_file is not None and inv_file.is_file() and (out / "manifest.json").is_file() and \
                inv_file.stat().st_mtime > (out / "manifest.json").stat().st_mtime:
            notes.append(f"{label}: cdktf.out/ is older than {inventory}; run harvester-iac synth first")
    elif synthesize is not None and inv is not None:
        with tempfile.TemporaryDirectory(prefix="hiac-synth-") as tmp:
            synthesize(root, inv_file, Path(tmp))
            resources = _resources(Path(tmp))
        notes.append(f"{label}: Terraform JSON synthesized from its inventory")
    else:
        notes.append(f"{label} has no cdktf.out/ to compare")
    templates = root / "templates"
    manifests: tuple[ManifestFile, ...] | None = None
    if templates.is_dir():
        manifests = _manifests(templates)
    elif out != root:  # a checkout without templates/ renders none (git keeps no empty folder)
        manifests = ()
        notes.append(f"{label} has no templates/ folder: no rendered manifests")
    return Tree(label=label, inventory=inv, resources=resources, manifests=manifests, notes=tuple(notes))


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


@dataclass(frozen=True, slots=True)
class GitCheckout:
    """A temporary checkout of a commit: ``root`` is the current folder's counterpart in it."""

    root: Path
    ref: str
    commit: str


@contextmanager
def git_checkout(ref: str, *, cwd: Path) -> Iterator[GitCheckout]:
    """Check ``ref`` out into a temporary worktree; remove it on exit (even on error)."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise InputError(f'"{ref}" is not a folder, and {cwd} is not in a git repository', where="--base",
                         expected="a folder (a checkout or its cdktf.out/) or a git ref of this repository")
    toplevel = Path(top.stdout.strip())
    sha = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], toplevel)
    if sha.returncode != 0:
        raise InputError(f'"{ref}" is not a folder and not a commit of {toplevel}', where="--base",
                         expected="a folder or a git ref (branch, tag, commit; see git rev-parse)")
    commit = sha.stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="hiac-base-"))
    work = tmp / "base"
    try:
        added = _git(["worktree", "add", "--detach", "--quiet", str(work), commit], toplevel)
        if added.returncode != 0:
            raise InputError(f"git worktree add failed: {added.stderr.strip()}", where="--base",
                             expected=f"a commit git can check out ({commit[:12]})")
        rel = Path(cwd).resolve().relative_to(toplevel.resolve())
        yield GitCheckout(root=work / rel, ref=ref, commit=commit)
    finally:
        if work.exists():
            _git(["worktree", "remove", "--force", str(work)], toplevel)
        _git(["worktree", "prune"], toplevel)
        shutil.rmtree(tmp, ignore_errors=True)
