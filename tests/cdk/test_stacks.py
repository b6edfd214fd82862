"""HarvesterStack from each inventory, the validation hook, and main.py's app = harvester-iac synth."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester_iac import cdk
from harvester_iac.constructs import Finding, Severity
from harvester_iac.constructs.providers.schemas import check_against_provider_schemas
from harvester_iac.errors import ConstructError, InventoryError
from harvester_iac.model import Host, Inventory, LonghornDisk, Vm, default_inventory, load_inventory
from harvester_iac.render import node_disk_manifest
from harvester_iac.stacks import (
    HarvesterStack,
    HarvesterStackProps,
    SynthBlocked,
    ValidationContext,
    admission_validator,
    build_app,
    cluster_stacks,
    synth_to,
)
from tests.cdk.conftest import EXAMPLES, ROOT, assert_snapshot

pytestmark = pytest.mark.cdk


def _inventories() -> list[tuple[str, Inventory]]:
    return [("default", default_inventory()), *[(p.stem, load_inventory(p)) for p in EXAMPLES]]


@pytest.mark.parametrize(("name", "inv"), _inventories(), ids=[n for n, _ in _inventories()])
def test_stack_from_each_inventory(name: str, inv: Inventory, tmp_path: Path) -> None:
    result = synth_to(inv, tmp_path / "out")
    (stack_name, path) = next(iter(result.stacks.items()))
    assert stack_name == inv.name and path == tmp_path / "out" / "stacks" / inv.name / "cdk.tf.json"
    doc = json.loads(path.read_text())
    assert check_against_provider_schemas(doc) == []
    required = doc["terraform"]["required_providers"]
    assert required["harvester"]["source"] == "registry.terraform.io/harvester/harvester"
    assert required["kubernetes"]["source"] == "registry.terraform.io/hashicorp/kubernetes"
    vms = doc["resource"]["harvester_virtualmachine"]
    by_name = {body["name"]: body for body in vms.values()}
    for m in inv.control_plane.masters:
        assert by_name[m.name]["node_selector"] == {"kubernetes.io/hostname": m.host}
        assert by_name[m.name]["disk"][0]["size"] == str(m.root_volume.size)
    for v in inv.vms:
        assert len(by_name[v.name]["disk"]) == len(v.disks)
    manifests = [b["manifest"] for b in doc["resource"].get("kubernetes_manifest", {}).values()]
    expected = [n.to_dict() for h in inv.hosts if (n := node_disk_manifest(h, inv.longhorn))]
    assert sorted(manifests, key=lambda x: x["metadata"]["name"]) == expected
    imported = {i["id"].rsplit("name=", 1)[1] for i in doc.get("import", [])}
    assert imported == {x["metadata"]["name"] for x in expected}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["stacks"][inv.name]["synthesizedStackPath"] == f"stacks/{inv.name}/cdk.tf.json"
    assert_snapshot(f"stack_{name}", doc)


def test_default_stack_details(tmp_path: Path) -> None:
    doc = json.loads(next(iter(synth_to(default_inventory(), tmp_path).stacks.values())).read_text())
    # the kubeconfig path is expanded by Terraform on the deploying machine, not here
    assert doc["provider"]["kubernetes"] == [{"config_path": '${pathexpand("~/.kube/altra.yaml")}'}]
    # the unmanaged network is looked up, so plan fails early if it does not exist
    (network,) = doc["data"]["harvester_network"].values()
    assert network["name"] == "homelab"
    # the new disk is applied; Harvester's default disk is left to Longhorn
    (node,) = doc["resource"]["kubernetes_manifest"].values()
    assert list(node["manifest"]["spec"]["disks"]) == ["nvme0"]


def test_three_node_example_looks_up_the_builtin_class(tmp_path: Path) -> None:
    inv = load_inventory(ROOT / "examples" / "inventories" / "three-node.yaml")
    doc = json.loads(next(iter(synth_to(inv, tmp_path).stacks.values())).read_text())
    assert [b["name"] for b in doc["data"]["harvester_storageclass"].values()] == ["harvester-longhorn"]
    gitea = next(b for b in doc["resource"]["harvester_virtualmachine"].values() if b["name"] == "gitea")
    assert gitea["node_selector"] == {"kubernetes.io/hostname": "hv-2"}
    assert gitea["disk"][1]["storage_class_name"].startswith("${data.harvester_storageclass.")


def _two_clusters(*, unpinned: bool = False) -> Inventory:
    inv = default_inventory()
    second = Host(name="beta", address="10.0.0.2", kubeconfig="~/.kube/beta.yaml",
                  disks=(LonghornDisk(name="nvme0", path="/mnt/nvme0"),))
    vms = (Vm(name="loose"),) if unpinned else ()
    return dataclasses.replace(inv, hosts=(*inv.hosts, second), vms=vms)


def test_one_stack_per_cluster() -> None:
    inv = _two_clusters()
    assert cluster_stacks(inv) == (("altra-homelab-altra", ("altra",)), ("altra-homelab-beta", ("beta",)))
    _, stacks = build_app(inv, outdir=str(cdk.Testing.app().outdir))
    beta = stacks[1].to_terraform()
    assert beta["provider"]["kubernetes"] == [{"config_path": '${pathexpand("~/.kube/beta.yaml")}'}]
    assert "harvester_virtualmachine" not in beta["resource"]  # the masters run on altra
    assert check_against_provider_schemas(beta) == []
    with pytest.raises(ConstructError, match="VM 'loose' must name its host"):
        build_app(_two_clusters(unpinned=True), outdir=str(cdk.Testing.app().outdir))
    with pytest.raises(ConstructError, match="belong to 2 clusters"):
        HarvesterStack(cdk.Testing.app(), "x", props=HarvesterStackProps(inventory=inv))
    with pytest.raises(ConstructError, match="'hosts' names 'gamma'"):
        HarvesterStack(cdk.Testing.app(), "x", props=HarvesterStackProps(inventory=inv, hosts=("gamma",)))


def test_an_inventory_built_in_python_is_checked_first() -> None:
    inv = default_inventory()
    broken = dataclasses.replace(inv, vms=(Vm(name="x", host="nowhere"),))
    with pytest.raises(InventoryError, match='unknown host "nowhere"'):
        HarvesterStack(cdk.Testing.app(), "x", props=HarvesterStackProps(inventory=broken))


# --- the validation hook --------------------------------------------------------------

def _bad_disk_inventory() -> Inventory:
    inv = default_inventory()
    host = inv.hosts[0]
    disks = tuple(dataclasses.replace(d, eviction_requested=True) if d.managed else d for d in host.disks)
    return dataclasses.replace(inv, hosts=(dataclasses.replace(host, disks=disks),))


def test_the_policy_gate_is_wired_by_default(tmp_path: Path) -> None:
    """Admission rules arrive through the policy gate (HIAC-ADMISSION-001) and block synth."""
    with pytest.raises(SynthBlocked) as info:
        synth_to(_bad_disk_inventory(), tmp_path / "out")
    errors = {f.rule: f for f in info.value.findings if f.severity is Severity.ERROR}
    # the evicted disk also leaves the masters' 2-replica class unsatisfiable
    assert set(errors) == {"HIAC-ADMISSION-001", "HIAC-PLACEMENT-003"}
    finding = errors["HIAC-ADMISSION-001"]
    assert "requests eviction while it still allows scheduling" in finding.message
    assert "(/hosts/0/disks/1/evictionRequested)" in str(finding)  # the evidence, kept
    assert finding.evidence and finding.why  # the policy finding itself, not a line of text
    assert not (tmp_path / "out").exists()


def test_admission_validator_alone(tmp_path: Path) -> None:
    with pytest.raises(SynthBlocked) as info:
        synth_to(_bad_disk_inventory(), tmp_path / "out", validators=(admission_validator,))
    (finding,) = info.value.findings
    assert finding.severity is Severity.ERROR and finding.rule == "admission"
    assert "/hosts/0/disks/1/evictionRequested" in finding.message


def test_custom_validators_get_the_context_and_may_return_pairs(tmp_path: Path) -> None:
    seen: list[ValidationContext] = []

    def policy(ctx: ValidationContext) -> Iterator[tuple[str, str]]:
        seen.append(ctx)
        yield ("warning", "replicas share a disk")
        yield ("info", "fyi")

    snapshot = tmp_path / "snap.json"
    snapshot.write_text("{}")
    result = synth_to(default_inventory(), tmp_path / "out", validators=(policy,), observed=snapshot)
    assert [(f.severity, f.message, f.rule) for f in result.findings] == [
        (Severity.WARNING, "replicas share a disk", "policy"), (Severity.INFO, "fyi", "policy")]
    (ctx,) = seen
    assert ctx.observed == snapshot and ctx.hosts == ("altra",) and ctx.stack_name == "altra-homelab"
    with pytest.raises(SynthBlocked):
        synth_to(default_inventory(), tmp_path / "o2", validators=(policy,), fail_on=Severity.WARNING)


def test_blocking_findings_fail_cdktf_synth_too(tmp_path: Path) -> None:
    """The same findings are cdktf validations: App.synth fails on them with their message."""
    def gate(ctx: ValidationContext) -> list[Finding]:
        return [Finding(severity=Severity.ERROR, message="etcd quorum on one disk", rule="HIAC-1")]

    app, _ = build_app(default_inventory(), outdir=str(tmp_path), validators=(gate,))
    with pytest.raises(RuntimeError, match=r"Validation failed(.|\n)*etcd quorum on one disk"):
        app.synth()


def test_validator_with_a_bad_severity_is_a_construct_error(tmp_path: Path) -> None:
    def sloppy(ctx: ValidationContext) -> list[tuple[str, str]]:
        return [("fatal", "boom")]

    with pytest.raises(ConstructError, match="returned severity 'fatal'"):
        synth_to(default_inventory(), tmp_path, validators=(sloppy,))


def test_skip_validation_writes_despite_findings(tmp_path: Path) -> None:
    result = synth_to(_bad_disk_inventory(), tmp_path / "out", skip_validation=True)
    assert result.findings == () and all(p.exists() for p in result.stacks.values())


# --- main.py (what cdktf synth runs) ----------------------------------------------------

def _main_py(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py")], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_main_py_writes_what_harvester_iac_synth_writes(tmp_path: Path) -> None:
    """Same cwd for both (the local backend's state path is the working directory)."""
    inv_path = ROOT / "examples" / "inventories" / "three-node.yaml"
    env = dict(os.environ, CDKTF_OUTDIR=str(tmp_path / "app"), HARVESTER_IAC_INVENTORY=str(inv_path))
    proc = _main_py(env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    cli = subprocess.run([sys.executable, "-m", "harvester_iac", "synth", "--inventory", str(inv_path),
                          "--out", str(tmp_path / "cli")], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, check=False)
    assert cli.returncode == 0, cli.stderr
    for rel in ("manifest.json", "stacks/rack-three-node/cdk.tf.json"):
        assert (tmp_path / "app" / rel).read_bytes() == (tmp_path / "cli" / rel).read_bytes()


def test_main_py_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: harvester-iac/v1\nkind: Inventory\nmetadata: {name: x}\nhosts: 3\n")
    env = dict(os.environ, CDKTF_OUTDIR=str(tmp_path / "o"), HARVESTER_IAC_INVENTORY=str(bad))
    proc = _main_py(env, tmp_path)
    assert proc.returncode == 2 and f"{bad}:4" in proc.stderr and "Traceback" not in proc.stderr
    hcl = _main_py(dict(os.environ, CDKTF_OUTDIR=str(tmp_path / "h"), SYNTH_HCL_OUTPUT="true"), tmp_path)
    assert hcl.returncode == 2 and "HCL output is not supported" in hcl.stderr
