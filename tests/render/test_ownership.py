"""render deletes and overwrites only files whose bytes are what it wrote under that name.

The header line alone is no proof of ownership: a user's verbatim copy (``*.orig``), an
edited copy (``-customised.yaml``) and a hand-written file that copies the header must all
survive every render, and the report says that they were left alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harvester_iac.cli import main
from harvester_iac.errors import InputError
from harvester_iac.model import default_inventory
from harvester_iac.render import (
    GENERATED_PREFIX,
    DiffStatus,
    Ownership,
    check_templates,
    is_generated,
    ownership,
    render_inventory,
    sealed_file,
    write_templates,
)
from harvester_iac.render._seal import unsealed
from tests.render.conftest import EXAMPLES, ROOT

BEFORE_FIX = next(p for p in EXAMPLES if p.name == "altra-before-fix.yaml")
NODE = "longhorn-altra-disk.yaml"


def test_seal_covers_the_name_and_every_byte() -> None:
    f = sealed_file("a.yaml", f"{GENERATED_PREFIX}lab; do not edit.\n---\nx: 1\n".encode())
    assert ownership("a.yaml", f.content) is Ownership.OURS
    assert ownership("a.yaml.orig", f.content) is Ownership.EDITED
    assert ownership("a.yaml", f.content + b"# mine\n") is Ownership.EDITED
    assert ownership("a.yaml", f.content.replace(b"x: 1", b"x: 2")) is Ownership.EDITED
    assert ownership("a.yaml", unsealed(f.content)) is Ownership.EDITED
    assert ownership("a.yaml", b"kind: Node\n") is Ownership.FOREIGN
    assert ownership("a.yaml", GENERATED_PREFIX.encode() + b"x" * 10000) is Ownership.EDITED


@pytest.mark.parametrize("copy_name", [f"{NODE}.orig", "longhorn-altra-disk-customised.yaml", "backup.yaml"])
def test_a_users_copy_survives_when_the_original_goes_stale(tmp_path: Path, copy_name: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--templates-dir", str(tmp_path)]) == 0
    original = (tmp_path / NODE).read_bytes()
    (tmp_path / copy_name).write_bytes(original)  # verbatim copy under another name
    capsys.readouterr()
    assert main(["render", "--inventory", str(BEFORE_FIX), "--templates-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert not (tmp_path / NODE).exists()  # render's own stale file went
    assert (tmp_path / copy_name).read_bytes() == original
    assert f"left alone: {copy_name} (generated, then changed or copied by hand)" in out


def test_an_edited_copy_and_a_mimicked_header_survive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--templates-dir", str(tmp_path)]) == 0
    custom = (tmp_path / NODE).read_text().replace("nvme0", "nvme1")
    (tmp_path / "custom.yaml").write_text(custom)
    mimic = f"{GENERATED_PREFIX}altra-homelab; do not edit.\n---\nkind: Mine\n"
    (tmp_path / "mimic.yaml").write_text(mimic)
    fake_seal = f"{GENERATED_PREFIX}x; do not edit. sha256:{'0' * 64}\n---\nkind: Mine\n"
    (tmp_path / "fake-seal.yaml").write_text(fake_seal)
    capsys.readouterr()
    assert main(["render", "--inventory", str(BEFORE_FIX), "--templates-dir", str(tmp_path)]) == 0
    assert (tmp_path / "custom.yaml").read_text() == custom
    assert (tmp_path / "mimic.yaml").read_text() == mimic
    assert (tmp_path / "fake-seal.yaml").read_text() == fake_seal
    out = capsys.readouterr().out
    for name in ("custom.yaml", "fake-seal.yaml", "mimic.yaml"):
        assert f"{name} (generated, then changed or copied by hand)" in out


def test_a_hand_edited_generated_file_is_not_overwritten(tmp_path: Path) -> None:
    write_templates(render_inventory(default_inventory()), tmp_path)
    node = tmp_path / NODE
    node.write_text(node.read_text() + "# my note\n")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(InputError, match="changed since") as info:
        write_templates(render_inventory(default_inventory()), tmp_path)
    assert info.value.file == str(node)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert [d.status for d in check_templates(render_inventory(default_inventory()), tmp_path)] == [
        DiffStatus.EDITED]


def test_files_written_before_seals_are_taken_over(tmp_path: Path) -> None:
    """A file exactly as render wrote it before seals existed is ours: render adds the seal."""
    files = render_inventory(default_inventory())
    for f in files:
        (tmp_path / f.path).write_bytes(unsealed(f.content))
    assert [d.status for d in check_templates(files, tmp_path)] == [DiffStatus.CHANGED] * len(files)
    report = write_templates(files, tmp_path)
    assert report.written == tuple(f.path for f in files)
    assert all(is_generated(tmp_path / f.path) for f in files)


def test_a_fifo_in_the_templates_dir_is_foreign_and_never_read(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: render must not open it."""
    os.mkfifo(tmp_path / "pipe.yaml")
    code = ("from harvester_iac.model import default_inventory\n"
            "from harvester_iac.render import render_inventory, write_templates\n"
            f"r = write_templates(render_inventory(default_inventory()), {str(tmp_path)!r})\n"
            "print(r.foreign)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True)
    assert "pipe.yaml" in out.stdout
    assert not is_generated(tmp_path / "pipe.yaml")


def test_every_render_keeps_every_user_file(tmp_path: Path) -> None:
    """Render each example into one directory in turn: user files come out byte for byte."""
    mine = {"README.md": b"notes\n", "kustomization.yaml": b"resources: []\n"}
    for name, data in mine.items():
        (tmp_path / name).write_bytes(data)
    for inventory in [*EXAMPLES, None]:
        args = ["render", "--templates-dir", str(tmp_path)] + (["--inventory", str(inventory)] if inventory else [])
        assert main(args) == 0
        for name, data in mine.items():
            assert (tmp_path / name).read_bytes() == data
