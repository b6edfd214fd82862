"""Longhorn's own objects (``longhorn.io/v1beta2``), typed.

The placement check needs what Longhorn itself believes: how many replicas each volume
wants and has, on which node and disk each replica sits, which disks are schedulable and
how full they are, and the scheduling settings. These dataclasses keep exactly that, read
from the objects ``kubectl get volumes.longhorn.io,replicas.longhorn.io,nodes.longhorn.io,
settings.longhorn.io -n longhorn-system -o yaml`` prints or the API returns.

Field names follow Longhorn's CRD (``reference/longhorn-crds``, Longhorn 1.9-1.12) in
snake case. Go's omitempty zero values (``""``, missing) become ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from harvester_iac.core import AntiAffinity, DataLocality, DiskType, Located, Robustness
from harvester_iac.observe._encoders import snapshot_named

__all__ = [
    "LONGHORN_KINDS",
    "AntiAffinity",
    "DataLocality",
    "DiskType",
    "LonghornCondition",
    "LonghornDisk",
    "LonghornEngine",
    "LonghornNode",
    "LonghornReplica",
    "LonghornSetting",
    "LonghornState",
    "LonghornVolume",
    "Robustness",
    "Workload",
    "parse_longhorn_object",
    "vm_name_of",
]

#: The object kinds this reader keeps; other longhorn.io kinds (InstanceManager, ...) are skipped.
LONGHORN_KINDS: tuple[str, ...] = ("Volume", "Replica", "Node", "Setting", "Engine")


@dataclass(frozen=True, slots=True)
class LonghornCondition:
    """A status condition (``Ready``, ``Schedulable``, ...); ``status`` is ``True``/``False``/``Unknown``."""

    type: str
    status: str
    reason: str | None = None
    message: str | None = None
    last_transition_time: str | None = None

    @property
    def true(self) -> bool:
        return self.status == "True"


@dataclass(frozen=True, slots=True)
class Workload:
    """A pod using the volume, from ``status.kubernetesStatus.workloadsStatus``."""

    pod_name: str | None
    pod_status: str | None
    workload_name: str | None
    workload_type: str | None


@dataclass(frozen=True, slots=True)
class LonghornVolume:
    """A Longhorn volume: what it wants (spec) and what it is (status).

    ``vm_name`` is the Harvester VM using it, found from the VirtualMachineInstance
    workload, the ``virt-launcher-<vm>-xxxxx`` pod, or the PVC name ``<vm>-<disk>-<rand>``
    (in that order); ``vm_name_from`` says which (``workload``, ``pod``, ``pvc``).
    """

    name: str
    size_bytes: int | None = None
    number_of_replicas: int | None = None
    data_engine: str | None = None
    frontend: str | None = None
    data_locality: DataLocality | None = None
    disk_selector: tuple[str, ...] = ()
    node_selector: tuple[str, ...] = ()
    replica_auto_balance: str | None = None
    replica_soft_anti_affinity: AntiAffinity | None = None
    replica_zone_soft_anti_affinity: AntiAffinity | None = None
    replica_disk_soft_anti_affinity: AntiAffinity | None = None
    state: str | None = None
    robustness: Robustness = Robustness.UNKNOWN
    attached_node: str | None = None
    last_degraded_at: str | None = None
    pv_name: str | None = None
    pvc_name: str | None = None
    pvc_namespace: str | None = None
    workloads: tuple[Workload, ...] = ()
    vm_name: str | None = None
    vm_name_from: str | None = None
    conditions: tuple[LonghornCondition, ...] = ()


@dataclass(frozen=True, slots=True)
class LonghornReplica:
    """One replica: which volume, which node and disk, and whether it runs.

    ``data_path`` is ``<diskPath>/replicas/<dataDirectoryName>`` (or the old ``spec.dataPath``).
    """

    name: str
    volume: str | None = None
    node: str | None = None
    disk_id: str | None = None
    disk_path: str | None = None
    data_directory_name: str | None = None
    data_path: str | None = None
    current_state: str | None = None
    active: bool | None = None
    failed_at: str | None = None
    last_failed_at: str | None = None
    healthy_at: str | None = None
    instance_manager: str | None = None


@dataclass(frozen=True, slots=True)
class LonghornDisk:
    """One disk of a Longhorn node: spec (path, scheduling, tags) joined with its status.

    Storage numbers are bytes. ``scheduled_replica_bytes`` pairs each replica on the disk
    with the bytes scheduled for it (``status.diskStatus.<disk>.scheduledReplica``). The
    snapshot keeps the members it was written with (``storage_maximum``, ...,
    ``scheduled_replicas``).
    """

    name: str
    path: str | None = None
    disk_type: DiskType | None = None
    allow_scheduling: bool | None = None
    eviction_requested: bool | None = None
    tags: tuple[str, ...] = ()
    disk_uuid: str | None = None
    storage_maximum_bytes: int | None = snapshot_named("storage_maximum", None)
    storage_available_bytes: int | None = snapshot_named("storage_available", None)
    storage_reserved_bytes: int | None = snapshot_named("storage_reserved", None)
    storage_scheduled_bytes: int | None = snapshot_named("storage_scheduled", None)
    conditions: tuple[LonghornCondition, ...] = ()
    scheduled_replica_bytes: tuple[tuple[str, int], ...] = snapshot_named("scheduled_replicas", ())

    def condition(self, type_: str) -> LonghornCondition | None:
        return next((c for c in self.conditions if c.type == type_), None)


@dataclass(frozen=True, slots=True)
class LonghornNode:
    """A Longhorn node with its disks; ``ready``/``schedulable`` from its conditions."""

    name: str
    ready: bool | None = None
    schedulable: bool | None = None
    allow_scheduling: bool | None = None
    eviction_requested: bool | None = None
    tags: tuple[str, ...] = ()
    zone: str | None = None
    region: str | None = None
    disks: tuple[LonghornDisk, ...] = ()
    conditions: tuple[LonghornCondition, ...] = ()


@dataclass(frozen=True, slots=True)
class LonghornEngine:
    """A volume's engine (its iSCSI frontend): where it runs and the mode of each replica it
    writes to (``status.replicaModeMap``: replica name → ``RW``, ``WO`` rebuilding, ``ERR``)."""

    name: str
    volume: str | None = None
    node: str | None = None
    current_state: str | None = None
    replica_modes: tuple[tuple[str, str], ...] = ()

    @property
    def writable(self) -> int:
        """Replicas the engine reads and writes (mode ``RW``)."""
        return sum(mode == "RW" for _, mode in self.replica_modes)


@dataclass(frozen=True, slots=True)
class LonghornSetting:
    """A Longhorn setting (``replica-soft-anti-affinity`` → ``"false"``); values stay strings."""

    name: str
    value: str | None
    applied: bool | None = None


@dataclass(frozen=True, slots=True)
class LonghornState:
    """All Longhorn objects read, each list sorted by name."""

    volumes: tuple[LonghornVolume, ...] = ()
    replicas: tuple[LonghornReplica, ...] = ()
    nodes: tuple[LonghornNode, ...] = ()
    settings: tuple[LonghornSetting, ...] = ()
    engines: tuple[LonghornEngine, ...] = ()
    _volumes: dict[str, LonghornVolume] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for v in self.volumes:
            self._volumes.setdefault(v.name, v)

    @property
    def empty(self) -> bool:
        return not (self.volumes or self.replicas or self.nodes or self.settings or self.engines)

    def volume(self, name: str) -> LonghornVolume | None:
        return self._volumes.get(name)

    def replicas_of(self, volume: str) -> tuple[LonghornReplica, ...]:
        return tuple(r for r in self.replicas if r.volume == volume)

    def engines_of(self, volume: str) -> tuple[LonghornEngine, ...]:
        return tuple(e for e in self.engines if e.volume == volume)

    def setting(self, name: str) -> str | None:
        return next((s.value for s in self.settings if s.name == name), None)

    @staticmethod
    def of(objects: Iterable[LonghornObject]) -> LonghornState:
        """Group parsed objects by kind; the first object of a kind and name wins."""
        vols: dict[str, LonghornVolume] = {}
        reps: dict[str, LonghornReplica] = {}
        nodes: dict[str, LonghornNode] = {}
        sets: dict[str, LonghornSetting] = {}
        engs: dict[str, LonghornEngine] = {}
        for obj in objects:
            if isinstance(obj, LonghornVolume):
                vols.setdefault(obj.name, obj)
            elif isinstance(obj, LonghornReplica):
                reps.setdefault(obj.name, obj)
            elif isinstance(obj, LonghornNode):
                nodes.setdefault(obj.name, obj)
            elif isinstance(obj, LonghornEngine):
                engs.setdefault(obj.name, obj)
            else:
                sets.setdefault(obj.name, obj)
        return LonghornState(
            volumes=tuple(vols[k] for k in sorted(vols)),
            replicas=tuple(reps[k] for k in sorted(reps)),
            nodes=tuple(nodes[k] for k in sorted(nodes)),
            settings=tuple(sets[k] for k in sorted(sets)),
            engines=tuple(engs[k] for k in sorted(engs)),
        )

    def merged(self, other: LonghornState) -> LonghornState:
        return LonghornState.of(
            [*self.volumes, *self.replicas, *self.nodes, *self.settings, *self.engines,
             *other.volumes, *other.replicas, *other.nodes, *other.settings, *other.engines]
        )


LonghornObject = LonghornVolume | LonghornReplica | LonghornNode | LonghornSetting | LonghornEngine

# -- VM names -------------------------------------------------------------------------

_VIRT_LAUNCHER = re.compile(r"^virt-launcher-(?P<vm>.+)-[a-z0-9]{5}$")
# Harvester names a VM's PVCs <vm>-<disk>-<5 random>; disks are "disk-N" or one word.
_HARVESTER_PVC = re.compile(r"^(?P<vm>.+?)-(?:disk-\d+|[a-z0-9]+)-[a-z0-9]{5}$")


def vm_name_of(
    workloads: Iterable[Workload], pvc_name: str | None
) -> tuple[str | None, str | None]:
    """The Harvester VM name and where it was found (``workload``, ``pod``, ``pvc``)."""
    workloads = tuple(workloads)
    for w in workloads:
        if w.workload_type == "VirtualMachineInstance" and w.workload_name:
            return w.workload_name, "workload"
    for w in workloads:
        if w.pod_name and (m := _VIRT_LAUNCHER.match(w.pod_name)):
            return m.group("vm"), "pod"
    if pvc_name and (m := _HARVESTER_PVC.match(pvc_name)):
        return m.group("vm"), "pvc"
    return None, None


# -- parsing --------------------------------------------------------------------------


_E = TypeVar("_E", bound=StrEnum)


def _enum(node: Located | None, enum: type[_E]) -> _E | None:
    if node is None:
        return None
    text = node.as_str()
    if not text:
        return None
    try:
        return enum(text)
    except ValueError:
        raise node.fail("one of " + ", ".join(repr(e.value) for e in enum)) from None


def _conditions(node: Located | None) -> tuple[LonghornCondition, ...]:
    """Conditions arrive as a list (v1beta2) or, in old objects, a map keyed by type."""
    if node is None:
        return ()
    pairs: Iterable[tuple[str | None, Located]]
    if isinstance(node.value, list):
        pairs = ((None, item) for item in node.items())
    else:
        pairs = node.members()
    out = []
    for key, item in pairs:
        ctype = item.opt_str("type") or key
        if ctype is None:
            raise item.require("type", "a condition type such as 'Ready'").fail(
                "a condition type such as 'Ready'"
            )
        out.append(
            LonghornCondition(
                type=ctype,
                status=item.opt_str("status") or "Unknown",
                reason=item.opt_str("reason"),
                message=item.opt_str("message"),
                last_transition_time=item.opt_str("lastTransitionTime"),
            )
        )
    return tuple(out)


def _condition_true(conds: tuple[LonghornCondition, ...], type_: str) -> bool | None:
    found = next((c for c in conds if c.type == type_), None)
    return None if found is None else found.true


def _name(obj: Located) -> str:
    return obj.require("metadata", "the object's metadata").require(
        "name", "the object's name"
    ).as_str()


def _volume(obj: Located) -> LonghornVolume:
    spec = obj.get("spec") or obj.child("spec", {})
    status = obj.get("status") or obj.child("status", {})
    k8s = status.get("kubernetesStatus") or status.child("kubernetesStatus", {})
    workloads = tuple(
        Workload(
            pod_name=w.opt_str("podName"),
            pod_status=w.opt_str("podStatus"),
            workload_name=w.opt_str("workloadName"),
            workload_type=w.opt_str("workloadType"),
        )
        for w in (k8s.get("workloadsStatus") or k8s.child("workloadsStatus", [])).items()
    )
    pvc_name = k8s.opt_str("pvcName")
    vm, vm_from = vm_name_of(workloads, pvc_name)
    robustness = _enum(status.get("robustness"), Robustness) or Robustness.UNKNOWN
    return LonghornVolume(
        name=_name(obj),
        size_bytes=spec.opt_int("size"),
        number_of_replicas=spec.opt_int("numberOfReplicas"),
        data_engine=spec.opt_str("dataEngine"),
        frontend=spec.opt_str("frontend"),
        data_locality=_enum(spec.get("dataLocality"), DataLocality),
        disk_selector=spec.str_list("diskSelector"),
        node_selector=spec.str_list("nodeSelector"),
        replica_auto_balance=spec.opt_str("replicaAutoBalance"),
        replica_soft_anti_affinity=_enum(
            spec.get("replicaSoftAntiAffinity"), AntiAffinity
        ),
        replica_zone_soft_anti_affinity=_enum(
            spec.get("replicaZoneSoftAntiAffinity"), AntiAffinity
        ),
        replica_disk_soft_anti_affinity=_enum(
            spec.get("replicaDiskSoftAntiAffinity"), AntiAffinity
        ),
        state=status.opt_str("state"),
        robustness=robustness,
        attached_node=status.opt_str("currentNodeID"),
        last_degraded_at=status.opt_str("lastDegradedAt"),
        pv_name=k8s.opt_str("pvName"),
        pvc_name=pvc_name,
        pvc_namespace=k8s.opt_str("namespace"),
        workloads=workloads,
        vm_name=vm,
        vm_name_from=vm_from,
        conditions=_conditions(status.get("conditions")),
    )


def _replica(obj: Located) -> LonghornReplica:
    spec = obj.get("spec") or obj.child("spec", {})
    status = obj.get("status") or obj.child("status", {})
    disk_path = spec.opt_str("diskPath")
    data_dir = spec.opt_str("dataDirectoryName")
    data_path = spec.opt_str("dataPath")
    if data_path is None and disk_path and data_dir:
        data_path = f"{disk_path.rstrip('/')}/replicas/{data_dir}"
    return LonghornReplica(
        name=_name(obj),
        volume=spec.opt_str("volumeName"),
        node=spec.opt_str("nodeID"),
        disk_id=spec.opt_str("diskID"),
        disk_path=disk_path,
        data_directory_name=data_dir,
        data_path=data_path,
        current_state=status.opt_str("currentState"),
        active=spec.opt_bool("active"),
        failed_at=spec.opt_str("failedAt"),
        last_failed_at=spec.opt_str("lastFailedAt"),
        healthy_at=spec.opt_str("healthyAt"),
        instance_manager=status.opt_str("instanceManagerName"),
    )


def _disk(name: str, spec: Located | None, status: Located | None) -> LonghornDisk:
    s = spec or Located({}, "", "")
    st = status or Located({}, "", "")
    scheduled = st.get("scheduledReplica")
    return LonghornDisk(
        name=name,
        path=s.opt_str("path") or st.opt_str("diskPath"),
        disk_type=_enum(s.get("diskType") or st.get("diskType"), DiskType),
        allow_scheduling=s.opt_bool("allowScheduling"),
        eviction_requested=s.opt_bool("evictionRequested"),
        tags=s.str_list("tags"),
        disk_uuid=st.opt_str("diskUUID"),
        storage_maximum_bytes=st.opt_int("storageMaximum"),
        storage_available_bytes=st.opt_int("storageAvailable"),
        storage_reserved_bytes=s.opt_int("storageReserved"),
        storage_scheduled_bytes=st.opt_int("storageScheduled"),
        conditions=_conditions(st.get("conditions")),
        scheduled_replica_bytes=tuple(
            sorted((k, v.as_int()) for k, v in scheduled.members()) if scheduled else ()
        ),
    )


def _node(obj: Located) -> LonghornNode:
    spec = obj.get("spec") or obj.child("spec", {})
    status = obj.get("status") or obj.child("status", {})
    spec_disks = dict((spec.get("disks") or spec.child("disks", {})).members())
    status_disks = dict((status.get("diskStatus") or status.child("diskStatus", {})).members())
    conds = _conditions(status.get("conditions"))
    return LonghornNode(
        name=_name(obj),
        ready=_condition_true(conds, "Ready"),
        schedulable=_condition_true(conds, "Schedulable"),
        allow_scheduling=spec.opt_bool("allowScheduling"),
        eviction_requested=spec.opt_bool("evictionRequested"),
        tags=spec.str_list("tags"),
        zone=status.opt_str("zone"),
        region=status.opt_str("region"),
        disks=tuple(
            _disk(name, spec_disks.get(name), status_disks.get(name))
            for name in sorted(spec_disks.keys() | status_disks.keys())
        ),
        conditions=conds,
    )


def _setting(obj: Located) -> LonghornSetting:
    status = obj.get("status")
    value = obj.get("value")
    return LonghornSetting(
        name=_name(obj),
        value=None if value is None else value.as_str(),
        applied=status.opt_bool("applied") if status is not None else None,
    )


def _engine(obj: Located) -> LonghornEngine:
    spec = obj.get("spec") or obj.child("spec", {})
    status = obj.get("status") or obj.child("status", {})
    modes = status.get("replicaModeMap")
    return LonghornEngine(
        name=_name(obj),
        volume=spec.opt_str("volumeName"),
        node=spec.opt_str("nodeID"),
        current_state=status.opt_str("currentState"),
        replica_modes=tuple(sorted((k, v.as_str()) for k, v in modes.members())) if modes else (),
    )


_PARSERS: dict[str, Callable[[Located], LonghornObject]] = {
    "Volume": _volume,
    "Replica": _replica,
    "Node": _node,
    "Setting": _setting,
    "Engine": _engine,
}


def parse_longhorn_object(obj: Located, kind: str) -> LonghornObject:
    """Parse one object of ``kind`` (one of :data:`LONGHORN_KINDS`)."""
    obj.mapping()
    return _PARSERS[kind](obj)
