"""Host identity end to end: FQDN vs short names, aliases, and host-less dmesg files.

Real formats: rsyslog (traditional, FQDN host), ``dmesg -T`` (no host at all), ``iscsiadm -m
session -P 3`` with and without a shell prompt.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.coverage._evidence import (
    BUFFER,
    CONN,
    MASTERS,
    OFFLINE,
    at,
    dmesg_t,
    flapping_host,
    iscsiadm_p3,
    master_log,
    quiet_host,
    write_lines,
)
from tests.coverage._run import INVENTORIES, by_rule, observe, rule_status, validate
from tests.coverage.test_three_hosts_one_flaps import INVENTORY as RACK

BEFORE = INVENTORIES / "altra-before-fix.yaml"


def _incident(tmp: Path, syslog_name: str) -> Path:
    logs = tmp / "logs"
    flapping_host(logs, "altra", syslog_name=syslog_name, fmt="rsyslog")
    for m in MASTERS:
        master_log(logs, m, stalls=1)
    return logs


def test_fqdn_in_syslog_counts_for_the_short_inventory_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    observe(capsys, snap, _incident(tmp_path, "altra.lan"))
    code, doc = validate(capsys, "--inventory", BEFORE, "--observed", snap)
    assert code == 1
    (quorum,) = by_rule(doc)["HIAC-PLACEMENT-001"]
    assert quorum["severity"] == "error"
    assert "shows storage trouble" in quorum["message"]
    assert "HIAC-EVIDENCE-002" not in by_rule(doc)


def test_a_renamed_host_fails_the_gate_with_a_finding_that_says_why(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    observe(capsys, snap, _incident(tmp_path, "harvester-01.lan"))
    code, doc = validate(capsys, "--inventory", BEFORE, "--observed", snap)
    assert code == 0  # a warning by default: nothing about altra itself was observed
    (unknown,) = by_rule(doc)["HIAC-EVIDENCE-002"]
    assert "4 event(s) are for host 'harvester-01.lan'" in unknown["message"]
    assert unknown["severity"] == "warning"
    # altra's own logs were not observed: the health rule says unknown, the quorum rule says so
    assert rule_status(doc)["HIAC-HEALTH-001"]["status"] == "unknown"
    (quorum,) = by_rule(doc)["HIAC-PLACEMENT-001"]
    assert "the logs of altra were not observed" in quorum["message"]
    code, doc = validate(capsys, "--inventory", BEFORE, "--observed", snap, "--require-observed")
    assert code == 1
    assert {f["severity"] for f in by_rule(doc)["HIAC-EVIDENCE-002"]} == {"error"}
    # naming the alias in the inventory makes the events count for altra again
    aliased = tmp_path / "aliased.yaml"
    aliased.write_text(BEFORE.read_text().replace(
        "    address: 192.168.1.85\n", "    address: 192.168.1.85\n    aliases: [harvester-01]\n"))
    code, doc = validate(capsys, "--inventory", aliased, "--observed", snap)
    assert code == 1 and by_rule(doc)["HIAC-PLACEMENT-001"][0]["severity"] == "error"
    assert "HIAC-EVIDENCE-002" not in by_rule(doc)


def _dmesg(path: Path) -> Path:
    return write_lines(path, [dmesg_t(at(0), OFFLINE[1].format(h=6)),
                              dmesg_t(at(1), BUFFER[1].format(d="sdb")),
                              dmesg_t(at(2), CONN[1].format(c=7))])


def _rack(tmp: Path) -> Path:
    inv = tmp / "rack.yaml"
    inv.write_text(RACK)
    return inv


def _quiet_rack(tmp: Path) -> Path:
    logs = tmp / "logs"
    for h in ("hv-1", "hv-3"):
        quiet_host(logs, h)
    return logs


def test_a_hostless_dmesg_file_takes_the_host_its_name_starts_with(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    dmesg = _dmesg(tmp_path / "evidence" / "hv-2-dmesg.txt")
    doc = observe(capsys, snap, _quiet_rack(tmp_path), dmesg)
    assert {e["host"] for e in doc["events"] if e["file"] == str(dmesg)} == {None}
    code, report = validate(capsys, "--inventory", _rack(tmp_path), "--observed", snap)
    assert code == 1
    (health,) = by_rule(report)["HIAC-HEALTH-001"]
    assert health["resources"][0] == "host/hv-2"
    info = [f for f in by_rule(report)["HIAC-EVIDENCE-002"] if f["severity"] == "info"]
    assert info and "taken as hv-2's (file name hv-2-dmesg.txt)" in info[0]["message"]


def test_host_equals_path_names_the_host_of_one_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    dmesg = _dmesg(tmp_path / "evidence" / "dmesg.txt")
    doc = observe(capsys, snap, _quiet_rack(tmp_path), dmesg, "--host", f"hv-2={dmesg}")
    (src,) = [s for s in doc["sources"] if s["path"] == str(dmesg)]
    assert src["hosts"] == ["hv-2"] and src["host_from"] == f"hv-2={dmesg} argument"
    assert {e["host"] for e in doc["events"] if e["file"] == str(dmesg)} == {"hv-2"}


def test_the_iscsiadm_listing_names_the_host_and_joins_scsi_host_numbers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    dmesg = _dmesg(tmp_path / "evidence" / "dmesg.txt")
    listing = write_lines(tmp_path / "hv2-sessions.txt", [iscsiadm_p3(
        "hv-2", [(7, "pvc-1000aaaa", 6, "sdb"), (8, "pvc-0000aaaa", 9, "sdc")])])
    doc = observe(capsys, snap, _quiet_rack(tmp_path), dmesg, "--iscsiadm", listing)
    events = [e for e in doc["events"] if e["file"] == str(dmesg)]
    assert {e["host"] for e in events} == {"hv-2"}
    offline = next(e for e in events if e["kind"] == "scsi_offline")
    assert (offline["hctl"], offline["device"], offline["session"], offline["volume"]) == (
        "6:0:0:1", "sdb", "7", "pvc-1000aaaa")
    assert offline["extra"]["joined_by"] == f"SCSI host 6 in {listing}"
    buffer = next(e for e in events if e["kind"] == "buffer_io_error")
    assert buffer["volume"] == "pvc-1000aaaa"  # sdb -> session 7
    conn = next(e for e in events if e["connection"] == "7:0")
    assert conn["volume"] == "pvc-1000aaaa"  # connection 7:0 -> session 7
    (src,) = [s for s in doc["sources"] if s["path"] == str(dmesg)]
    assert src["host_from"].startswith(f"iscsiadm listing {listing}")
    cov = {(c["kind"], c["scope"]): c["state"] for c in doc["coverage"]}
    assert cov[("iscsiadm", "hv-2")] == "full" and cov[("events", "hv-2")] == "full"


def test_a_listing_without_a_prompt_takes_its_host_from_the_argument(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    dmesg = _dmesg(tmp_path / "evidence" / "dmesg.txt")
    listing = write_lines(tmp_path / "sessions.txt", [iscsiadm_p3(None, [(7, "pvc-1000aaaa", 6, "sdb")])])
    doc = observe(capsys, snap, dmesg, "--iscsiadm", f"hv-2={listing}")
    assert {e["host"] for e in doc["events"]} == {"hv-2"}


def test_a_hostless_file_nobody_can_place_is_a_finding(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    dmesg = _dmesg(tmp_path / "evidence" / "dmesg.txt")
    observe(capsys, snap, _quiet_rack(tmp_path), dmesg)
    code, doc = validate(capsys, "--inventory", _rack(tmp_path), "--observed", snap)
    (nohost,) = [f for f in by_rule(doc)["HIAC-EVIDENCE-002"] if f["severity"] == "warning"]
    assert "3 event(s) in 1 file(s) name no host" in nohost["message"]
    unknowns = {u["resource"]: u["reason"] for u in rule_status(doc)["HIAC-HEALTH-001"]["unknowns"]}
    assert "host/hv-2" in unknowns and "whose logs were not observed" in unknowns["host/hv-2"]
    code, doc = validate(capsys, "--inventory", _rack(tmp_path), "--observed", snap, "--require-observed")
    assert code == 1


def test_longhorn_node_names_resolve_through_aliases(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Longhorn calls the nodes ``harvester-hv-N``; the inventory lists those as aliases."""
    from tests.coverage._evidence import Vol, kubectl_list, node_obj, replica_obj
    from tests.coverage.test_three_hosts_one_flaps import DISK, HOSTS, MASTERS

    vols = [Vol(f"pvc-{i}000aaaa", f"{m}-root-k2j4x", vm=m, replicas=3, node=f"harvester-{h}")
            for i, (m, h) in enumerate(zip(MASTERS, HOSTS, strict=True))]
    objects = [v.obj() for v in vols] + [node_obj(f"harvester-{h}", {"nvme0": DISK}) for h in HOSTS]
    objects += [replica_obj(f"{v.name}-r-{h}", v.name, f"harvester-{h}", DISK) for v in vols for h in HOSTS]
    lh = write_lines(tmp_path / "lh.yaml", [kubectl_list(*objects)])
    logs = tmp_path / "logs"
    for h in HOSTS:
        quiet_host(logs, h)
    snap = tmp_path / "s.json"
    observe(capsys, snap, logs, "--longhorn", lh)
    inv = tmp_path / "rack.yaml"
    text = RACK
    for h in HOSTS:
        text = text.replace(f"  - name: {h}\n", f"  - name: {h}\n    aliases: [harvester-{h}]\n")
    inv.write_text(text)
    code, doc = validate(capsys, "--inventory", inv, "--observed", snap)
    assert code == 0
    status = rule_status(doc)
    assert status["HIAC-HEALTH-003"]["status"] == "passed"  # every disk found on its aliased node
    assert "3 from observed Longhorn replicas" in doc["placement"]
    assert status["HIAC-PLACEMENT-001"]["status"] == "passed"


def test_validate_logs_applies_the_folder_convention(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``validate --logs DIR`` scans now: a host-less dmesg file in DIR/hv-2/ is hv-2's."""
    logs = _quiet_rack(tmp_path)
    _dmesg(logs / "hv-2" / "dmesg.txt")
    code, doc = validate(capsys, "--inventory", _rack(tmp_path), "--logs", logs, "--tz", "America/Los_Angeles")
    assert code == 1
    (health,) = by_rule(doc)["HIAC-HEALTH-001"]
    assert health["resources"][0] == "host/hv-2"
    assert "HIAC-EVIDENCE-002" not in by_rule(doc)  # the host came with the scan, not guessed later


def test_the_incident_with_fqdn_hosts_joins_and_fails_the_gate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The committed incident evidence with its syslog host written ``altra.lan``: the
    iscsiadm listing (prompt ``altra``) still joins its lines to volumes, and the gate fails."""
    import shutil

    from tests.coverage._run import REPO

    root = tmp_path / "incident"
    shutil.copytree(REPO / "examples" / "observed" / "incident", root)
    for log in (root / "logs" / "altra").iterdir():
        log.write_text(log.read_text().replace(" altra ", " altra.lan "))
    snap = tmp_path / "s.json"
    doc = observe(capsys, snap, root / "logs", "--iscsiadm", root / "iscsiadm" / "altra-iscsiadm-session-P3.txt",
                  "--longhorn", root / "longhorn")
    fqdn = [e for e in doc["events"] if e["host"] == "altra.lan"]
    assert fqdn and any(e["volume"] and "iscsiadm" in e["extra"].get("joined_by", "") for e in fqdn)
    code, report = validate(capsys, "--inventory", BEFORE, "--observed", snap)
    assert code == 1 and by_rule(report)["HIAC-PLACEMENT-001"][0]["severity"] == "error"


def test_observe_with_an_inventory_names_files_by_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = tmp_path / "s.json"
    dmesg = _dmesg(tmp_path / "evidence" / "hv-2-dmesg.txt")
    doc = observe(capsys, snap, dmesg, "--inventory", _rack(tmp_path))
    (src,) = doc["sources"]
    assert src["hosts"] == ["hv-2"] and src["host_from"] == "file name hv-2-dmesg.txt, an inventory name"
    assert main_exit(capsys, ["observe", str(dmesg), "--inventory", str(tmp_path / "absent.yaml")]) == 2


def main_exit(capsys: pytest.CaptureFixture[str], argv: list[str]) -> int:
    from harvester_iac.cli import main

    code = main(argv)
    capsys.readouterr()
    return code
