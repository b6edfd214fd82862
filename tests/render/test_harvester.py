"""node-disk-manager BlockDevice manifests and their names."""

from __future__ import annotations

from harvester_iac.model import BlockDevice, Host, is_dns1123_subdomain
from harvester_iac.render import block_device_manifests, block_device_name


def _host(*devices: BlockDevice, name: str = "hv-1") -> Host:
    return Host(name=name, address="10.20.0.11", block_devices=devices)


def test_defaults() -> None:
    (m,) = block_device_manifests(_host(BlockDevice(dev_path="/dev/nvme0n1")))
    assert (m.api_version, m.kind, m.name, m.namespace) == (
        "harvesterhci.io/v1beta1", "BlockDevice", "hv-1-nvme0n1", "longhorn-system")
    body = m.to_dict()
    assert list(body) == ["apiVersion", "kind", "metadata", "spec"]
    assert body["spec"] == {
        "devPath": "/dev/nvme0n1",
        "fileSystem": {"forceFormatted": False, "mountPoint": "", "provisioned": True},
        "nodeName": "hv-1",
        "provision": True,
        "provisioner": {"longhorn": {"engineVersion": "LonghornV1"}},
        "tags": [],
    }
    assert body["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "harvester-iac"}


def test_custom() -> None:
    devices = (
        BlockDevice(dev_path="/dev/sdb", name="1b805b97eb5aa724e6be30cbdb373d04", tags=("hdd", "bulk"),
                    force_formatted=True),
        BlockDevice(dev_path="/dev/sdc"),
    )
    a, b = block_device_manifests(_host(*devices))
    assert a.name == "1b805b97eb5aa724e6be30cbdb373d04"
    assert a.to_dict()["spec"]["fileSystem"]["forceFormatted"] is True
    assert a.to_dict()["spec"]["tags"] == ["hdd", "bulk"]
    assert b.name == "hv-1-sdc"


def test_no_devices_no_manifests() -> None:
    assert block_device_manifests(_host()) == ()


def test_derived_names_are_stable_and_valid() -> None:
    host = _host()
    by_id = BlockDevice(dev_path="/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNX0T123456")
    name = block_device_name(host, by_id)
    assert name == block_device_name(_host(), BlockDevice(dev_path=by_id.dev_path, tags=("x",)))
    assert is_dns1123_subdomain(name) and len(name) <= 63
    assert name.startswith("hv-1-disk-by-id-nvme-samsung")
    # two paths that spell the same once lower-cased still get two names
    other = BlockDevice(dev_path="/dev/disk/by-id/nvme-samsung_ssd_980_pro_1tb_s5gxnx0t123456")
    assert block_device_name(host, other) != name
    # the host is part of the name: one namespace holds every host's BlockDevices
    assert block_device_name(_host(name="hv-2"), BlockDevice(dev_path="/dev/sdb")) == "hv-2-sdb"


def test_long_names_are_shortened_with_a_hash() -> None:
    host = _host(name="a-very-long-harvester-host-name-in-the-rack")
    name = block_device_name(host, BlockDevice(dev_path="/dev/disk/by-path/pci-0000-00-1f-2-ata-1"))
    assert len(name) <= 63 and is_dns1123_subdomain(name)
