"""Case files and the expectation check shared by the scheduler tests."""

from __future__ import annotations

from pathlib import Path

from harvester_iac.scheduler import CaseExpectation, Placement

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REFERENCE_CASES = sorted((FIXTURES / "scheduler-cases").glob("*.json"))
EXTRA_CASES = sorted((FIXTURES / "scheduler-cases-extra").glob("*.json"))


def expectation_problems(
    expect: CaseExpectation, placements: list[Placement | None], error: bool
) -> list[str]:
    """What differs from ``expect`` (FORMAT.md semantics); empty when the case passes."""
    problems = []
    first = next((i for i, p in enumerate(placements) if p is None), -1)
    if first != expect.first_unplaced:
        problems.append(f"firstUnplaced {first}, expected {expect.first_unplaced}")
    if error != expect.error:
        problems.append(f"error {error}, expected {expect.error}")
    placed = [p for p in placements if p is not None]
    for node in expect.nodes:
        if not any(p.node == node for p in placed):
            problems.append(f"no new replica on node {node}")
    for disk in expect.disks:
        if not any(f"{p.node}/{p.disk}" == disk for p in placed):
            problems.append(f"no new replica on disk {disk}")
    return problems

