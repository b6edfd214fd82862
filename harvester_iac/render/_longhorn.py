"""Longhorn manifests from the model: the Node's managed disks and the storage classes.

Pure functions of model values; they never look at a cluster. Validation (CRD schema,
admission rules) is separate, in ``_schema.py`` and ``_rules.py``.
"""

from __future__ import annotations

from typing import Any

from harvester_iac.model import AntiAffinity, Host, Longhorn, LonghornDisk, StorageClass
from harvester_iac.render._manifest import Manifest

__all__ = [
    "LONGHORN_NODE_API",
    "MANAGED_BY",
    "PROVISIONER",
    "node_disk_manifest",
    "storage_class_manifest",
]

LONGHORN_NODE_API = "longhorn.io/v1beta2"
PROVISIONER = "driver.longhorn.io"
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
#: Label put on the objects harvester-iac creates (not on Longhorn's own Node objects).
MANAGED_BY = {"app.kubernetes.io/managed-by": "harvester-iac"}


def node_disk_manifest(host: Host, longhorn: Longhorn) -> Manifest | None:
    """The Longhorn ``Node`` named after ``host``, listing only its ``managed`` disks.

    Longhorn creates Node objects itself and owns the default disk, so this is a partial
    object meant to be merged, never a replacement: kubectl applies CRDs with a JSON merge
    patch (map keys it does not list stay), and server-side apply gives our field manager
    only the disk keys listed here. Either way the default disk is never removed.
    ``spec.tags`` (Longhorn node tags) is written only when the host declares tags, so
    tags set by hand are left alone otherwise. ``None`` when the host has no managed disk.
    See https://longhorn.io/docs/latest/nodes-and-volumes/nodes/multidisk/
    """
    disks = [d for d in host.disks if d.managed]
    if not disks:
        return None
    spec: dict[str, Any] = {"disks": {d.name: _disk_spec(d) for d in disks}}
    if host.tags:
        spec["tags"] = list(host.tags)
    return Manifest.build({
        "apiVersion": LONGHORN_NODE_API,
        "kind": "Node",
        "metadata": {"name": host.name, "namespace": longhorn.namespace},
        "spec": spec,
    })


def _disk_spec(disk: LonghornDisk) -> dict[str, Any]:
    return {
        "allowScheduling": disk.allow_scheduling,
        "diskType": str(disk.disk_type),
        "evictionRequested": disk.eviction_requested,
        "path": disk.path,
        "storageReserved": disk.storage_reserved.bytes,
        "tags": list(disk.tags),
    }


def storage_class_manifest(sc: StorageClass) -> Manifest | None:
    """A ``StorageClass`` for Longhorn's CSI driver; ``None`` for a class we do not own.

    Every parameter is a string (StorageClass parameters are ``map[string]string``).
    Selectors are comma-joined tag lists; the anti-affinity overrides are written only
    when they override (``ignored`` leaves the Longhorn setting in charge).
    See https://longhorn.io/docs/latest/references/storage-class-parameters/
    """
    if not sc.managed:
        return None
    params: dict[str, str] = {
        "numberOfReplicas": str(sc.number_of_replicas),
        "staleReplicaTimeout": str(sc.stale_replica_timeout_min),
        "dataLocality": str(sc.data_locality),
        "migratable": _bool(sc.migratable),
    }
    if sc.disk_selector:
        params["diskSelector"] = ",".join(sc.disk_selector)
    if sc.node_selector:
        params["nodeSelector"] = ",".join(sc.node_selector)
    for key, value in (
        ("replicaSoftAntiAffinity", sc.replica_soft_anti_affinity),
        ("replicaZoneSoftAntiAffinity", sc.replica_zone_soft_anti_affinity),
        ("replicaDiskSoftAntiAffinity", sc.replica_disk_soft_anti_affinity),
    ):
        if value is not AntiAffinity.IGNORED:
            params[key] = str(value)
    metadata: dict[str, Any] = {"name": sc.name, "labels": dict(MANAGED_BY)}
    if sc.is_default:
        metadata["annotations"] = {DEFAULT_CLASS_ANNOTATION: "true"}
    return Manifest.build({
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": metadata,
        "provisioner": PROVISIONER,
        "parameters": params,
        "reclaimPolicy": sc.reclaim_policy,
        "volumeBindingMode": sc.volume_binding_mode,
        "allowVolumeExpansion": sc.allow_volume_expansion,
    })


def _bool(value: bool) -> str:
    return "true" if value else "false"
