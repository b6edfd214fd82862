"""The typed L1 classes: their configs match the vendored schemas, and they render in one pass."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any

import pytest

from harvester_iac import cdk
from harvester_iac.cdk import App, TerraformStack
from harvester_iac.constructs.providers import (
    AttributeStack,
    DataHarvesterImage,
    DataHarvesterNetwork,
    DataHarvesterStorageClass,
    HarvesterImage,
    HarvesterImageConfig,
    HarvesterNetwork,
    HarvesterProvider,
    HarvesterProviderConfig,
    HarvesterStorageClass,
    HarvesterVirtualMachine,
    ImageSourceType,
    KubernetesManifest,
    KubernetesManifestConfig,
    KubernetesProvider,
    KubernetesProviderConfig,
    L1DataSource,
    L1Provider,
    L1Resource,
    RunStrategy,
    VirtualMachineConfig,
    VirtualMachineDisk,
    VirtualMachineNetworkInterface,
    manifest_import_id,
    terraform_value,
)
from harvester_iac.constructs.providers.schemas import check_against_provider_schemas, provider_schemas
from harvester_iac.errors import ConstructError

pytestmark = pytest.mark.cdk

RESOURCES: list[type[L1Resource[Any]]] = [
    HarvesterVirtualMachine, HarvesterImage, HarvesterNetwork, HarvesterStorageClass, KubernetesManifest]
DATA_SOURCES: list[type[L1DataSource[Any]]] = [
    DataHarvesterImage, DataHarvesterNetwork, DataHarvesterStorageClass]
PROVIDERS: list[type[L1Provider[Any]]] = [HarvesterProvider, KubernetesProvider]


def _schema_block(cls: type) -> Mapping[str, Any]:
    schema = provider_schemas()[cls.PROVIDER.source]  # type: ignore[attr-defined]
    if issubclass(cls, L1Provider):
        return schema.provider
    table = schema.data_sources if issubclass(cls, L1DataSource) else schema.resources
    return table[cls.TERRAFORM_TYPE]  # type: ignore[attr-defined]


def _strip_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else hint
    return hint


def _category(hint: Any) -> str:
    hint = _strip_optional(hint)
    origin = typing.get_origin(hint)
    if origin is tuple:
        inner = typing.get_args(hint)[0]
        return "blocks" if dataclasses.is_dataclass(inner) else "list"
    if origin in (Mapping, dict) or hint is Mapping:
        return "map"
    if dataclasses.is_dataclass(hint):
        return "block"
    if (isinstance(hint, type) and issubclass(hint, Enum)) or hint is str:
        return "string"
    if hint is bool:
        return "bool"
    if hint is int:
        return "number"
    raise AssertionError(f"unexpected hint {hint!r}")


def _tf_category(spec: Mapping[str, Any]) -> str:
    t = spec["type"]
    if isinstance(t, list):
        return {"list": "list", "set": "list", "map": "map"}.get(t[0], str(t[0]))
    return {"string": "string", "number": "number", "bool": "bool", "dynamic": "map"}[t]


def _check_config(config_cls: type, block: Mapping[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    hints = typing.get_type_hints(config_cls)
    attrs: Mapping[str, Any] = block.get("attributes", {})
    blocks: Mapping[str, Any] = block.get("block_types", {})
    fields = {f.name: f for f in dataclasses.fields(config_cls)}
    for name, f in fields.items():
        category = _category(hints[name])
        if name in attrs:
            spec = attrs[name]
            if spec.get("computed") and not spec.get("optional") and not spec.get("required"):
                problems.append(f"{where}.{name} is read-only in the schema")
            if category != _tf_category(spec):
                problems.append(f"{where}.{name}: {category} vs schema {spec['type']}")
        elif name in blocks:
            nested = blocks[name]
            if category == "block":
                if nested["nesting_mode"] in ("list", "set") and f.metadata.get("block") is not True:
                    if nested["nesting_mode"] != "single":
                        problems.append(f"{where}.{name}: list block must be written as a list")
                inner = _strip_optional(hints[name])
            elif category == "blocks":
                inner = typing.get_args(_strip_optional(hints[name]))[0]
            else:
                problems.append(f"{where}.{name}: a block typed as {category}")
                continue
            problems += _check_config(inner, nested["block"], f"{where}.{name}")
        else:
            problems.append(f"{where}.{name}: not an argument of the schema")
    for name, spec in attrs.items():
        if spec.get("required") and (name not in fields
                                     or fields[name].default is not dataclasses.MISSING
                                     or fields[name].default_factory is not dataclasses.MISSING):
            problems.append(f"{where}.{name}: required by the schema, not a required field")
    for name, nested in blocks.items():
        if nested.get("min_items") and name not in fields:
            problems.append(f"{where}.{name}: required block missing")
    return problems


@pytest.mark.parametrize("cls", [*RESOURCES, *DATA_SOURCES, *PROVIDERS], ids=lambda c: c.__name__)
def test_config_class_matches_the_schema(cls: type) -> None:
    """Every field is a settable argument of that name and type; every required one is required."""
    assert _check_config(cls.CONFIG, _schema_block(cls), cls.__name__) == []  # type: ignore[attr-defined]


def test_terraform_value_leaves_out_unset_arguments() -> None:
    value = terraform_value(VirtualMachineConfig(
        name="vm", run_strategy=RunStrategy.HALTED,
        disk=(VirtualMachineDisk(name="root", size="10Gi"),)))
    assert value == {"name": "vm", "run_strategy": "Halted", "disk": [{"name": "root", "size": "10Gi"}]}


def _stack() -> AttributeStack:
    return AttributeStack(cdk.Testing.app(), "l1")


def test_resource_renders_config_and_references() -> None:
    stack = _stack()
    hp = HarvesterProvider(stack, "harvester", config=HarvesterProviderConfig(kubecontext="lab"))
    image = HarvesterImage(stack, "image", provider=hp, config=HarvesterImageConfig(
        name="ubuntu", display_name="ubuntu", source_type=ImageSourceType.DOWNLOAD,
        url="https://example.com/u.img"))
    HarvesterVirtualMachine(stack, "vm", provider=hp, config=VirtualMachineConfig(
        name="vm", cpu=2, memory="2Gi",
        disk=(VirtualMachineDisk(name="root", size="10Gi", image=image.image_id, boot_order=1),),
        network_interface=(VirtualMachineNetworkInterface(name="default"),)))
    doc = stack.to_terraform()
    vm = doc["resource"]["harvester_virtualmachine"]["vm"]
    assert vm["disk"][0]["image"] == "${harvester_image.image.id}"
    assert vm["provider"] == "harvester" and vm["cpu"] == 2
    assert doc["provider"]["harvester"] == [{"kubecontext": "lab"}]
    assert check_against_provider_schemas(doc) == []


def test_config_is_read_at_synth_time() -> None:
    stack = _stack()
    image = HarvesterImage(stack, "image", config=HarvesterImageConfig(
        name="a", display_name="a", source_type=ImageSourceType.DOWNLOAD, url="https://e.com/a"))
    image.config = dataclasses.replace(image.config, display_name="b")
    doc = json.loads(cdk.Testing.synth(stack))
    assert doc["resource"]["harvester_image"]["image"]["display_name"] == "b"


def test_escape_hatch_override_wins_over_config() -> None:
    stack = _stack()
    image = HarvesterImage(stack, "image", config=HarvesterImageConfig(
        name="a", display_name="a", source_type=ImageSourceType.DOWNLOAD, url="https://e.com/a"))
    image.add_override("description", "set by hand")
    image.add_override("display_name", "override")
    body = stack.to_terraform()["resource"]["harvester_image"]["image"]
    assert body["description"] == "set by hand" and body["display_name"] == "override"


def test_wrong_config_type_is_refused() -> None:
    with pytest.raises(ConstructError, match="'config' must be a HarvesterImageConfig"):
        HarvesterImage(_stack(), "image", config=VirtualMachineConfig(name="x"))  # type: ignore[arg-type]


def test_l1_outside_an_attribute_stack_is_refused() -> None:
    plain = TerraformStack(App(outdir=str(cdk.Testing.app().outdir)), "plain")
    with pytest.raises(ConstructError, match="must live in an AttributeStack"):
        HarvesterVirtualMachine(plain, "vm", config=VirtualMachineConfig(name="vm"))


def test_provider_alias_and_duplicates() -> None:
    stack = _stack()
    default = HarvesterProvider(stack, "h", config=HarvesterProviderConfig())
    other = HarvesterProvider(stack, "h2", config=HarvesterProviderConfig(kubecontext="b"), alias="b")
    assert default.alias is None and other.alias == "b"
    HarvesterImage(stack, "i", provider=other, config=HarvesterImageConfig(
        name="a", display_name="a", source_type=ImageSourceType.DOWNLOAD, url="https://e.com/a"))
    doc = stack.to_terraform()
    assert doc["resource"]["harvester_image"]["i"]["provider"] == "harvester.b"
    assert {"alias": "b", "kubecontext": "b"} in doc["provider"]["harvester"]
    with pytest.raises(ConstructError, match="second \"harvester\" provider without an alias"):
        HarvesterProvider(stack, "h3", config=HarvesterProviderConfig())


def test_hcl_output_is_refused_not_silently_empty() -> None:
    stack = _stack()
    with pytest.raises(ConstructError, match="HCL output"):
        stack.to_hcl_terraform()


@pytest.mark.parametrize(("namespace", "expected"), [
    ("longhorn-system", "apiVersion=longhorn.io/v1beta2,kind=Node,namespace=longhorn-system,name=altra"),
    (None, "apiVersion=longhorn.io/v1beta2,kind=Node,name=altra"),
])
def test_manifest_import_id_format(namespace: str | None, expected: str) -> None:
    assert manifest_import_id(api_version="longhorn.io/v1beta2", kind="Node", name="altra",
                              namespace=namespace) == expected


def test_the_config_check_itself_catches_drift() -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Drifted:
        name: str | None = None  # required by the schema, optional here
        memroy: str | None = None  # not an argument
        cpu: str | None = None  # a number in the schema

    problems = _check_config(Drifted, _schema_block(HarvesterVirtualMachine), "vm")
    assert any("memroy: not an argument" in p for p in problems)
    assert any("cpu: string vs schema number" in p for p in problems)
    assert any("name: required by the schema" in p for p in problems)


def test_import_existing_writes_the_block_cdktf_would() -> None:
    stack = _stack()
    kp = KubernetesProvider(stack, "k", config=KubernetesProviderConfig(), alias="lab")
    node = KubernetesManifest(stack, "node", provider=kp, config=KubernetesManifestConfig(manifest={
        "apiVersion": "longhorn.io/v1beta2", "kind": "Node",
        "metadata": {"name": "altra", "namespace": "longhorn-system"}}))
    ident = node.adopt(provider=kp)
    doc = stack.to_terraform()
    assert doc["import"] == [{"id": ident, "to": "kubernetes_manifest.node", "provider": "kubernetes.lab"}]
    assert doc["//"]["metadata"]["imports"] == {"kubernetes_manifest": ["node"]}
    assert check_against_provider_schemas(doc) == []
    with pytest.raises(ConstructError, match="import id must not be empty"):
        node.import_existing("")
