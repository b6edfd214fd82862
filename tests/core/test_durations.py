"""``core.Duration``: Go durations as etcd writes them and the ones people type, one parser."""

from __future__ import annotations

from datetime import timedelta

import pytest

from harvester_iac.core import Duration


@pytest.mark.parametrize(
    ("text", "ms"),
    [("412.5ms", 412.5), ("600µs", 0.6), ("1m2.5s", 62500.0), ("250ns", 0.00025), ("0", 0.0),
     ("90s", 90_000.0), ("7d", 604_800_000.0), ("1w", 604_800_000.0), ("1h30m", 5_400_000.0),
     ("15 m", 900_000.0)],
)
def test_parse(text: str, ms: float) -> None:
    assert Duration.parse(text).ms == ms
    assert str(Duration.parse(text)) == text


@pytest.mark.parametrize("text", ["", "5", "fast", "1.2", "10 parsecs", "1h and 2m"])
def test_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        Duration.parse(text)


def test_timedelta_and_order() -> None:
    assert Duration.parse("1h30m").timedelta == timedelta(hours=1, minutes=30)
    assert Duration.parse("999ms") < Duration.parse("1s")
    assert Duration.parse("60s") == Duration.parse("1m")
