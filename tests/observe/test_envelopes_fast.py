"""The fast line readers against the general ones: the same Envelope, the same Detection.

``parse_envelope`` takes a fast path for journal short/short-iso lines; ``_detect`` reads
precomputed per-row data. Both must give exactly what the straightforward readers give:
``parse_envelope_general`` and ``_reference_detect`` below (the detector as first written).
Inputs are every real log line the repository holds plus generated and mutated lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvester_iac.observe._devices import base_disk, longhorn_volume_from_iqn, normalize_portal
from harvester_iac.observe.logs._detect import _EXTRA_GROUPS, _QUIET, _REPEATED, _SUPPRESSED, Detection, detect_line
from harvester_iac.observe.logs._durations import parse_go_duration
from harvester_iac.observe.logs._envelopes import Envelope, parse_envelope, parse_envelope_general
from harvester_iac.observe.logs._event import ETCD_KINDS
from harvester_iac.observe.logs._patterns import PATTERNS

ROOT = Path(__file__).resolve().parents[2]
_LOG_DIRS = (ROOT / "examples", ROOT / "tests" / "fixtures", Path("/work/shared/reference/incident"),
             Path("/work/shared/reference/log-samples"))
_SUFFIXES = (".log", ".txt", ".jsonl", ".json", ".md")


def _reference_detect(env: Envelope) -> Detection | None:
    """The detector written plainly: groupdict, every field looked up, keyword arguments."""
    message = env.message
    repeat = 1
    rep = _REPEATED.match(message) if "message repeated " in message else None
    if rep is not None:
        repeat = int(rep["n"])
        message = rep["inner"].strip()
        if message.endswith("]"):
            message = message[:-1].rstrip()
    if "callbacks suppressed" in message and _SUPPRESSED.search(message):
        return None
    for pattern in PATTERNS:
        m = pattern.regex.search(message) if pattern.guard in message else None
        if m is not None:
            break
    else:
        return None
    if pattern.kind in ETCD_KINDS and env.level in _QUIET:
        return None
    groups = m.groupdict()
    device, iqn, portal = groups.get("device"), groups.get("iqn"), groups.get("portal")
    took = groups.get("took") or env.field("took")
    expected = groups.get("expected") or env.field("expected-duration")
    extra = [("pattern", pattern.name)]
    extra += [(name, groups[name]) for name in _EXTRA_GROUPS if groups.get(name)]
    exceeded_ms = parse_go_duration(groups.get("exceeded") or env.field("exceeded-duration"))
    if exceeded_ms is not None:
        extra.append(("exceeded_ms", f"{exceeded_ms:g}"))
    return Detection(
        kind=pattern.kind, pattern=pattern.name, source=env.program or pattern.program,
        host=env.host, stamp=env.stamp, device=device or None,
        disk=base_disk(device) if device else None, hctl=groups.get("hctl") or None,
        connection=groups.get("connection") or None, session=groups.get("session") or None,
        portal=normalize_portal(portal) if portal else None, iqn=iqn or None,
        volume=longhorn_volume_from_iqn(iqn), took_ms=parse_go_duration(took),
        expected_ms=parse_go_duration(expected), repeat=repeat, extra=tuple(extra),
    )


def _same(line: str) -> None:
    try:
        general = parse_envelope_general(line)
    except Exception as exc:  # e.g. KeyError for a case-folded month ("\u017fep"): Part.add counts it
        with pytest.raises(type(exc)):
            detect_line(line)
        return
    env, det = detect_line(line)
    assert env == general, line
    assert type(env.stamp) is type(general.stamp)
    assert det == _reference_detect(general), line


def _repository_lines() -> Iterator[str]:
    for top in _LOG_DIRS:
        if not top.is_dir():
            continue
        for path in sorted(top.rglob("*")):
            if path.is_file() and path.suffix in _SUFFIXES and path.stat().st_size < 4 << 20:
                text = path.read_bytes().decode("utf-8", "replace")
                yield from text.splitlines()


REPO_LINES = sorted(set(_repository_lines()))


def test_every_repository_line() -> None:
    assert len(REPO_LINES) > 1000
    for line in REPO_LINES:
        _same(line)


_STAMPS = (
    "Dec  1 00:00:00", "Dec 27 16:04:05", "dec 27 16:04:05.123456", "DEC 7 16:04:05.1",
    "Feb 30 25:61:61", "Dec 999 00:00:00", "\u017fep 1 00:00:00", "Dec 27 16:04:05.",
    "2025-12-27T16:04:05", "2025-12-27T16:04:05.123456+0000", "2025-12-27T16:04:05,5Z",
    "2025-12-27T16:04:05.123-08:00", "2025-12-27T16:04:05+9999", "2025-13-40T16:04:05z",
    "2025-12-27 16:04:05", "Sat 2025-12-27 16:04:05 UTC", "2025 Dec 27 16:04:05",
)
_HOSTS = ("altra", "kube-master-00", "h", "host:", "a=b", "[x]", "'q", "", "h" * 300,
          "harv.example.com", "-dash", "host\t2")
_IDENTS = ("kernel", "iscsid[8402]", "k3s[1]", "systemd", "kernel[0]", "a/b.c@d-e", "x[abc]",
           "iscsid", "etcd", "sshd[1] ", "kubelet[12]:")
_MESSAGES = (
    "", " ", "iscsid: Kernel reported iSCSI connection 12:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT)",
    " connection12:0: ping timeout of 5 secs expired", "  connection1:0: detected conn error (1020)",
    "[ 123.456789] sd 2:0:0:1: rejecting I/O to offline device", "[Sat Dec 27 16:04:05 2025] x",
    "<3>Buffer I/O error on dev sdo16, logical block 9", "[T123] I/O error, dev sdb, sector 1",
    "Buffer I/O error on dev sdo16, logical block 9, lost async page write",
    '{"level":"warn","ts":"2025-12-27T16:00:00.123-0800","msg":"apply request took too long",'
    '"took":"123.5ms","expected-duration":"100ms"}',
    '{"level":"info","ts":1766851200.5,"msg":"slow fdatasync","took":"1.5s"}',
    '{"MESSAGE":"I/O error, dev sda, sector 1","_HOSTNAME":"j"}', '{"level":"warn","msg":"slow fdat',
    'time="2025-12-27T16:00:00Z" level=error msg="I/O error, dev sda, sector 1"',
    "I1227 16:04:05.123456    1234 trace.go:236] session3: session recovery timed out",
    "E1327 16:04:05.1 1 x.go:1] connect to 10.0.0.1:3260 failed (Connection refused)",
    "kern  :err   : [  5.1] Buffer I/O error on device sdb1",
    "/var/log/syslog:Dec 27 16:04:05 h kernel: I/O error, dev sdc, sector 2",
    "messages-1:12:Dec 27 16:04:05 h kernel: I/O error, dev sdc, sector 2",
    "Dec 27 16:04:05 inner iscsid: connection1:0 is operational after recovery (2 attempts)",
    "Sat 2025-12-27 16:04:05 UTC h kernel: EXT4-fs error (device sdb1): x",
    "2025-12-27 16:04:05.1 W | etcdserver: sync duration of 1.5s, expected less than 1s",
    "2025-12-27T16:04:05Z stdout F I/O error, dev sda, sector 1", "<13>1 2025-12-27T16:04:05Z h a - - - m",
    "-- Boot 0123abcd --", "message repeated 3 times: [ I/O error, dev sda, sector 1]",
    "print_req_error: 3 callbacks suppressed", "Dec inner", "kern: x", "123 go", ".hidden: x",
    "caf\u00e9 \u2603 \ufffd\ufffd", "Jan 1 00:00:00", "x.log: Dec 1 00:00:00 h k: m",
    "failed to send out heartbeat on time (exceeded the 100ms timeout for 1.5s, to abc)",
)
_SEPS = (": ", ":", ": kernel: ", ":  ", " ")
_DECOR = ("", "  ", "\t", "\u2502 ", "> ", "12\t", "12: ", "3:", '"', "- ", "\ufeff", "/var/log/syslog:")
_TAILS = ("", "\r", " ", "\u2502", '"', '",', "\n")


@st.composite
def _journal_lines(draw: st.DrawFn) -> str:
    stamp = draw(st.sampled_from(_STAMPS))
    host = draw(st.sampled_from(_HOSTS) | st.text(max_size=12))
    ident = draw(st.sampled_from(_IDENTS) | st.text(max_size=8))
    sep = draw(st.sampled_from(_SEPS))
    message = draw(st.sampled_from(_MESSAGES) | st.text(max_size=30))
    line = f"{stamp} {host} {ident}{sep}{message}"
    if draw(st.booleans()):
        line = draw(st.sampled_from(_DECOR)) + line + draw(st.sampled_from(_TAILS))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(line)))
        line = line[:at] + draw(st.text(max_size=6)) + line[at + draw(st.integers(0, 3)):]
    if draw(st.booleans()):
        line = line[:draw(st.integers(0, len(line)))]
    if draw(st.booleans()):
        line = line.replace(" ", draw(st.sampled_from(("  ", "\t", "\u00a0", ""))), 1)
    return line


def test_every_combination_of_the_parts() -> None:
    for i, (stamp, host, ident, sep) in enumerate(
        (a, b, c, d) for a in _STAMPS for b in _HOSTS for c in _IDENTS for d in _SEPS
    ):
        _same(f"{stamp} {host} {ident}{sep}{_MESSAGES[i % len(_MESSAGES)]}")
    for stamp in _STAMPS:
        for message in _MESSAGES:
            for ident, sep in (("kernel", ": "), ("kernel", ":  "), ("iscsid[1]", ": "), ("k3s", ": k3s: ")):
                _same(f"{stamp} altra {ident}{sep}{message}")


_QUICK = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_QUICK
@given(_journal_lines())
def test_generated_lines(line: str) -> None:
    _same(line)


@_QUICK
@given(st.sampled_from(REPO_LINES), st.integers(0, 300), st.text(max_size=8), st.integers(0, 4))
def test_repository_lines_mutated(line: str, at: int, insert: str, drop: int) -> None:
    at = min(at, len(line))
    _same(line[:at] + insert + line[at + drop:])
    _same(line[:at])


@_QUICK
@given(st.binary(max_size=60), st.sampled_from(_STAMPS), st.sampled_from(_MESSAGES))
def test_bad_utf8(noise: bytes, stamp: str, message: str) -> None:
    text = (f"{stamp} altra iscsid[1]: ".encode() + noise + message.encode()).decode("utf-8", "replace")
    _same(text)


@pytest.mark.parametrize("line", [
    "Dec  1 00:00:00 harv-03 kernel:  connection1:0: ping timeout of 5 secs expired",
    "2025-12-27T16:00:00.123456+0000 harv-03 iscsid[1]: iscsid: connection1:0 is operational after"
    " recovery (1 attempts)",
    'Dec 27 16:00:00 m k3s[1]: {"level":"warn","ts":"2025-12-27T16:00:00.1-0800","msg":"slow fdatasync",'
    '"took":"1.2s","expected-duration":"1s"}',
])
def test_typical_lines_take_the_fast_path(line: str) -> None:
    from harvester_iac.observe.logs._envelopes import _fast_envelope

    assert _fast_envelope(line) == parse_envelope_general(line)
    assert parse_envelope(line) == parse_envelope_general(line)


_PREFIXES = ("/var/log/syslog:", "messages-1:", "kern.log.2:", "a/b.txt:12:", "x.log.gz:", "syslog.1:")


@_QUICK
@given(st.sampled_from(_PREFIXES) | st.text(max_size=20), st.sampled_from(REPO_LINES) | st.text(max_size=40))
def test_cheap_guards_of_the_general_readers(head: str, line: str) -> None:
    """The guards that skip a regex in the general readers never skip a match."""
    from harvester_iac.observe.logs import _envelopes as e

    for text in (head + line, line, head):
        if not e._may_name_file(text):
            assert e._PATH_PREFIX.match(text) is None, text
        if text[3:4] != " ":
            assert e._SYSLOG.match(text) is None and e._SHORT_FULL.match(text) is None, text
