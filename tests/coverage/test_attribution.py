"""Which rule gives a host-less file its host, in order (``observe.attribute_hosts``)."""

from __future__ import annotations

from pathlib import Path

from harvester_iac.observe import ScanOptions, attribute_hosts, parse_iscsiadm, scan_logs
from tests.coverage._evidence import OFFLINE, at, dmesg_t, iscsiadm_p3, short_iso, write_lines


def test_order_host_path_then_host_then_folder_then_listing(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    a = write_lines(root / "hv-1" / "dmesg.txt", [dmesg_t(at(0), OFFLINE[1].format(h=6))])
    b = write_lines(root / "hv-1" / "dmesg.1", [dmesg_t(at(1), OFFLINE[1].format(h=6))])
    c = write_lines(tmp_path / "loose" / "dmesg.txt", [dmesg_t(at(2), OFFLINE[1].format(h=6))])
    named = write_lines(root / "hv-1" / "kern.log",
                        [short_iso("hv-9", at(3), "kernel", OFFLINE[1].format(h=6))])
    listing = parse_iscsiadm(iscsiadm_p3("hv-3", [(7, "pvc-x", 6, "sdb")]), file="hv3.txt")
    result = scan_logs([root, c.parent], ScanOptions(tz="America/Los_Angeles"))
    events, sources = attribute_hosts(result.events, result.sources, by_path=[("hv-2", str(a))],
                                      roots=[str(root)], maps=[listing])
    host = {e.file: e.host for e in events}
    how = {s.location: (s.hosts, s.host_from) for s in sources}
    assert host[str(a)] == "hv-2" and how[str(a)] == (("hv-2",), f"hv-2={a} argument")
    assert host[str(b)] == "hv-1" and how[str(b)][1] == f"folder hv-1 under {root}"
    assert host[str(c)] == "hv-3" and how[str(c)][1] == "iscsiadm listing hv3.txt (SCSI host 6 of host hv-3)"
    assert host[str(named)] == "hv-9" and how[str(named)] == (("hv-9",), None)  # lines name their host
    events, sources = attribute_hosts(result.events, result.sources, by_path=[("hv-2", str(a))],
                                      default="hv-5", roots=[str(root)], maps=[listing])
    host = {e.file: e.host for e in events}
    assert (host[str(a)], host[str(b)], host[str(c)]) == ("hv-2", "hv-5", "hv-5")
