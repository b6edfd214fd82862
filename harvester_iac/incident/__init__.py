"""Explain an incident: storage episodes, the root-cause chain to etcd, and the fix.

``analyze`` turns what observe's readers return (events joined to volumes, iscsiadm maps,
Longhorn objects) and the inventory into an :class:`IncidentReport`: storage episodes per
host found by gaps, one chain row per failed device down to the master whose etcd
stalled within the lag window, the masters that were unaffected and the etcd symptoms no
storage fault explains. ``render_markdown``, ``render_json`` (schema:
``incident.schema.json``) and ``render_html`` print it; the chart is
``harvester_iac.report.incident_chart``. Pure: no CDK runtime, no network.
"""

from __future__ import annotations

from harvester_iac.incident._analyze import IncidentInput, analyze, drop_overlaps, inventory_hosts, map_host
from harvester_iac.incident._episodes import DEFAULT_GAP, UNKNOWN_HOST, find_episodes
from harvester_iac.incident._fix import evidence_snapshot, plan_fix
from harvester_iac.incident._html import render_html
from harvester_iac.incident._json import INCIDENT_SCHEMA_NAME, incident_schema, render_json, report_to_dict
from harvester_iac.incident._markdown import render_markdown
from harvester_iac.incident._masters import MasterIndex
from harvester_iac.incident._model import (
    ChainRow,
    ChainStop,
    Cite,
    Episode,
    FixChange,
    FixPlan,
    IncidentReport,
    KindCount,
    Link,
    MasterRef,
    Phase,
    SourceBurst,
    SourceLine,
    SymptomGroup,
    TimelineEvent,
    Unexplained,
)
from harvester_iac.incident._symptoms import DEFAULT_LAG, symptom_groups

__all__ = [
    "DEFAULT_GAP",
    "DEFAULT_LAG",
    "INCIDENT_SCHEMA_NAME",
    "UNKNOWN_HOST",
    "ChainRow",
    "ChainStop",
    "Cite",
    "Episode",
    "FixChange",
    "FixPlan",
    "IncidentInput",
    "IncidentReport",
    "KindCount",
    "Link",
    "MasterIndex",
    "MasterRef",
    "Phase",
    "SourceBurst",
    "SourceLine",
    "SymptomGroup",
    "TimelineEvent",
    "Unexplained",
    "analyze",
    "drop_overlaps",
    "evidence_snapshot",
    "find_episodes",
    "incident_schema",
    "inventory_hosts",
    "map_host",
    "plan_fix",
    "render_html",
    "render_json",
    "render_markdown",
    "report_to_dict",
    "symptom_groups",
]
