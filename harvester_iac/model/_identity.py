"""Which inventory machine a name in the evidence means: host identity resolution.

Evidence names machines in many ways: syslog writes the FQDN (``altra.lan``), the
inventory the short name (``altra``), Longhorn and Kubernetes their node names, a VM its
address. A name that resolves to nothing is not silently dropped by the callers: they
count it as an unknown host. Matching, in order (case does not matter, a trailing dot is
ignored):

1. the inventory name, an alias (``hosts[].aliases``) or the address, exactly;
2. short name vs FQDN: ``altra.lan`` matches ``altra`` (its first label), and ``altra``
   matches a machine whose name or alias is ``altra.<domain>``. IP addresses never match
   this way. Two machines sharing a short name match neither (ambiguous).

Files that carry no host name take it from their path (:meth:`HostMatcher.from_path`): a
folder named after the machine (``logs/altra/dmesg.txt``) or a file name that starts with
its name followed by ``-``, ``_`` or ``.`` (``altra-dmesg.txt``, ``altra.lan_kern.log``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # observe matches hosts without loading the inventory's types
    from harvester_iac.model._types import Inventory

__all__ = ["HostMatcher", "Identity", "MachineKind"]


class MachineKind(StrEnum):
    """What an inventory name stands for."""

    HOST = "host"      # a Harvester host (a Longhorn node)
    MASTER = "master"  # a K3s server VM
    VM = "vm"          # any other VM


@dataclass(frozen=True, slots=True)
class Identity:
    """A resolved name: the inventory machine and how the name matched (``via``)."""

    kind: MachineKind
    name: str
    via: str

    @property
    def is_host(self) -> bool:
        return self.kind is MachineKind.HOST


def _norm(name: str) -> str:
    return name.strip().rstrip(".").lower()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _short(name: str) -> str | None:
    """The first label of a dotted DNS name (``None`` for IPs and undotted names)."""
    if "." not in name or _is_ip(name):
        return None
    return name.split(".", 1)[0] or None


_SEPARATORS = re.compile(r"[-_.]")


class HostMatcher:
    """Resolves names found in evidence to inventory machines (hosts, masters, VMs).

    Build one per inventory (``HostMatcher(inventory)``) or from plain names
    (``HostMatcher.of_names(["hv-1", "hv-2"])``, all taken as hosts) when no inventory is
    at hand (``observe``). Lookups are cached per name.
    """

    def __init__(self, inventory: Inventory | None = None) -> None:
        self._exact: dict[str, tuple[MachineKind, str, str]] = {}
        self._by_short: dict[str, set[tuple[MachineKind, str]]] = {}
        self._cache: dict[str, Identity | None] = {}
        if inventory is None:
            return
        for h in inventory.hosts:
            self._add(MachineKind.HOST, h.name, h.name, "name")
            for a in h.aliases:
                self._add(MachineKind.HOST, h.name, a, f"alias {a}")
            self._add(MachineKind.HOST, h.name, h.address, "address")
        for m in inventory.control_plane.masters:
            self._add(MachineKind.MASTER, m.name, m.name, "name")
            self._add(MachineKind.MASTER, m.name, m.address, "address")
        for v in inventory.vms:
            self._add(MachineKind.VM, v.name, v.name, "name")
            if v.address:
                self._add(MachineKind.VM, v.name, v.address, "address")

    @classmethod
    def of_names(cls, names: Iterable[str]) -> HostMatcher:
        """A matcher that knows only these host names (no inventory)."""
        matcher = cls()
        for n in names:
            matcher._add(MachineKind.HOST, n, n, "name")
        return matcher

    def _add(self, kind: MachineKind, canonical: str, name: str, via: str) -> None:
        key = _norm(name)
        if not key:
            return
        self._exact.setdefault(key, (kind, canonical, via))
        self._by_short.setdefault(_short(key) or key, set()).add((kind, canonical))

    @property
    def known(self) -> tuple[str, ...]:
        """Every name and alias the matcher knows (lower case), sorted."""
        return tuple(sorted(k for k in self._exact if not _is_ip(k)))

    def resolve(self, name: str | None) -> Identity | None:
        """The machine ``name`` means, or ``None`` when it means none (or is ambiguous)."""
        if not name:
            return None
        if name in self._cache:
            return self._cache[name]
        found = self._resolve(_norm(name))
        self._cache[name] = found
        return found

    def _resolve(self, key: str) -> Identity | None:
        exact = self._exact.get(key)
        if exact is not None:
            kind, canonical, via = exact
            return Identity(kind, canonical, via)
        if _is_ip(key):
            return None
        short = _short(key)
        if short is not None:  # an FQDN whose first label is a known short name
            hit = self._exact.get(short)
            if hit is not None and len(self._by_short.get(short, ())) <= 1:
                return Identity(hit[0], hit[1], f"short name of {key}")
            return None
        # a short name whose FQDN (a name or an alias) is known
        owners = self._by_short.get(key, set())
        if len(owners) == 1:
            kind, canonical = next(iter(owners))
            return Identity(kind, canonical, f"short name {key} of a known FQDN")
        return None

    def host(self, name: str | None) -> str | None:
        """The Harvester host ``name`` means (``None`` for masters, VMs and unknown names)."""
        found = self.resolve(name)
        return found.name if found is not None and found.is_host else None

    def from_path(self, path: str) -> Identity | None:
        """The machine a file belongs to by the documented path convention.

        The file name's leading part (up to ``-``, ``_`` or ``.``, growing one part at a
        time so ``kube-master-00-k3s.log`` and ``altra.lan-dmesg`` work) or a folder name
        resolves to a machine. The file name wins over folders; the nearest folder over
        farther ones. ``None`` when nothing (or something ambiguous) matches.
        """
        p = PurePath(path)
        found = self._from_name(p.name)
        if found is not None:
            return Identity(found.kind, found.name, f"file name {p.name}")
        for folder in reversed(p.parts[:-1]):
            hit = self.resolve(folder)
            if hit is not None:
                return Identity(hit.kind, hit.name, f"folder {folder}")
        return None

    def _from_name(self, file_name: str) -> Identity | None:
        cuts = [m.start() for m in _SEPARATORS.finditer(file_name)] + [len(file_name)]
        best: Identity | None = None
        for cut in cuts:
            head = file_name[:cut]
            if not head:
                continue
            hit = self._exact.get(_norm(head))
            if hit is not None and not _is_ip(head):
                best = Identity(hit[0], hit[1], hit[2])  # the longest head that names one wins
        return best
