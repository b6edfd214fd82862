"""Where every declared volume's replicas are (observed) or will be (simulated).

Rules judge placement without caring where it came from, but every finding says which
it was. A master root volume uses its observed Longhorn replicas when the observed volume
already has the shape the plan declares (replica count, selectors); otherwise the plan
would change it, so the simulation's placement is the one that counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from harvester_iac.model import DeclaredVolume, Inventory, clean_path
from harvester_iac.policy._observed import Observed

if TYPE_CHECKING:
    from harvester_iac.observe import LonghornReplica

__all__ = [
    "CAPACITY_REASONS",
    "DiskLoad",
    "PlacementSource",
    "SitePlacement",
    "Spot",
    "VolumePlacement",
    "observed_spots",
]

#: Scheduler exclusion rules that mean "no room" (``ExclusionRule`` wire values).
CAPACITY_REASONS = frozenset({"minimal-available", "over-provisioning"})


class PlacementSource(StrEnum):
    OBSERVED = "observed"
    SIMULATED = "simulated"


@dataclass(frozen=True, order=True, slots=True)
class Spot:
    """One replica's place: a host and a disk name (the inventory's, when declared)."""

    host: str
    disk: str

    def __str__(self) -> str:
        return f"{self.host}/{self.disk}"


@dataclass(frozen=True, kw_only=True)
class VolumePlacement:
    """A declared volume: replicas wanted, where they are, and why any could not be placed.

    ``reasons`` holds the scheduler's exclusion rules for the unplaced replicas
    (``over-provisioning``, ``disk-anti-affinity``, ...); ``full_disks`` the disks that
    refused one for lack of space. ``unobserved`` says why the replicas' real places are
    unknown (the volume exists in the plan's shape, its Replica objects were not observed):
    ``replicas`` is then the simulation's guess, not evidence.
    """

    volume: DeclaredVolume
    wanted: int
    replicas: tuple[Spot, ...]
    unplaced: tuple[str, ...] = ()
    reasons: frozenset[str] = frozenset()
    full_disks: tuple[Spot, ...] = ()
    source: PlacementSource = PlacementSource.SIMULATED
    note: str = ""
    unobserved: str | None = None

    @property
    def missing(self) -> int:
        return max(self.wanted - len(self.replicas), 0)


@dataclass(frozen=True, kw_only=True)
class DiskLoad:
    """A disk's storage after the declared volumes are placed (bytes).

    ``scheduled_bytes`` counts every replica Longhorn lists (observed) plus the new ones;
    ``available_bytes`` is free space before the new replicas are written (observed, or the
    capacity of a disk not yet observed); ``new_bytes`` what the new replicas add.
    """

    host: str
    disk: str
    maximum_bytes: int
    reserved_bytes: int
    available_bytes: int
    scheduled_bytes: int
    new_bytes: int
    observed: bool


@dataclass(frozen=True, kw_only=True)
class SitePlacement:
    """Placement of every declared volume plus each disk's load; built once per run."""

    volumes: tuple[VolumePlacement, ...] = ()
    disks: tuple[DiskLoad, ...] = ()
    over_provisioning_pct: int = 100
    minimal_available_pct: int = 25
    simulator: str = "harvester_iac.scheduler"
    notes: tuple[str, ...] = ()
    _by_key: dict[str, VolumePlacement] = field(default_factory=dict, init=False, repr=False,
                                               compare=False)

    def __post_init__(self) -> None:
        for v in self.volumes:
            self._by_key[v.volume.key] = v

    def of(self, volume: DeclaredVolume) -> VolumePlacement | None:
        return self._by_key.get(volume.key)

    @property
    def masters(self) -> tuple[VolumePlacement, ...]:
        return tuple(v for v in self.volumes if v.volume.is_master_root)


def _live(r: LonghornReplica) -> bool:
    return bool(r.node) and not r.failed_at and r.current_state not in ("error", "stopped")


def observed_spots(inv: Inventory, observed: Observed, volume_name: str) -> tuple[Spot, ...]:
    """The live observed replicas of a Longhorn volume, named by the inventory's disks."""
    spots: list[Spot] = []
    for r in observed.replicas_of(volume_name):
        if not _live(r) or r.node is None:
            continue
        host = inv.host(r.node)
        if host is None:  # a Longhorn node named by an alias or FQDN of an inventory host
            from harvester_iac.model import HostMatcher

            host = inv.host(HostMatcher(inv).host(r.node) or "")
        disk_name: str | None = None
        path = r.disk_path
        if path is None and r.disk_id:
            node = observed.node(r.node)
            od = next((d for d in node.disks if d.disk_uuid == r.disk_id), None) if node else None
            path = od.path if od else None
            disk_name = od.name if od else None
        if host is not None and path is not None:
            want = clean_path(path)
            match = next((d for d in host.disks if clean_path(d.path) == want), None)
            if match is not None:
                disk_name = match.name
        spots.append(Spot(host.name if host else r.node, disk_name or r.disk_id or path or "?"))
    return tuple(sorted(spots))


def master_volumes(placements: Iterable[VolumePlacement]) -> tuple[VolumePlacement, ...]:
    return tuple(p for p in placements if p.volume.is_master_root)
