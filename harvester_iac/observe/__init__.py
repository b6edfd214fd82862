"""Observe what the storage and the control plane actually do.

Readers for host logs (events, :func:`scan_logs`), ``iscsiadm`` session listings, Longhorn's objects (files or
live), and Prometheus; the join of events to Longhorn volumes; and the health snapshot
that ``validate``, ``preview`` and ``incident`` read (:func:`load_snapshot`).
"""

from harvester_iac.observe._event import ETCD_KINDS, STORAGE_KINDS, Event, EventKind
from harvester_iac.observe._iscsiadm import (
    LONGHORN_IQN_PREFIX,
    IscsiSession,
    MappingRow,
    ScsiDevice,
    SessionMap,
    base_disk,
    longhorn_volume_from_iqn,
    parse_iscsiadm,
    read_iscsiadm,
)
from harvester_iac.observe._join import join_volumes
from harvester_iac.observe._longhorn import (
    AntiAffinityOverride,
    DataLocality,
    DiskType,
    LonghornCondition,
    LonghornDisk,
    LonghornNode,
    LonghornReplica,
    LonghornSetting,
    LonghornState,
    LonghornVolume,
    Robustness,
    Workload,
    vm_name_of,
)
from harvester_iac.observe._longhorn_files import parse_longhorn_text, read_longhorn_files
from harvester_iac.observe._longhorn_live import LiveOptions, read_longhorn_live
from harvester_iac.observe._prometheus import (
    MetricName,
    MetricSample,
    PrometheusMetrics,
    VolumeRobustnessSample,
    decode_robustness,
    query_prometheus,
)
from harvester_iac.observe._scan import ScanOptions, ScanResult, scan_logs
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

__all__ = [
    "ETCD_KINDS",
    "LONGHORN_IQN_PREFIX",
    "STORAGE_KINDS",
    "AntiAffinityOverride",
    "DataLocality",
    "DiskSummary",
    "DiskType",
    "Event",
    "EventCounts",
    "EventKind",
    "HealthSnapshot",
    "HostSummary",
    "IscsiSession",
    "LiveOptions",
    "LonghornCondition",
    "LonghornDisk",
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
    "VolumeRobustnessSample",
    "VolumeSummary",
    "Workload",
    "base_disk",
    "build_snapshot",
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
    "scan_logs",
    "snapshot_schema",
    "snapshot_to_dict",
    "summarize",
    "vm_name_of",
    "write_snapshot",
]
