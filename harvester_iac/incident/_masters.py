"""Who the control-plane members are, and which log hosts are each of them.

A master is named in four places that need not agree: the inventory (``kube-master-00``,
192.168.1.150), the k3s journal's host field (``kube-master-00``, ``kube-master-00.lan``
or its address), Longhorn's VM of its root volume, and the root volume itself
(``rootVolume.volumeName``). A log host is a master when it matches the name, the short
name or the address; a host that logs etcd warnings but is in no inventory is still a
master (the report says it is not in the inventory).
"""

from __future__ import annotations

from collections.abc import Iterable

from harvester_iac.incident._model import MasterRef
from harvester_iac.model import Inventory

__all__ = ["MasterIndex"]


def _short(name: str) -> str:
    return name.split(".", 1)[0].lower()


class MasterIndex:
    """Masters of the inventory plus log hosts seen emitting etcd warnings."""

    def __init__(self, inventory: Inventory, etcd_hosts: Iterable[str]) -> None:
        self._by_alias: dict[str, str] = {}
        refs: dict[str, MasterRef] = {}
        for m in inventory.control_plane.masters:
            refs[m.name] = MasterRef(name=m.name, address=m.address, host=m.host, log_hosts=(),
                                     root_volume=m.root_volume.volume_name, in_inventory=True)
            for alias in (m.name, _short(m.name), m.address):
                self._by_alias.setdefault(alias.lower(), m.name)
        seen: dict[str, list[str]] = {name: [] for name in refs}
        for h in sorted(set(etcd_hosts)):
            name = self.resolve(h)
            if name is None:
                name = h
                refs[h] = MasterRef(name=h, address=None, host=None, log_hosts=(), root_volume=None,
                                    in_inventory=False)
                self._by_alias[h.lower()] = h
                seen[h] = []
            seen[name].append(h)
        self.refs: tuple[MasterRef, ...] = tuple(
            MasterRef(name=r.name, address=r.address, host=r.host, log_hosts=tuple(seen[r.name]),
                      root_volume=r.root_volume, in_inventory=r.in_inventory)
            for r in refs.values())
        self._root = {r.root_volume: r.name for r in self.refs if r.root_volume}

    def resolve(self, log_host: str | None) -> str | None:
        """The master a log host is (name, short name or address), or ``None``."""
        if not log_host:
            return None
        key = log_host.lower()
        return self._by_alias.get(key) or self._by_alias.get(_short(key))

    def by_vm(self, vm_name: str | None) -> str | None:
        """The master whose VM has this name."""
        return self.resolve(vm_name)

    def by_root_volume(self, volume: str | None) -> str | None:
        """The master whose inventory ``rootVolume.volumeName`` is ``volume``."""
        return self._root.get(volume) if volume else None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.refs)
