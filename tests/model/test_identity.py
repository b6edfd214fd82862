"""Host identity: short name vs FQDN, aliases, addresses, masters, and the path convention."""

from __future__ import annotations

import pytest

from harvester_iac.errors import InventoryError
from harvester_iac.model import HostMatcher, MachineKind, parse_inventory

SITE = """\
apiVersion: harvester-iac/v1
kind: Inventory
metadata: {name: site}
hosts:
  - name: altra
    address: 192.168.1.85
  - name: hv-2
    address: 10.0.0.2
    aliases: [hv-2.dc1.example.com, oldname, harvester-node-2]
  - name: hv-3.dc1.example.com
    address: 10.0.0.3
storageClasses:
  - {name: sc, numberOfReplicas: 1}
controlPlane:
  masters:
    - name: kube-master-00
      address: 192.168.1.150
      host: altra
      rootVolume: {name: root, size: 10Gi, storageClass: sc}
"""


@pytest.fixture(scope="module")
def matcher() -> HostMatcher:
    return HostMatcher(parse_inventory(SITE))


@pytest.mark.parametrize(("name", "host", "via"), [
    ("altra", "altra", "name"),
    ("ALTRA", "altra", "name"),
    ("altra.lan", "altra", "short name of altra.lan"),
    ("altra.lan.", "altra", "short name of altra.lan"),
    ("192.168.1.85", "altra", "address"),
    ("oldname", "hv-2", "alias oldname"),
    ("harvester-node-2", "hv-2", "alias harvester-node-2"),
    ("hv-2.dc1.example.com", "hv-2", "alias hv-2.dc1.example.com"),
    ("hv-2.other.example", "hv-2", "short name of hv-2.other.example"),
    ("hv-3", "hv-3.dc1.example.com", "short name hv-3 of a known FQDN"),
])
def test_hosts_resolve(matcher: HostMatcher, name: str, host: str, via: str) -> None:
    found = matcher.resolve(name)
    assert found is not None and found.name == host and found.via == via
    assert found.kind is MachineKind.HOST and matcher.host(name) == host


@pytest.mark.parametrize("name", ["altra2", "hv-4.dc1.example.com", "192.168.1.86", "", None,
                                  "192.168.1"])
def test_unknown_names_resolve_to_nothing(matcher: HostMatcher, name: str | None) -> None:
    assert matcher.resolve(name) is None


def test_masters_are_known_but_not_hosts(matcher: HostMatcher) -> None:
    found = matcher.resolve("kube-master-00.lan")
    assert found is not None and found.kind is MachineKind.MASTER and found.name == "kube-master-00"
    assert matcher.host("kube-master-00") is None
    assert matcher.resolve("192.168.1.150") == found.__class__(MachineKind.MASTER, "kube-master-00", "address")


def test_a_shared_short_name_is_ambiguous() -> None:
    m = HostMatcher.of_names(["node.a.example", "node.b.example"])
    assert m.resolve("node") is None
    assert m.resolve("node.a.example") is not None


@pytest.mark.parametrize(("path", "name", "via"), [
    ("evidence/altra/dmesg.txt", "altra", "folder altra"),
    ("evidence/altra.lan/dmesg.txt", "altra", "folder altra.lan"),
    ("evidence/altra-dmesg.txt", "altra", "file name altra-dmesg.txt"),
    ("evidence/altra_kern.log", "altra", "file name altra_kern.log"),
    ("evidence/altra.log", "altra", "file name altra.log"),
    ("kube-master-00-k3s.log", "kube-master-00", "file name kube-master-00-k3s.log"),
    ("/srv/oldname/kern.log.1", "hv-2", "folder oldname"),
    ("hv-2/altra-dmesg.txt", "altra", "file name altra-dmesg.txt"),
])
def test_path_convention(matcher: HostMatcher, path: str, name: str, via: str) -> None:
    found = matcher.from_path(path)
    assert found is not None and (found.name, found.via) == (name, via)


@pytest.mark.parametrize("path", ["logs/dmesg.txt", "altrax-dmesg.txt", "var/log/kern.log"])
def test_paths_without_a_known_name(matcher: HostMatcher, path: str) -> None:
    assert matcher.from_path(path) is None


def test_aliases_load_and_must_be_unique() -> None:
    inv = parse_inventory(SITE)
    assert inv.hosts[1].aliases == ("hv-2.dc1.example.com", "oldname", "harvester-node-2")
    clash = SITE.replace("aliases: [hv-2.dc1.example.com, oldname, harvester-node-2]",
                         "aliases: [ALTRA]")
    with pytest.raises(InventoryError) as err:
        parse_inventory(clash, file="site.yaml")
    text = str(err.value)
    assert "site.yaml:9" in text and "/hosts/1/aliases/0" in text and "alias" in text


def test_aliases_are_checked_by_the_schema() -> None:
    bad = SITE.replace("aliases: [hv-2.dc1.example.com, oldname, harvester-node-2]", "aliases: oldname")
    with pytest.raises(InventoryError) as err:
        parse_inventory(bad, file="site.yaml")
    assert "/hosts/1/aliases" in str(err.value) and "a list" in str(err.value)
