"""The committed example snapshots are exactly what ``observe`` makes from their inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvester_iac.cli import main
from harvester_iac.observe import EventKind, Robustness, load_snapshot
from tests.observe._examples import SNAPSHOTS
from tests.observe._paths import EXAMPLES, MASTER_VOLUMES, ROOT


@pytest.mark.parametrize("committed", sorted(SNAPSHOTS), ids=lambda p: Path(p).name)
def test_regenerating_gives_the_committed_snapshot(
    committed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)  # the snapshots name their inputs relative to the repository
    fresh = tmp_path / "fresh.json"
    assert main([*SNAPSHOTS[committed], "-o", str(fresh)]) == 0
    capsys.readouterr()
    want = json.loads((ROOT / committed).read_text())
    got = json.loads(fresh.read_text())
    for doc in (want, got):
        doc.pop("collected_at")
    assert got == want, f"regenerate {committed} with the command in examples/observed/README.md"


def test_incident_snapshot_tells_the_incident() -> None:
    snap = load_snapshot(EXAMPLES / "incident.snapshot.json")
    by_kind: dict[EventKind, int] = {}
    for e in snap.events:
        by_kind[e.kind] = by_kind.get(e.kind, 0) + e.repeat
    assert by_kind[EventKind.TARGET_SHUTDOWN] == 5 and by_kind[EventKind.BUFFER_IO_ERROR] == 5
    assert by_kind[EventKind.ETCD_SLOW_APPLY] == 6 and by_kind[EventKind.ETCD_PUBLISH_TIMEOUT] == 6
    assert all(e.tz_assumed for e in snap.events if e.host == "altra")
    # Every iSCSI and kernel event on altra is tied to a Longhorn volume.
    assert all(e.volume for e in snap.events if e.host == "altra")
    volumes = {v.volume: v for v in snap.summaries.volumes}
    for vm, volume in MASTER_VOLUMES.items():
        assert volumes[volume].vm_name == vm
        assert volumes[volume].counts.count(EventKind.TARGET_SHUTDOWN) == 1
    masters = {m.host: m for m in snap.summaries.masters}
    assert set(masters) == set(MASTER_VOLUMES)
    assert all(masters[vm].volumes == (vol,) for vm, vol in MASTER_VOLUMES.items())
    replicas = {r.volume: r for r in snap.longhorn.replicas}
    assert {replicas[v].disk_path for v in MASTER_VOLUMES.values()} == {"/var/lib/harvester/defaultdisk"}
    (node,) = snap.longhorn.nodes
    assert node.name == "altra" and len(node.disks) == 1


def test_healthy_snapshot_has_no_events_and_three_hosts() -> None:
    snap = load_snapshot(EXAMPLES / "healthy.snapshot.json")
    assert snap.events == () and snap.summaries.hosts == ()
    assert all(s.state.value == "ok" for s in snap.sources)
    assert [n.name for n in snap.longhorn.nodes] == ["hv-1", "hv-2", "hv-3"]
    assert [n.zone for n in snap.longhorn.nodes] == ["z1", "z2", "z3"]
    assert {s.host for s in snap.sessions} == {"hv-1", "hv-2", "hv-3"}
    roots = [v for v in snap.longhorn.volumes if v.vm_name and v.vm_name.startswith("k3s-server-")]
    assert len(roots) == 3
    for v in roots:
        assert v.robustness is Robustness.HEALTHY and v.disk_selector == ("nvme",)
        nodes = sorted(r.node or "" for r in snap.longhorn.replicas if r.volume == v.name)
        assert nodes == ["hv-1", "hv-2", "hv-3"]
