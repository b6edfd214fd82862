"""Fuzzing every reader and pattern: random bytes, truncated JSON, huge lines, invalid UTF-8,
NULs. Nothing escapes as an exception; bad files end up as failed or partial sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvester_iac.observe.logs._detect import detect_line
from harvester_iac.observe.logs._envelopes import parse_envelope
from harvester_iac.observe.logs._event import EventKind
from harvester_iac.observe.logs._reader import MAX_LINE
from harvester_iac.observe.logs._scan import ScanOptions, ScanResult, scan_logs, scan_text
from tests.observe._logsamples import labels

REAL_LINES = [label.text for label in labels()]
EVENT_LINES = [label.text for label in labels() if label.kind != "none"]
JSON_LINES = [line for line in REAL_LINES if "{" in line]
STATES = {"ok", "partial", "failed"}
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _valid(result: ScanResult) -> None:
    assert all(s.state in STATES for s in result.sources)
    assert not any("internal error" in (s.error or "") for s in result.sources), result.sources
    for e in result.events:
        assert isinstance(e.kind, EventKind)
        assert e.line >= 1
        assert "\n" not in e.raw
        assert e.time is None or e.time.utcoffset() is not None


@FUZZ
@given(st.text(max_size=400))
def test_any_text_line(text: str) -> None:
    env, det = detect_line(text)
    assert isinstance(env.message, str)
    assert det is None or isinstance(det.kind, EventKind)


@FUZZ
@given(st.sampled_from(REAL_LINES), st.text(max_size=40), st.integers(0, 400), st.text(max_size=40))
def test_real_lines_mutated(line: str, insert: str, at: int, suffix: str) -> None:
    at = min(at, len(line))
    detect_line(line[:at] + insert + line[at:])
    detect_line(line[:at])
    parse_envelope(insert + line + suffix)


@FUZZ
@given(st.sampled_from(JSON_LINES), st.integers(0, 2000))
def test_truncated_json(line: str, cut: int) -> None:
    detect_line(line[:cut])
    detect_line(line[cut:])


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    _valid(scan_text(data, ScanOptions(jobs=1)))


@FUZZ
@given(st.lists(st.one_of(
    st.sampled_from(REAL_LINES).map(lambda s: s.encode()),
    st.binary(max_size=60),
    st.just(b"\0" * 50),
    st.just(b"\xff\xfe\xc3\x28\xa0\xa1"),
), max_size=30))
def test_mixed_lines_with_garbage(chunks: list[bytes]) -> None:
    _valid(scan_text(b"\n".join(chunks), ScanOptions(jobs=1)))


@FUZZ
@given(st.sampled_from(EVENT_LINES), st.sampled_from([b"\xff", b"\xc3\x28", b"\0", b"\x80\x80"]))
def test_event_lines_with_invalid_utf8_or_nul_at_the_end(line: str, junk: bytes) -> None:
    plain = scan_text(line + "\n", ScanOptions(jobs=1))
    dirty = scan_text(line.encode() + b" " + junk + b"\n", ScanOptions(jobs=1))
    _valid(dirty)
    assert [e.kind for e in dirty.events] == [e.kind for e in plain.events]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=20000))
def test_random_files(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.log"
    path.write_bytes(data)
    result = scan_logs([path], ScanOptions(jobs=1))
    _valid(result)
    assert len(result.sources) == 1


def test_ten_megabyte_lines(tmp_path: Path) -> None:
    event = "Dec 27 16:52:05 altra kernel: Buffer I/O error on dev sdo16, logical block 0\n"
    huge_event = "x" * (10 << 20) + " " + event  # an event phrase at the end of a 10 MB line
    huge_json = '{"msg":"apply request took too long","pad":"' + "y" * (10 << 20) + '"}\n'
    path = tmp_path / "huge.log"
    path.write_text(event + huge_event + huge_json + event)
    result = scan_logs([path], ScanOptions(jobs=1))
    (status,) = result.sources
    assert status.state == "partial" and "longer than" in (status.error or "")
    assert status.lines == 4
    assert [e.line for e in result.events] == [1, 4]
    text = scan_text(("z" * (MAX_LINE + 10) + "\n" + event).encode(), ScanOptions(jobs=1))
    assert [e.line for e in text.events] == [2]


ADVERSARIAL = [
    "Jan 1 00:00:00 h iscsid: message repeated 1 times: [" + " " * 200_000 + "x",
    "│ " + " " * 200_000 + "x",
    '"' + " " * 200_000 + "x",
    'Jan 1 00:00:00 h etcd: request "' + 'request "' * 20_000 + " took too long (1s)",
    "a." * 100_000,
    "connect to " + "a" * 200_000 + " failed",
    ":" + " " * 200_000 + "1 callbacks suppressed x",
    '{"msg":"' + "\\" * 200_000,
    "[" * 100_000,
    '{"a":' * 50_000,
    "[ 1.0]" * 50_000,
    "EXT4-fs error (device " + "x" * 200_000,
    "message repeated 1 times: [ " * 20_000,
    'time="' * 50_000 + " level=info",
    '"MESSAGE":[' + "1," * 100_000,
]


@pytest.mark.parametrize("line", ADVERSARIAL, ids=lambda s: repr(s[:24]))
def test_adversarial_lines_finish(line: str) -> None:
    """Inputs that would make a backtracking regex quadratic; they must simply finish."""
    result = scan_text(line + "\n", ScanOptions(jobs=1))
    _valid(result)
