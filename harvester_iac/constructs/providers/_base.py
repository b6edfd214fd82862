"""The machinery under the typed L1 classes: configs as dataclasses, attributes rendered in one pass.

Why not the usual ``synthesizeAttributes`` override? A Python override is a Node.js -> Python
callback per resource at synth time, and a per-attribute ``add_override`` is a round trip
per attribute; with 500 VMs either one dominates synth. Instead:

* an L1 resource is created with one jsii call (its meta-arguments only) and registers its
  typed config, a frozen dataclass, in its stack's ``_AttributeRegistry`` (plain Python);
* ``AttributeStack.to_terraform`` lets cdktf build the JSON, then writes every registered
  element's attributes into it (cdktf's own output - meta-arguments, ``add_override``
  escape hatches - wins on conflict), resolving any CDK tokens in them with one call.

Configs are read at synth time, so a construct may replace an L1's ``config`` later (the
``Lazy`` pattern of cdk8s-plus) and the output follows.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from harvester_iac.cdk import (
    App,
    Construct,
    DefaultTokenResolver,
    ITerraformDependable,
    StringConcat,
    TerraformDataSource,
    TerraformProvider,
    TerraformProviderConfig,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceConfig,
    TerraformResourceLifecycle,
    TerraformStack,
    Tokenization,
    jsii_create,
)
from harvester_iac.core import ConstructError

__all__ = [
    "AttributeStack",
    "L1DataSource",
    "L1Provider",
    "L1Resource",
    "ProviderInfo",
    "TerraformConfig",
    "child_path",
    "create_construct",
    "terraform_value",
]

_TOKEN_MARKERS = ("${TfToken[", "#{TfToken[")


class TerraformConfig(Protocol):
    """A typed config: a dataclass whose fields are Terraform argument names."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


C = TypeVar("C", bound=TerraformConfig)


def _check_config(owner: object, config: object, want: type) -> None:
    if not isinstance(config, want):
        raise ConstructError(
            f"{type(owner).__name__}: 'config' must be a {want.__name__}, "
            f"found {type(config).__name__}")


@dataclass(frozen=True, kw_only=True)
class ProviderInfo:
    """Where a provider comes from and which versions the typed L1 classes were written for."""

    name: str
    source: str
    version: str
    version_constraint: str

    def metadata(self) -> TerraformProviderGeneratorMetadata:
        return TerraformProviderGeneratorMetadata(
            provider_name=self.name, provider_version=self.version_constraint,
            provider_version_constraint=self.version_constraint)


# --- plain values ----------------------------------------------------------------

def terraform_value(value: Any) -> Any:
    """A config value as Terraform JSON: dataclasses to objects, enums to strings, no ``None``.

    Unset optional arguments (``None``, empty tuples and maps) are left out, so the JSON holds
    only what was decided; a field with ``metadata={"block": True}`` holding one dataclass is a
    list-nested block of one item, written as a one-element list.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None or (isinstance(item, tuple | Mapping) and not item
                                and not f.metadata.get("keep_empty")):
                continue
            name = f.metadata.get("terraform_name", f.name)
            converted = terraform_value(item)
            out[name] = [converted] if f.metadata.get("block") else converted
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): terraform_value(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [terraform_value(v) for v in value]
    return value


def _deep_merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` updated with ``top``; nested objects merge, ``top`` wins on leaves."""
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def _token_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if any(m in value for m in _TOKEN_MARKERS):
            yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _token_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _token_strings(v)


def _substitute(value: Any, table: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        return table.get(value, value)
    if isinstance(value, Mapping):
        return {k: _substitute(v, table) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, table) for v in value]
    return value


# --- scopes: where an element lives, without asking Node.js ----------------------

class _AttributeRegistry:
    """The Python half of a stack: its L1 elements by construct path."""

    def __init__(self) -> None:
        self.elements: dict[str, _Element] = {}
        self.providers: dict[tuple[str, str | None], L1Provider[Any]] = {}
        #: L2 constructs created through ``create_construct``, for cross-construct checks
        self.members: list[Construct] = []
        #: ``FindingsValidation`` objects registered in this stack, in order
        self.validations: list[Any] = []
        #: ``import`` blocks: (construct path of the resource, import id, provider or None)
        self.imports: list[tuple[str, str, L1Provider[Any] | None]] = []
        #: objects registered once per stack, by key (e.g. the Terraform version check)
        self.singletons: dict[str, Any] = {}
        self.stack: Construct | None = None


class _Element(Protocol):
    def terraform_attributes(self) -> dict[str, Any]: ...


def _sanitize(id: str) -> str:
    return id.replace("/", "--")  # what constructs does to a "/" in an id


def _scope_info(scope: Construct) -> tuple[_AttributeRegistry, str]:
    info = getattr(scope, "_hiac_scope", None)
    if info is not None:
        return cast(tuple[_AttributeRegistry, str], info)
    stack = TerraformStack.of(scope)
    registry = getattr(stack, "_hiac_registry", None)
    if registry is None:
        raise ConstructError(
            f"{scope.node.path}: harvester-iac L1 resources render their attributes through "
            "their stack, so they must live in an AttributeStack (HarvesterStack is one), "
            "not a plain TerraformStack")
    return cast(_AttributeRegistry, registry), scope.node.path


def child_path(scope: Construct, id: str) -> tuple[_AttributeRegistry, str]:
    """The registry and construct path a child ``id`` of ``scope`` will have."""
    registry, path = _scope_info(scope)
    return registry, f"{path}/{_sanitize(id)}" if path else _sanitize(id)


def create_construct(obj: Construct, scope: Construct, id: str) -> None:
    """Initialise ``obj`` as a plain ``Construct`` child of ``scope`` in one jsii call.

    L2 constructs call this instead of ``Construct.__init__`` (same effect, without the
    generated argument checks) and remember their path, so their children can register
    without asking Node.js where they are.
    """
    if not isinstance(id, str) or not id:
        raise ConstructError(f"a construct id must be a non-empty string, found {id!r}")
    info = child_path(scope, id)
    jsii_create(obj, scope, id)
    object.__setattr__(obj, "_hiac_scope", info)
    info[0].members.append(obj)


# --- the stack --------------------------------------------------------------------

class AttributeStack(TerraformStack):
    """A ``TerraformStack`` that renders its harvester-iac L1 elements' attributes in one pass."""

    def __init__(self, scope: Construct, id: str) -> None:
        jsii_create(self, scope, id)
        self._hiac_registry = _AttributeRegistry()
        self._hiac_registry.stack = self
        self._hiac_id = _sanitize(id)
        # a stack directly under its App (the root, whose id is empty) has its id as path
        path = self._hiac_id if isinstance(scope, App) else self.node.path
        self._hiac_scope = (self._hiac_registry, path)

    @property
    def stack_id(self) -> str:
        """``node.id``, known in Python (reading ``node`` is a Node.js round trip each time)."""
        return self._hiac_id

    def to_terraform(self) -> Any:
        """cdktf's JSON for this stack, with the typed attributes of every L1 element."""
        doc = super().to_terraform()
        registry = self._hiac_registry
        targets: list[tuple[dict[str, Any], dict[str, Any]]] = []
        addresses: dict[str, str] = {}
        for section in ("resource", "data"):
            for rtype, items in doc.get(section, {}).items():
                for name, body in items.items():
                    path = body.get("//", {}).get("metadata", {}).get("path")
                    element = registry.elements.get(path)
                    if element is not None:
                        targets.append((body, element.terraform_attributes()))
                        if section == "resource":
                            addresses[path] = f"{rtype}.{name}"
        for ptype, bodies in doc.get("provider", {}).items():
            for body in bodies:
                provider = registry.providers.get((ptype, body.get("alias")))
                if provider is not None:
                    targets.append((body, provider.terraform_attributes()))
        tokens = sorted({t for _, attrs in targets for t in _token_strings(attrs)})
        table: dict[str, Any] = {}
        if tokens:
            resolved = Tokenization.resolve(
                tokens, scope=self, resolver=DefaultTokenResolver(StringConcat()))
            table = dict(zip(tokens, resolved, strict=True))
        for body, attrs in targets:
            merged = _deep_merge(_substitute(attrs, table) if table else attrs, body)
            body.clear()
            body.update(merged)
        _add_imports(doc, registry, addresses)
        return doc

    def to_hcl_terraform(self) -> Any:
        """Refused: the typed attributes are rendered into the JSON output only."""
        raise ConstructError(
            f"{self.node.id}: HCL output (cdktf synth --hcl, SYNTH_HCL_OUTPUT=true) is not "
            "supported by harvester-iac stacks; synthesize JSON (cdk.tf.json)")


def _add_imports(doc: dict[str, Any], registry: _AttributeRegistry, addresses: Mapping[str, str]) -> None:
    """Terraform >= 1.5 ``import`` blocks, as cdktf's ``import_from`` writes them (see ``L1Resource``)."""
    for path, ident, provider in registry.imports:
        to = addresses.get(path)
        if to is None:
            continue  # the resource was removed from the output (e.g. by an override)
        block: dict[str, Any] = {"id": ident, "to": to}
        if provider is not None:
            block["provider"] = provider.local_address
        doc.setdefault("import", []).append(block)
        rtype, _, name = to.partition(".")
        imports = doc.setdefault("//", {}).setdefault("metadata", {}).setdefault("imports", {})
        imports.setdefault(rtype, []).append(name)


# --- L1 base classes ---------------------------------------------------------------

_resource_configs: dict[tuple[str, int], TerraformResourceConfig] = {}


def _meta_config(tf_type: str, info: ProviderInfo, provider: TerraformProvider | None,
                 depends_on: Sequence[ITerraformDependable],
                 lifecycle: TerraformResourceLifecycle | None) -> TerraformResourceConfig:
    if depends_on or lifecycle is not None:
        return TerraformResourceConfig(
            terraform_resource_type=tf_type, terraform_generator_metadata=info.metadata(),
            provider=provider, depends_on=list(depends_on) or None, lifecycle=lifecycle)
    key = (tf_type, id(provider))
    config = _resource_configs.get(key)
    if config is None or config.provider is not provider:
        config = TerraformResourceConfig(
            terraform_resource_type=tf_type, terraform_generator_metadata=info.metadata(),
            provider=provider)
        _resource_configs[key] = config
    return config


class L1Resource(TerraformResource, Generic[C]):
    """Base of the typed resource classes: one jsii call to create, attributes from ``config``."""

    TERRAFORM_TYPE: ClassVar[str]
    PROVIDER: ClassVar[ProviderInfo]
    CONFIG: ClassVar[type]

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: C,
        provider: TerraformProvider | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> None:
        _check_config(self, config, self.CONFIG)
        registry, path = child_path(scope, id)
        jsii_create(self, scope, id, _meta_config(
            self.TERRAFORM_TYPE, self.PROVIDER, provider, depends_on, lifecycle))
        self.config: C = config
        self._hiac_path = path
        self._hiac_scope = (registry, path)
        registry.elements[path] = self

    def terraform_attributes(self) -> dict[str, Any]:
        """The arguments this resource sets, as Terraform JSON (read at synth time)."""
        return cast(dict[str, Any], terraform_value(self.config))

    def _attr(self, name: str) -> str:
        return self.get_string_attribute(name)

    def import_existing(self, import_id: str, *, provider: L1Provider[Any] | None = None) -> None:
        """Adopt an existing object: a Terraform >= 1.5 ``import`` block targeting this resource.

        The block is the one cdktf's ``import_from`` writes (``id``, ``to``, ``provider``,
        and ``imports`` in the stack metadata), written in the same one-pass rendering as
        the attributes. ``import_from`` itself also registers a validation that runs
        ``terraform version`` synchronously inside every synth (about 50 ms, and a failed
        synth on machines without Terraform); harvester-iac's constructs register their
        own check instead (``require_terraform_for_imports``), which runs concurrently.
        """
        if not import_id:
            raise ConstructError(f"{self._hiac_path}: an import id must not be empty")
        registry, _ = self._hiac_scope
        registry.imports.append((self._hiac_path, import_id, provider))


class L1DataSource(TerraformDataSource, Generic[C]):
    """Base of the typed data-source classes (same one-pass rendering as ``L1Resource``)."""

    TERRAFORM_TYPE: ClassVar[str]
    PROVIDER: ClassVar[ProviderInfo]
    CONFIG: ClassVar[type]

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: C,
        provider: TerraformProvider | None = None,
    ) -> None:
        _check_config(self, config, self.CONFIG)
        registry, path = child_path(scope, id)
        jsii_create(self, scope, id, _meta_config(self.TERRAFORM_TYPE, self.PROVIDER, provider, (), None))
        self.config: C = config
        self._hiac_path = path
        self._hiac_scope = (registry, path)
        registry.elements[path] = self

    def terraform_attributes(self) -> dict[str, Any]:
        return cast(dict[str, Any], terraform_value(self.config))


class L1Provider(TerraformProvider, Generic[C]):
    """Base of the typed provider classes: ``required_providers`` source and version come from ``PROVIDER``.

    ``alias`` is a Python override of cdktf's ``alias`` property, which makes Node.js call
    back into Python whenever a resource names its provider. Only aliased providers pay for
    that: ``__new__`` picks a subclass with the override when an alias is given.
    """

    PROVIDER: ClassVar[ProviderInfo]
    CONFIG: ClassVar[type]

    def __new__(cls, *args: Any, alias: str | None = None, **kwargs: Any) -> L1Provider[C]:
        target: type = cls
        if alias is not None and not issubclass(cls, _AliasOverride):
            target = _ALIASED.get(cls) or _ALIASED.setdefault(
                cls, type(cls.__name__, (_AliasOverride, cls), {"__module__": cls.__module__}))
        return cast(L1Provider[C], object.__new__(target))

    def __init__(self, scope: Construct, id: str, *, config: C,
                 alias: str | None = None) -> None:
        _check_config(self, config, self.CONFIG)
        registry, _ = child_path(scope, id)
        self._hiac_alias = alias
        jsii_create(self, scope, id, TerraformProviderConfig(
            terraform_resource_type=self.PROVIDER.name,
            terraform_generator_metadata=self.PROVIDER.metadata(),
            terraform_provider_source=self.PROVIDER.source))
        self.config: C = config
        key = (self.PROVIDER.name, alias)
        if key in registry.providers:
            raise ConstructError(
                f'{id}: a second "{self.PROVIDER.name}" provider'
                + (f' with alias "{alias}"' if alias else " without an alias")
                + " in one stack; give each one a distinct alias")
        registry.providers[key] = self

    @property
    def local_address(self) -> str:
        """How resources name this provider: ``harvester`` or ``harvester.<alias>``."""
        return f"{self.PROVIDER.name}.{self._hiac_alias}" if self._hiac_alias else self.PROVIDER.name

    def terraform_attributes(self) -> dict[str, Any]:
        attrs = cast(dict[str, Any], terraform_value(self.config))
        if self._hiac_alias:
            attrs["alias"] = self._hiac_alias
        return attrs


class _AliasOverride(TerraformProvider):
    """The ``alias`` override, mixed in only for providers created with an alias."""

    _hiac_alias: str | None

    @property
    def alias(self) -> str | None:
        """Terraform provider alias (fixed at construction)."""
        return self._hiac_alias

    @alias.setter
    def alias(self, value: str | None) -> None:
        raise ConstructError("a provider's alias is fixed when it is created")


_ALIASED: dict[type, type] = {}
