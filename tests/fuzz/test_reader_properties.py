"""Hypothesis property tests, one per reader: whatever the bytes, the reader returns a value
or raises ``InputError`` (exit 2) with a one-paragraph message, never another exception.

Inputs are the examples mutated by Hypothesis (edits at chosen places with the hostile
values of issue 9) and, for the JSON readers, arbitrary JSON documents.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvester_iac._json import load_json
from harvester_iac._yaml import load_yaml, load_yaml_all
from harvester_iac.core import InputError
from harvester_iac.model import parse_inventory
from harvester_iac.observe import parse_iscsiadm, parse_snapshot
from harvester_iac.observe.longhorn._files import parse_longhorn_text
from harvester_iac.policy import parse_baseline, parse_waivers
from harvester_iac.scheduler._case import parse_case
from tests.fuzz.mutate import HOSTILE, targets

PROPS = settings(max_examples=int(os.environ.get("HIAC_PROPS_EXAMPLES", "60")), deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SEEDS: dict[str, list[bytes]] = {}
for _t in targets():
    SEEDS.setdefault(_t.kind, []).append(_t.seed.read_bytes())


@st.composite
def mutants(draw: st.DrawFn, kind: str) -> bytes:
    data = draw(st.sampled_from(SEEDS[kind]))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 16))
        piece = draw(st.one_of(st.sampled_from(HOSTILE), st.binary(max_size=12),
                               st.text(max_size=12).map(str.encode)))
        data = data[:at] + piece + data[at + cut:]
    return data


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _holds(read: Callable[[], Any]) -> None:
    """``read()`` returns, or raises ``InputError`` with a one-paragraph message."""
    try:
        read()
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc).strip(), str(exc)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@PROPS
@given(mutants("inventory"))
def test_inventory_reader(data: bytes) -> None:
    _holds(lambda: parse_inventory(_text(data), file="inv.yaml"))


@PROPS
@given(mutants("kubeconfig"))
def test_yaml_reader_on_kubeconfigs(data: bytes) -> None:
    _holds(lambda: load_yaml(_text(data), file="kubeconfig.yaml").value)


@PROPS
@given(mutants("waivers"))
def test_waiver_reader(data: bytes) -> None:
    _holds(lambda: parse_waivers(_text(data), file="waivers.yaml", known_rules=("HIAC-PLACEMENT-002",)))


@PROPS
@given(mutants("baseline"))
def test_baseline_reader(data: bytes) -> None:
    _holds(lambda: parse_baseline(_text(data), file="baseline"))


@PROPS
@given(mutants("snapshot"))
def test_snapshot_reader(data: bytes) -> None:
    _holds(lambda: parse_snapshot(load_json(data, file="snap.json"), file="snap.json"))


@PROPS
@given(JSON)
def test_snapshot_reader_on_any_json(doc: object) -> None:
    _holds(lambda: parse_snapshot(doc, file="snap.json"))


@PROPS
@given(mutants("case"))
def test_case_reader(data: bytes) -> None:
    _holds(lambda: parse_case(load_json(data, file="case.json"), file="case.json"))


@PROPS
@given(JSON)
def test_case_reader_on_any_json(doc: object) -> None:
    _holds(lambda: parse_case(doc, file="case.json"))


@PROPS
@given(mutants("longhorn"))
def test_longhorn_reader(data: bytes) -> None:
    _holds(lambda: parse_longhorn_text(_text(data), file="longhorn.yaml"))


@PROPS
@given(JSON)
def test_longhorn_reader_on_any_json(doc: object) -> None:
    import json

    _holds(lambda: parse_longhorn_text(json.dumps(doc), file="longhorn.json"))


@PROPS
@given(mutants("iscsiadm"))
def test_iscsiadm_reader(data: bytes) -> None:
    _holds(lambda: parse_iscsiadm(_text(data), file="sessions.txt"))


@PROPS
@given(st.binary(max_size=300))
def test_json_reader_on_any_bytes(data: bytes) -> None:
    _holds(lambda: load_json(data, file="x.json"))


@PROPS
@given(st.text(max_size=300))
def test_yaml_stream_reader_on_any_text(text: str) -> None:
    _holds(lambda: [d.value for d in load_yaml_all(text, file="x.yaml")])


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_every_seed_kind_is_present(kind: str) -> None:
    assert SEEDS[kind] and all(SEEDS[kind])


def test_the_seeds_themselves_read(tmp_path: Path) -> None:
    for data in SEEDS["inventory"]:
        parse_inventory(_text(data), file="inv.yaml")
    for data in SEEDS["snapshot"]:
        parse_snapshot(load_json(data, file="s.json"), file="s.json")
