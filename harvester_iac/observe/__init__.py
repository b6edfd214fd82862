"""Observe what the storage and the control plane actually do.

Readers for host logs (events, :func:`scan_logs`), ``iscsiadm`` session listings, Longhorn's objects (files or
live), and Prometheus; the join of events to Longhorn volumes; and the health snapshot
that ``validate``, ``preview`` and ``incident`` read (:func:`load_snapshot`).

Names load on first use (PEP 562), so ``import harvester_iac.observe`` costs almost
nothing: ``validate`` pays only for the snapshot reader, ``observe`` for the scanner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harvester_iac._lazy import lazy_exports

if TYPE_CHECKING:
    from harvester_iac.observe._chain import VolumeLink, root_volume, vm_volumes, volume_link
    from harvester_iac.observe._coverage import (
        Coverage,
        CoverageState,
        EvidenceKind,
        coverage_line,
        coverage_of,
    )
    from harvester_iac.observe._devices import LONGHORN_IQN_PREFIX, base_disk, longhorn_volume_from_iqn
    from harvester_iac.observe._hosts import attribute_hosts
    from harvester_iac.observe._iscsiadm import (
        IscsiSession,
        MappingRow,
        ScsiDevice,
        SessionMap,
        parse_iscsiadm,
        read_iscsiadm,
    )
    from harvester_iac.observe._join import join_volumes
    from harvester_iac.observe._prometheus import (
        MetricName,
        MetricSample,
        PrometheusMetrics,
        VolumeRobustnessSample,
        decode_robustness,
        query_prometheus,
    )
    from harvester_iac.observe._snapshot import (
        HealthSnapshot,
        TimeWindow,
        build_snapshot,
        dumps_snapshot,
        load_snapshot,
        parse_snapshot,
        snapshot_schema,
        snapshot_to_dict,
        write_snapshot,
    )
    from harvester_iac.observe._source import SourceKind, SourceState, SourceStatus
    from harvester_iac.observe._summary import (
        DiskSummary,
        EventCounts,
        HostSummary,
        MasterSummary,
        Summaries,
        VolumeSummary,
        summarize,
    )
    from harvester_iac.observe._text import format_summary
    from harvester_iac.observe.logs._event import ETCD_KINDS, STORAGE_KINDS, Event, EventKind
    from harvester_iac.observe.logs._scan import ScanOptions, ScanResult, scan_logs
    from harvester_iac.observe.longhorn._files import parse_longhorn_text, read_longhorn_files
    from harvester_iac.observe.longhorn._live import LiveOptions, read_longhorn_live
    from harvester_iac.observe.longhorn._objects import (
        AntiAffinity,
        DataLocality,
        DiskType,
        LonghornCondition,
        LonghornDisk,
        LonghornEngine,
        LonghornNode,
        LonghornReplica,
        LonghornSetting,
        LonghornState,
        LonghornVolume,
        Robustness,
        Workload,
        vm_name_of,
    )

_HOME: dict[str, str] = {
    "Coverage": "harvester_iac.observe._coverage",
    "CoverageState": "harvester_iac.observe._coverage",
    "EvidenceKind": "harvester_iac.observe._coverage",
    "coverage_line": "harvester_iac.observe._coverage",
    "coverage_of": "harvester_iac.observe._coverage",
    "attribute_hosts": "harvester_iac.observe._hosts",
    "VolumeLink": "harvester_iac.observe._chain",
    "root_volume": "harvester_iac.observe._chain",
    "vm_volumes": "harvester_iac.observe._chain",
    "volume_link": "harvester_iac.observe._chain",
    "AntiAffinity": "harvester_iac.observe.longhorn._objects",
    "DataLocality": "harvester_iac.observe.longhorn._objects",
    "DiskSummary": "harvester_iac.observe._summary",
    "DiskType": "harvester_iac.observe.longhorn._objects",
    "ETCD_KINDS": "harvester_iac.observe.logs._event",
    "Event": "harvester_iac.observe.logs._event",
    "EventCounts": "harvester_iac.observe._summary",
    "EventKind": "harvester_iac.observe.logs._event",
    "HealthSnapshot": "harvester_iac.observe._snapshot",
    "HostSummary": "harvester_iac.observe._summary",
    "IscsiSession": "harvester_iac.observe._iscsiadm",
    "LONGHORN_IQN_PREFIX": "harvester_iac.observe._devices",
    "LiveOptions": "harvester_iac.observe.longhorn._live",
    "LonghornCondition": "harvester_iac.observe.longhorn._objects",
    "LonghornDisk": "harvester_iac.observe.longhorn._objects",
    "LonghornEngine": "harvester_iac.observe.longhorn._objects",
    "LonghornNode": "harvester_iac.observe.longhorn._objects",
    "LonghornReplica": "harvester_iac.observe.longhorn._objects",
    "LonghornSetting": "harvester_iac.observe.longhorn._objects",
    "LonghornState": "harvester_iac.observe.longhorn._objects",
    "LonghornVolume": "harvester_iac.observe.longhorn._objects",
    "MappingRow": "harvester_iac.observe._iscsiadm",
    "MasterSummary": "harvester_iac.observe._summary",
    "MetricName": "harvester_iac.observe._prometheus",
    "MetricSample": "harvester_iac.observe._prometheus",
    "PrometheusMetrics": "harvester_iac.observe._prometheus",
    "Robustness": "harvester_iac.observe.longhorn._objects",
    "STORAGE_KINDS": "harvester_iac.observe.logs._event",
    "ScanOptions": "harvester_iac.observe.logs._scan",
    "ScanResult": "harvester_iac.observe.logs._scan",
    "ScsiDevice": "harvester_iac.observe._iscsiadm",
    "SessionMap": "harvester_iac.observe._iscsiadm",
    "SourceKind": "harvester_iac.observe._source",
    "SourceState": "harvester_iac.observe._source",
    "SourceStatus": "harvester_iac.observe._source",
    "Summaries": "harvester_iac.observe._summary",
    "TimeWindow": "harvester_iac.observe._snapshot",
    "VolumeRobustnessSample": "harvester_iac.observe._prometheus",
    "VolumeSummary": "harvester_iac.observe._summary",
    "Workload": "harvester_iac.observe.longhorn._objects",
    "base_disk": "harvester_iac.observe._devices",
    "build_snapshot": "harvester_iac.observe._snapshot",
    "decode_robustness": "harvester_iac.observe._prometheus",
    "dumps_snapshot": "harvester_iac.observe._snapshot",
    "format_summary": "harvester_iac.observe._text",
    "join_volumes": "harvester_iac.observe._join",
    "load_snapshot": "harvester_iac.observe._snapshot",
    "longhorn_volume_from_iqn": "harvester_iac.observe._devices",
    "parse_iscsiadm": "harvester_iac.observe._iscsiadm",
    "parse_longhorn_text": "harvester_iac.observe.longhorn._files",
    "parse_snapshot": "harvester_iac.observe._snapshot",
    "query_prometheus": "harvester_iac.observe._prometheus",
    "read_iscsiadm": "harvester_iac.observe._iscsiadm",
    "read_longhorn_files": "harvester_iac.observe.longhorn._files",
    "read_longhorn_live": "harvester_iac.observe.longhorn._live",
    "scan_logs": "harvester_iac.observe.logs._scan",
    "snapshot_schema": "harvester_iac.observe._snapshot",
    "snapshot_to_dict": "harvester_iac.observe._snapshot",
    "summarize": "harvester_iac.observe._summary",
    "vm_name_of": "harvester_iac.observe.longhorn._objects",
    "write_snapshot": "harvester_iac.observe._snapshot",
}

__all__ = [
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


__getattr__, __dir__ = lazy_exports(__name__, _HOME)
