"""Turn the exclusions behind an unplaced replica into one sentence a person can act on.

Exclusions are grouped by rule, in the order the scheduler applies the rules, and each
group becomes one clause: "disk soft anti-affinity is off and n1/d1 holds a replica".
"""

from __future__ import annotations

from collections.abc import Sequence

from harvester_iac.scheduler._types import Exclusion, ExclusionRule

__all__ = ["NODE_RULES", "explain_unplaced", "list_subjects"]

#: Rules that remove whole nodes before any disk is looked at.
NODE_RULES = frozenset(
    {
        ExclusionRule.NODE_NOT_READY,
        ExclusionRule.NODE_NOT_SCHEDULABLE,
        ExclusionRule.NODE_SCHEDULING_DISABLED,
        ExclusionRule.NODE_NOT_AFFINE,
        ExclusionRule.INSTANCE_MANAGER_NOT_READY,
        ExclusionRule.ENGINE_IMAGE_NOT_READY,
    }
)

_MAX_LISTED = 6

# rule -> (template, singular verb, plural verb); {s} is the subject list, {v} the verb.
_GROUPED: dict[ExclusionRule, tuple[str, str, str]] = {
    ExclusionRule.NODE_NOT_READY: ("{s} {v} not Ready", "is", "are"),
    ExclusionRule.NODE_NOT_SCHEDULABLE: ("{s} {v} not Schedulable", "is", "are"),
    ExclusionRule.NODE_SCHEDULING_DISABLED: ("{s} {v} scheduling disabled", "has", "have"),
    ExclusionRule.INSTANCE_MANAGER_NOT_READY: ("no instance manager is running on {s}", "", ""),
    ExclusionRule.ENGINE_IMAGE_NOT_READY: ("the engine image is not deployed on {s}", "", ""),
    ExclusionRule.NODE_ANTI_AFFINITY: (
        "node soft anti-affinity is off and {s} {v} a replica", "holds", "each hold"
    ),
    ExclusionRule.NO_DISKS: ("{s} {v} no disks", "has", "have"),
    ExclusionRule.DISK_SCHEDULING_DISABLED: ("{s} {v} scheduling disabled", "has", "have"),
    ExclusionRule.DISK_EVICTION_REQUESTED: ("eviction is requested on {s}", "", ""),
    ExclusionRule.DISK_NOT_SCHEDULABLE: ("{s} {v} not Schedulable", "is", "are"),
    ExclusionRule.DISK_ANTI_AFFINITY: (
        "disk soft anti-affinity is off and {s} {v} a replica", "holds", "each hold"
    ),
}

# rule -> template over one distinct detail; {s} subjects, {d} the shared detail.
_BY_DETAIL: dict[ExclusionRule, str] = {
    ExclusionRule.NODE_NOT_AFFINE: "{d}, which rules out {s}",
    ExclusionRule.NODE_SELECTOR: "{d}, which rules out {s}",
    ExclusionRule.ZONE_ANTI_AFFINITY: "zone soft anti-affinity is off and {d}, which rules out {s}",
    ExclusionRule.DISK_TYPE: "{d}, which rules out {s}",
    ExclusionRule.DISK_SELECTOR: "{d}, which rules out {s}",
}

# rule -> template per distinct detail, for details that differ per subject (numbers).
_EACH: dict[ExclusionRule, str] = {
    ExclusionRule.MINIMAL_AVAILABLE: "minimal available space rules out {s} ({d})",
    ExclusionRule.OVER_PROVISIONING: "over-provisioning rules out {s} ({d})",
    ExclusionRule.DEGRADED_WITHOUT_TIME: "{d}",
}


def list_subjects(subjects: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; long lists end with "and N more"."""
    if len(subjects) > _MAX_LISTED:
        shown = list(subjects[: _MAX_LISTED - 1])
        return ", ".join(shown) + f" and {len(subjects) - len(shown)} more"
    if len(subjects) <= 1:
        return "".join(subjects)
    return ", ".join(subjects[:-1]) + " and " + subjects[-1]


def _clauses(exclusions: Sequence[Exclusion]) -> list[str]:
    order = list(ExclusionRule)
    clauses: list[str] = []
    for rule in sorted({e.rule for e in exclusions}, key=order.index):
        group = [e for e in exclusions if e.rule is rule]
        if rule in _GROUPED:
            template, one, many = _GROUPED[rule]
            subjects = [e.subject for e in group]
            verb = one if len(subjects) == 1 else many
            clauses.append(template.format(s=list_subjects(subjects), v=verb))
        elif rule in _BY_DETAIL:
            details: dict[str, list[str]] = {}
            for e in group:
                details.setdefault(e.detail, []).append(e.subject)
            for detail, subjects in details.items():
                clauses.append(_BY_DETAIL[rule].format(d=detail, s=list_subjects(subjects)))
        else:
            by_detail: dict[str, list[str]] = {}
            for e in group:
                by_detail.setdefault(e.detail, []).append(e.subject)
            items = list(by_detail.items())
            shown = items if len(items) <= _MAX_LISTED else items[: _MAX_LISTED - 1]
            clauses.extend(_EACH[rule].format(s=list_subjects(subj), d=detail)
                           for detail, subj in shown)
            if len(shown) < len(items):
                rest = sum(len(subj) for _, subj in items[len(shown):])
                clauses.append(f"and {rest} more the same way")
    return clauses


def explain_unplaced(index: int, exclusions: Sequence[Exclusion], notes: Sequence[str] = ()) -> str:
    """``replica 2: no disk left: <clause>; <clause>`` for the replica at ``index``."""
    if not exclusions:
        head = "no node left"
        body = "the cluster has no Longhorn nodes"
    elif all(e.rule in NODE_RULES for e in exclusions):
        head = "no node left"
        body = "; ".join(_clauses(exclusions))
    elif any(e.rule is ExclusionRule.DEGRADED_WITHOUT_TIME for e in exclusions):
        head = "not placed"
        body = "; ".join(_clauses(exclusions))
    else:
        head = "no disk left"
        body = "; ".join(_clauses(exclusions))
    text = f"replica {index + 1}: {head}: {body}"
    if notes:
        text += "; " + "; ".join(notes)
    return text
