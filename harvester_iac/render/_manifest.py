"""Kubernetes manifests as typed values, and rendered files as bytes.

A ``Manifest`` is the one object both outputs share: ``render`` writes it to ``templates/``
for kubectl-based GitOps, and the CDK stack puts the very same ``to_dict()`` into a
``kubernetes_manifest`` resource, so the two can never drift apart.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Manifest", "RenderedFile", "canonical"]

#: Top-level keys in the order Kubernetes documentation writes them; the rest are sorted.
_HEAD_KEYS = ("apiVersion", "kind", "metadata", "spec")
#: ``metadata`` keys in the same spirit: identity first, then sorted.
_META_KEYS = ("name", "namespace")


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """One Kubernetes object: its identity plus ``body``, the full object as plain data.

    ``body`` holds ``apiVersion``, ``kind`` and ``metadata`` too, in canonical key order
    (see ``canonical``). Two manifests are the same object when their identity matches;
    ``to_dict()`` hands out a deep copy, so callers cannot change a rendered manifest.
    """

    api_version: str
    kind: str
    name: str
    namespace: str | None
    body: Mapping[str, Any] = field(hash=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The full object as a fresh ``dict`` (what kubectl or ``kubernetes_manifest`` takes)."""
        return copy.deepcopy(dict(self.body))

    @property
    def key(self) -> str:
        """``kind/namespace/name``, how error messages and diffs name the object."""
        return f"{self.kind}/{self.namespace}/{self.name}" if self.namespace else f"{self.kind}/{self.name}"

    @classmethod
    def build(cls, body: Mapping[str, Any]) -> Manifest:
        """A manifest from a full object, its identity read from ``metadata``."""
        meta = body["metadata"]
        return cls(
            api_version=body["apiVersion"], kind=body["kind"], name=meta["name"],
            namespace=meta.get("namespace"), body=canonical(body),
        )


@dataclass(frozen=True, kw_only=True)
class RenderedFile:
    """A file for the templates directory: ``path`` is relative to it (POSIX spelling)."""

    path: str
    content: bytes


def canonical(obj: Mapping[str, Any]) -> dict[str, Any]:
    """``obj`` with keys ordered for stable output: fixed head keys, everything else sorted."""
    return _order(obj, _HEAD_KEYS)


def _order(obj: Mapping[str, Any], head: tuple[str, ...]) -> dict[str, Any]:
    keys = [k for k in head if k in obj] + sorted(k for k in obj if k not in head)
    return {k: _value(k, obj[k], head is _HEAD_KEYS) for k in keys}


def _value(key: str, value: Any, top: bool) -> Any:
    if isinstance(value, Mapping):
        return _order(value, _META_KEYS if top and key == "metadata" else ())
    if isinstance(value, list | tuple):
        return [_value("", v, False) for v in value]
    return value
