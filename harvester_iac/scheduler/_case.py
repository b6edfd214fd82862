"""Read a scheduler case file (the ``simulate`` format) into typed objects.

Every problem becomes a ``SnapshotError`` naming the file, the JSON pointer of the value
and what was expected: malformed JSON (with line and column), wrong types, unknown keys
(with a "did you mean"), values out of range, duplicate names. Keys left out take
Longhorn's defaults (``SchedulingSettings``, ``NodeState``, ``DiskState``, ``VolumeSpec``);
``schedule`` left out means what the volume lacks. Beyond FORMAT.md the reader accepts a
node's ``instanceManagerReady`` and a volume's ``dataEngine`` (``v1``/``v2``), both read by
Longhorn's scheduler, and a free-text ``source``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from harvester_iac._json import read_json
from harvester_iac.core import SnapshotError
from harvester_iac.core._located import Located
from harvester_iac.scheduler._types import (
    AntiAffinity,
    CaseExpectation,
    ClusterState,
    DataEngine,
    DataLocality,
    DiskState,
    DiskType,
    LonghornVersion,
    NodeState,
    ReplicaAutoBalance,
    ReplicaState,
    Robustness,
    SchedulingCase,
    SchedulingSettings,
    VolumeSpec,
)

__all__ = ["load_case", "parse_case"]

_MAX_BYTES = 16 * 2**20
_NO_STRINGS: tuple[str, ...] = ()
_NO_NAMES: tuple[str | None, ...] = ()

_TOP = ("name", "source", "longhornVersion", "now", "settings", "nodes", "volume", "replicas",
        "schedule", "newReplicaNodes", "expect")
_SETTINGS = ("replicaSoftAntiAffinity", "replicaZoneSoftAntiAffinity", "replicaDiskSoftAntiAffinity",
             "storageOverProvisioningPercentage", "storageMinimalAvailablePercentage",
             "allowEmptyDiskSelectorVolume", "allowEmptyNodeSelectorVolume",
             "replicaReplenishmentWaitInterval", "replicaAutoBalance")
_NODE = ("name", "zone", "ready", "schedulable", "allowScheduling", "engineImageReady",
         "instanceManagerReady", "tags", "disks")
_DISK = ("name", "path", "diskType", "allowScheduling", "evictionRequested", "schedulable", "tags",
         "storageMaximum", "storageAvailable", "storageReserved", "storageScheduled")
_VOLUME = ("name", "size", "actualSize", "numberOfReplicas", "diskSelector", "nodeSelector",
           "dataLocality", "dataEngine", "replicaSoftAntiAffinity", "replicaZoneSoftAntiAffinity",
           "replicaDiskSoftAntiAffinity", "replicaAutoBalance", "robustness", "lastDegradedAt",
           "attachedNode")
_REPLICA = ("name", "node", "disk", "failedAt", "evictionRequested", "rebuildRetryCount")
_EXPECT = ("firstUnplaced", "nodes", "disks", "error")


T = TypeVar("T")


def _opt(at: Located, name: str, read: Callable[[Located], T], default: T) -> T:
    """Read key ``name`` of ``at`` with ``read``; JSON null or a missing key gives ``default``."""
    sub = at.member(name)
    if sub is None or sub.value is None:
        return default
    return read(sub)


def _settings(at: Located) -> SchedulingSettings:
    at.only(_SETTINGS, "settings")
    d = SchedulingSettings()
    return SchedulingSettings(
        replica_soft_anti_affinity=_opt(at, "replicaSoftAntiAffinity", Located.as_bool,
                                        d.replica_soft_anti_affinity),
        replica_zone_soft_anti_affinity=_opt(at, "replicaZoneSoftAntiAffinity", Located.as_bool,
                                             d.replica_zone_soft_anti_affinity),
        replica_disk_soft_anti_affinity=_opt(at, "replicaDiskSoftAntiAffinity", Located.as_bool,
                                             d.replica_disk_soft_anti_affinity),
        storage_over_provisioning_percentage=_opt(
            at, "storageOverProvisioningPercentage", lambda a: a.integer(high=100_000),
            d.storage_over_provisioning_percentage),
        storage_minimal_available_percentage=_opt(
            at, "storageMinimalAvailablePercentage", lambda a: a.integer(high=100),
            d.storage_minimal_available_percentage),
        allow_empty_disk_selector_volume=_opt(at, "allowEmptyDiskSelectorVolume", Located.as_bool,
                                              d.allow_empty_disk_selector_volume),
        allow_empty_node_selector_volume=_opt(at, "allowEmptyNodeSelectorVolume", Located.as_bool,
                                              d.allow_empty_node_selector_volume),
        replica_replenishment_wait_interval_s=_opt(at, "replicaReplenishmentWaitInterval",
                                                   Located.integer,
                                                   d.replica_replenishment_wait_interval_s),
        replica_auto_balance=_opt(at, "replicaAutoBalance",
                                  lambda a: a.choice(ReplicaAutoBalance), d.replica_auto_balance),
    )


def _disk(at: Located) -> DiskState:
    at.only(_DISK, "a disk")
    name = at.member("name")
    if name is None:
        raise at.fail('an object with "name"', message='a disk needs a "name"')
    d = DiskState(name="-")
    return DiskState(
        name=name.text(empty=False),
        path=_opt(at, "path", Located.text, d.path),
        disk_type=_opt(at, "diskType", lambda a: a.choice(DiskType), d.disk_type),
        allow_scheduling=_opt(at, "allowScheduling", Located.as_bool, d.allow_scheduling),
        eviction_requested=_opt(at, "evictionRequested", Located.as_bool, d.eviction_requested),
        schedulable=_opt(at, "schedulable", Located.as_bool, d.schedulable),
        tags=tuple(sorted(_opt(at, "tags", Located.strings, _NO_STRINGS))),
        storage_maximum_bytes=_opt(at, "storageMaximum", Located.integer, 0),
        storage_available_bytes=_opt(at, "storageAvailable", Located.integer, 0),
        storage_reserved_bytes=_opt(at, "storageReserved", Located.integer, 0),
        storage_scheduled_bytes=_opt(at, "storageScheduled", Located.integer, 0),
    )


def _node(at: Located) -> NodeState:
    at.only(_NODE, "a node")
    name = at.member("name")
    if name is None:
        raise at.fail('an object with "name"', message='a node needs a "name"')
    disks_at = at.member("disks")
    disks = tuple(_disk(d) for d in disks_at.items()) if disks_at and disks_at.value is not None else ()
    seen: set[str] = set()
    for i, disk in enumerate(disks):
        if disk.name in seen:
            assert disks_at is not None
            raise SnapshotError(f'duplicate disk name "{disk.name}"', file=at.file,
                                where=f"{disks_at.pointer}/{i}/name",
                                expected="unique disk names within a node")
        seen.add(disk.name)
    d = NodeState(name="-")
    return NodeState(
        name=name.text(empty=False),
        zone=_opt(at, "zone", Located.text, d.zone),
        ready=_opt(at, "ready", Located.as_bool, d.ready),
        schedulable=_opt(at, "schedulable", Located.as_bool, d.schedulable),
        allow_scheduling=_opt(at, "allowScheduling", Located.as_bool, d.allow_scheduling),
        engine_image_ready=_opt(at, "engineImageReady", Located.as_bool, d.engine_image_ready),
        instance_manager_ready=_opt(at, "instanceManagerReady", Located.as_bool, d.instance_manager_ready),
        tags=tuple(sorted(_opt(at, "tags", Located.strings, _NO_STRINGS))),
        disks=disks,
    )


def _volume(at: Located) -> VolumeSpec:
    at.only(_VOLUME, "the volume")
    d = VolumeSpec()
    override = lambda a: a.choice(AntiAffinity, empty=AntiAffinity.IGNORED)  # noqa: E731
    return VolumeSpec(
        name=_opt(at, "name", lambda a: a.text(empty=False), d.name),
        size_bytes=_opt(at, "size", Located.integer, d.size_bytes),
        actual_size_bytes=_opt(at, "actualSize", Located.integer, d.actual_size_bytes),
        number_of_replicas=_opt(at, "numberOfReplicas", lambda a: a.integer(low=1, high=20),
                                d.number_of_replicas),
        disk_selector=_opt(at, "diskSelector", Located.strings, _NO_STRINGS),
        node_selector=_opt(at, "nodeSelector", Located.strings, _NO_STRINGS),
        data_locality=_opt(at, "dataLocality",
                           lambda a: a.choice(DataLocality, empty=DataLocality.DISABLED),
                           d.data_locality),
        data_engine=_opt(at, "dataEngine", lambda a: a.choice(DataEngine, empty=DataEngine.V1),
                         d.data_engine),
        replica_soft_anti_affinity=_opt(at, "replicaSoftAntiAffinity", override,
                                        d.replica_soft_anti_affinity),
        replica_zone_soft_anti_affinity=_opt(at, "replicaZoneSoftAntiAffinity", override,
                                             d.replica_zone_soft_anti_affinity),
        replica_disk_soft_anti_affinity=_opt(at, "replicaDiskSoftAntiAffinity", override,
                                             d.replica_disk_soft_anti_affinity),
        replica_auto_balance=_opt(
            at, "replicaAutoBalance",
            lambda a: a.choice(ReplicaAutoBalance, empty=ReplicaAutoBalance.IGNORED),
            d.replica_auto_balance),
        robustness=_opt(at, "robustness",
                        lambda a: a.choice(Robustness, empty=Robustness.UNKNOWN),
                        d.robustness),
        last_degraded_at=_opt(at, "lastDegradedAt", Located.time, None),
        attached_node=_opt(at, "attachedNode", lambda a: a.text(empty=False), None),
    )


def _replica(at: Located, index: int) -> ReplicaState:
    at.only(_REPLICA, "a replica")
    node = _opt(at, "node", lambda a: a.text(empty=False), None)
    disk = _opt(at, "disk", lambda a: a.text(empty=False), None)
    if disk is not None and node is None:
        where = at.member("disk")
        assert where is not None
        raise where.fail('"node" set, or "disk": null', message="a replica with a disk needs a node")
    return ReplicaState(
        name=_opt(at, "name", lambda a: a.text(empty=False), f"replica-{index}"),
        node=node,
        disk=disk,
        failed_at=_opt(at, "failedAt", Located.time, None),
        eviction_requested=_opt(at, "evictionRequested", Located.as_bool, False),
        rebuild_retry_count=_opt(at, "rebuildRetryCount", Located.integer, 0),
    )


def _expect(at: Located) -> CaseExpectation:
    at.only(_EXPECT, "expect")
    disks_at = at.member("disks")
    disks = _opt(at, "disks", Located.strings, _NO_STRINGS)
    for i, d in enumerate(disks):
        if d.count("/") != 1 or d.startswith("/") or d.endswith("/"):
            assert disks_at is not None
            raise disks_at.child(i, d).fail('"node/disk", for example "n1/d1"',
                                            message="not a disk reference")
    return CaseExpectation(
        first_unplaced=_opt(at, "firstUnplaced", lambda a: a.integer(low=-1), -1),
        nodes=_opt(at, "nodes", Located.strings, _NO_STRINGS),
        disks=disks,
        error=_opt(at, "error", Located.as_bool, False),
    )


def _unique(items: list[Located], names: list[str], what: str) -> None:
    seen: set[str] = set()
    for at, name in zip(items, names, strict=True):
        if name in seen:
            sub = at.member("name")
            raise (sub or at).fail(f"unique {what} names", message=f'duplicate {what} name "{name}"')
        seen.add(name)


def parse_case(data: object, *, file: str = "<case>") -> SchedulingCase:
    """Turn decoded JSON into a ``SchedulingCase``; raise ``SnapshotError`` when it is wrong."""
    top = Located(data, file).only(_TOP, "a scheduler case")
    version = LonghornVersion.V1_12
    version_at = top.member("longhornVersion")
    if version_at is not None and version_at.value is not None:
        try:
            version = LonghornVersion.parse(version_at.text())
        except ValueError:
            raise version_at.fail(
                "1.9, 1.10, 1.11 or 1.12 (a patch release such as 1.9.2 is fine)",
                message="not a Longhorn release this simulation reproduces",
            ) from None
    nodes_at = top.member("nodes")
    node_items = list(nodes_at.items()) if nodes_at is not None and nodes_at.value is not None else []
    nodes = [_node(n) for n in node_items]
    _unique(node_items, [n.name for n in nodes], "node")
    replica_items_at = top.member("replicas")
    replica_items = (list(replica_items_at.items())
                     if replica_items_at is not None and replica_items_at.value is not None else [])
    replicas = [_replica(r, i) for i, r in enumerate(replica_items)]
    _unique(replica_items, [r.name for r in replicas], "replica")
    volume_at = top.member("volume")
    volume = _volume(volume_at) if volume_at is not None and volume_at.value is not None else VolumeSpec()
    schedule = _opt(top, "schedule", lambda a: a.integer(high=100), None)
    if schedule is None:
        healthy = sum(1 for r in replicas if r.node is not None and r.failed_at is None)
        schedule = max(0, volume.number_of_replicas - healthy)
    named = _opt(top, "newReplicaNodes",
                 lambda a: tuple(None if i.value is None else i.text(empty=False) for i in a.items()),
                 _NO_NAMES)
    if len(named) > schedule:
        at = top.member("newReplicaNodes")
        assert at is not None
        raise at.fail(f"at most {schedule} entries (one per new replica)",
                      message=f"newReplicaNodes has {len(named)} entries for {schedule} new replicas")
    settings_at = top.member("settings")
    settings = (_settings(settings_at)
                if settings_at is not None and settings_at.value is not None else SchedulingSettings())
    return SchedulingCase(
        name=_opt(top, "name", Located.text, ""),
        version=version,
        now=_opt(top, "now", Located.time, datetime.now(UTC)),
        settings=settings,
        cluster=ClusterState(nodes=tuple(nodes)),
        volume=volume,
        replicas=tuple(replicas),
        schedule=schedule,
        new_replica_nodes=named,
        expect=_opt(top, "expect", _expect, None),
        source=file,
    )


def load_case(path: str | Path) -> SchedulingCase:
    """Read and check a case file; every problem is a ``SnapshotError`` (CLI exit 2)."""
    name = str(path)
    data = read_json(path, error=SnapshotError, what="a scheduler case (JSON)", limit=_MAX_BYTES)
    return parse_case(data, file=name)
