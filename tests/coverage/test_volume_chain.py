"""The Longhorn Volume → PVC → VM disk chain, on ``kubectl get volumes.longhorn.io -o yaml``."""

from __future__ import annotations

from harvester_iac.observe import parse_longhorn_text, root_volume, vm_volumes, volume_link
from harvester_iac.observe.longhorn._objects import LonghornState
from tests.coverage._evidence import Vol, kubectl_list


def _state(*vols: Vol) -> LonghornState:
    got = parse_longhorn_text(kubectl_list(*(v.obj() for v in vols)), file="volumes.yaml")
    return LonghornState.of(got.objects)


ROOT = Vol("pvc-928c70bb", "kube-master-00-root-2qcjn", vm="kube-master-00")
LEFTOVER = Vol("pvc-0ld00000", "kube-master-00-root-x9k2q", vm=None, state="detached")
DATA = Vol("pvc-da7a0000", "kube-master-00-data-77aaa", vm="kube-master-00")
OTHER_NS = Vol("pvc-07e40000", "kube-master-00-root-zz111", vm="kube-master-00", namespace="lab")


def test_the_chain_names_pvc_vm_and_disk() -> None:
    link = volume_link(_state(ROOT).volumes[0])
    assert (link.pvc, link.namespace, link.vm, link.disk, link.attached) == (
        "kube-master-00-root-2qcjn", "default", "kube-master-00", "root", True)
    assert link.via == ("PVC default/kube-master-00-root-2qcjn, used by VirtualMachineInstance "
                        "kube-master-00")


def test_a_detached_volume_of_the_vm_namespace_is_not_the_root_volume() -> None:
    state = _state(ROOT, LEFTOVER)
    leftover = volume_link(state.volume("pvc-0ld00000"))  # type: ignore[arg-type]
    assert leftover.vm == "kube-master-00" and not leftover.attached
    assert "no workload uses it; detached" in leftover.via
    found = root_volume(state, vm="kube-master-00", disk="root")
    assert found is not None and found.volume == "pvc-928c70bb"
    assert root_volume(_state(LEFTOVER), vm="kube-master-00", disk="root") is None


def test_the_disk_name_picks_among_a_vm_s_volumes() -> None:
    state = _state(DATA, ROOT)
    assert {v.volume for v in vm_volumes(state, vm="kube-master-00")} == {"pvc-928c70bb", "pvc-da7a0000"}
    found = root_volume(state, vm="kube-master-00", disk="root")
    assert found is not None and found.volume == "pvc-928c70bb"
    assert root_volume(state, vm="kube-master-00", disk="boot") is None  # two candidates, none named


def test_the_namespace_must_match() -> None:
    state = _state(OTHER_NS)
    assert root_volume(state, vm="kube-master-00", namespace="default", disk="root") is None
    found = root_volume(state, vm="kube-master-00", namespace="lab", disk="root")
    assert found is not None and found.volume == "pvc-07e40000"


def test_volume_name_in_the_inventory_decides() -> None:
    state = _state(ROOT, DATA)
    found = root_volume(state, vm="kube-master-00", volume_name="pvc-da7a0000")
    assert found is not None and found.via.startswith("inventory volumeName pvc-da7a0000; PVC default/")
    assert root_volume(state, vm="kube-master-00", volume_name="pvc-missing") is None


def test_snapshots_written_before_coverage_derive_the_same_coverage() -> None:
    """Backward compatibility: a snapshot without ``coverage`` (and without the sources'
    ``hosts``/``host_from``), as written before coverage existed, loads and gets the same
    coverage from its sources as the committed example records."""
    import json
    from pathlib import Path

    from harvester_iac.observe import parse_snapshot

    path = Path(__file__).resolve().parents[2] / "examples" / "observed" / "incident.snapshot.json"
    doc = json.loads(path.read_text())
    recorded = parse_snapshot(doc, file=str(path)).coverage
    doc.pop("coverage")
    doc["longhorn"].pop("engines")
    for s in doc["sources"]:
        s.pop("hosts", None)
        s.pop("host_from", None)
    old = parse_snapshot(doc, file="old.json").coverage
    assert [c for c in old if c.kind != "engines"] == [c for c in recorded if c.kind != "engines"]
    (engines,) = [c for c in old if c.kind == "engines"]
    assert engines.state == "none" and "not read by the harvester-iac that wrote" in (engines.reason or "")
    assert len(recorded) > 5


def test_the_master_summary_lists_only_volumes_the_vm_uses() -> None:
    from datetime import UTC, datetime

    from harvester_iac.observe import Event, EventKind, summarize

    stall = Event(time=datetime(2025, 12, 28, tzinfo=UTC), host="kube-master-00", source="etcd",
                  kind=EventKind.ETCD_SLOW_APPLY, file="k3s.log", line=1, raw="apply request took too long")
    (master,) = summarize([stall], _state(ROOT, LEFTOVER)).masters
    assert master.volumes == ("pvc-928c70bb",)
