"""ValueRule: unknowns yielded in place of a value, milder severities, extra resources."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest

from harvester_iac.core import Resource, ResourceKind, Severity, Status, Unknown
from harvester_iac.model import load_inventory
from harvester_iac.policy import RuleContext, RuleResult, _rule, validate
from harvester_iac.policy._rule import Category, Inspected, ValueRule
from tests.policy._support import FIXTURES, NOW

INVENTORY = FIXTURES / "HIAC-HEALTH-002" / "pass-healthy-volumes.yaml"


class HostDiskCount(ValueRule):
    """Test rule: a host passes with two disks or more; a host named first is unknown."""

    id = "TEST-VALUE-001"
    title = "Every host has two disks"
    severity = Severity.ERROR
    category = Category.CAPACITY
    applies_to = ResourceKind.HOST
    why = "test"
    fix = "test"
    inspected_key = "disks"
    minimum = 2
    unknown_host = ""

    def inspect(self, ctx: RuleContext) -> Iterable[Inspected | Unknown]:
        for host in ctx.inventory.hosts:
            subject = Resource(ResourceKind.HOST, host.name)
            if host.name == self.unknown_host:
                yield self.unknown(subject, reason=f"no disk list for {host.name}")
                continue
            yield Inspected(resource=subject, value=len(host.disks),
                            also=tuple(Resource(ResourceKind.DISK, f"{host.name}/{d.name}")
                                       for d in host.disks))

    def passes(self, value: object, ctx: RuleContext) -> bool:
        return isinstance(value, int) and value >= self.minimum

    def severity_of(self, item: Inspected, ctx: RuleContext) -> Severity | None:
        return Severity.WARNING if item.value == self.minimum - 1 else None


@pytest.fixture
def rule() -> Iterator[HostDiskCount]:
    made = HostDiskCount()
    yield made
    _rule._REGISTRY.pop(made.id, None)  # keep the shipped registry as it was


def _run(rule: HostDiskCount) -> RuleResult:
    (result,) = validate(load_inventory(INVENTORY), now=NOW, rules=(rule,)).results
    return result


@pytest.mark.parametrize(("short_by", "severity"), [(1, Severity.WARNING), (2, Severity.ERROR)])
def test_a_failing_value_names_its_extra_resources_and_takes_its_severity(
        rule: HostDiskCount, short_by: int, severity: Severity) -> None:
    hosts = load_inventory(INVENTORY).hosts
    assert len({len(h.disks) for h in hosts}) == 1  # every host short by the same count
    rule.minimum = len(hosts[0].disks) + short_by
    result = _run(rule)
    assert result.status is Status.FAILED
    by_host = {o.finding.resources[0].name: o.finding for o in result.outcomes}
    assert set(by_host) == {h.name for h in hosts}
    for host in hosts:
        finding = by_host[host.name]
        assert [r.id for r in finding.resources] == [
            f"host/{host.name}", *(f"disk/{host.name}/{d.name}" for d in host.disks)]
        assert finding.key == host.name
        assert finding.message == f"host/{host.name}: disks is {len(host.disks)}"
        assert finding.severity is severity


def test_an_unknown_from_inspect_stands_in_for_its_subject(rule: HostDiskCount) -> None:
    first = load_inventory(INVENTORY).hosts[0].name
    rule.minimum, rule.unknown_host = 0, first
    result = _run(rule)
    assert result.status is Status.UNKNOWN
    assert [(u.resource.id, u.reason) for u in result.unknowns] == [
        (f"host/{first}", f"no disk list for {first}")]
    assert result.outcomes == ()
