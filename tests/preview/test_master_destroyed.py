"""HIAC-PLAN-001 on real plan JSON with Harvester addresses (see ``_support.harvesterize``).

The stand-ins carry the attributes ``harvester-iac synth`` gives a master VM (name,
hostname, the ``harvester-iac/role: k3s-master`` label, the root disk block). Generation 2
changes kube-master-00's root disk image (a forced replace, ``replace_paths`` on ``disk``),
deletes kube-master-02's standalone root volume, changes kube-master-01's CPU count in
place and replaces a worker VM through ``replace_triggered_by``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvester_iac.model import default_inventory
from harvester_iac.policy import ResourceKind, Severity
from harvester_iac.preview import MASTER_DESTROYED, Action, parse_plan
from tests.preview._support import harvesterize, needs_terraform, real_plan, run_cli

pytestmark = [pytest.mark.slow, needs_terraform]


def _vm(name: str, image: str, cpu: int, role: str = "k3s-master") -> str:
    return f"""
resource "terraform_data" "vm_{name}" {{
  input = {{
    name = "{name}", hostname = "{name}", cpu = {cpu}, namespace = "default",
    labels = {{ "app.kubernetes.io/managed-by" = "harvester-iac", "harvester-iac/role" = "{role}" }}
  }}
  triggers_replace = {{
    disk = [{{ name = "root", boot_order = 1, bus = "virtio", image = "{image}", size = "40Gi",
               storage_class_name = "longhorn-master-root" }}]
  }}
}}
"""


def _config(gen: int) -> str:
    text = _vm("kube-master-00", "ubuntu-24-04" if gen == 1 else "ubuntu-26-04", 4)
    text += _vm("kube-master-01", "ubuntu-24-04", 4 if gen == 1 else 8)
    text += f'resource "terraform_data" "worker_trigger" {{ input = "{gen}" }}\n'
    text += _vm("worker-0", "ubuntu-24-04", 2, role="worker").replace(
        "\n}\n", "\n  lifecycle { replace_triggered_by = [terraform_data.worker_trigger] }\n}\n", 1)
    if gen == 1:
        text += ('resource "terraform_data" "vol_kube-master-02-root" '
                 '{ input = { name = "kube-master-02-root", size = "40Gi" } }\n')
    return text


@pytest.fixture(scope="module")
def harvester_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tf-harvester")
    made = real_plan(tmp / "tf", _config(1), _config(2))
    out = tmp / "harvester-plan.json"
    out.write_text(json.dumps(harvesterize(made.doc)))
    return out


def _inventory_with_root_volume_names() -> Path:
    return Path(__file__).parent / "fixtures" / "site-volume-names.yaml"


def test_plan_has_the_harvester_shape(harvester_plan: Path) -> None:
    plan = parse_plan(harvester_plan.read_text(), file=str(harvester_plan))
    by = {c.address: c for c in plan.changes}
    assert by["harvester_virtualmachine.kube-master-00"].action is Action.REPLACE
    assert [a.path for a in by["harvester_virtualmachine.kube-master-00"].changes if a.forces_replacement] == [
        "disk[0].image"]
    assert by["harvester_virtualmachine.kube-master-01"].action is Action.UPDATE
    assert by["harvester_virtualmachine.worker-0"].action_reason == "replace_by_triggers"
    assert by["harvester_volume.kube-master-02-root"].action is Action.DELETE


def test_replacing_a_masters_root_disk_is_an_error(harvester_plan: Path) -> None:
    plan = parse_plan(harvester_plan.read_text(), file=str(harvester_plan))
    found = list(MASTER_DESTROYED.evaluate(plan, default_inventory()))
    assert [f.key for f in found] == ["harvester_virtualmachine.kube-master-00"]
    f = found[0]
    assert f.severity is Severity.ERROR and f.rule == "HIAC-PLAN-001"
    assert {r.kind for r in f.resources} == {ResourceKind.MASTER, ResourceKind.VOLUME}
    assert "disk[0].image forces replacement" in f.message
    assert any(str(e).startswith(f"{harvester_plan} (/resource_changes/") for e in f.evidence)


def test_deleting_a_masters_standalone_root_volume_is_an_error(harvester_plan: Path) -> None:
    plan = parse_plan(harvester_plan.read_text(), file=str(harvester_plan))
    from harvester_iac.model import load_inventory

    inv = load_inventory(_inventory_with_root_volume_names())
    keys = sorted(f.key for f in MASTER_DESTROYED.evaluate(plan, inv))
    assert keys == ["harvester_virtualmachine.kube-master-00", "harvester_volume.kube-master-02-root"]


def test_preview_fails_the_gate_then_a_waiver_lets_it_pass(harvester_plan: Path, tmp_path: Path) -> None:
    done = run_cli("preview", "--plan", str(harvester_plan))
    assert done.returncode == 1, done.stderr
    assert "🛑 harvester-iac preview: fail" in done.stdout
    assert "<b>HIAC-PLAN-001</b> (blocking)" in done.stdout
    assert "`harvester_virtualmachine.kube-master-00` (replace) — **etcd member data**" in done.stdout
    assert "`harvester_virtualmachine.worker-0` (replace)\n" in done.stdout
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: HIAC-PLAN-001\n    resource: master/kube-master-00\n"
                       "    reason: rebuilding kube-master-00 on the new image, member removed first\n"
                       "    expires: 2999-01-01\n")
    done = run_cli("preview", "--plan", str(harvester_plan), "--waivers", str(waivers))
    assert done.returncode == 0, done.stderr
    assert "<b>HIAC-PLAN-001</b> (waived: rebuilding kube-master-00" in done.stdout
    assert "HIAC-PLAN-001 `master/kube-master-00`: rebuilding" in done.stdout and "day(s) left, used" in done.stdout


def test_one_waivers_file_serves_validate_and_preview(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: HIAC-PLAN-001\n    resource: master/kube-master-00\n"
                       "    reason: rebuilding kube-master-00\n")
    done = run_cli("validate", "--waivers", str(waivers))
    assert done.returncode == 0, done.stderr


def test_rule_is_documented() -> None:
    from tests.preview._support import REPO

    text = (REPO / "docs" / "preview.md").read_text()
    for part in (MASTER_DESTROYED.id, MASTER_DESTROYED.title, MASTER_DESTROYED.why, MASTER_DESTROYED.fix):
        assert part in text, part
