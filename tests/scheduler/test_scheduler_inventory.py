"""``place_inventory``: every declared volume placed, in a stable order, on small inventories."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harvester_iac.errors import InventoryError
from harvester_iac.model import (
    AntiAffinity,
    ControlPlane,
    DataLocality,
    Host,
    Inventory,
    Longhorn,
    LonghornDisk,
    LonghornSettings,
    MasterVm,
    Size,
    StorageClass,
    Vm,
    VmDisk,
    default_inventory,
)
from harvester_iac.scheduler import (
    ClusterState,
    DiskState,
    ExclusionRule,
    LonghornVersion,
    NodeState,
    Placement,
    ReplicaState,
    cluster_from_longhorn,
    place_inventory,
    replicas_from_longhorn,
)

GI = 2**30


def _disk(name: str, cap: str | None = "100Gi", **kw: object) -> LonghornDisk:
    return LonghornDisk(name=name, path=f"/mnt/{name}",
                        capacity=Size.parse(cap) if cap else None, **kw)  # type: ignore[arg-type]


def _host(name: str, *disks: LonghornDisk, zone: str = "", tags: tuple[str, ...] = ()) -> Host:
    return Host(name=name, address="192.168.1.10", zone=zone, tags=tags, disks=disks)


def _master(i: int, host: str, sc: str = "root", size: str = "40Gi") -> MasterVm:
    return MasterVm(name=f"m{i}", address=f"192.168.1.{150 + i}", host=host,
                    root_volume=VmDisk(name="root", size=Size.parse(size), storage_class=sc))


def _inventory(hosts: tuple[Host, ...], classes: tuple[StorageClass, ...], masters: tuple[MasterVm, ...] = (),
               vms: tuple[Vm, ...] = (), version: str = "1.12.1",
               settings: LonghornSettings | None = None) -> Inventory:
    return Inventory(name="t", hosts=hosts, storage_classes=classes,
                     longhorn=Longhorn(version=version, settings=settings or LonghornSettings()),
                     control_plane=ControlPlane(masters=masters), vms=vms)


def test_three_hosts_spread_each_volume() -> None:
    inv = _inventory(tuple(_host(f"h{i}", _disk("d", "200Gi")) for i in range(3)),
                     (StorageClass(name="root", number_of_replicas=3),),
                     masters=tuple(_master(i, f"h{i}") for i in range(3)))
    placed = place_inventory(inv)
    assert placed.version is LonghornVersion.V1_12 and not placed.observed
    assert [v.vm for v in placed.volumes] == ["m0", "m1", "m2"]
    for v in placed.volumes:
        assert v.missing == 0 and v.is_master_root
        assert sorted(p.node for p in v.replicas) == ["h0", "h1", "h2"]
    totals = {n.name: n.disks[0].storage_scheduled_bytes for n in placed.cluster.nodes}
    assert totals == {"h0": 120 * GI, "h1": 120 * GI, "h2": 120 * GI}
    assert len(placed.on_disk("h1", "d")) == 3 and len(placed.on_node("h2")) == 3


def test_single_host_cannot_hold_three_replicas() -> None:
    inv = _inventory((_host("altra", _disk("default-disk", "894Gi")),),
                     (StorageClass(name="root", number_of_replicas=3),),
                     masters=tuple(_master(i, "altra") for i in range(3)))
    placed = place_inventory(inv)
    for v in placed.volumes:
        assert v.replicas == (Placement(node="altra", disk="default-disk"),)
        assert v.missing == 2
        assert v.explanations == (
            "replica 2: no disk left: node soft anti-affinity is off and altra holds a replica",)
        assert {e.rule for e in v.exclusions} == {ExclusionRule.NODE_ANTI_AFFINITY}
    # Three 40 GiB replicas on one disk.
    assert placed.cluster.nodes[0].disks[0].storage_scheduled_bytes == 120 * GI


def test_second_disk_with_node_soft_on_and_disk_soft_off() -> None:
    # Harvester's single-node advice: several replicas on several disks.
    sc = StorageClass(name="root", number_of_replicas=2,
                      replica_soft_anti_affinity=AntiAffinity.ENABLED,
                      replica_disk_soft_anti_affinity=AntiAffinity.DISABLED)
    inv = _inventory((_host("altra", _disk("default-disk", "894Gi"), _disk("nvme0", "931Gi")),), (sc,),
                     masters=tuple(_master(i, "altra") for i in range(3)), version="1.9.2")
    for v in place_inventory(inv).volumes:
        assert sorted(p.disk for p in v.replicas) == ["default-disk", "nvme0"]


def test_capacity_runs_out_in_stable_order() -> None:
    sc = StorageClass(name="data", number_of_replicas=1)
    vms = tuple(Vm(name=name, host="h0", disks=(VmDisk(name="data", size=Size.parse("40Gi"),
                                                       storage_class="data"),))
                for name in ("zeta", "alpha", "mid"))
    inv = _inventory((_host("h0", _disk("d", "100Gi")),), (sc,), vms=vms)
    placed = place_inventory(inv)
    assert [v.vm for v in placed.volumes] == ["alpha", "mid", "zeta"]
    assert [v.missing for v in placed.volumes] == [0, 0, 1]
    assert {e.rule for e in placed.volumes[2].exclusions} == {ExclusionRule.OVER_PROVISIONING}
    assert placed.volume("zeta", "data") is placed.volumes[2]
    assert placed.volume("nobody", "data") is None


def test_over_provisioning_setting_changes_the_outcome() -> None:
    sc = StorageClass(name="data", number_of_replicas=1)
    vms = tuple(Vm(name=f"v{i}", host="h0", disks=(VmDisk(name="d", size=Size.parse("40Gi"),
                                                          storage_class="data"),)) for i in range(3))
    inv = _inventory((_host("h0", _disk("d", "100Gi")),), (sc,), vms=vms,
                     settings=LonghornSettings(storage_over_provisioning_percentage=200))
    assert all(v.missing == 0 for v in place_inventory(inv).volumes)


def test_unknown_capacity_is_assumed_and_said() -> None:
    inv = _inventory((_host("h0", _disk("a", "500Gi"), _disk("b", None)),),
                     (StorageClass(name="root", number_of_replicas=1),), masters=(_master(0, "h0"),))
    placed = place_inventory(inv)
    assert placed.notes and "h0/b" in placed.notes[0] and "largest declared capacity" in placed.notes[0]
    b = next(d for d in placed.cluster.nodes[0].disks if d.name == "b")
    assert b.storage_maximum_bytes == 500 * GI
    none_known = _inventory((_host("h0", _disk("a", None)),),
                            (StorageClass(name="root", number_of_replicas=1),), masters=(_master(0, "h0"),))
    placed = place_inventory(none_known)
    assert "1 PiB" in placed.notes[0] and placed.volumes[0].missing == 0


def test_selectors_and_strict_local_from_the_storage_class() -> None:
    hosts = (_host("h0", _disk("d", tags=("ssd",))), _host("h1", _disk("d")),
             _host("h2", _disk("d", tags=("ssd",)), tags=("fast",)))
    fast = StorageClass(name="fast", number_of_replicas=1, node_selector=("fast",), disk_selector=("ssd",))
    local = StorageClass(name="local", number_of_replicas=1, data_locality=DataLocality.STRICT_LOCAL)
    vms = (Vm(name="a", host="h1", disks=(VmDisk(name="x", size=Size.parse("1Gi"), storage_class="fast"),
                                         VmDisk(name="y", size=Size.parse("1Gi"), storage_class="local"))),)
    placed = place_inventory(_inventory(hosts, (fast, local), vms=vms))
    x, y = placed.volume("a", "x"), placed.volume("a", "y")
    assert x is not None and y is not None
    assert x.replicas == (Placement(node="h2", disk="d"),)
    assert y.replicas == (Placement(node="h1", disk="d"),)  # pinned to the VM's host


def test_unknown_storage_class_and_version_are_inventory_errors() -> None:
    inv = _inventory((_host("h0", _disk("d")),), (StorageClass(name="root"),),
                     masters=(_master(0, "h0", sc="missing"),))
    with pytest.raises(InventoryError, match='storage class "missing"') as info:
        place_inventory(inv)
    assert info.value.where == "/controlPlane/masters/0/rootVolume/storageClass"
    old = _inventory((_host("h0", _disk("d")),), (StorageClass(name="root"),), version="1.8.2")
    with pytest.raises(InventoryError, match=r"1\.8\.2") as info:
        place_inventory(old)
    assert info.value.where == "/longhorn/version"


def test_observed_nodes_keep_existing_replicas_and_fill_the_gap() -> None:
    # Real storage numbers: h0/d already carries 80 GiB of other volumes.
    nodes = [NodeState(name="h0", disks=(DiskState(name="d", storage_maximum_bytes=100 * GI,
                                                   storage_available_bytes=90 * GI,
                                                   storage_scheduled_bytes=80 * GI),)),
             NodeState(name="h1", disks=(DiskState(name="d", storage_maximum_bytes=100 * GI,
                                                   storage_available_bytes=90 * GI,
                                                   storage_scheduled_bytes=40 * GI),))]
    sc = StorageClass(name="root", number_of_replicas=2)
    master = MasterVm(name="m0", address="192.168.1.150", host="h0",
                      root_volume=VmDisk(name="root", size=Size.parse("40Gi"), storage_class="root",
                                         volume_name="pvc-1"))
    inv = _inventory((_host("h0", _disk("d")), _host("h1", _disk("d"))), (sc,), masters=(master,))
    failed = datetime(2026, 1, 1, tzinfo=UTC)
    existing = {"pvc-1": (ReplicaState(name="r-ok", node="h1", disk="d"),
                          ReplicaState(name="r-bad", node="h0", disk="d", failed_at=failed))}
    placed = place_inventory(inv, observed_nodes=nodes, observed_replicas=existing)
    v = placed.volumes[0]
    assert placed.observed and v.existing == (Placement(node="h1", disk="d"),)
    # The failed replica no longer occupies h0, but h0/d has 80 GiB scheduled and 40 GiB
    # more exceeds 100% of 100 GiB; h1 already holds the healthy replica: the gap stays open.
    assert v.placements == (None,) and v.missing == 1
    assert {e.rule for e in v.exclusions} >= {ExclusionRule.OVER_PROVISIONING}
    roomy = [NodeState(name=n.name, disks=(DiskState(name="d", storage_maximum_bytes=200 * GI,
                                                     storage_available_bytes=190 * GI,
                                                     storage_scheduled_bytes=n.disks[0].storage_scheduled_bytes),))
             for n in nodes]
    v = place_inventory(inv, observed_nodes=ClusterState(nodes=tuple(roomy)),
                        observed_replicas=existing).volumes[0]
    assert v.replicas == (Placement(node="h1", disk="d"), Placement(node="h0", disk="d"))


def test_cluster_from_observed_longhorn_objects() -> None:
    from harvester_iac.observe import (
        LonghornCondition,
        LonghornDisk,
        LonghornNode,
        LonghornReplica,
    )

    ok = (LonghornCondition(type="Schedulable", status="True"),)
    nodes = [
        LonghornNode(name="altra", ready=True, schedulable=True, allow_scheduling=True, zone=None,
                     disks=(LonghornDisk(name="default-disk-1", path="/var/lib/harvester/defaultdisk",
                                         allow_scheduling=True, eviction_requested=False,
                                         disk_uuid="uuid-1", storage_maximum_bytes=100 * GI,
                                         storage_available_bytes=60 * GI, storage_reserved_bytes=0,
                                         storage_scheduled_bytes=40 * GI, conditions=ok),
                            LonghornDisk(name="nvme0", path="/usr/local/longhorn-disk",
                                         allow_scheduling=True, disk_uuid="uuid-2",
                                         storage_maximum_bytes=100 * GI, storage_available_bytes=100 * GI)))]
    cluster = cluster_from_longhorn(nodes)
    node = cluster.nodes[0]
    assert node.ready and node.allow_scheduling and node.zone == ""
    by_name = {d.name: d for d in node.disks}
    assert by_name["default-disk-1"].schedulable and by_name["default-disk-1"].storage_scheduled_bytes == 40 * GI
    # No Schedulable condition reported: Longhorn would not schedule there.
    assert not by_name["nvme0"].schedulable and by_name["nvme0"].storage_reserved_bytes == 0
    replicas = replicas_from_longhorn(
        [LonghornReplica(name="r1", volume="pvc-1", node="altra", disk_id="uuid-1"),
         LonghornReplica(name="r2", volume="pvc-1", node="altra", disk_path="/usr/local/longhorn-disk/",
                         failed_at="2025-12-29T03:00:00Z"),
         LonghornReplica(name="r3", volume=None, node="altra")], nodes)
    assert [(r.name, r.disk, r.failed) for r in replicas["pvc-1"]] == [
        ("r1", "default-disk-1", False), ("r2", "nvme0", True)]


def test_default_inventory_places_each_master_on_both_disks() -> None:
    placed = place_inventory(default_inventory())
    masters = [v for v in placed.volumes if v.is_master_root]
    assert len(masters) == 3
    for v in masters:
        assert v.missing == 0
        assert len({p.disk for p in v.replicas}) == len(v.replicas)
