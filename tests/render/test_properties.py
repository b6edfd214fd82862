"""Properties over generated disks: rendered YAML reads back as the manifest, and validates."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.model import DiskType, Host, Inventory, Longhorn, LonghornDisk, Size
from harvester_iac.render import VENDORED_LONGHORN_VERSIONS, node_disk_manifest, render_inventory, validate_manifest

_label = st.from_regex(r"\A[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?\Z")
_tag = st.from_regex(r"\A[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?\Z")
# paths with YAML-significant characters: quoting must keep them intact
_path = (
    st.text(alphabet="abcXYZ019 -_.:#&*!|>'\"%@`{}[],?", min_size=1, max_size=20)
    .filter(lambda s: s.strip(".") != "")  # "." and ".." would clean into another disk's path
    .map(lambda s: "/" + s)
)


@st.composite
def _disks(draw: st.DrawFn) -> tuple[LonghornDisk, ...]:
    names = draw(st.lists(_label, min_size=1, max_size=4, unique=True))
    paths = draw(st.lists(_path, min_size=len(names), max_size=len(names), unique=True))
    out = []
    for name, path in zip(names, paths, strict=True):
        evict = draw(st.booleans())
        out.append(LonghornDisk(
            name=name, path=f"/mnt/{name}{path}",
            disk_type=DiskType.FILESYSTEM,
            storage_reserved=Size(draw(st.integers(min_value=0, max_value=2**63 - 1))),
            allow_scheduling=not evict and draw(st.booleans()),
            eviction_requested=evict,
            tags=tuple(draw(st.lists(_tag, max_size=3, unique=True))),
        ))
    return tuple(out)


@settings(max_examples=60, deadline=None)
@given(disks=_disks(), host=_label)
def test_rendered_node_reads_back_and_validates(disks: tuple[LonghornDisk, ...], host: str) -> None:
    inv = Inventory(name="prop", hosts=(Host(name=host, address="10.0.0.1", disks=disks),))
    manifest = node_disk_manifest(inv.hosts[0], Longhorn())
    assert manifest is not None
    for version in VENDORED_LONGHORN_VERSIONS:
        assert validate_manifest(manifest, longhorn_version=version) == []
    (f,) = render_inventory(inv)
    docs = [d for d in yaml.safe_load_all(f.content) if d is not None]
    assert docs == [manifest.to_dict()]
    assert render_inventory(inv) == (f,)
