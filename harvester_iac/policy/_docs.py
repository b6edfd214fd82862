"""``docs/rules.md``, generated from the registry (a test keeps the committed file current).

Regenerate with::

    .venv/bin/python -c "from harvester_iac.policy import rules_markdown as m; print(m(), end='')" > docs/rules.md
"""

from __future__ import annotations

from dataclasses import fields

from harvester_iac.policy._rule import NEED_TEXT, Need, all_rules
from harvester_iac.policy._thresholds import Thresholds

__all__ = ["rules_markdown"]

_COVERAGE = """\
## Evidence coverage and unknown results

Every snapshot records what it observed, per kind and scope: `events` and `iscsiadm` per
host, Longhorn `nodes`, `volumes`, `replicas`, `engines`, `settings`, and Prometheus
`metrics` per series, each `full`, `partial` (with why) or `none` (with why). A rule whose
evidence is missing reports **unknown** with the reason, in every output format: never a
pass, and never a claim about objects nobody looked at. `validate` ends its text output with
a coverage line. `--require-observed` turns every unknown into an error (and partial or
failed sources, unknown hosts and stale evidence too); `--require KIND,...` (kinds: events,
iscsiadm, nodes, volumes, replicas, engines, settings, metrics) turns the unknowns that miss
one of those kinds into errors and fails when a named kind was not observed in full.

Host identity: events count for an inventory host by its name, an alias (`hosts[].aliases`),
its address, or as short name vs FQDN (`altra.lan` is `altra`). Lines without a host take it
from `observe --host HOST=PATH` or `--host HOST`, the folder convention (a file in a folder
given to observe takes the name of the first folder below it: `logs/altra/dmesg.txt`), the
iscsiadm listing its lines match (`--iscsiadm HOST=F` names a listing's host), or a path
that names an inventory machine (`altra-dmesg.txt`, `.../altra/...`: at validate time, or
at observe time with `observe --inventory F`);
on a single-host site, host-less storage lines are that host's. Events of unknown hosts, and
events left without a host, are HIAC-EVIDENCE-002 findings naming the host and the count.

"""


def rules_markdown() -> str:
    rules = all_rules()
    out = [
        "# harvester-iac rules",
        "",
        "Generated from the rule registry (`harvester_iac.policy.rules_markdown()`); do not edit.",
        "Each rule is one module in `harvester_iac/policy/rules/<area>/`. A rule's severity is the",
        "most its findings can be; some findings are milder (the message says why).",
        "",
        "| id | severity | area | title |",
        "|---|---|---|---|",
    ]
    out += [f"| [{r.id}](#{r.id.lower()}) | {r.severity.value} | {r.category.value} | {r.title} |"
            for r in rules]
    out.append("")
    for r in rules:
        needs = ", ".join(sorted(n.value for n in r.needs)) or "the inventory only"
        out += [f"## {r.id}", "", f"**{r.title}** ({r.severity.value}, {r.category.value}; "
                f"examines each {r.applies_to.value}; needs {needs})", "",
                f"Why: {r.why}", "", f"Fix: {r.fix}", ""]
        wants = "; ".join(NEED_TEXT[n] for n in sorted(r.needs, key=list(Need).index))
        if not wants:
            wants = ("the inventory; observed evidence where given" if r.unknown_when
                     else "the inventory only; it is never unknown")
        out += [f"Needs: {wants}.", ""]
        if r.unknown_when:
            out += [f"Unknown when: {r.unknown_when}", ""]
    out += _COVERAGE.splitlines()
    out += ["## Thresholds", "",
            "Override with `validate --threshold NAME=VALUE` (repeatable).", "",
            "| name | default |", "|---|---|"]
    defaults = Thresholds()
    for f in fields(Thresholds):
        value = getattr(defaults, f.name)
        shown = "the whole observed window" if value is None else str(value)
        out.append(f"| `{f.name}` | {shown} |")
    out.append("")
    return "\n".join(out)
