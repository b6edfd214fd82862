"""Check Terraform JSON configuration against the vendored provider schemas, offline.

Providers cannot be downloaded here, so ``terraform validate`` cannot run; this does the
part of it that the schemas decide: unknown resource/data types and arguments, missing
required arguments, read-only attributes that were set, block nesting and item counts,
value types (with Terraform's own string/number/bool conversions), and the Go-side
constraints of the sidecar files (enums, ranges, DNS-1123 names, conflicts, deprecations).
Values holding a ``${...}`` expression are unknown until plan and are not type-checked.
Kubernetes types the partial schema does not describe are accepted unchecked (see
PROVENANCE.md), never reported as unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

from harvester_iac.constructs.providers.schemas._load import ProviderSchema, provider_schemas
from harvester_iac.core import did_you_mean
from harvester_iac.model import is_dns1123_subdomain

__all__ = ["check_against_provider_schemas", "constraint_admits"]

_RESOURCE_META = frozenset({"//", "count", "for_each", "depends_on", "provider", "lifecycle",
                            "provisioner", "connection"})
_DATA_META = frozenset({"//", "count", "for_each", "depends_on", "provider", "lifecycle"})
_PROVIDER_META = frozenset({"//", "alias", "version"})
_GO_DURATION = re.compile(r"^[-+]?(\d+(\.\d*)?(ns|us|µs|ms|s|m|h))+$|^0$")
_DEFAULT_REGISTRY = "registry.terraform.io"


def check_against_provider_schemas(
    tf_json: Mapping[str, Any],
    *,
    schemas: Mapping[str, ProviderSchema] | None = None,
) -> list[str]:
    """Problems of a ``cdk.tf.json``-style document, one sentence each; empty when it passes."""
    schemas = provider_schemas() if schemas is None else schemas
    checker = _Checker(tf_json, schemas)
    return list(checker.run())


def _fq(source: str) -> str:
    parts = source.split("/")
    return source if len(parts) == 3 else "/".join([_DEFAULT_REGISTRY, *parts])


def _is_expr(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


class _Checker:
    def __init__(self, doc: Mapping[str, Any], schemas: Mapping[str, ProviderSchema]) -> None:
        self.doc = doc
        self.schemas = schemas
        terraform = doc.get("terraform", {})
        required = terraform.get("required_providers", {}) if isinstance(terraform, Mapping) else {}
        #: local provider name -> fully qualified source
        self.sources: dict[str, str] = {}
        self.constraints: dict[str, str] = {}
        for local, spec in (required.items() if isinstance(required, Mapping) else ()):
            source = spec.get("source", f"hashicorp/{local}") if isinstance(spec, Mapping) else spec
            self.sources[local] = _fq(str(source))
            if isinstance(spec, Mapping) and spec.get("version"):
                self.constraints[local] = str(spec["version"])

    def run(self) -> Iterator[str]:
        yield from self._required_providers()
        yield from self._providers()
        for section in ("resource", "data"):
            body = self.doc.get(section, {})
            if not isinstance(body, Mapping):
                yield f"{section}: expected an object of types, found {type(body).__name__}"
                continue
            for rtype, items in body.items():
                if not isinstance(items, Mapping):
                    yield f"{section} {rtype}: expected an object of named blocks"
                    continue
                for name, config in items.items():
                    yield from self._element(section, rtype, name, config)
        yield from self._imports()

    # --- providers -----------------------------------------------------------------

    def _schema_for_local(self, local: str) -> ProviderSchema | None:
        source = self.sources.get(local, _fq(f"hashicorp/{local}"))
        return self.schemas.get(source)

    def _required_providers(self) -> Iterator[str]:
        for local, source in self.sources.items():
            schema = self.schemas.get(source)
            if schema is None:
                yield f'required_providers.{local}: no schema for provider source "{source}"'
                continue
            constraint = self.constraints.get(local)
            if constraint and not constraint_admits(constraint, schema.version):
                yield (f'required_providers.{local}: version constraint "{constraint}" excludes '
                       f"{schema.version}, the version the schema describes")

    def _providers(self) -> Iterator[str]:
        blocks = self.doc.get("provider", {})
        for local, configs in (blocks.items() if isinstance(blocks, Mapping) else ()):
            where = f"provider {local}"
            if local not in self.sources:
                yield f"{where}: not declared in terraform.required_providers"
            schema = self._schema_for_local(local)
            if schema is None:
                continue
            for i, config in enumerate(configs if isinstance(configs, list) else [configs]):
                cons = schema.constraints["provider"].get("", {})
                yield from self._block(f"{where}[{i}]", schema.provider, config, cons, "",
                                       _PROVIDER_META)

    # --- resources and data sources -----------------------------------------------

    def _element(self, section: str, rtype: str, name: str, config: Any) -> Iterator[str]:
        label = f"data.{rtype}.{name}" if section == "data" else f"{rtype}.{name}"
        local = rtype.split("_", 1)[0]
        provider_ref = config.get("provider") if isinstance(config, Mapping) else None
        if isinstance(provider_ref, str) and not _is_expr(provider_ref):
            local = provider_ref.split(".", 1)[0]
            if local not in self.sources:
                yield f'{label}: provider "{provider_ref}" is not declared in required_providers'
        schema = self._schema_for_local(local)
        if schema is None:
            yield f"{label}: unknown {section} type (no schema for provider \"{local}\")"
            return
        table = schema.resources if section == "resource" else schema.data_sources
        undescribed = (schema.undescribed_resources if section == "resource"
                       else schema.undescribed_data_sources)
        block = table.get(rtype)
        if block is None:
            if rtype not in undescribed:
                kind = "resource" if section == "resource" else "data source"
                yield f"{label}: unknown {kind} type for provider {schema.source} {schema.version}"
            return
        cons = schema.constraints["resource" if section == "resource" else "data"].get(rtype, {})
        meta = _RESOURCE_META if section == "resource" else _DATA_META
        yield from self._block(label, block, config, cons, "", meta)

    def _block(self, where: str, block: Mapping[str, Any], config: Any,
               cons: Mapping[str, Mapping[str, Any]], prefix: str,
               meta: frozenset[str] = frozenset({"//"})) -> Iterator[str]:
        if not isinstance(config, Mapping):
            yield f"{where}: expected an object, found {_kind(config)}"
            return
        attrs: Mapping[str, Any] = block.get("attributes", {})
        blocks: Mapping[str, Any] = block.get("block_types", {})
        for key in config:
            if key in meta or key in attrs or key in blocks:
                continue
            yield f"{where}: unknown argument \"{key}\"{_did_you_mean(key, [*attrs, *blocks])}"
        for key, spec in attrs.items():
            path = f"{prefix}{key}"
            present = key in config and config[key] is not None
            if spec.get("required") and not present:
                yield f'{where}: missing required argument "{key}"'
                continue
            if not present:
                continue
            value = config[key]
            if spec.get("computed") and not spec.get("optional") and not spec.get("required"):
                yield f'{where}: "{key}" is read-only (computed by the provider), it cannot be set'
                continue
            yield from (f"{where}.{key}{p}" for p in _type_problems(spec.get("type"), value))
            yield from (f"{where}.{key}: {p}" for p in _constraint_problems(cons.get(path), value))
            if spec.get("deprecated"):
                note = cons.get(path, {}).get("deprecated", "")
                yield f'{where}: "{key}" is deprecated' + (f": {note}" if note else "")
        for key, nested in blocks.items():
            yield from self._nested(where, key, nested, config.get(key), cons, f"{prefix}{key}")
        yield from _relation_problems(where, config, cons, prefix)

    def _nested(self, where: str, key: str, nested: Mapping[str, Any], value: Any,
                cons: Mapping[str, Mapping[str, Any]], path: str) -> Iterator[str]:
        mode = nested.get("nesting_mode", "list")
        if value is None:
            items: list[Any] = []
        elif _is_expr(value):
            return
        elif isinstance(value, list):
            items = value
        elif isinstance(value, Mapping):
            items = [value]
        else:
            yield f"{where}.{key}: expected a block (object or list of objects), found {_kind(value)}"
            return
        if mode in ("single", "group") and len(items) > 1:
            yield f"{where}.{key}: a single block, found {len(items)}"
        low, high = nested.get("min_items", 0), nested.get("max_items", 0)
        if low and len(items) < low:
            yield f"{where}.{key}: needs at least {low} block(s), found {len(items)}"
        if high and len(items) > high:
            yield f"{where}.{key}: allows at most {high} block(s), found {len(items)}"
        for i, item in enumerate(items):
            label = f"{where}.{key}[{i}]" if mode not in ("single", "group") else f"{where}.{key}"
            yield from self._block(label, nested["block"], item, cons, f"{path}.")

    # --- import blocks -------------------------------------------------------------

    def _imports(self) -> Iterator[str]:
        imports = self.doc.get("import", [])
        if not isinstance(imports, list):
            yield "import: expected a list of import blocks"
            return
        resources = self.doc.get("resource", {})
        for i, block in enumerate(imports):
            where = f"import[{i}]"
            if not isinstance(block, Mapping):
                yield f"{where}: expected an object"
                continue
            for key in block:
                if key not in ("to", "id", "provider", "for_each", "//"):
                    yield f'{where}: unknown argument "{key}"'
            to, ident = block.get("to"), block.get("id")
            if not isinstance(to, str) or "." not in to:
                yield f'{where}: "to" must be a resource address such as type.name, found {to!r}'
            else:
                rtype, _, name = to.partition(".")
                if name.split("[", 1)[0] not in resources.get(rtype, {}):
                    yield f"{where}: imports into {to}, which this configuration does not declare"
            if not isinstance(ident, str) or not ident:
                yield f'{where}: "id" must be a non-empty string'
            provider = block.get("provider")
            if isinstance(provider, str) and provider.split(".", 1)[0] not in self.sources:
                yield f'{where}: provider "{provider}" is not declared in required_providers'


# --- values -----------------------------------------------------------------------

def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _type_problems(tf_type: Any, value: Any) -> Iterator[str]:
    """Where ``value`` does not convert to ``tf_type`` (``""`` for the value itself)."""
    if value is None or _is_expr(value) or tf_type in (None, "dynamic"):
        return
    if tf_type == "string":
        if not isinstance(value, str | int | float | bool):
            yield f": expected a string, found {_kind(value)}"
    elif tf_type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            yield f": expected a number, found {_kind(value)}"
        elif isinstance(value, str) and not _numeric(value):
            yield f': expected a number, found the string "{value}"'
    elif tf_type == "bool":
        if not isinstance(value, bool) and value not in ("true", "false"):
            yield f": expected a bool, found {_kind(value)} {value!r}"
    elif isinstance(tf_type, list) and len(tf_type) == 2:
        kind, inner = tf_type
        if kind in ("list", "set"):
            if not isinstance(value, list):
                yield f": expected a {kind}, found {_kind(value)}"
                return
            for i, item in enumerate(value):
                yield from (f"[{i}]{p}" for p in _type_problems(inner, item))
        elif kind == "map":
            if not isinstance(value, Mapping):
                yield f": expected a map, found {_kind(value)}"
                return
            for k, item in value.items():
                yield from (f'["{k}"]{p}' for p in _type_problems(inner, item))
        elif kind == "object":
            if not isinstance(value, Mapping):
                yield f": expected an object, found {_kind(value)}"
                return
            for k, item in value.items():
                if k not in inner:
                    yield f': unknown object attribute "{k}"'
                else:
                    yield from (f".{k}{p}" for p in _type_problems(inner[k], item))


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _constraint_problems(cons: Mapping[str, Any] | None, value: Any) -> Iterator[str]:
    if not cons or _is_expr(value):
        return
    check = cons.get("validate")
    if "elem" in cons and isinstance(value, list):
        for item in value:
            yield from _constraint_problems(cons["elem"], item)
    if check == "StringInSlice" and isinstance(value, str):
        allowed = [str(v) for v in cons.get("enum", [])]
        folded = value.lower() if cons.get("ignore_case") else value
        if folded not in ([a.lower() for a in allowed] if cons.get("ignore_case") else allowed):
            shown = "|".join(a if a else '""' for a in allowed)
            yield f'"{value}" is not one of {shown}'
    elif check == "StringNotInSlice" and isinstance(value, str):
        banned = [str(v).lower() for v in cons.get("not_in", [])]
        if value.lower() in banned:
            yield f'"{value}" is not allowed here'
    elif check in ("IntAtLeast", "IntBetween") and isinstance(value, int | float | str):
        number = float(value) if not isinstance(value, str) or _numeric(value) else None
        low, high = cons.get("min"), cons.get("max")
        if number is not None and low is not None and number < low:
            yield f"{value} is below the minimum {low}"
        if number is not None and high is not None and number > high:
            yield f"{value} is above the maximum {high}"
    elif check == "IsValidName" and isinstance(value, str):
        if not is_dns1123_subdomain(value):
            yield f'"{value}" is not a valid DNS-1123 subdomain'
    elif check in ("NoZeroValues", "StringIsNotEmpty"):
        if value in ("", 0, False) or value == [] or value == {}:
            yield "must not be empty"
    elif check == "IsURLWithHTTPorHTTPS" and isinstance(value, str):
        url = urlparse(value)
        if url.scheme not in ("http", "https") or not url.netloc:
            yield f'"{value}" is not an http(s) URL'
    elif check == "go_duration" and isinstance(value, str):
        if not _GO_DURATION.match(value):
            yield f'"{value}" is not a Go duration such as 10m'
    if isinstance(value, Mapping):
        for key in cons.get("required_keys", ()):
            if key not in value:
                yield f'must contain "{key}"'
        for key in cons.get("forbidden_keys", ()):
            if key in value:
                yield f'must not contain "{key}"'


def _relation_problems(where: str, config: Mapping[str, Any],
                       cons: Mapping[str, Mapping[str, Any]], prefix: str) -> Iterator[str]:
    def present(name: str) -> bool:
        return config.get(name.rsplit(".", 1)[-1]) not in (None, [], {})

    for path, spec in cons.items():
        if not path.startswith(prefix) or "." in path[len(prefix):]:
            continue
        key = path[len(prefix):]
        if present(key):
            for other in spec.get("conflicts_with", ()):
                if present(other):
                    yield f'{where}: "{key}" conflicts with "{other.rsplit(".", 1)[-1]}"'
            choices: Sequence[str] = spec.get("at_most_one_of", ())
            value = config.get(key)
            if choices and isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, Mapping):
                        set_ = [c for c in choices if item.get(c) not in (None, [], {}, False)]
                        if len(set_) > 1:
                            yield f"{where}.{key}[{i}]: set only one of {', '.join(choices)}"
        names = spec.get("at_least_one_of", ())
        if names and not any(present(n) for n in names):
            yield f"{where}: set at least one of {', '.join(n.rsplit('.', 1)[-1] for n in names)}"


def _did_you_mean(word: str, choices: list[str]) -> str:
    hint = did_you_mean(word, choices)
    return f" ({hint})" if hint else ""


# --- version constraints ------------------------------------------------------------

def _version(text: str) -> tuple[int, ...]:
    core = text.strip().lstrip("v").split("-", 1)[0]
    return tuple(int(p) for p in core.split(".") if p.isdigit())


def constraint_admits(constraint: str, version: str) -> bool:
    """Whether a Terraform version constraint (``~> 1.8.1``, ``>= 2.38.0, < 4.0.0``) admits ``version``."""
    have = _version(version)
    for part in constraint.split(","):
        part = part.strip()
        m = re.match(r"^(~>|>=|<=|!=|=|>|<)?\s*(\S+)$", part)
        if not m:
            return False
        op, want_text = m.group(1) or "=", m.group(2)
        want = _version(want_text)
        width = max(len(have), len(want))
        a = have + (0,) * (width - len(have))
        b = want + (0,) * (width - len(want))
        ok = {
            "=": a == b, "!=": a != b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b,
        }.get(op)
        if op == "~>":
            fixed = want[:-1] if len(want) > 1 else want
            ok = a >= b and have[: len(fixed)] == fixed
        if not ok:
            return False
    return True
