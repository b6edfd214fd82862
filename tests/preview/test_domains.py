"""Failure domains before -> after, on the scheduler simulation of two inventories."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from harvester_iac.model import load_inventory, parse_inventory
from harvester_iac.preview import failure_domains

NOW = datetime(2026, 1, 5, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "inventories"


def test_incident_fix_turns_the_disk_verdict_from_no_to_yes() -> None:
    before = load_inventory(EXAMPLES / "altra-before-fix.yaml")
    after = load_inventory(EXAMPLES / "altra.yaml")
    fd = failure_domains(after, before, observed=None, now=NOW)
    assert fd.before is not None and fd.after is not None
    assert (fd.before.survives_disk, fd.after.survives_disk) == (False, True)
    assert (fd.before.survives_host, fd.after.survives_host) == (False, False)  # one host stays one host
    assert fd.before.worst_disk == "losing altra:sda stops 3 of 3"
    assert [v.volume for v in fd.volumes] == ["kube-master-00/root", "kube-master-01/root", "kube-master-02/root"]
    v = fd.volumes[0]
    assert v.before is not None and v.after is not None
    assert v.before.domains == ("altra:sda",) and v.after.domains == ("altra:nvme0n1", "altra:sda")
    assert fd.changed


def test_other_volumes_appear_only_when_their_placement_changes() -> None:
    text = (EXAMPLES / "three-node.yaml").read_text()
    base = parse_inventory(text, file="base.yaml")
    same = failure_domains(base, base, observed=None, now=NOW)
    assert all(v.master for v in same.volumes) and not same.changed
    assert same.after is not None and same.after.survives_host and same.after.survives_disk
    fewer = text.replace("{name: harvester-longhorn, numberOfReplicas: 3,",
                         "{name: harvester-longhorn, numberOfReplicas: 1,")
    assert fewer != text
    head = parse_inventory(fewer, file="head.yaml")
    fd = failure_domains(head, base, observed=None, now=NOW)
    others = [v for v in fd.volumes if v.master is None]
    assert sorted(v.volume for v in others) == ["gitea/data", "gitea/root"]
    for v in others:
        assert v.before is not None and v.after is not None
        assert (v.before.survives_host, v.after.survives_host) == (True, False)
    assert fd.before == fd.after  # the etcd verdict is unchanged


def test_without_a_base_nothing_is_compared() -> None:
    fd = failure_domains(load_inventory(EXAMPLES / "altra.yaml"), None, observed=None, now=NOW)
    assert fd.before is None and not fd.changed and all(v.before is None for v in fd.volumes)
