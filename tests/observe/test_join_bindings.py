"""The bisecting session bindings of the volume join against a straightforward scan.

The reference below is the join's original rule, written as passes over every login and
logout of the session; the bisections must answer the same for every time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from harvester_iac.observe import Event, EventKind
from harvester_iac.observe._join import _Bindings

T0 = datetime(2025, 12, 27, tzinfo=UTC)


def _reference(obs: list[tuple[datetime, str, bool]], when: datetime) -> str | None:
    obs = sorted(obs)
    ups = [o for o in obs if o[2] and o[0] <= when]
    if ups:
        t_up, iqn, _ = ups[-1]
        if not any(not o[2] and t_up <= o[0] < when for o in obs):
            return iqn
    downs = [o for o in obs if not o[2] and o[0] >= when]
    if downs:
        t_down, iqn, _ = downs[0]
        if not any(o[2] and when < o[0] <= t_down for o in obs):
            return iqn
    return None


def _reference_rebound(obs: list[tuple[datetime, str, bool]], when: datetime) -> datetime | None:
    later = sorted(o[0] for o in obs if o[2] and o[0] > when)
    return later[0] if later else None


steps = st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["iqn.a", "iqn.b", "iqn.c"]),
                           st.booleans()), max_size=25)


@settings(max_examples=300, deadline=None)
@given(steps, st.lists(st.integers(-1, 21), min_size=1, max_size=10))
def test_bindings_match_the_straightforward_rule(seen: list[tuple[int, str, bool]],
                                                 probes: list[int]) -> None:
    obs = [(T0 + timedelta(seconds=s), iqn, up) for s, iqn, up in seen]
    events = [Event(time=t, host="altra", source="iscsid",
                    kind=EventKind.SESSION_UP if up else EventKind.TARGET_SHUTDOWN,
                    file="iscsid.log", line=i + 1, raw="...", connection="7:0", iqn=iqn)
              for i, (t, iqn, up) in enumerate(obs)]
    bindings = _Bindings(events)
    for p in probes:
        when = T0 + timedelta(seconds=p)
        assert bindings.iqn_at("altra", "7", when) == _reference(obs, when)
        assert bindings.rebound_after("altra", "7", when) == _reference_rebound(obs, when)
    assert bindings.iqn_at("other", "7", T0) is None
