"""The snapshot's fast paths against the straightforward ones.

Reading: the compiled event check against ``jsonschema`` on the event schema, and the
generated decoders against the located, field-by-field decoder, on the committed example
snapshots and on mutated events. Writing: the generated encoders against the generic,
value-based one.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.core import Located
from harvester_iac.errors import SnapshotError
from harvester_iac.observe import Event, _snapshot, load_snapshot, parse_snapshot, snapshot_schema
from harvester_iac.observe._decoders import Bail, decoder_of
from harvester_iac.observe._encoders import encode_value, encoder_of
from harvester_iac.observe._schema_fast import compile_check
from harvester_iac.observe._summary import Summaries

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "observed").glob("*.snapshot.json"))
EVENT_SCHEMA = snapshot_schema()["$defs"]["event"]
EVENTS = [e for p in EXAMPLES for e in json.loads(p.read_text())["events"]]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False, width=32)
    | st.sampled_from(["", "nop_timeout", "2025-12-27T23:10:50Z", "2025-12-27T23:10:50", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def mutated_events(draw: st.DrawFn) -> Any:
    event = copy.deepcopy(draw(st.sampled_from(EVENTS)))
    for _ in range(draw(st.integers(0, 2))):
        how = draw(st.sampled_from(["set", "drop", "add", "extra"]))
        key = draw(st.sampled_from(sorted(event) or ["time"]))
        if how == "set":
            event[key] = draw(json_values)
        elif how == "drop":
            event.pop(key, None)
        elif how == "add":
            event[draw(st.text(max_size=4))] = draw(json_values)
        elif isinstance(event.get("extra"), dict):
            event["extra"][draw(st.text(max_size=4))] = draw(json_values)
    return event


def test_examples_have_events() -> None:
    assert len(EVENTS) > 20


@settings(max_examples=400, deadline=None)
@given(mutated_events())
def test_event_check_equals_jsonschema(event: Any) -> None:
    check = compile_check(EVENT_SCHEMA)
    assert check is not None
    assert check(event) == jsonschema.Draft202012Validator(EVENT_SCHEMA).is_valid(event)


@settings(max_examples=400, deadline=None)
@given(mutated_events())
def test_event_decoder_equals_the_located_decoder(event: Any) -> None:
    def slow() -> Any:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(_snapshot, "decoder_of", _always_bail)
            return _snapshot._decode(Event, Located(event, "<test>"))

    try:
        fast = decoder_of(Event)(event)
    except Bail:
        try:
            slow()
        except SnapshotError:
            pass
        return
    assert fast == slow()


def _always_bail(cls: type) -> Any:
    def bail(_: Any) -> Any:
        raise Bail

    return bail


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_snapshot_reads_the_same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load_snapshot(path)
    monkeypatch.setattr(_snapshot, "decoder_of", _always_bail)
    monkeypatch.setattr(_snapshot, "_event_check", lambda: None)
    assert load_snapshot(path) == fast


def test_a_bad_event_is_still_reported_by_jsonschema() -> None:
    doc = json.loads(EXAMPLES[-1].read_text())
    doc["events"][1]["line"] = "seven"
    with pytest.raises(SnapshotError) as err:
        parse_snapshot(doc, file="snap.json")
    assert "/events/1/line" in str(err.value)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_encoders_equal_the_generic_encoding(path: Path) -> None:
    snap = load_snapshot(path)
    for event in snap.events:
        assert encoder_of(Event)(event) == _generic(event)
    assert encoder_of(Summaries)(snap.summaries) == _generic(snap.summaries)


def _generic(value: Any) -> Any:
    """Field by field through the value-based encoder (pairs become objects)."""
    import dataclasses

    out = {}
    for f in dataclasses.fields(value):
        v = getattr(value, f.name)
        if dataclasses.is_dataclass(v):
            out[f.name] = _generic(v)
        elif isinstance(v, tuple) and v and all(isinstance(x, tuple) and len(x) == 2
                                                 and isinstance(x[0], str) for x in v):
            out[f.name] = {k: encode_value(x) for k, x in v}
        elif isinstance(v, tuple) and v and dataclasses.is_dataclass(v[0]):
            out[f.name] = [_generic(x) for x in v]
        else:
            out[f.name] = encode_value(v)
    return out
