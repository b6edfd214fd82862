"""The offline provider-schema checker: every synthesized stack passes it, and it catches mistakes.

The negative cases start from a real synthesized stack and break one thing each, so a
checker that accepted everything (or nothing) fails here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from harvester_iac.constructs.providers.schemas import (
    KUBERNETES_UNDESCRIBED_RESOURCES,
    check_against_provider_schemas,
    constraint_admits,
    provider_schemas,
)
from harvester_iac.model import default_inventory, load_inventory
from harvester_iac.stacks import synth_to
from tests.cdk.conftest import EXAMPLES

pytestmark = pytest.mark.cdk


@cache
def _synthesized(inventory: str, out: str) -> dict[str, Any]:
    inv = default_inventory() if inventory == "default" else load_inventory(inventory)
    result = synth_to(inv, out)
    (path,) = result.stacks.values()
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


@pytest.fixture(scope="module")
def default_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _synthesized("default", str(tmp_path_factory.mktemp("synth") / "out"))


@pytest.mark.parametrize("inventory", ["default", *[str(p) for p in EXAMPLES]],
                         ids=lambda s: Path(s).stem)
def test_every_synthesized_stack_passes_the_schema_check(inventory: str, tmp_path: Path) -> None:
    doc = _synthesized(inventory, str(tmp_path / "out"))
    assert doc["resource"], "a stack with no resources proves nothing"
    assert check_against_provider_schemas(doc) == []


def _break(doc: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> list[str]:
    broken = copy.deepcopy(doc)
    change(broken)
    return check_against_provider_schemas(broken)


def _vm(doc: dict[str, Any]) -> dict[str, Any]:
    vms: dict[str, dict[str, Any]] = doc["resource"]["harvester_virtualmachine"]
    return vms[sorted(vms)[0]]


def test_unknown_argument_is_reported_with_a_suggestion(default_doc: dict[str, Any]) -> None:
    problems = _break(default_doc, lambda d: _vm(d).update(memroy="8Gi"))
    assert len(problems) == 1
    assert 'unknown argument "memroy"' in problems[0] and 'did you mean "memory"' in problems[0]


def test_missing_required_argument_is_reported(default_doc: dict[str, Any]) -> None:
    problems = _break(default_doc, lambda d: _vm(d).pop("name"))
    assert problems == [next(p for p in problems if 'missing required argument "name"' in p)]


def test_missing_required_argument_in_a_nested_block(default_doc: dict[str, Any]) -> None:
    problems = _break(default_doc, lambda d: _vm(d)["disk"][0].pop("name"))
    assert len(problems) == 1 and ".disk[0]: missing required argument \"name\"" in problems[0]


def test_block_count_and_nesting(default_doc: dict[str, Any]) -> None:
    assert any("needs at least 1 block" in p
               for p in _break(default_doc, lambda d: _vm(d).update(disk=[])))
    assert any("expected a block" in p
               for p in _break(default_doc, lambda d: _vm(d).update(disk="root")))
    two = _break(default_doc, lambda d: _vm(d).update(cloudinit=[{}, {}]))
    assert any("allows at most 1 block" in p for p in two)


def test_type_mismatches(default_doc: dict[str, Any]) -> None:
    assert any("expected a number" in p for p in _break(default_doc, lambda d: _vm(d).update(cpu="four")))
    assert any("expected a map" in p
               for p in _break(default_doc, lambda d: _vm(d).update(node_selector=["altra"])))
    assert any("expected a bool" in p for p in _break(default_doc, lambda d: _vm(d).update(efi="yes")))
    # Terraform converts a numeric string to a number: not a problem
    assert _break(default_doc, lambda d: _vm(d).update(cpu="4")) == []
    # expressions are unknown until plan: not type-checked
    assert _break(default_doc, lambda d: _vm(d).update(cpu="${var.cpu}")) == []


def test_sidecar_constraints(default_doc: dict[str, Any]) -> None:
    enum = _break(default_doc, lambda d: _vm(d).update(run_strategy="Sometimes"))
    assert any('"Sometimes" is not one of Always|Manual|Halted|RerunOnFailure' in p for p in enum)
    name = _break(default_doc, lambda d: _vm(d).update(name="Kube_Master"))
    assert any("not a valid DNS-1123 subdomain" in p for p in name)
    order = _break(default_doc, lambda d: _vm(d)["disk"][0].update(boot_order=-1))
    assert any("below the minimum 0" in p for p in order)


def test_read_only_attribute_cannot_be_set(default_doc: dict[str, Any]) -> None:
    problems = _break(default_doc, lambda d: _vm(d).update(node_name="altra"))
    assert any('"node_name" is read-only' in p for p in problems)


def test_unknown_resource_type_and_undescribed_kubernetes_types(default_doc: dict[str, Any]) -> None:
    unknown = _break(default_doc, lambda d: d["resource"].update(
        harvester_blockdevice={"x": {"name": "nvme"}}))
    assert any("harvester_blockdevice.x: unknown resource type" in p for p in unknown)
    assert "kubernetes_config_map_v1" in KUBERNETES_UNDESCRIBED_RESOURCES
    known = _break(default_doc, lambda d: d["resource"].update(
        kubernetes_config_map_v1={"x": {"metadata": [{"name": "x"}], "anything": 1}}))
    assert known == []


def test_kubernetes_manifest_rules(default_doc: dict[str, Any]) -> None:
    def manifest(d: dict[str, Any]) -> dict[str, Any]:
        items: dict[str, Any] = d["resource"]["kubernetes_manifest"]
        body: dict[str, Any] = next(iter(items.values()))["manifest"]
        return body

    assert any('must contain "apiVersion"' in p
               for p in _break(default_doc, lambda d: manifest(d).pop("apiVersion")))
    assert any('must not contain "status"' in p
               for p in _break(default_doc, lambda d: manifest(d).update(status={})))


def test_providers_imports_and_versions(default_doc: dict[str, Any]) -> None:
    short = _break(default_doc, lambda d: d["terraform"]["required_providers"]["harvester"].update(
        source="example.com/acme/harvester"))
    assert any("no schema for provider source" in p for p in short)
    excluded = _break(default_doc, lambda d: d["terraform"]["required_providers"]["harvester"].update(
        version="~> 1.9"))
    assert any('"~> 1.9" excludes 1.8.1' in p for p in excluded)
    dangling = _break(default_doc, lambda d: d["import"][0].update(to="kubernetes_manifest.nope"))
    assert any("does not declare" in p for p in dangling)
    bad_provider_arg = _break(default_doc, lambda d: d["provider"]["kubernetes"][0].update(kubeconfig="x"))
    assert any(p.startswith('provider kubernetes[0]: unknown argument "kubeconfig"')
               for p in bad_provider_arg)


@pytest.mark.parametrize(("constraint", "version", "ok"), [
    ("~> 1.8.1", "1.8.1", True), ("~> 1.8.1", "1.8.9", True), ("~> 1.8.1", "1.9.0", False),
    ("~> 1.8", "1.9.3", True), ("~> 1.8", "2.0.0", False), (">= 2.38.0, < 4.0.0", "3.2.1", True),
    (">= 2.38.0, < 4.0.0", "4.0.0", False), ("= 1.8.1", "1.8.1", True), ("!= 1.8.1", "1.8.1", False),
])
def test_constraint_admits(constraint: str, version: str, ok: bool) -> None:
    assert constraint_admits(constraint, version) is ok


def test_vendored_schemas_cover_both_providers() -> None:
    schemas = provider_schemas()
    assert set(schemas) == {"registry.terraform.io/harvester/harvester",
                            "registry.terraform.io/hashicorp/kubernetes"}
    harvester = schemas["registry.terraform.io/harvester/harvester"]
    assert harvester.version == "1.8.1" and len(harvester.resources) == 14
    assert "kubernetes_manifest" in schemas["registry.terraform.io/hashicorp/kubernetes"].resources
