"""``harvester-iac synth``: outputs and exit codes (0 written, 1 blocked by validation, 2 bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvester_iac._terraform_version import RunningProbe, VersionProbe, probe_version
from harvester_iac.cli import main
from harvester_iac.constructs import TerraformVersionCheck
from harvester_iac.model import default_inventory
from harvester_iac.render import render_inventory
from tests.cdk.conftest import ROOT

pytestmark = pytest.mark.cdk

DEFAULT_YAML = (ROOT / "harvester_iac" / "model" / "default-inventory.yaml").read_text()


def _variant(tmp_path: Path, old: str, new: str, name: str = "inv.yaml") -> Path:
    assert old in DEFAULT_YAML
    path = tmp_path / name
    path.write_text(DEFAULT_YAML.replace(old, new, 1))
    return path


def test_synth_default_writes_the_stack_and_manifest(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cdktf.out"
    assert main(["synth", "--out", str(out)]) == 0
    doc = json.loads((out / "stacks" / "altra-homelab" / "cdk.tf.json").read_text())
    assert doc["//"]["metadata"]["stackName"] == "altra-homelab"
    assert json.loads((out / "manifest.json").read_text())["stacks"]["altra-homelab"]
    assert "wrote" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdktf.out"]  # no staging left behind


def test_synth_keeps_other_files_in_the_output_directory(tmp_path: Path) -> None:
    out = tmp_path / "cdktf.out"
    stack_dir = out / "stacks" / "altra-homelab"
    stack_dir.mkdir(parents=True)
    (stack_dir / ".terraform.lock.hcl").write_text("# terraform init was here\n")
    (stack_dir / "cdk.tf.json").write_text("stale")
    assert main(["synth", "--out", str(out)]) == 0
    assert (stack_dir / ".terraform.lock.hcl").read_text() == "# terraform init was here\n"
    assert json.loads((stack_dir / "cdk.tf.json").read_text())["resource"]


def test_synth_renders_templates_when_asked(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    assert main(["synth", "--out", str(tmp_path / "o"), "--templates-dir", str(templates)]) == 0
    expected = {f.path: f.content for f in render_inventory(default_inventory())}
    assert {p.name: p.read_bytes() for p in templates.iterdir()} == expected
    node = json.loads((tmp_path / "o" / "stacks" / "altra-homelab" / "cdk.tf.json").read_text())
    (body,) = node["resource"]["kubernetes_manifest"].values()
    assert "nvme0" in body["manifest"]["spec"]["disks"]
    assert "longhorn-altra-disk.yaml" in expected


def test_blocking_validation_exits_1_and_writes_nothing(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    inv = _variant(tmp_path, "evictionRequested: false", "evictionRequested: true")
    out = tmp_path / "out"
    assert main(["synth", "--inventory", str(inv), "--out", str(out),
                 "--templates-dir", str(tmp_path / "t")]) == 1
    err = capsys.readouterr().err
    assert "error: [HIAC-ADMISSION-001]" in err and "requests eviction while it still allows scheduling" in err
    assert f"{inv}:" in err and "(/hosts/0/disks/1/evictionRequested)" in err
    assert not out.exists() and not (tmp_path / "t").exists()
    assert main(["synth", "--inventory", str(inv), "--out", str(out), "--no-validate"]) == 0
    assert (out / "stacks" / "altra-homelab" / "cdk.tf.json").exists()


def test_bad_inventory_exits_2_with_file_and_line(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    inv = _variant(tmp_path, "size: 40Gi", "size: 40GB")
    assert main(["synth", "--inventory", str(inv), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    line = DEFAULT_YAML[: DEFAULT_YAML.index("size: 40Gi")].count("\n") + 1
    assert f"{inv}:{line}:" in err and "40GB" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_undeployable_props_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = _variant(tmp_path, "memory: 8Gi", "memory: 64Mi")
    assert main(["synth", "--inventory", str(inv), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "MasterVm kube-master-00: 'memory' must be at least 128Mi, found 64Mi" in err
    assert str(inv) in err


def test_missing_observed_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "--observed", str(tmp_path / "nope.json"), "--out", str(tmp_path / "o")]) == 2
    assert "--observed" in capsys.readouterr().err


def test_observed_file_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = ROOT / "examples" / "observed" / "incident.snapshot.json"
    assert main(["synth", "--observed", str(snap), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "warning: [HIAC-PLACEMENT-002]" in err and "error:" not in err


def test_a_bad_snapshot_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "snap.json"
    snap.write_text("{}")
    assert main(["synth", "--observed", str(snap), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert str(snap) in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def _fake_binary(tmp_path: Path, name: str, output: str) -> Path:
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\necho '{output}'\n")
    path.chmod(0o755)
    return path


def test_import_blocks_need_terraform_1_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The adopted Longhorn Node is an import block: an older Terraform on PATH blocks synth."""
    old = _fake_binary(tmp_path, "terraform", "Terraform v1.4.7")
    monkeypatch.setenv("TERRAFORM_BINARY_NAME", str(old))
    assert main(["synth", "--out", str(tmp_path / "o")]) == 1
    assert f"{old} 1.4.7 cannot read import blocks" in capsys.readouterr().err
    tofu = _fake_binary(tmp_path, "tofu", "OpenTofu v1.8.3")
    monkeypatch.setenv("TERRAFORM_BINARY_NAME", str(tofu))
    assert main(["synth", "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "terraform-version" not in err and "error:" not in err


def test_synth_without_terraform_only_notes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TERRAFORM_BINARY_NAME", str(tmp_path / "no-such-terraform"))
    assert main(["synth", "--out", str(tmp_path / "o")]) == 0
    assert "info: [terraform-version] import blocks need Terraform or OpenTofu >= 1.5; not checked" \
        in capsys.readouterr().err


def test_no_validate_skips_the_terraform_probe_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TERRAFORM_BINARY_NAME", str(_fake_binary(tmp_path, "terraform", "Terraform v1.2.0")))
    assert main(["synth", "--out", str(tmp_path / "o"), "--no-validate"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("output", ["Terraform v1.4.7", "OpenTofu v1.8.3", "no version here", None])
def test_a_probe_run_in_the_worker_gives_the_stacks_own_findings(
        output: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """synth runs ``terraform version`` in its worker; the stack would run the same itself."""
    binary = _fake_binary(tmp_path, "terraform", output) if output else tmp_path / "missing"
    monkeypatch.setenv("TERRAFORM_BINARY_NAME", str(binary))
    handed_in = TerraformVersionCheck(RunningProbe(str(binary)).result())
    assert list(handed_in.findings()) == list(TerraformVersionCheck().findings())
    assert list(TerraformVersionCheck(probe_version()).findings()) == list(handed_in.findings())


def test_a_probe_of_another_binary_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _fake_binary(tmp_path, "terraform", "Terraform v1.4.7")
    monkeypatch.setenv("TERRAFORM_BINARY_NAME", str(old))
    other = VersionProbe(binary="tofu", output="OpenTofu v1.8.3")
    (finding,) = TerraformVersionCheck(other).findings()
    assert "1.4.7 cannot read import blocks" in finding.message
