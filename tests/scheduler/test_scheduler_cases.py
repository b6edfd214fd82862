"""Every scheduler case passes, through the library and through ``simulate --format json``."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from harvester_iac.scheduler import Placement, load_case, simulate
from tests.scheduler._cases import EXTRA_CASES, REFERENCE_CASES, expectation_problems

ALL_CASES = REFERENCE_CASES + EXTRA_CASES


def _schema() -> dict[str, object]:
    text = resources.files("harvester_iac.scheduler").joinpath(
        "simulate-output.schema.json").read_text()
    schema: dict[str, object] = json.loads(text)
    return schema


def test_reference_set_is_vendored() -> None:
    # The 12 shipped cases of the 35 listed in INDEX.md.
    assert len(REFERENCE_CASES) == 12
    assert len(EXTRA_CASES) >= 40


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda p: p.stem)
def test_case_through_library(path: Path) -> None:
    case = load_case(path)
    assert case.expect is not None, "every fixture carries an expect block"
    result = simulate(case)
    problems = expectation_problems(case.expect, list(result.placements), result.error)
    assert not problems, f"{path.name}: {problems}; explanations {result.explanations}"
    # One explanation per unplaced attempted replica, none for placed ones.
    assert len(result.explanations) == sum(1 for p in result.placements if p is None)


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda p: p.stem)
def test_case_through_cli_json(path: Path, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = run_cli("simulate", str(path), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    jsonschema.validate(doc, _schema())
    placements = [None if p is None else Placement(node=p["node"], disk=p["disk"])
                  for p in doc["placements"]]
    case = load_case(path)
    assert case.expect is not None
    problems = expectation_problems(case.expect, placements, bool(doc["errors"]))
    assert not problems, f"{path.name}: {problems}"


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda p: p.stem)
def test_case_through_cli_text(path: Path, run_cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = run_cli("simulate", str(path))
    assert code == 0 and err == ""
    case = load_case(path)
    result = simulate(case)
    for outcome in result.outcomes:
        where = str(outcome.placement) if outcome.placement else "not placed"
        assert f"replica {outcome.index + 1}: {where}" in out
    for line in result.explanations:
        assert line in out


def test_schema_rejects_wrong_documents() -> None:
    schema = _schema()
    jsonschema.validate({"placements": [None], "errors": [], "explanations": ["replica 1: x"]},
                        schema)
    bad: object
    for bad in (
        {"placements": [], "errors": []},
        {"placements": [{"node": "n1"}], "errors": [], "explanations": []},
        {"placements": [], "errors": [], "explanations": [], "extra": 1},
        {"placements": [], "errors": [], "explanations": ["no replica number"]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
