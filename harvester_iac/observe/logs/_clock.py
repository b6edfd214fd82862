"""Placing zone-less, year-less and boot-relative log times on the UTC time line.

Per file, because the answers are per file: syslog's missing year comes from ``--year`` (the
year of the file's first such line) or from the file's modification time (the year of its
last line), and each line takes the year that puts it closest to its neighbour, so a file
crossing New Year moves on to the next year. Raw dmesg seconds need the boot time: given, or
told by a line that carries both a wall time and a printk stamp.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from harvester_iac.core import UsageError

__all__ = ["boot_from_hints", "load_zone", "resolve_years", "to_utc"]

NoYear = tuple[int, int, int, int, int, int]


def load_zone(name: str | None) -> tzinfo:
    """The IANA zone ``name`` (UTC when None); a bad name is a usage error."""
    if name is None:
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only --tz needs it: keep start-up short

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(
            f"unknown time zone {name!r}",
            where="--tz",
            expected="an IANA zone name such as America/Los_Angeles or UTC",
            found=name,
        ) from exc


def to_utc(local: datetime, zone: tzinfo) -> datetime:
    """A naive wall time read in ``zone``, as UTC (DST gaps and folds as zoneinfo resolves)."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def _build(year: int, stamp: NoYear) -> datetime | None:
    mo, d, h, mi, s, us = stamp
    try:
        return datetime(year, mo, d, h, mi, min(s, 59), us)
    except ValueError:
        return None


def _closest(stamp: NoYear, ref: datetime) -> datetime | None:
    same = _build(ref.year, stamp)
    if same is not None and abs(same - ref) < timedelta(days=182):
        return same  # any other year is at least half a year further away
    best: datetime | None = None
    for year in (ref.year, ref.year + 1, ref.year - 1, ref.year + 2, ref.year - 2, ref.year + 4,
                 ref.year - 4):
        dt = _build(year, stamp)
        if dt is not None and (best is None or abs(dt - ref) < abs(best - ref)):
            best = dt
    return best


def resolve_years(
    stamps: Sequence[NoYear], *, year: int | None, now: datetime, near: datetime | None = None
) -> list[datetime | None]:
    """Naive datetimes for year-less stamps in file order.

    With ``year`` the first stamp is in that year and the rest follow forward; with ``near``
    (a time other evidence gives: other files' dates, the ``--since``/``--until`` window)
    the last stamp takes the year closest to it; otherwise the last stamp is the latest
    date not after ``now`` (plus a day of clock skew). The rest follow backward, each
    taking the year closest to its neighbour's date.
    """
    out: list[datetime | None] = [None] * len(stamps)
    if not stamps:
        return out
    if year is not None:
        ref: datetime | None = None
        for i, stamp in enumerate(stamps):
            dt = _build(year, stamp) if ref is None else _closest(stamp, ref)
            if ref is None and dt is None:
                dt = _closest(stamp, datetime(year, 6, 1))
            out[i] = dt
            ref = dt or ref
        return out
    limit = now + timedelta(days=1)
    ref = None
    for i in range(len(stamps) - 1, -1, -1):
        stamp = stamps[i]
        if ref is None and near is not None:
            dt = _closest(stamp, near)
        elif ref is None:
            dt = None
            for y in range(limit.year, limit.year - 8, -1):
                dt = _build(y, stamp)
                if dt is not None and dt <= limit:
                    break
                dt = None
        else:
            dt = _closest(stamp, ref)
        out[i] = dt
        ref = dt or ref
    return out


def boot_from_hints(hints: Sequence[tuple[datetime, float]]) -> datetime | None:
    """Boot time (UTC) from ``(wall_time_utc, seconds_since_boot)`` pairs: their median."""
    if not hints:
        return None
    import statistics  # a dozen milliseconds to import; only boot-relative dmesg needs it

    offsets = [wall.timestamp() - mono for wall, mono in hints]
    return datetime.fromtimestamp(statistics.median(offsets), UTC)
