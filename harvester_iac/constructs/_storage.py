"""LonghornStorageClass: a Longhorn StorageClass created through Harvester.

The class is ``render.storage_class_manifest(...)``, the object ``harvester-iac render``
writes, expressed as a ``harvester_storageclass`` (parameters, labels, default flag and
policies all come from that one manifest). A registered validation checks, at synth, that
its disk and node selectors match at least one schedulable disk / node of the stack:
otherwise every volume of the class would stay unscheduled.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harvester_iac.cdk import Construct
from harvester_iac.constructs._host import HarvesterHost
from harvester_iac.constructs._props import LonghornStorageClassProps
from harvester_iac.constructs._refs import StorageClassRef
from harvester_iac.constructs._validation import add_findings_validation
from harvester_iac.constructs.providers import (
    HarvesterProvider,
    HarvesterStorageClass,
    HarvesterStorageClassConfig,
    ReclaimPolicy,
    VolumeBindingMode,
)
from harvester_iac.constructs.providers._base import child_path, create_construct
from harvester_iac.core import ConstructError, Finding, Severity
from harvester_iac.model import StorageClass, is_dns1123_subdomain, is_qualified_name
from harvester_iac.render import Manifest, storage_class_manifest

__all__ = ["LonghornStorageClass", "LonghornStorageClassProps"]

_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"



class LonghornStorageClass(Construct):
    """A managed Longhorn storage class (``harvester_storageclass``) with typed attributes.

    Validated at construction: the name (RFC 1123 subdomain), 1-20 replicas, selector tags
    (qualified names), a non-negative stale-replica timeout. Unmanaged classes are not
    constructs: use ``LonghornStorageClass.from_existing``.
    """

    def __init__(self, scope: Construct, id: str, *, props: LonghornStorageClassProps) -> None:
        sc = props.storage_class
        _check_class(sc)
        manifest = storage_class_manifest(sc)
        if manifest is None:
            raise ConstructError(f"LonghornStorageClass {sc.name}: the class is not managed "
                                 "(managed=False); reference it with LonghornStorageClass.from_existing")
        create_construct(self, scope, id)
        self.props = props
        self.manifest: Manifest = manifest
        self.resource = HarvesterStorageClass(self, "Resource", provider=props.provider,
                                              config=_config(manifest))
        if props.check_selectors and (sc.disk_selector or sc.node_selector):
            add_findings_validation(self, self._selector_findings)

    @staticmethod
    def from_existing(scope: Construct, id: str, *, name: str,
                      provider: HarvesterProvider | None = None) -> StorageClassRef:
        """A class that exists already (Harvester's ``harvester-longhorn``), looked up by name."""
        return StorageClassRef.from_existing(scope, id, name=name, provider=provider)

    @property
    def storage_class_name(self) -> str:
        return self.props.storage_class.name

    @property
    def number_of_replicas(self) -> int:
        return self.props.storage_class.number_of_replicas

    @property
    def ref(self) -> StorageClassRef:
        """What VMs use; the name is a reference, so Terraform creates the class first."""
        return StorageClassRef(name=self.storage_class_name,
                               storage_class_name=self.resource.storage_class_name,
                               storage_class=self.props.storage_class)

    def _selector_findings(self) -> Iterator[Finding]:
        registry, path = child_path(self, "Resource")
        hosts = [m for m in registry.members if isinstance(m, HarvesterHost)]
        if not hosts:
            return
        sc = self.props.storage_class
        source = path.rsplit("/", 1)[0]
        nodes = [h for h in hosts if set(sc.node_selector) <= set(h.host.tags)]
        if sc.node_selector and not nodes:
            yield Finding(severity=Severity.ERROR, rule=source, message=(
                f"storage class {sc.name} selects nodes tagged {list(sc.node_selector)}, but no host "
                "of this stack carries all of them: its volumes would never be scheduled"))
            return
        usable = [d for h in nodes for d in h.host.disks
                  if d.allow_scheduling and not d.eviction_requested
                  and set(sc.disk_selector) <= set(d.tags)]
        if sc.disk_selector and not usable:
            yield Finding(severity=Severity.ERROR, rule=source, message=(
                f"storage class {sc.name} selects disks tagged {list(sc.disk_selector)}, but no "
                "schedulable disk of this stack carries all of them: its volumes would never be "
                "scheduled"))


def _check_class(sc: StorageClass) -> None:
    where = f"LonghornStorageClass {sc.name}"
    if not is_dns1123_subdomain(sc.name):
        raise ConstructError(f"{where}: 'name' must be a Kubernetes name (RFC 1123 subdomain), "
                             f"found {sc.name!r}")
    if not 1 <= sc.number_of_replicas <= 20:
        raise ConstructError(f"{where}: 'number_of_replicas' must be 1-20, found {sc.number_of_replicas}")
    if sc.stale_replica_timeout_min < 0:
        raise ConstructError(f"{where}: 'stale_replica_timeout_min' must be >= 0, "
                             f"found {sc.stale_replica_timeout_min}")
    for prop, tags in (("disk_selector", sc.disk_selector), ("node_selector", sc.node_selector)):
        for tag in tags:
            if not is_qualified_name(tag):
                raise ConstructError(f"{where}: '{prop}' tag {tag!r} is not a Kubernetes "
                                     "qualified name ([prefix/]name)")
    for prop, value, allowed in (("reclaim_policy", sc.reclaim_policy, ReclaimPolicy),
                                 ("volume_binding_mode", sc.volume_binding_mode, VolumeBindingMode)):
        if value not in {m.value for m in allowed}:
            raise ConstructError(f"{where}: '{prop}' must be one of "
                                 f"{', '.join(m.value for m in allowed)}, found {value!r}")


def _config(manifest: Manifest) -> HarvesterStorageClassConfig:
    body: dict[str, Any] = manifest.to_dict()
    meta = body.get("metadata", {})
    default = meta.get("annotations", {}).get(_DEFAULT_CLASS) == "true"
    return HarvesterStorageClassConfig(
        name=manifest.name,
        parameters={str(k): str(v) for k, v in body.get("parameters", {}).items()},
        volume_provisioner=body.get("provisioner"),
        reclaim_policy=ReclaimPolicy(body["reclaimPolicy"]) if "reclaimPolicy" in body else None,
        volume_binding_mode=(VolumeBindingMode(body["volumeBindingMode"])
                             if "volumeBindingMode" in body else None),
        allow_volume_expansion=body.get("allowVolumeExpansion"),
        is_default=default or None,
        labels=dict(meta.get("labels", {})),
    )
