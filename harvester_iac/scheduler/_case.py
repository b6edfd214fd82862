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

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from harvester_iac.core import SnapshotError, did_you_mean
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
_INT64_MAX = 2**63 - 1

E = TypeVar("E", bound=StrEnum)

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


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


class _At:
    """A decoded JSON value with its file and JSON pointer, read with typed accessors."""

    def __init__(self, value: object, file: str, pointer: str = "") -> None:
        self.value = value
        self.file = file
        self.pointer = pointer

    def fail(self, message: str, expected: str, hint: str | None = None) -> SnapshotError:
        return SnapshotError(message, file=self.file, where=self.pointer or "/",
                             expected=expected, found=_show(self.value), hint=hint)

    def key(self, name: str) -> _At | None:
        assert isinstance(self.value, dict)
        if name not in self.value:
            return None
        return _At(self.value[name], self.file, f"{self.pointer}/{_escape(name)}")

    def object(self, allowed: tuple[str, ...], what: str) -> _At:
        if not isinstance(self.value, dict):
            raise self.fail(f"{what} must be a JSON object", "a JSON object")
        for k in self.value:
            if k not in allowed:
                hint = did_you_mean(k, allowed)
                raise SnapshotError(
                    f'unknown key "{k}" in {what}', file=self.file,
                    where=f"{self.pointer}/{_escape(k)}",
                    expected="one of " + ", ".join(allowed), hint=hint,
                )
        return self

    def items(self) -> list[_At]:
        if not isinstance(self.value, list):
            raise self.fail("expected a JSON array", "a JSON array")
        return [_At(v, self.file, f"{self.pointer}/{i}") for i, v in enumerate(self.value)]

    def text(self, *, empty: bool = True) -> str:
        if not isinstance(self.value, str):
            raise self.fail("expected a string", "a string")
        if not empty and not self.value.strip():
            raise self.fail("expected a non-empty string", "a non-empty string")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail("expected true or false", "true or false")
        return self.value

    def integer(self, *, low: int = 0, high: int = _INT64_MAX) -> int:
        v = self.value
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail("expected an integer", "an integer")
        if not low <= v <= high:
            raise self.fail(f"expected an integer from {low} to {high}", f"{low} to {high}")
        return v

    def strings(self) -> tuple[str, ...]:
        return tuple(item.text(empty=False) for item in self.items())

    def time(self) -> datetime:
        text = self.text()
        try:
            t = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail("not an RFC 3339 time", 'a time like "2026-01-01T00:00:00Z"') from None
        if t.tzinfo is None:
            raise self.fail("the time has no time zone", 'a time like "2026-01-01T00:00:00Z"')
        return t.astimezone(UTC)

    def choice(self, enum: type[E], *, empty: E | None = None) -> E:
        text = self.text()
        if text == "" and empty is not None:
            return empty
        try:
            return enum(text)
        except ValueError:
            values = [e.value for e in enum]
            hint = did_you_mean(text, values)
            raise self.fail(f"expected one of {', '.join(values)}", "one of " + ", ".join(values),
                            hint) from None


T = TypeVar("T")


def _opt(at: _At, name: str, read: Callable[[_At], T], default: T) -> T:
    """Read key ``name`` of ``at`` with ``read``; JSON null or a missing key gives ``default``."""
    sub = at.key(name)
    if sub is None or sub.value is None:
        return default
    return read(sub)


def _settings(at: _At) -> SchedulingSettings:
    at.object(_SETTINGS, "settings")
    d = SchedulingSettings()
    return SchedulingSettings(
        replica_soft_anti_affinity=_opt(at, "replicaSoftAntiAffinity", _At.flag,
                                        d.replica_soft_anti_affinity),
        replica_zone_soft_anti_affinity=_opt(at, "replicaZoneSoftAntiAffinity", _At.flag,
                                             d.replica_zone_soft_anti_affinity),
        replica_disk_soft_anti_affinity=_opt(at, "replicaDiskSoftAntiAffinity", _At.flag,
                                             d.replica_disk_soft_anti_affinity),
        storage_over_provisioning_percentage=_opt(
            at, "storageOverProvisioningPercentage", lambda a: a.integer(high=100_000),
            d.storage_over_provisioning_percentage),
        storage_minimal_available_percentage=_opt(
            at, "storageMinimalAvailablePercentage", lambda a: a.integer(high=100),
            d.storage_minimal_available_percentage),
        allow_empty_disk_selector_volume=_opt(at, "allowEmptyDiskSelectorVolume", _At.flag,
                                              d.allow_empty_disk_selector_volume),
        allow_empty_node_selector_volume=_opt(at, "allowEmptyNodeSelectorVolume", _At.flag,
                                              d.allow_empty_node_selector_volume),
        replica_replenishment_wait_interval_s=_opt(at, "replicaReplenishmentWaitInterval",
                                                   _At.integer,
                                                   d.replica_replenishment_wait_interval_s),
        replica_auto_balance=_opt(at, "replicaAutoBalance",
                                  lambda a: a.choice(ReplicaAutoBalance), d.replica_auto_balance),
    )


def _disk(at: _At) -> DiskState:
    at.object(_DISK, "a disk")
    name = at.key("name")
    if name is None:
        raise at.fail('a disk needs a "name"', 'an object with "name"')
    d = DiskState(name="-")
    return DiskState(
        name=name.text(empty=False),
        path=_opt(at, "path", _At.text, d.path),
        disk_type=_opt(at, "diskType", lambda a: a.choice(DiskType), d.disk_type),
        allow_scheduling=_opt(at, "allowScheduling", _At.flag, d.allow_scheduling),
        eviction_requested=_opt(at, "evictionRequested", _At.flag, d.eviction_requested),
        schedulable=_opt(at, "schedulable", _At.flag, d.schedulable),
        tags=tuple(sorted(_opt(at, "tags", _At.strings, _NO_STRINGS))),
        storage_maximum=_opt(at, "storageMaximum", _At.integer, 0),
        storage_available=_opt(at, "storageAvailable", _At.integer, 0),
        storage_reserved=_opt(at, "storageReserved", _At.integer, 0),
        storage_scheduled=_opt(at, "storageScheduled", _At.integer, 0),
    )


def _node(at: _At) -> NodeState:
    at.object(_NODE, "a node")
    name = at.key("name")
    if name is None:
        raise at.fail('a node needs a "name"', 'an object with "name"')
    disks_at = at.key("disks")
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
        zone=_opt(at, "zone", _At.text, d.zone),
        ready=_opt(at, "ready", _At.flag, d.ready),
        schedulable=_opt(at, "schedulable", _At.flag, d.schedulable),
        allow_scheduling=_opt(at, "allowScheduling", _At.flag, d.allow_scheduling),
        engine_image_ready=_opt(at, "engineImageReady", _At.flag, d.engine_image_ready),
        instance_manager_ready=_opt(at, "instanceManagerReady", _At.flag, d.instance_manager_ready),
        tags=tuple(sorted(_opt(at, "tags", _At.strings, _NO_STRINGS))),
        disks=disks,
    )


def _volume(at: _At) -> VolumeSpec:
    at.object(_VOLUME, "the volume")
    d = VolumeSpec()
    override = lambda a: a.choice(AntiAffinity, empty=AntiAffinity.IGNORED)  # noqa: E731
    return VolumeSpec(
        name=_opt(at, "name", lambda a: a.text(empty=False), d.name),
        size=_opt(at, "size", _At.integer, d.size),
        actual_size=_opt(at, "actualSize", _At.integer, d.actual_size),
        number_of_replicas=_opt(at, "numberOfReplicas", lambda a: a.integer(low=1, high=20),
                                d.number_of_replicas),
        disk_selector=_opt(at, "diskSelector", _At.strings, _NO_STRINGS),
        node_selector=_opt(at, "nodeSelector", _At.strings, _NO_STRINGS),
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
        last_degraded_at=_opt(at, "lastDegradedAt", _At.time, None),
        attached_node=_opt(at, "attachedNode", lambda a: a.text(empty=False), None),
    )


def _replica(at: _At, index: int) -> ReplicaState:
    at.object(_REPLICA, "a replica")
    node = _opt(at, "node", lambda a: a.text(empty=False), None)
    disk = _opt(at, "disk", lambda a: a.text(empty=False), None)
    if disk is not None and node is None:
        where = at.key("disk")
        assert where is not None
        raise where.fail("a replica with a disk needs a node", '"node" set, or "disk": null')
    return ReplicaState(
        name=_opt(at, "name", lambda a: a.text(empty=False), f"replica-{index}"),
        node=node,
        disk=disk,
        failed_at=_opt(at, "failedAt", _At.time, None),
        eviction_requested=_opt(at, "evictionRequested", _At.flag, False),
        rebuild_retry_count=_opt(at, "rebuildRetryCount", _At.integer, 0),
    )


def _expect(at: _At) -> CaseExpectation:
    at.object(_EXPECT, "expect")
    disks_at = at.key("disks")
    disks = _opt(at, "disks", _At.strings, _NO_STRINGS)
    for i, d in enumerate(disks):
        if d.count("/") != 1 or d.startswith("/") or d.endswith("/"):
            assert disks_at is not None
            raise _At(d, at.file, f"{disks_at.pointer}/{i}").fail(
                "not a disk reference", '"node/disk", for example "n1/d1"')
    return CaseExpectation(
        first_unplaced=_opt(at, "firstUnplaced", lambda a: a.integer(low=-1), -1),
        nodes=_opt(at, "nodes", _At.strings, _NO_STRINGS),
        disks=disks,
        error=_opt(at, "error", _At.flag, False),
    )


def _unique(items: list[_At], names: list[str], what: str) -> None:
    seen: set[str] = set()
    for at, name in zip(items, names, strict=True):
        if name in seen:
            sub = at.key("name")
            raise (sub or at).fail(f'duplicate {what} name "{name}"', f"unique {what} names")
        seen.add(name)


def parse_case(data: object, *, file: str = "<case>") -> SchedulingCase:
    """Turn decoded JSON into a ``SchedulingCase``; raise ``SnapshotError`` when it is wrong."""
    top = _At(data, file).object(_TOP, "a scheduler case")
    version = LonghornVersion.V1_12
    version_at = top.key("longhornVersion")
    if version_at is not None and version_at.value is not None:
        try:
            version = LonghornVersion.parse(version_at.text())
        except ValueError:
            raise version_at.fail(
                "not a Longhorn release this simulation reproduces",
                "1.9, 1.10, 1.11 or 1.12 (a patch release such as 1.9.2 is fine)",
            ) from None
    nodes_at = top.key("nodes")
    node_items = nodes_at.items() if nodes_at is not None and nodes_at.value is not None else []
    nodes = [_node(n) for n in node_items]
    _unique(node_items, [n.name for n in nodes], "node")
    replica_items_at = top.key("replicas")
    replica_items = (replica_items_at.items()
                     if replica_items_at is not None and replica_items_at.value is not None else [])
    replicas = [_replica(r, i) for i, r in enumerate(replica_items)]
    _unique(replica_items, [r.name for r in replicas], "replica")
    volume_at = top.key("volume")
    volume = _volume(volume_at) if volume_at is not None and volume_at.value is not None else VolumeSpec()
    schedule = _opt(top, "schedule", lambda a: a.integer(high=100), None)
    if schedule is None:
        healthy = sum(1 for r in replicas if r.node is not None and r.failed_at is None)
        schedule = max(0, volume.number_of_replicas - healthy)
    named = _opt(top, "newReplicaNodes",
                 lambda a: tuple(None if i.value is None else i.text(empty=False) for i in a.items()),
                 _NO_NAMES)
    if len(named) > schedule:
        at = top.key("newReplicaNodes")
        assert at is not None
        raise at.fail(f"newReplicaNodes has {len(named)} entries for {schedule} new replicas",
                      f"at most {schedule} entries (one per new replica)")
    settings_at = top.key("settings")
    settings = (_settings(settings_at)
                if settings_at is not None and settings_at.value is not None else SchedulingSettings())
    return SchedulingCase(
        name=_opt(top, "name", _At.text, ""),
        version=version,
        now=_opt(top, "now", _At.time, datetime.now(UTC)),
        settings=settings,
        cluster=ClusterState(nodes=tuple(nodes)),
        volume=volume,
        replicas=tuple(replicas),
        schedule=schedule,
        new_replica_nodes=named,
        expect=_opt(top, "expect", _expect, None),
        source=file,
    )


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _pairs(pairs: list[tuple[str, object]]) -> Mapping[str, object]:
    out: dict[str, object] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f'duplicate key "{k}"')
        out[k] = v
    return out


def load_case(path: str | Path) -> SchedulingCase:
    """Read and check a case file; every problem is a ``SnapshotError`` (CLI exit 2)."""
    name = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > _MAX_BYTES:
            raise SnapshotError(f"the file is {size} bytes", file=name,
                                expected=f"a scheduler case under {_MAX_BYTES} bytes")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SnapshotError("no such file", file=name, expected="a scheduler case JSON file") from None
    except IsADirectoryError:
        raise SnapshotError("this is a directory", file=name,
                            expected="a scheduler case JSON file") from None
    except OSError as exc:
        raise SnapshotError(f"cannot read the file ({exc.strerror})", file=name,
                            expected="a readable scheduler case JSON file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"byte {exc.start} is not UTF-8", file=name,
                            expected="UTF-8 JSON text (a scheduler case)") from None
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"malformed JSON: {exc.msg}", file=name,
                            where=f"{exc.lineno}:{exc.colno}", expected="valid JSON") from None
    except ValueError as exc:
        raise SnapshotError(f"malformed JSON: {exc}", file=name, expected="valid JSON") from None
    except RecursionError:
        raise SnapshotError("JSON nested too deeply", file=name, expected="a scheduler case") from None
    return parse_case(data, file=name)
