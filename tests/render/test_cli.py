"""``harvester-iac render`` in-process: what it writes and prints, --check, exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harvester_iac.cli import main
from harvester_iac.render import GENERATED_PREFIX
from tests.render.conftest import EXAMPLES, inventory_text

DEFAULT_FILES = ["longhorn-altra-disk.yaml", "storageclass-longhorn-master-root.yaml"]


def test_render_default_into_the_default_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["render"]) == 0
    out = capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "templates").iterdir()) == DEFAULT_FILES
    assert "wrote templates/longhorn-altra-disk.yaml" in out
    assert "2 written, 0 unchanged, 0 removed (inventory altra-homelab)" in out
    assert main(["render"]) == 0
    assert "0 written, 2 unchanged, 0 removed" in capsys.readouterr().out


def test_render_an_example_and_remove_what_it_no_longer_renders(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "out"
    assert main(["render", "--templates-dir", str(d)]) == 0
    (d / "NOTES.md").write_text("mine\n")
    before_fix = next(p for p in EXAMPLES if p.name == "altra-before-fix.yaml")
    capsys.readouterr()
    assert main(["render", "--inventory", str(before_fix), "--templates-dir", str(d)]) == 0
    out = capsys.readouterr().out
    assert f"removed {d}/longhorn-altra-disk.yaml" in out
    assert "1 other files left alone" in out
    assert sorted(p.name for p in d.iterdir()) == ["NOTES.md"]


def test_check_is_0_when_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--templates-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["render", "--check", "--templates-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "is up to date for altra-homelab (2 files)" in captured.out
    assert captured.err == ""


def test_check_is_1_with_the_diff_when_out_of_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--templates-dir", str(tmp_path)]) == 0
    node = tmp_path / "longhorn-altra-disk.yaml"
    node.write_text(node.read_text().replace("/usr/local/longhorn-disk", "/usr/local/old-disk"))
    (tmp_path / "storageclass-longhorn-master-root.yaml").unlink()
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert main(["render", "--check", "--templates-dir", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert f"--- a/{tmp_path}/longhorn-altra-disk.yaml" in captured.out
    assert "-      path: /usr/local/old-disk" in captured.out
    assert "+      path: /usr/local/longhorn-disk" in captured.out
    assert "--- /dev/null" in captured.out
    assert f"+++ b/{tmp_path}/storageclass-longhorn-master-root.yaml" in captured.out
    assert "longhorn-altra-disk.yaml: out of date" in captured.err
    assert "storageclass-longhorn-master-root.yaml: missing" in captured.err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # --check writes nothing


def test_check_on_a_missing_directory_is_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--check", "--templates-dir", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().out.count("--- /dev/null") == 2
    assert not (tmp_path / "none").exists()


def test_bad_inventory_is_exit_2_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(inventory_text("  - name: altra\n    address: 192.168.1.85\n    disks:\n"
                                  "      - {name: nvme0, path: /mnt/nvme0, storageReserved: 40GB}\n"))
    assert main(["render", "--inventory", str(bad), "--templates-dir", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert re.match(rf"harvester-iac render: {re.escape(str(bad))}:9:\d+ \(/hosts/0/disks/0/storageReserved\): ", err)
    assert "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "t").exists()


def test_inventory_refused_by_admission_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "evict.yaml"
    bad.write_text(inventory_text("  - name: altra\n    address: 192.168.1.85\n    disks:\n"
                                  "      - {name: nvme0, path: /mnt/nvme0, evictionRequested: true}\n"))
    assert main(["render", "--inventory", str(bad), "--templates-dir", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:9:" in err and "requests eviction while it still allows scheduling" in err
    assert not (tmp_path / "t").exists()


def test_malformed_and_missing_inventories_are_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: harvester-iac/v1\nkind: Inventory\nhosts: [\n")
    assert main(["render", "--inventory", str(broken)]) == 2
    assert f"{broken}:4:1" in capsys.readouterr().err
    assert main(["render", "--inventory", str(tmp_path / "absent.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_foreign_file_in_the_way_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "longhorn-altra-disk.yaml").write_text("kind: Node  # by hand\n")
    assert main(["render", "--templates-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "longhorn-altra-disk.yaml: exists and was not generated by harvester-iac" in err
    assert (tmp_path / "longhorn-altra-disk.yaml").read_text() == "kind: Node  # by hand\n"
    assert not (tmp_path / "storageclass-longhorn-master-root.yaml").exists()


def test_templates_dir_that_is_a_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "file"
    f.write_text("x\n")
    assert main(["render", "--templates-dir", str(f)]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_written_files_carry_the_header(tmp_path: Path) -> None:
    assert main(["render", "--templates-dir", str(tmp_path)]) == 0
    for p in tmp_path.iterdir():
        assert p.read_text().startswith(GENERATED_PREFIX + "altra-homelab; do not edit.")
