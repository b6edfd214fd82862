"""The comment's forms and the JSON schema, on plans written here in the shape Terraform
writes (the real-Terraform tests are in test_plan_real.py; these run without it).

Drift is one of these: ``terraform_data`` reads back exactly what its state holds, so no
providerless configuration drifts, and ``resource_drift`` entries are written by hand in
the structure of ``resource_changes`` (which is what Terraform uses for them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

import harvester_iac.preview as preview
from harvester_iac.model import default_inventory
from harvester_iac.policy import Waiver, load_waivers
from harvester_iac.preview import Tree, build_preview, parse_plan, preview_schema, render_json, render_markdown

NOW = datetime(2026, 1, 5, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures"


def _head() -> Tree:
    return Tree(label="working tree", inventory=default_inventory(), resources=None, manifests=None)


def _plan(changes: list[dict[str, object]], drift: list[dict[str, object]] | None = None) -> preview.Plan:
    doc: dict[str, object] = {"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": changes}
    if drift is not None:
        doc["resource_drift"] = drift
    return parse_plan(json.dumps(doc), file="plan.json")


def _noop(address: str) -> dict[str, object]:
    t, n = address.split(".")
    return {"address": address, "type": t, "name": n, "mode": "managed",
            "change": {"actions": ["no-op"], "before": {"input": 1}, "after": {"input": 1}}}


def test_no_changes_form_is_short_and_keeps_the_marker() -> None:
    report = build_preview(head=_head(), plan=_plan([_noop("terraform_data.a")]), now=NOW)
    # the default homelab has warnings (one host), so a no-change plan still shows them
    out = render_markdown(report)
    assert out.startswith("<!-- harvester-iac-preview site=altra-homelab -->\n## ⚠️")
    waived = build_preview(head=_head(), plan=_plan([_noop("terraform_data.a")]), now=NOW,
                           waivers=preview_waivers())
    short = render_markdown(waived)
    assert short.startswith("<!-- harvester-iac-preview site=altra-homelab -->\n### ✅ harvester-iac preview: "
                            "no changes · altra-homelab")
    assert len(short) < 400 and short.count("\n") <= 4


def preview_waivers() -> tuple[Waiver, ...]:
    return load_waivers(FIXTURES / "homelab.waivers.yaml")


def test_drift_and_json_schema() -> None:
    drift = [{"address": "harvester_image.ubuntu", "type": "harvester_image", "name": "ubuntu", "mode": "managed",
              "change": {"actions": ["update"], "before": {"display_name": "old", "token": "s3cret"},
                         "after": {"display_name": "changed by hand", "token": "s3cret-2"},
                         "before_sensitive": {"token": True}, "after_sensitive": {"token": True}}}]
    report = build_preview(head=_head(), plan=_plan([_noop("terraform_data.a")], drift), now=NOW)
    md = render_markdown(report)
    assert "**drift (changed outside Terraform)** (1)" in md
    assert 'display_name: "old" -> "changed by hand"' in md and "s3cret" not in md
    doc = json.loads(render_json(report))
    jsonschema.Draft202012Validator(preview_schema()).validate(doc)
    assert doc["plan"]["counts"]["drift"] == 1 and "s3cret" not in json.dumps(doc)
    assert doc["marker"] == "<!-- harvester-iac-preview site=altra-homelab -->"


def test_schema_is_shipped_and_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(preview_schema())


def test_evidence_age_is_marked_stale_past_max_age() -> None:
    from tests.preview._support import REPO, run_cli

    snap = REPO / "examples" / "observed" / "incident.snapshot.json"
    fresh = run_cli("preview", "--observed", str(snap), "--now", "2025-12-29T12:00:00Z", "--format", "json")
    late = run_cli("preview", "--observed", str(snap), "--now", "2026-03-01T00:00:00Z", "--format", "json")
    a, b = json.loads(fresh.stdout), json.loads(late.stdout)
    assert a["evidence"]["snapshot"] == str(snap) and a["evidence"]["stale"] is False
    assert "; observed events altra full" in a["evidence"]["coverage"]
    assert b["evidence"]["stale"] is True and b["evidence"]["age_seconds"] > 60 * 86400
    md = run_cli("preview", "--observed", str(snap), "--now", "2026-03-01T00:00:00Z")
    assert "days old) — **stale** (older than --max-age 24.0 h)" in md.stdout


def test_logs_are_scanned_like_validate_does() -> None:
    from tests.preview._support import REPO, run_cli

    logs = REPO / "examples" / "observed" / "incident" / "logs"
    done = run_cli("preview", "--logs", str(logs), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    doc = json.loads(done.stdout)
    assert doc["evidence"]["snapshot"] == str(logs)
    assert any(f["rule"] == "HIAC-ETCD-002" for f in doc["findings"])


def test_an_errored_plan_says_so() -> None:
    doc = {"format_version": "1.2", "terraform_version": "1.11.4", "errored": True, "resource_changes": []}
    plan = parse_plan(json.dumps(doc), file="plan.json")
    out = render_markdown(build_preview(head=_head(), plan=plan, now=NOW))
    assert "⚠️ **The plan is errored**" in out
