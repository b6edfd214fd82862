"""Declared volumes joined to what Longhorn shows of them: the volume, and its replicas today.

The join follows the Longhorn Volume → PVC → VM disk chain (``observe.root_volume``),
never a volume name pattern alone. Where replicas are concerned, Replica objects are the
evidence; when they were not observed, its Engine object says how many replicas it
writes to (``status.replicaModeMap``), else the Volume object how many it has
(``spec.numberOfReplicas``, and ``status.robustness`` whether all of them run); either
bounds how many failure domains it spans today. Every answer states its
derivation; where nothing says, the answer is unknown (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from harvester_iac.model import Inventory
from harvester_iac.policy._observed import Observed
from harvester_iac.policy._placement import Spot, observed_spots

if TYPE_CHECKING:
    from harvester_iac.observe import VolumeLink

__all__ = ["Today", "longhorn_links", "replicas_observed", "replicas_today"]


def longhorn_links(inv: Inventory, observed: Observed | None) -> dict[str, VolumeLink]:
    """Declared volume key -> the Longhorn volume of that VM disk, where the chain finds one.

    A VM with several declared disks gets a volume only for a disk its PVC names.
    """
    if observed is None or observed.longhorn is None or not observed.longhorn.volumes:
        return {}
    from harvester_iac.observe import root_volume

    state = observed.longhorn
    out: dict[str, VolumeLink] = {}
    for m in inv.control_plane.masters:
        r = m.root_volume
        link = root_volume(state, vm=m.name, namespace=m.namespace, disk=r.name, volume_name=r.volume_name)
        if link is not None:
            out[f"{m.name}/{r.name}"] = link
    for vm in inv.vms:
        for d in vm.disks:
            link = root_volume(state, vm=vm.name, namespace=vm.namespace, disk=d.name,
                               volume_name=d.volume_name)
            if link is not None and (len(vm.disks) == 1 or d.volume_name or link.disk == d.name):
                out[f"{vm.name}/{d.name}"] = link
    return out


def replicas_observed(observed: Observed | None, volume: str) -> bool:
    """Whether Replica objects say where ``volume``'s replicas are (observed in full, or
    the volume's own replicas were among those read)."""
    if observed is None:
        return False
    from harvester_iac.observe import EvidenceKind, coverage_of

    cov = coverage_of(observed.coverage, EvidenceKind.REPLICAS)
    return cov.state == "full" or bool(observed.replicas_of(volume))


@dataclass(frozen=True, kw_only=True)
class Today:
    """A Longhorn volume's replicas as the evidence shows them now.

    ``spots`` are the live replicas when Replica objects were observed (else ``None``);
    ``count`` how many replicas run (``None``: unknown) and ``at_most`` an upper bound
    (a degraded volume of 3 runs at most 2); ``derivation`` says from what.
    """

    volume: str
    spots: tuple[Spot, ...] | None
    count: int | None
    derivation: str
    at_most: int | None = None

    def __post_init__(self) -> None:
        if self.at_most is None and self.count is not None:
            object.__setattr__(self, "at_most", self.count)


def replicas_today(inv: Inventory, observed: Observed | None, volume: str) -> Today:
    """Where ``volume``'s replicas are, or at least how many there are, and how we know."""
    if observed is not None and replicas_observed(observed, volume):
        spots = observed_spots(inv, observed, volume)
        return Today(volume=volume, spots=spots, count=len(spots),
                     derivation=f"Longhorn Replica objects of {volume}")
    lh = observed.longhorn if observed is not None else None
    engines = lh.engines_of(volume) if lh is not None else ()
    if engines and any(e.replica_modes for e in engines):
        rw = max(e.writable for e in engines)
        modes = ", ".join(f"{r} {m}" for e in engines for r, m in e.replica_modes)
        return Today(volume=volume, spots=None, count=rw, derivation=(
            f"Longhorn Engine of {volume}: {rw} replica(s) RW in status.replicaModeMap ({modes}); "
            "no Replica object observed"))
    lv = lh.volume(volume) if lh is not None else None
    if lv is None:
        served = [f"iSCSI session {s.sid} on {m.host or 'an unnamed host'} ({m.file})"
                  for m in (observed.sessions if observed is not None else ())
                  for s in m.sessions if s.volume == volume]
        if served:
            return Today(volume=volume, spots=None, count=None, derivation=(
                f"Longhorn volume {volume} is served by {', '.join(served)} (iscsiadm map); "
                "its Volume and Replica objects were not observed, so its replicas are unknown"))
        return Today(volume=volume, spots=None, count=None,
                     derivation=f"Longhorn Volume {volume} not observed")
    n = lv.number_of_replicas
    robust = lv.robustness.value
    if n is not None and robust == "healthy":
        return Today(volume=volume, spots=None, count=n, derivation=(
            f"Longhorn Volume {volume}: spec.numberOfReplicas {n}, status.robustness healthy "
            "(all replicas run; no Replica object observed)"))
    if robust == "faulted":
        return Today(volume=volume, spots=None, count=0, derivation=(
            f"Longhorn Volume {volume}: status.robustness faulted (no usable replica)"))
    if n is not None and robust == "degraded":
        return Today(volume=volume, spots=None, count=None, at_most=max(n - 1, 0), derivation=(
            f"Longhorn Volume {volume}: spec.numberOfReplicas {n}, status.robustness degraded "
            f"(fewer than {n} run; how many is not observed)"))
    return Today(volume=volume, spots=None, count=None, derivation=(
        f"Longhorn Volume {volume}: robustness {robust}, numberOfReplicas "
        f"{n if n is not None else 'not set'}; no Replica object observed"))
