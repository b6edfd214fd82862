"""What a rule reads: the inventory, the placement, the evidence, the clock and the limits.

One context is built per run and shared by every rule; the expensive indexes (trouble
per host and disk, placement) are computed once, here, not by each rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from harvester_iac.core import Resource, ResourceKind
from harvester_iac.model import DeclaredVolume, Host, Inventory, LonghornDisk
from harvester_iac.policy._hosts import HostIndex
from harvester_iac.policy._locate import InventoryLocator
from harvester_iac.policy._observed import Observed, TroubleIndex, device_base
from harvester_iac.policy._placement import SitePlacement, Spot
from harvester_iac.policy._rule import NEED_TEXT, Need
from harvester_iac.policy._thresholds import Thresholds
from harvester_iac.policy._waivers import Waiver

if TYPE_CHECKING:
    from harvester_iac.observe import Coverage, VolumeLink

__all__ = ["DEFAULT_MAX_AGE", "Domain", "RuleContext"]

DEFAULT_MAX_AGE = timedelta(hours=24)


@dataclass(frozen=True, order=True, slots=True)
class Domain:
    """A storage failure domain: one physical device of one host (or a disk of unknown device)."""

    host: str
    device: str

    def __str__(self) -> str:
        return f"{self.host}:{self.device}"


@dataclass(frozen=True, kw_only=True)
class RuleContext:
    """Everything rules may read. ``observed`` is ``None`` when no evidence was given."""

    inventory: Inventory
    placement: SitePlacement
    observed: Observed | None
    now: datetime
    thresholds: Thresholds = Thresholds()
    max_age: timedelta = DEFAULT_MAX_AGE
    require_observed: bool = False
    require: frozenset[str] = frozenset()
    waivers: tuple[Waiver, ...] = ()
    locate: InventoryLocator = field(default=None, repr=False)  # type: ignore[assignment]
    trouble: TroubleIndex = field(default=None, repr=False)  # type: ignore[assignment]
    hosts: HostIndex = field(default=None, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.locate is None:
            object.__setattr__(self, "locate", InventoryLocator(self.inventory))
        if self.hosts is None:
            object.__setattr__(self, "hosts", HostIndex(self.inventory, self.observed))
        if self.trouble is None:
            object.__setattr__(self, "trouble", TroubleIndex(
                self.inventory, self.observed, self.thresholds, self.now, self.hosts))

    # -- needs -------------------------------------------------------------------------------

    def coverage(self, kind: str, scope: str | None = None) -> Coverage:
        """How evidence of ``kind`` (an ``EvidenceKind`` value) was observed, for ``scope``
        (a host for ``events``: by inventory name, aliases and FQDNs resolved)."""
        from harvester_iac.observe import Coverage, CoverageState, EvidenceKind, coverage_of

        ek = EvidenceKind(kind)
        if self.observed is None:
            return Coverage(ek, scope, CoverageState.NONE, "no health evidence was given")
        if ek is EvidenceKind.EVENTS and scope is not None:
            return self.hosts.coverage(scope)
        return coverage_of(self.observed.coverage, ek, scope)

    def missing(self, need: Need) -> str | None:
        """Why ``need`` is not met at all (not observed), or ``None`` when some was seen."""
        if self.observed is None:
            return "no health evidence was given (--observed SNAPSHOT.json or --logs DIR)"
        if need is Need.OBSERVED:
            return None
        got = self.coverage(need.value)
        if got.state == "none":
            return f"needs {NEED_TEXT[need]}: not observed" + (f" ({got.reason})" if got.reason
                                                               and got.reason != "not observed" else "")
        return None

    def has(self, need: Need) -> bool:
        return self.missing(need) is None

    @cached_property
    def links(self) -> dict[str, VolumeLink]:
        """Declared volume key -> the Longhorn volume the evidence ties to it (VM disk chain)."""
        from harvester_iac.policy._volumes import longhorn_links

        return longhorn_links(self.inventory, self.observed)

    def link(self, volume: DeclaredVolume) -> VolumeLink | None:
        return self.links.get(volume.key)

    # -- resources ---------------------------------------------------------------------------

    def resources(self, kind: ResourceKind) -> tuple[Resource, ...]:
        inv = self.inventory
        names: list[str]
        if kind is ResourceKind.SITE:
            names = [inv.name]
        elif kind is ResourceKind.HOST:
            names = [h.name for h in inv.hosts]
        elif kind is ResourceKind.DISK:
            names = [f"{h.name}/{d.name}" for h in inv.hosts for d in h.disks]
        elif kind is ResourceKind.STORAGE_CLASS:
            names = [s.name for s in inv.storage_classes]
        elif kind is ResourceKind.MASTER:
            names = [m.name for m in inv.control_plane.masters]
        elif kind is ResourceKind.VOLUME:
            names = [v.key for v in inv.declared_volumes()]
        elif kind is ResourceKind.SNAPSHOT:
            names = [self.observed.source if self.observed else "none"]
        else:
            names = [w.resource_id for w in self.waivers]
        return tuple(Resource(kind, n) for n in names)

    # -- lookups -----------------------------------------------------------------------------

    def disk(self, spot: Spot) -> tuple[Host, LonghornDisk] | None:
        host = self.inventory.host(spot.host)
        disk = host.disk(spot.disk) if host else None
        return (host, disk) if host and disk else None

    def domain(self, spot: Spot) -> Domain:
        """Two Longhorn disks on one physical device are one failure domain."""
        found = self.disk(spot)
        base = device_base(found[1].device) if found else None
        return Domain(spot.host, base or f"disk {spot.disk}")

    def disks_in(self, domain: Domain) -> tuple[str, ...]:
        host = self.inventory.host(domain.host)
        if host is None:
            return ()
        return tuple(d.name for d in host.disks if self.domain(Spot(host.name, d.name)) == domain)

    @property
    def snapshot_resource(self) -> Resource:
        return Resource(ResourceKind.SNAPSHOT, self.observed.source if self.observed else "none")
