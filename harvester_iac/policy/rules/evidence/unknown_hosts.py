"""HIAC-EVIDENCE-002: every host the evidence names is in the inventory, and no event lacks one."""

from __future__ import annotations

from collections.abc import Iterable

from harvester_iac.core import Finding, Observation, ResourceKind, Severity
from harvester_iac.policy._context import RuleContext
from harvester_iac.policy._observed import event_ref
from harvester_iac.policy._rule import Category, Need, Rule

_SHOWN = 3


class UnknownHosts(Rule):
    id = "HIAC-EVIDENCE-002"
    title = "Every host the evidence names is in the inventory"
    severity = Severity.WARNING
    category = Category.EVIDENCE
    applies_to = ResourceKind.SNAPSHOT
    needs = frozenset({Need.OBSERVED})
    unknown_when = (
        'no health evidence was given.'
    )
    why = (
        "Events count for a host only when their host name resolves to it (its name, an alias, "
        "its address, or the short name of an FQDN). Events of a name the inventory does not "
        "know, or of files that carry no host at all, would otherwise be dropped in silence: a "
        "host whose syslog writes altra.lan while the inventory says altra would look healthy "
        "while it flaps. With --require-observed these findings are errors."
    )
    fix = ("Add the name to hosts[].aliases of the host it is (or add the host); for files "
           "without host names, pass --host HOST=PATH to observe or use the folder convention.")

    def evaluate(self, ctx: RuleContext) -> Iterable[Finding]:
        sev = Severity.ERROR if ctx.require_observed else Severity.WARNING
        res = ctx.snapshot_resource
        known = ", ".join(h.name for h in ctx.inventory.hosts)
        for name, events in sorted(ctx.hosts.unknown.items()):
            n = sum(e.repeat for e in events)
            files = sorted({e.file for e in events})
            guess = ctx.hosts.matcher.from_path(files[0]) if len(files) == 1 else None
            yield self.finding(
                resources=[res], severity=sev, key=f"host:{name.lower()}",
                message=(f"{n} event(s) are for host {name!r}, which the inventory does not know "
                         f"(hosts: {known}); they count for no host"),
                evidence=[Observation("unknown host", f"{name}: {n} event(s) in {', '.join(files[:_SHOWN])}"),
                          *(event_ref(e) for e in events[:_SHOWN])],
                fix=(f"If {name} is {guess.name}, add it to that host's aliases." if guess else self.fix))
        hostless = ctx.hosts.hostless
        if hostless:
            n = sum(e.repeat for e in hostless)
            files = sorted({e.file for e in hostless})
            yield self.finding(
                resources=[res], severity=sev, key="no-host",
                message=(f"{n} event(s) in {len(files)} file(s) name no host, and neither their "
                         "path nor a single-host site says whose they are; they count for no host"),
                evidence=[Observation("files without a host", ", ".join(files[:_SHOWN])),
                          *(event_ref(e) for e in hostless[:_SHOWN])],
                fix=("Name the host of each file: observe --host HOST=PATH, or put the file in a "
                     "folder named after the host (logs/HOST/...), or start its name with the host "
                     "name (HOST-dmesg.txt)."))
        for file, (machine, how) in sorted(ctx.hosts.derived.items()):
            # a host taken from the path (or the only host) is stated, never silent (info)
            yield self.finding(
                resources=[res], severity=Severity.INFO, key=f"path:{file}",
                message=f"lines of {file} name no host; taken as {machine}'s ({how})",
                evidence=[Observation("host from", how)],
                fix="Nothing, if that is the file's host; else pass observe --host HOST=PATH.")


RULE = UnknownHosts()
