"""A renamed field keeps its snapshot member: Python says ``storage_maximum_bytes``, the
snapshot (a contract) still says ``storage_maximum``, on the encoder and both decoders."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from harvester_iac.core import Located, SnapshotError
from harvester_iac.observe import LonghornDisk, _snapshot, build_snapshot, read_longhorn_files, snapshot_to_dict
from harvester_iac.observe._decoders import Bail, decoder_of
from harvester_iac.observe._encoders import snapshot_key
from tests.observe._paths import INCIDENT_LONGHORN

_MEMBERS = {
    "storage_maximum_bytes": "storage_maximum",
    "storage_available_bytes": "storage_available",
    "storage_reserved_bytes": "storage_reserved",
    "storage_scheduled_bytes": "storage_scheduled",
    "scheduled_replica_bytes": "scheduled_replicas",
}


def _disk_and_doc() -> tuple[LonghornDisk, dict[str, Any]]:
    state, _ = read_longhorn_files(INCIDENT_LONGHORN)
    snap = build_snapshot(collected_at=datetime(2026, 1, 1, tzinfo=UTC), sources=(), events=(),
                          longhorn=state)
    disk = state.nodes[0].disks[0]
    doc: dict[str, Any] = snapshot_to_dict(snap)["longhorn"]["nodes"][0]["disks"][0]
    return disk, doc


def test_renamed_fields_name_their_snapshot_member() -> None:
    keys = {f.name: snapshot_key(f) for f in dataclasses.fields(LonghornDisk)}
    assert {k: v for k, v in keys.items() if k != v} == _MEMBERS


def test_encoder_writes_the_contract_members() -> None:
    disk, doc = _disk_and_doc()
    assert disk.storage_maximum_bytes and disk.scheduled_replica_bytes
    assert doc["storage_maximum"] == disk.storage_maximum_bytes
    assert doc["scheduled_replicas"] == dict(disk.scheduled_replica_bytes)
    assert not [k for k in doc if k.endswith("_bytes")]


def test_fast_and_located_decoders_read_the_contract_members(monkeypatch: pytest.MonkeyPatch) -> None:
    disk, doc = _disk_and_doc()
    assert decoder_of(LonghornDisk)(doc) == disk

    def bail(cls: type) -> Any:
        def decode(value: Any) -> Any:
            raise Bail
        return decode

    monkeypatch.setattr(_snapshot, "decoder_of", bail)  # the located path, field by field
    assert _snapshot._decode_dataclass(LonghornDisk, Located(doc, "snap.json", "/d")) == disk
    with pytest.raises(SnapshotError) as info:
        _snapshot._decode_dataclass(LonghornDisk, Located({**doc, "storage_maximum": "lots"},
                                                          "snap.json", "/d"))
    assert info.value.where == "/d/storage_maximum"
