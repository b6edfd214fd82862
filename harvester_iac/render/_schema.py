"""Rendered manifests against the CRD schemas of the Longhorn release they will meet.

The CRDs' ``openAPIV3Schema`` is Kubernetes' structural dialect of OpenAPI v3, close to
JSON Schema draft 4; ``_to_json_schema`` translates the differences once per file:

- ``nullable: true`` admits ``null``;
- ``x-kubernetes-int-or-string`` admits an integer or a string;
- ``x-kubernetes-list-type: set`` means unique items;
- unknown fields: the API server silently prunes them, which for a manifest we wrote means
  a misspelt key that would never take effect, so every object schema that lists its
  properties refuses others (unless it has ``x-kubernetes-preserve-unknown-fields``);
- ``x-kubernetes-validations`` (CEL) cannot run here and is dropped; the admission rules
  in ``_rules.py`` cover what matters for the manifests render writes;
- ``format: int64`` / ``int32`` are range-checked.

``metadata`` is only ``type: object`` in a CRD; the API server checks names itself, and
so does ``_metadata_problems``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema


from harvester_iac.core import Problem, schema_problem, show
from harvester_iac.model import is_dns1123_label, is_dns1123_subdomain, is_qualified_name
from harvester_iac.render._manifest import Manifest

__all__ = [
    "BLOCK_DEVICE_SCHEMA",
    "VENDORED_LONGHORN_VERSIONS",
    "SchemaProblem",
    "schema_versions",
    "validate_manifest",
]

#: Longhorn releases whose Node CRD is vendored in ``crds/`` (see PROVENANCE.md).
VENDORED_LONGHORN_VERSIONS: tuple[str, ...] = ("1.9.2", "1.11.2", "1.12.1")
BLOCK_DEVICE_SCHEMA = "harvester-ndm-v1.8.2-blockdevice.v1beta1.json"

_BY_MINOR: dict[tuple[int, int], tuple[str, ...]] = {
    (1, 9): ("1.9.2",),
    (1, 10): ("1.11.2", "1.9.2"),  # no 1.10 schema: nearest first, and the older neighbour too
    (1, 11): ("1.11.2",),
    (1, 12): ("1.12.1",),
}

_INT_RANGE = {"int64": (-(2**63), 2**63 - 1), "int32": (-(2**31), 2**31 - 1)}


#: A rendered manifest that its schema refuses: ``subject`` is the manifest
#: (``Node/longhorn-system/altra``), ``path`` the place in it, ``source`` what refused it
#: (``Longhorn v1.9.2 nodes.longhorn.io``). The one ``Problem`` of ``harvester_iac.core``.
SchemaProblem = Problem


def schema_versions(longhorn_version: str) -> tuple[str, ...]:
    """The vendored Longhorn schema versions a manifest for ``longhorn_version`` must pass.

    One per supported minor release; 1.10.x, which has none of its own, must pass both
    neighbours (nearest, 1.11.2, first). Raises ``ValueError`` for unsupported releases.
    """
    try:
        major, minor, *_ = (int(p) for p in longhorn_version.split("."))
    except ValueError:
        raise ValueError(f'"{longhorn_version}" is not a Longhorn version such as 1.9.2') from None
    found = _BY_MINOR.get((major, minor))
    if found is None:
        raise ValueError(f"Longhorn {longhorn_version} is not supported (1.9.x to 1.12.x)")
    return found


def validate_manifest(manifest: Manifest, *, longhorn_version: str) -> list[SchemaProblem]:
    """Every way ``manifest`` breaks the schemas of its kind for that Longhorn release.

    Longhorn Nodes are checked against the Node CRD of each version ``schema_versions``
    names, BlockDevices against node-disk-manager's CRD, StorageClasses against the
    Kubernetes API's shape. Other kinds have no schema here: that is a ``ValueError``.
    """
    body = manifest.to_dict()
    out = list(_metadata_problems(manifest, body))
    for label, validator in _validators(manifest, longhorn_version):
        for err in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path)):
            found = schema_problem(err)
            hint = found.hint or ("the API server would drop it" if found.at_key else None)
            out.append(replace(found, hint=hint, subject=manifest.key, source=label))
    return out


def _validators(manifest: Manifest, version: str) -> Iterator[tuple[str, jsonschema.Draft4Validator]]:
    if manifest.kind == "Node" and manifest.api_version.startswith("longhorn.io/"):
        for v in schema_versions(version):
            yield f"Longhorn v{v} nodes.longhorn.io", _crd_validator(f"longhorn-v{v}-node.v1beta2.json")
    elif manifest.kind == "BlockDevice" and manifest.api_version.startswith("harvesterhci.io/"):
        yield "node-disk-manager v1.8.2 blockdevices.harvesterhci.io", _crd_validator(BLOCK_DEVICE_SCHEMA)
    elif manifest.kind == "StorageClass" and manifest.api_version == "storage.k8s.io/v1":
        yield "Kubernetes storage.k8s.io/v1 StorageClass", _validator(_STORAGE_CLASS)
    else:
        raise ValueError(f"no schema for {manifest.api_version} {manifest.kind}")


@cache
def _crd_validator(filename: str) -> jsonschema.Draft4Validator:
    text = resources.files("harvester_iac.render.crds").joinpath(filename).read_text(encoding="utf-8")
    crd = json.loads(text)
    schema = _to_json_schema(crd["openAPIV3Schema"])
    props = schema.setdefault("properties", {})
    props["apiVersion"] = {"enum": [f"{crd['group']}/{crd['version']}"]}
    props["kind"] = {"enum": [crd["kind"]]}
    props.pop("status", None)  # status is the controller's, never part of a manifest
    required = {*schema.get("required", ()), "apiVersion", "kind", "metadata", "spec"} - {"status"}
    schema["required"] = sorted(required)
    return _validator(schema)


def _validator(schema: dict[str, Any]) -> jsonschema.Draft4Validator:
    import jsonschema  # paid only when a manifest is validated, not by every command that renders

    formats = jsonschema.FormatChecker(formats=())
    formats.checks("int64")(_int64)
    formats.checks("int32")(_int32)
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=formats)


def _int64(value: object) -> bool:
    return _in_range(value, "int64")


def _int32(value: object) -> bool:
    return _in_range(value, "int32")


def _in_range(value: object, fmt: str) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return True  # the type keyword reports non-integers
    low, high = _INT_RANGE[fmt]
    return low <= value <= high


def _to_json_schema(node: Any) -> Any:
    """Kubernetes structural schema -> JSON Schema draft 4 (see the module docstring)."""
    if isinstance(node, list):
        return [_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-kubernetes-") or key in ("nullable", "description", "example"):
            continue
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: _to_json_schema(v) for k, v in value.items()}
        else:
            out[key] = _to_json_schema(value)
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out = {"anyOf": [{"type": "integer"}, {"type": "string"}], **out}
    if node.get("x-kubernetes-list-type") == "set":
        out["uniqueItems"] = True
    if "properties" in out and "additionalProperties" not in out \
            and not node.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    if node.get("nullable") and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


# storage.k8s.io/v1 StorageClass, written from the Kubernetes API reference (not a CRD).
_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
_STORAGE_CLASS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["apiVersion", "kind", "metadata", "provisioner"],
    "properties": {
        "apiVersion": {"enum": ["storage.k8s.io/v1"]},
        "kind": {"enum": ["StorageClass"]},
        "metadata": {"type": "object"},
        "provisioner": {"type": "string", "minLength": 1},
        "parameters": _STRING_MAP,
        "reclaimPolicy": {"enum": ["Delete", "Retain"]},
        "volumeBindingMode": {"enum": ["Immediate", "WaitForFirstConsumer"]},
        "allowVolumeExpansion": {"type": "boolean"},
        "mountOptions": {"type": "array", "items": {"type": "string"}},
        "allowedTopologies": {"type": "array", "items": {"type": "object"}},
    },
}


def _metadata_problems(manifest: Manifest, body: Mapping[str, Any]) -> Iterator[SchemaProblem]:
    """What the API server checks in ``metadata`` for every object."""
    label = "Kubernetes object metadata"
    meta = body.get("metadata")
    if not isinstance(meta, Mapping):
        yield Problem(("metadata",), "expected a mapping", subject=manifest.key, source=label)
        return
    name = meta.get("name")
    if not isinstance(name, str) or not is_dns1123_subdomain(name):
        yield Problem(("metadata", "name"), f"{show(name)} is not a valid object name (RFC 1123 subdomain)",
                      subject=manifest.key, source=label)
    namespace = meta.get("namespace")
    if namespace is not None and (not isinstance(namespace, str) or not is_dns1123_label(namespace)):
        yield Problem(("metadata", "namespace"), f"{show(namespace)} is not a valid namespace (RFC 1123 label)",
                      subject=manifest.key, source=label)
    for field in ("labels", "annotations"):
        for key in meta.get(field) or {}:
            if not is_qualified_name(key):
                yield Problem(("metadata", field, key), f'key "{key}" is not a qualified name',
                              subject=manifest.key, source=label)
