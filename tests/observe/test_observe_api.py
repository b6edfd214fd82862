"""The public surface of ``harvester_iac.observe`` is pinned: changing it is deliberate."""

from __future__ import annotations

import harvester_iac.observe as observe

EXPECTED = [
    "ETCD_KINDS",
    "LONGHORN_IQN_PREFIX",
    "STORAGE_KINDS",
    "AntiAffinity",
    "Coverage",
    "CoverageState",
    "DataLocality",
    "DiskSummary",
    "DiskType",
    "Event",
    "EventCounts",
    "EventKind",
    "EvidenceKind",
    "HealthSnapshot",
    "HostSummary",
    "IscsiSession",
    "LiveOptions",
    "LonghornCondition",
    "LonghornDisk",
    "LonghornEngine",
    "LonghornNode",
    "LonghornReplica",
    "LonghornSetting",
    "LonghornState",
    "LonghornVolume",
    "MappingRow",
    "MasterSummary",
    "MetricName",
    "MetricSample",
    "PrometheusMetrics",
    "Robustness",
    "ScanOptions",
    "ScanResult",
    "ScsiDevice",
    "SessionMap",
    "SourceKind",
    "SourceState",
    "SourceStatus",
    "Summaries",
    "TimeWindow",
    "VolumeLink",
    "VolumeRobustnessSample",
    "VolumeSummary",
    "Workload",
    "attribute_hosts",
    "base_disk",
    "build_snapshot",
    "coverage_line",
    "coverage_of",
    "decode_robustness",
    "dumps_snapshot",
    "format_summary",
    "join_volumes",
    "load_snapshot",
    "longhorn_volume_from_iqn",
    "parse_iscsiadm",
    "parse_longhorn_text",
    "parse_snapshot",
    "query_prometheus",
    "read_iscsiadm",
    "read_longhorn_files",
    "read_longhorn_live",
    "root_volume",
    "scan_logs",
    "snapshot_schema",
    "snapshot_to_dict",
    "summarize",
    "vm_name_of",
    "vm_volumes",
    "volume_link",
    "write_snapshot",
]


def test_all_is_pinned_and_sorted() -> None:
    assert observe.__all__ == EXPECTED
    assert observe.__all__ == sorted(observe.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))


def test_every_public_name_exists_and_the_package_imports_light() -> None:
    import subprocess
    import sys

    for name in observe.__all__:
        assert hasattr(observe, name), name
    heavy = ("kubernetes", "jsonschema", "matplotlib", "hyperscan", "cdktf", "jsii")
    code = (
        "import sys, harvester_iac.observe;"
        f"heavy = sorted(m for m in {heavy!r} if m in sys.modules);"
        "print(heavy); raise SystemExit(1 if heavy else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
