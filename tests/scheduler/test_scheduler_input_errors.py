"""Bad case files: a located ``SnapshotError`` from the library, exit 2 and one paragraph from the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from harvester_iac.errors import SnapshotError
from harvester_iac.scheduler import load_case, parse_case
from tests.scheduler._cases import REFERENCE_CASES

GOOD = json.loads(REFERENCE_CASES[0].read_text())


def _write(tmp_path: Path, data: object | str | bytes) -> Path:
    path = tmp_path / "case.json"
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data)
    else:
        path.write_text(json.dumps(data))
    return path


def _mutate(pointer: list[str | int], value: object) -> dict[str, object]:
    doc = json.loads(json.dumps(GOOD))
    target = doc
    for key in pointer[:-1]:
        target = target[key]
    target[pointer[-1]] = value
    return doc  # type: ignore[no-any-return]


CASES: list[tuple[str, object, str, str]] = [
    # (id, document or raw text, expected "where", fragment of the message)
    ("malformed", '{"nodes": [\n  {"name": "a",}]}', "2:16", "invalid JSON"),
    ("not-an-object", "[1, 2]", "/", "must be a JSON object"),
    ("unknown-top-key", _mutate(["shedule"], 2), "/shedule", 'did you mean "schedule"?'),
    ("unknown-node-key", _mutate(["nodes", 0, "disk"], []), "/nodes/0/disk", 'did you mean "disks"?'),
    ("unknown-disk-key", _mutate(["nodes", 0, "disks", 0, "storageMax"], 1),
     "/nodes/0/disks/0/storageMax", 'did you mean "storageMaximum"?'),
    ("string-for-int", _mutate(["nodes", 0, "disks", 0, "storageMaximum"], "5G"),
     "/nodes/0/disks/0/storageMaximum", "expected an integer"),
    ("bool-for-int", _mutate(["schedule"], True), "/schedule", "expected an integer"),
    ("int-for-bool", _mutate(["nodes", 0, "ready"], 1), "/nodes/0/ready", "expected true or false"),
    ("negative-size", _mutate(["volume", "size"], -1), "/volume/size", "from 0"),
    ("too-many-replicas", _mutate(["volume", "numberOfReplicas"], 21),
     "/volume/numberOfReplicas", "from 1 to 20"),
    ("bad-enum", _mutate(["volume", "dataLocality"], "strict_local"), "/volume/dataLocality",
     'did you mean "strict-local"?'),
    ("bad-override", _mutate(["volume", "replicaSoftAntiAffinity"], "on"),
     "/volume/replicaSoftAntiAffinity", "ignored, enabled, disabled"),
    ("bad-version", _mutate(["longhornVersion"], "1.8"), "/longhornVersion", "1.9, 1.10, 1.11 or 1.12"),
    ("bad-time", _mutate(["now"], "yesterday"), "/now", "not an RFC 3339 time"),
    ("naive-time", _mutate(["now"], "2015-01-02T00:00:00"), "/now", "time zone"),
    ("tags-not-strings", _mutate(["nodes", 0, "tags"], [1]), "/nodes/0/tags/0", "expected a string"),
    ("nodes-not-list", _mutate(["nodes"], {"n1": {}}), "/nodes", "expected an array"),
    ("node-name-null", _mutate(["nodes", 0, "name"], None), "/nodes/0/name", "expected a string"),
    ("node-without-name", {"nodes": [{"zone": "z1"}]}, "/nodes/0", 'a node needs a "name"'),
    ("duplicate-node", _mutate(["nodes", 1, "name"], "n1"), "/nodes/1/name", 'duplicate node name "n1"'),
    ("replica-disk-without-node", _mutate(["replicas"], [{"name": "r", "disk": "d1"}]),
     "/replicas/0/disk", "needs a node"),
    ("expect-disk-format", _mutate(["expect", "disks"], ["n1-d1"]), "/expect/disks/0", '"node/disk", for example'),
    ("too-many-named", _mutate(["newReplicaNodes"], ["n1", "n1", "n1"]), "/newReplicaNodes",
     "at most 2"),
    ("percent-too-big", _mutate(["settings", "storageMinimalAvailablePercentage"], 101),
     "/settings/storageMinimalAvailablePercentage", "0 to 100"),
    ("huge-int", _mutate(["volume", "size"], 2**64), "/volume/size", "expected an integer"),
]


@pytest.mark.parametrize(("doc", "where", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_case_is_located(tmp_path: Path, doc: object, where: str, fragment: str) -> None:
    path = _write(tmp_path, doc)
    with pytest.raises(SnapshotError) as info:
        load_case(path)
    err = info.value
    assert err.file == str(path)
    assert err.where == where
    assert fragment in str(err)


@pytest.mark.parametrize(("doc", "where", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_case_exits_2(tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]],
                          doc: object, where: str, fragment: str) -> None:
    path = _write(tmp_path, doc)
    code, out, err = run_cli("simulate", str(path), "--format", "json")
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and f"{path}:{where}" in err and fragment in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"\xff\xfe{}", "invalid UTF-8"),
        (b"", "invalid JSON"),
        ('{"schedule": 1, "schedule": 2}', 'duplicate key "schedule"'),
        ('{"schedule": NaN}', "NaN is not accepted"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
    ids=["binary", "empty", "duplicate-key", "nan", "deep"],
)
def test_unreadable_json(tmp_path: Path, content: str | bytes, fragment: str) -> None:
    with pytest.raises(SnapshotError, match=fragment):
        load_case(_write(tmp_path, content))


def test_missing_file_and_directory(tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    with pytest.raises(SnapshotError, match="file not found"):
        load_case(tmp_path / "absent.json")
    with pytest.raises(SnapshotError, match="directory"):
        load_case(tmp_path)
    code, out, err = run_cli("simulate", str(tmp_path / "absent.json"))
    assert code == 2 and out == "" and "absent.json" in err and "file not found" in err


def test_usage_error_exits_2(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    with pytest.raises(SystemExit) as info:
        run_cli("simulate", str(REFERENCE_CASES[0]), "--format", "yaml")
    assert info.value.code == 2


def test_defaults_when_keys_are_left_out() -> None:
    case = parse_case({"nodes": [{"name": "n1", "disks": [{"name": "d1"}]}], "volume": {"size": 10}})
    node = case.cluster.nodes[0]
    assert node.ready and node.schedulable and node.allow_scheduling and node.zone == ""
    disk = node.disks[0]
    assert disk.allow_scheduling and disk.schedulable and not disk.eviction_requested
    assert disk.storage_maximum_bytes == 0
    assert case.settings.replica_zone_soft_anti_affinity and not case.settings.replica_soft_anti_affinity
    assert case.settings.storage_minimal_available_percentage == 25
    assert case.volume.number_of_replicas == 3
    assert case.schedule == 3  # what the volume lacks
    assert str(case.version) == "1.12"
