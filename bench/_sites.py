"""The large generated site the scheduler and validate benchmarks share.

100 hosts in 5 zones, 8 disks each (2 to 4 TiB, two tagged ``ssd``), a quarter of the hosts
tagged ``fast``, three storage classes (plain, disk selector, node selector). Seeded, so
every run places the same volumes.
"""

from __future__ import annotations

import random

from harvester_iac.model import (
    ControlPlane,
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
)

HOSTS, DISKS_PER_HOST, ZONES = 100, 8, 5
GI = 2**30


def large_site(volumes: int, *, masters: bool = False, seed: int = 1, hosts: int = HOSTS) -> Inventory:
    """``volumes`` volumes of 3 replicas on ``hosts`` hosts; with ``masters``, three of them
    are master root volumes and disk-6/disk-7 of every host share a device (one failure
    domain)."""
    rng = random.Random(seed)
    devices = "abcdefgg" if masters else None
    site_hosts = tuple(
        Host(name=f"host-{h:03d}", address=f"10.0.{h // 250}.{h % 250 + 1}", zone=f"zone-{h % ZONES}",
             tags=("fast",) if h % 4 == 0 else (),
             disks=tuple(
                 LonghornDisk(name=f"disk-{d}", path=f"/mnt/disk{d}",
                              device=f"/dev/sd{devices[d]}" if devices else None,
                              capacity=Size(rng.choice([2, 3, 4]) * 1024 * GI),
                              tags=("ssd",) if d < 2 else ())
                 for d in range(DISKS_PER_HOST)))
        for h in range(hosts))
    classes = (
        StorageClass(name="replicated", number_of_replicas=3),
        StorageClass(name="ssd", number_of_replicas=3, disk_selector=("ssd",)),
        StorageClass(name="fast", number_of_replicas=3, node_selector=("fast",)),
    )
    master_vms = tuple(
        MasterVm(name=f"master-{i}", address=f"10.1.0.{i + 1}", host=f"host-{i * 7:03d}",
                 root_volume=VmDisk(name="root", size=Size(60 * GI), storage_class="ssd"))
        for i in range(3 if masters else 0))
    vms = tuple(
        Vm(name=f"vm-{i:05d}", host=f"host-{i % hosts:03d}", disks=(
            VmDisk(name="data", size=Size(rng.choice([5, 10, 20, 40]) * GI),
                   storage_class=rng.choice(["replicated", "replicated", "ssd", "fast"])),))
        for i in range(volumes - len(master_vms)))
    return Inventory(name=f"bench-{volumes}", hosts=site_hosts, storage_classes=classes,
                     longhorn=Longhorn(version="1.12.1", settings=LonghornSettings()),
                     control_plane=ControlPlane(masters=master_vms), vms=vms)
