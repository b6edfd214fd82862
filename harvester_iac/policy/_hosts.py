"""Events per inventory machine, resolved by host identity; unknown and host-less ones kept.

Evidence names machines as the hosts wrote them (``altra.lan``); the inventory has
``altra`` and its aliases. Every event is resolved through :class:`HostMatcher`: by the
name it carries, else (no name: ``dmesg -T``, a bare kernel log) by its file's path, else,
on a single-host site, storage events are that host's (the only one there is). Events
whose name resolves to nothing are *unknown-host* events and events with no way to a host
are *host-less*: both are kept, counted and reported (HIAC-EVIDENCE-002), never dropped.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from harvester_iac.model import HostMatcher, Identity, Inventory
from harvester_iac.policy._observed import Observed

if TYPE_CHECKING:
    from harvester_iac.observe import Coverage, Event

__all__ = ["HostIndex"]

class HostIndex:
    """Observed events and log coverage per inventory machine (host, master or VM)."""

    def __init__(self, inventory: Inventory, observed: Observed | None) -> None:
        self.matcher = HostMatcher(inventory)
        self.single = inventory.hosts[0].name if len(inventory.hosts) == 1 else None
        self._of: dict[str, list[Event]] = defaultdict(list)
        self.unknown: dict[str, list[Event]] = defaultdict(list)
        self.hostless: list[Event] = []
        #: file -> (machine, how) its host-less lines were given ("altra", "file name altra-dmesg.txt")
        self.derived: dict[str, tuple[str, str]] = {}
        self._by_file: dict[str, Identity | None] = {}
        self._coverage: tuple[Coverage, ...] = observed.coverage if observed is not None else ()
        if observed is None:
            return
        for e in observed.events:
            name = self._machine(e)
            if name is not None:
                self._of[name].append(e)
            elif e.host is not None:
                self.unknown[e.host].append(e)
            else:
                self.hostless.append(e)

    def _machine(self, e: Event) -> str | None:
        if e.host is not None:
            found = self.matcher.resolve(e.host)
            return found.name if found is not None else None
        if e.file not in self._by_file:
            self._by_file[e.file] = self.matcher.from_path(e.file)
        by_path = self._by_file[e.file]
        if by_path is not None:
            self.derived.setdefault(e.file, (by_path.name, by_path.via))
            return by_path.name
        if self.single is not None and not e.kind.startswith("etcd_"):
            self.derived.setdefault(e.file, (self.single, "the site's only host"))
            return self.single
        return None

    def events(self, machine: str) -> tuple[Event, ...]:
        """Every event of an inventory machine (by its inventory name)."""
        return tuple(self._of.get(machine, ()))

    def coverage(self, machine: str) -> Coverage:
        """How the logs of ``machine`` were observed: full, partial or none (with why)."""
        from harvester_iac.observe import Coverage, CoverageState, EvidenceKind
        from harvester_iac.observe._coverage import combine

        mine: list[Coverage] = []
        for c in self._coverage:
            if c.kind is not EvidenceKind.EVENTS:
                continue
            if c.scope is not None:
                found = self.matcher.resolve(c.scope)
                if found is not None and found.name == machine:
                    mine.append(c)
                continue
            by_path = [self.matcher.from_path(s) for s in c.sources]
            if any(f is not None and f.name == machine for f in by_path) or (
                    self.single == machine and not any(by_path)):
                mine.append(c)
        if not mine:
            return Coverage(EvidenceKind.EVENTS, machine, CoverageState.NONE,
                            f"no log of {machine} was observed")
        return combine(mine, EvidenceKind.EVENTS, machine)
