"""The incident package's public surface is pinned, and importing it stays light."""

from __future__ import annotations

import subprocess
import sys

import harvester_iac.incident as incident


def test_all_is_pinned_and_resolves() -> None:
    assert incident.__all__ == [
        "DEFAULT_GAP", "DEFAULT_LAG", "INCIDENT_SCHEMA_NAME", "UNKNOWN_HOST", "ChainRow", "ChainStop", "Cite",
        "Episode", "FixChange", "FixPlan", "IncidentInput", "IncidentReport", "KindCount", "Link", "MasterIndex",
        "MasterRef", "Phase", "SourceBurst", "SourceLine", "SymptomGroup", "TimelineEvent", "Unexplained",
        "analyze", "drop_overlaps", "evidence_snapshot", "find_episodes", "incident_schema", "inventory_hosts",
        "map_host", "plan_fix", "render_html", "render_json", "render_markdown", "report_to_dict", "symptom_groups",
    ]
    for name in incident.__all__:
        assert getattr(incident, name) is not None, name


def test_the_package_is_pure_and_matplotlib_loads_only_for_the_chart() -> None:
    code = ("import sys, harvester_iac.incident, harvester_iac.report; "
            "bad = [m for m in ('cdktf', 'jsii', 'matplotlib') if m in sys.modules]; print(bad); "
            "raise SystemExit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
