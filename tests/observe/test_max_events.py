"""``observe --max-events``: a shorter event list, exact summaries, the drop stated."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from harvester_iac.cli import main
from harvester_iac.observe import load_snapshot
from harvester_iac.observe._cap import cap_events
from tests.observe._examples import INCIDENT_ARGS
from tests.observe._paths import ROOT


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("limit", [0, 1, 5, 20, 53])
def test_cap_keeps_counts_and_says_what_it_dropped(
    limit: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full, capped = tmp_path / "full.json", tmp_path / "capped.json"
    assert main([*INCIDENT_ARGS, "-o", str(full)]) == 0
    assert main([*INCIDENT_ARGS, "-o", str(capped), "--max-events", str(limit)]) == 0
    out = capsys.readouterr().out
    a, b = load_snapshot(full), load_snapshot(capped)
    assert len(a.events) == 54 and a.events_dropped == 0
    assert len(b.events) == limit and b.events_dropped == 54 - limit
    assert f"{54 - limit} more raw events counted in the summaries" in out
    assert b.summaries == a.summaries
    assert set(b.events) <= set(a.events)
    assert list(b.events) == [e for e in a.events if e in set(b.events)]  # still time order
    assert json.loads(capped.read_text())["events_dropped"] == 54 - limit


def test_no_cap_writes_no_drop_count(tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    assert main([*INCIDENT_ARGS, "-o", str(out), "--max-events", "54"]) == 0
    assert "events_dropped" not in json.loads(out.read_text())


def test_every_host_and_kind_keeps_its_first_and_last(tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    assert main([*INCIDENT_ARGS, "-o", str(out)]) == 0
    events = load_snapshot(out).events
    groups = Counter((e.host or "", e.kind) for e in events)
    kept, dropped = cap_events(events, 2 * len(groups))
    assert dropped == len(events) - len(kept) and len(kept) <= 2 * len(groups)
    for key in groups:
        members = [e for e in events if (e.host or "", e.kind) == key]
        assert members[0] in kept and members[-1] in kept


def test_negative_cap_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*INCIDENT_ARGS, "--max-events", "-1"]) == 2
    assert "--max-events" in capsys.readouterr().err


def test_the_gate_says_a_capped_snapshot_is_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capped = tmp_path / "capped.json"
    assert main([*INCIDENT_ARGS, "-o", str(capped), "--max-events", "10"]) == 0
    capsys.readouterr()
    inventory = "examples/inventories/altra-before-fix.yaml"
    main(["validate", "--inventory", inventory, "--observed", str(capped), "--format", "json",
          "--now", "2025-12-28T01:00:00Z"])
    out = capsys.readouterr().out
    assert "44 left out by observe --max-events" in out
    full = tmp_path / "full.json"
    assert main([*INCIDENT_ARGS, "-o", str(full)]) == 0
    capsys.readouterr()
    main(["validate", "--inventory", inventory, "--observed", str(full), "--format", "json",
          "--now", "2025-12-28T01:00:00Z"])
    assert "--max-events" not in capsys.readouterr().out
