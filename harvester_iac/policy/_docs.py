"""``docs/rules.md``, generated from the registry (a test keeps the committed file current).

Regenerate with::

    .venv/bin/python -c "from harvester_iac.policy import rules_markdown as m; print(m(), end='')" > docs/rules.md
"""

from __future__ import annotations

from dataclasses import fields

from harvester_iac.policy._rule import all_rules
from harvester_iac.policy._thresholds import Thresholds

__all__ = ["rules_markdown"]


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
