"""Who the control-plane members are, and which log hosts are each of them.

A master is named in four places that need not agree: the inventory (``kube-master-00``,
192.168.1.150), the k3s journal's host field (``kube-master-00``, ``kube-master-00.lan``
or its address), Longhorn's VM of its root volume, and the root volume itself
(``rootVolume.volumeName``). Log hosts resolve through the model's
:class:`~harvester_iac.model.HostMatcher` (name, address, short name vs FQDN); a host that
logs etcd warnings but is in no inventory is still a master (the report says so).
"""

from __future__ import annotations

from collections.abc import Iterable

from harvester_iac.incident._model import MasterRef
from harvester_iac.model import HostMatcher, Inventory, MachineKind

__all__ = ["MasterIndex"]


class MasterIndex:
    """Masters of the inventory plus log hosts seen emitting etcd warnings."""

    def __init__(self, inventory: Inventory, etcd_hosts: Iterable[str]) -> None:
        self._matcher = HostMatcher(inventory)
        self._extra: dict[str, str] = {}
        refs: dict[str, MasterRef] = {}
        for m in inventory.control_plane.masters:
            refs[m.name] = MasterRef(name=m.name, address=m.address, host=m.host, log_hosts=(),
                                     root_volume=m.root_volume.volume_name, in_inventory=True)
        seen: dict[str, list[str]] = {name: [] for name in refs}
        for h in sorted(set(etcd_hosts)):
            name = self.resolve(h)
            if name is None:
                name = h
                refs[h] = MasterRef(name=h, address=None, host=None, log_hosts=(), root_volume=None,
                                    in_inventory=False)
                self._extra[h.lower()] = h
                seen[h] = []
            seen[name].append(h)
        self.refs: tuple[MasterRef, ...] = tuple(
            MasterRef(name=r.name, address=r.address, host=r.host, log_hosts=tuple(seen[r.name]),
                      root_volume=r.root_volume, in_inventory=r.in_inventory)
            for r in refs.values())
        self._root = {r.root_volume: r.name for r in self.refs if r.root_volume}

    def resolve(self, log_host: str | None) -> str | None:
        """The master a log host is (name, address, short name vs FQDN), or ``None``."""
        if not log_host:
            return None
        found = self._matcher.resolve(log_host)
        if found is not None:
            return found.name if found.kind is MachineKind.MASTER else None
        return self._extra.get(log_host.lower())

    def by_vm(self, vm_name: str | None) -> str | None:
        """The master whose VM has this name."""
        return self.resolve(vm_name)

    def by_root_volume(self, volume: str | None) -> str | None:
        """The master whose inventory ``rootVolume.volumeName`` is ``volume``."""
        return self._root.get(volume) if volume else None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.refs)
