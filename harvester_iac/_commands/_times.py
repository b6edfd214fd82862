"""Times given on the command line (``--since``, ``--until``, ``--boot-time``, ``--now``).

One parser for every command: ISO 8601 with ``T`` or a space, ``Z`` or an offset; a time
without a zone is read in ``zone`` (else UTC). A time that parses but cannot be expressed
in UTC (``0001-01-01T00:00:00+14:00``) is a usage error like any other bad time.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from harvester_iac.core import UsageError

__all__ = ["cli_time"]

_EXPECTED = "an ISO 8601 time such as 2025-12-27T16:40:00-08:00 or '2025-12-27 16:40'"


def cli_time(text: str, *, flag: str, zone: tzinfo | None = None) -> datetime:
    """``text`` as an aware UTC ``datetime``; ``UsageError`` naming ``flag`` when it is not one."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw else raw)
    except ValueError:
        raise UsageError(f"cannot read the time {text!r}", where=flag, expected=_EXPECTED) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone or UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise UsageError(
            f"the time {text!r} is outside the range of UTC times (years 1 to 9999)",
            where=flag, expected="a time between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z",
        ) from None
