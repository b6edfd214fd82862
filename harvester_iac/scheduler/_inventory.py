"""Place every volume an inventory declares, as Longhorn would, on the inventory's disks.

The cluster comes from ``adapters``: the inventory's (``from_inventory``, the default) or
the plan applied to observed Longhorn nodes (``from_observed``, passed as ``observed_nodes``). Volumes are
placed one after another in a stable order (VM name, then disk name); each placed replica
counts as scheduled for the next volume, as Longhorn's node controller would have it.

The model is only read through attributes here, so importing the scheduler never loads
the inventory loader (YAML, JSON Schema).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from harvester_iac.core import InventoryError
from harvester_iac.scheduler._simulate import Scheduler
from harvester_iac.scheduler._types import (
    AntiAffinity,
    ClusterState,
    DataLocality,
    Exclusion,
    LonghornVersion,
    NodeState,
    Placement,
    ReplicaState,
    Robustness,
    SchedulingSettings,
    VolumeSpec,
)
from harvester_iac.scheduler.adapters import UNKNOWN_CAPACITY, from_inventory

if TYPE_CHECKING:
    from harvester_iac.model import DeclaredVolume, Inventory, StorageClass

__all__ = ["UNKNOWN_CAPACITY", "InventoryPlacement", "VolumePlacement", "place_inventory"]

# Planned placement looks at the settled state: a volume with failed replicas is degraded
# and past its replenishment wait, so Longhorn is replacing them (they no longer occupy
# their node, only their disk). A fixed clock keeps the answer reproducible.
_PLANNING_CLOCK = datetime(1970, 1, 1, tzinfo=UTC)
_LONG_AGO = _PLANNING_CLOCK - timedelta(days=3650)


@dataclass(frozen=True, kw_only=True, slots=True)
class VolumePlacement:
    """Where the replicas of one declared volume land (or why they do not).

    ``existing`` are observed healthy replicas kept as they are; ``placements`` are the new
    replicas the simulation tried, ``None`` where one could not be placed.
    """

    vm: str
    disk: str
    volume: str
    storage_class: str
    size_bytes: int
    number_of_replicas: int
    is_master_root: bool
    path: str
    host: str | None = None
    existing: tuple[Placement, ...] = ()
    placements: tuple[Placement | None, ...] = ()
    errors: tuple[str, ...] = ()
    explanations: tuple[str, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.vm}/{self.disk}"

    @property
    def replicas(self) -> tuple[Placement, ...]:
        """Every replica the volume ends up with: kept ones first, then new ones."""
        return self.existing + tuple(p for p in self.placements if p is not None)

    @property
    def missing(self) -> int:
        """Replicas the volume asks for but does not get."""
        return max(0, self.number_of_replicas - len(self.replicas))


@dataclass(frozen=True, kw_only=True)
class InventoryPlacement:
    """All declared volumes placed, the cluster afterwards, and the assumptions made."""

    volumes: tuple[VolumePlacement, ...]
    cluster: ClusterState
    version: LonghornVersion
    settings: SchedulingSettings
    observed: bool = False
    notes: tuple[str, ...] = ()
    _by_key: dict[str, VolumePlacement] = field(default_factory=dict, init=False, repr=False,
                                                compare=False)

    def __post_init__(self) -> None:
        for v in self.volumes:
            self._by_key.setdefault(v.key, v)

    def volume(self, vm: str, disk: str) -> VolumePlacement | None:
        return self._by_key.get(f"{vm}/{disk}")

    def on_disk(self, node: str, disk: str) -> tuple[VolumePlacement, ...]:
        """The volumes with at least one replica on ``node/disk``."""
        target = Placement(node=node, disk=disk)
        return tuple(v for v in self.volumes if target in v.replicas)

    def on_node(self, node: str) -> tuple[VolumePlacement, ...]:
        return tuple(v for v in self.volumes if any(p.node == node for p in v.replicas))


def _version(inventory: Inventory) -> LonghornVersion:
    try:
        return LonghornVersion.parse(inventory.longhorn.version)
    except ValueError:
        raise InventoryError(
            f"Longhorn {inventory.longhorn.version} is not a release the scheduler simulation "
            "reproduces", file=inventory.source, where="/longhorn/version",
            expected="Longhorn 1.9, 1.10, 1.11 or 1.12", found=inventory.longhorn.version,
        ) from None


def _volume_spec(dv: DeclaredVolume, sc: StorageClass, name: str) -> VolumeSpec:
    return VolumeSpec(
        name=name,
        size_bytes=dv.size.bytes,
        number_of_replicas=sc.number_of_replicas,
        disk_selector=tuple(sc.disk_selector),
        node_selector=tuple(sc.node_selector),
        data_locality=DataLocality(str(sc.data_locality)),
        replica_soft_anti_affinity=AntiAffinity(str(sc.replica_soft_anti_affinity)),
        replica_zone_soft_anti_affinity=AntiAffinity(str(sc.replica_zone_soft_anti_affinity)),
        replica_disk_soft_anti_affinity=AntiAffinity(str(sc.replica_disk_soft_anti_affinity)),
        attached_node=dv.host,
    )


def place_inventory(
    inventory: Inventory,
    *,
    observed_nodes: ClusterState | Iterable[NodeState] | None = None,
    observed_replicas: Mapping[str, Sequence[ReplicaState]] | None = None,
) -> InventoryPlacement:
    """Place all declared volumes (sorted by VM name, disk name) on the inventory's disks.

    With ``observed_nodes`` the cluster is Longhorn's real one: its storage numbers already
    count the replicas that exist. ``observed_replicas`` (Longhorn volume name -> replicas)
    then gives the replicas of declared volumes that already exist: healthy ones are kept
    and only the missing ones are placed. A volume with failed replicas is taken as past
    its replica-replenishment wait (the state placement settles in).
    """
    notes: tuple[str, ...] = ()
    if observed_nodes is None:
        planned = from_inventory(inventory)
        cluster, notes = planned.cluster, planned.notes
    else:
        cluster = (observed_nodes if isinstance(observed_nodes, ClusterState)
                   else ClusterState(nodes=tuple(observed_nodes)))
    version = _version(inventory)
    settings = inventory.longhorn.settings
    scheduler = Scheduler(cluster, settings=settings, version=version, source=inventory.source)
    classes = {sc.name: sc for sc in inventory.storage_classes}
    replicas_by_volume = observed_replicas or {}
    placed: list[VolumePlacement] = []
    for dv in sorted(inventory.declared_volumes(), key=lambda v: (v.vm, v.disk)):
        sc = classes.get(dv.storage_class)
        if sc is None:
            raise InventoryError(
                f'storage class "{dv.storage_class}" is not declared', file=inventory.source,
                where=f"{dv.path}/storageClass",
                expected="one of " + ", ".join(sorted(classes)) if classes else "a storage class",
            )
        name = dv.volume_name or f"{dv.vm}-{dv.disk}"
        volume = _volume_spec(dv, sc, name)
        existing = tuple(replicas_by_volume.get(name, ()))
        kept = tuple(
            Placement(node=r.node, disk=r.disk) for r in existing
            if r.node is not None and r.disk is not None and r.failed_at is None
        )
        count = max(0, sc.number_of_replicas - len(kept))
        if any(r.failed_at is not None for r in existing):
            volume = replace(volume, robustness=Robustness.DEGRADED, last_degraded_at=_LONG_AGO)
        result = scheduler.place(volume, count=count, replicas=existing, now=_PLANNING_CLOCK)
        scheduler.commit(result.placements, volume.size_bytes)
        placed.append(VolumePlacement(
            vm=dv.vm, disk=dv.disk, volume=name, storage_class=sc.name, size_bytes=volume.size_bytes,
            number_of_replicas=sc.number_of_replicas, is_master_root=dv.is_master_root,
            path=dv.path, host=dv.host, existing=kept, placements=result.placements,
            errors=result.errors, explanations=result.explanations,
            exclusions=tuple(e for o in result.outcomes for e in o.exclusions),
        ))
    return InventoryPlacement(
        volumes=tuple(placed), cluster=scheduler.cluster_state(), version=version,
        settings=settings, observed=observed_nodes is not None, notes=notes,
    )
