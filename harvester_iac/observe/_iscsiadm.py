"""Read ``iscsiadm -m session`` listings into a session map.

Kernel and iscsid lines name a connection (``connection3:0``) or a disk (``sdo16``), never
the Longhorn volume. The session map, from ``iscsiadm -m session -P 3`` on the same host,
is what ties them together: session id → target IQN → portal → attached disks. The P0
form (``tcp: [5] 10.42.82.27:3260,1 iqn... (non-flash)``) gives sessions without disks.

The reader accepts what people paste: tabs or 8/16/24-space indentation, a shell prompt
line, a cut-off last line, a session whose device section is missing (``devices`` is then
``None``: unknown, which is not the same as ``()``: no disks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from harvester_iac._files import input_error, read_regular
from harvester_iac.core import InputError
from harvester_iac.observe._devices import base_disk, longhorn_volume_from_iqn

__all__ = [
    "IscsiSession",
    "MappingRow",
    "ScsiDevice",
    "SessionMap",
    "parse_iscsiadm",
    "read_iscsiadm",
]

_MAX_BYTES = 32 * 1024 * 1024

_P0 = re.compile(
    r"^(?P<transport>[A-Za-z0-9_]+): \[(?P<sid>\d+)\] (?P<portal>\S+) (?P<target>\S+)"
    r"(?: \([^)]*\))?\s*$"
)
_TARGET = re.compile(r"^Target: (?P<target>\S+)(?: \([^)]*\))?\s*$")
_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9 _/-]*?):\s*(?P<value>.*?)\s*$")
_HOST_LINE = re.compile(r"^Host Number: (?P<host>\d+)(?:\s+State: (?P<state>\S+))?")
_LUN_LINE = re.compile(
    r"^scsi(?P<host>\d+) Channel (?P<channel>\d+) Id (?P<id>\d+) Lun: (?P<lun>\d+)"
)
_DISK_LINE = re.compile(r"^Attached scsi disk (?P<device>\S+)(?:\s+State: (?P<state>\S+))?")
_PROMPT = re.compile(
    r"^\s*(?:[\w.-]+@)?(?P<host>[A-Za-z0-9][\w.-]*):\S*\s*[#$>]\s*(?:sudo\s+)?iscsiadm\b"
)
_VERSION = re.compile(r"^version (?P<version>\S+)\s*$")
@dataclass(frozen=True, slots=True)
class ScsiDevice:
    """One attached disk: ``sdb`` at SCSI address ``7:0:0:1``, state ``running``."""

    device: str
    hctl: str | None
    state: str | None


@dataclass(frozen=True, slots=True)
class IscsiSession:
    """One iSCSI session as ``iscsiadm`` lists it.

    ``devices`` is ``None`` when the listing does not show the device section (P0 output,
    a cut-off paste) and ``()`` when it shows a session with no disk attached.
    """

    sid: int
    target: str | None
    portal: str | None
    transport: str | None = None
    iface_initiatorname: str | None = None
    iface_ipaddress: str | None = None
    connection_state: str | None = None
    session_state: str | None = None
    internal_state: str | None = None
    recovery_timeout: int | None = None
    host_number: int | None = None
    devices: tuple[ScsiDevice, ...] | None = None

    @property
    def volume(self) -> str | None:
        """The Longhorn volume this session serves, from its IQN."""
        return longhorn_volume_from_iqn(self.target)

    @property
    def logged_in(self) -> bool | None:
        """Whether both the connection and the session are logged in (``None``: not shown)."""
        if self.connection_state is None and self.session_state is None:
            return None
        states = {self.connection_state, self.session_state} - {None}
        return all(s is not None and s.replace("_", " ") == "LOGGED IN" for s in states)


@dataclass(frozen=True, slots=True)
class MappingRow:
    """One attached disk and the session that carries it (the reader's flat table)."""

    device: str
    target: str | None
    sid: int
    hctl: str | None


@dataclass(frozen=True, slots=True)
class SessionMap:
    """All sessions of one listing, with lookups by session id and by disk."""

    sessions: tuple[IscsiSession, ...]
    file: str | None = None
    host: str | None = None
    version: str | None = None
    _by_sid: dict[int, IscsiSession] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _by_disk: dict[str, IscsiSession] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for s in self.sessions:
            self._by_sid.setdefault(s.sid, s)
            for d in s.devices or ():
                self._by_disk.setdefault(base_disk(d.device), s)

    def by_sid(self, sid: int) -> IscsiSession | None:
        return self._by_sid.get(sid)

    def by_scsi_host(self, number: int) -> IscsiSession | None:
        """The session on SCSI host ``number`` (``sd 6:0:0:1`` and ``scsi host6`` name host 6)."""
        for s in self.sessions:
            if s.host_number == number or any(
                d.hctl and d.hctl.split(":", 1)[0] == str(number) for d in s.devices or ()
            ):
                return s
        return None

    def device_at(self, hctl: str) -> ScsiDevice | None:
        """The attached disk at SCSI address ``hctl`` (``6:0:0:1``), if the listing shows it."""
        return next((d for s in self.sessions for d in s.devices or () if d.hctl == hctl), None)

    def by_device(self, device: str) -> IscsiSession | None:
        """The session of a disk or of one of its partitions (``sdo16`` → ``sdo``)."""
        return self._by_disk.get(base_disk(device))

    def by_portal(self, portal: str) -> IscsiSession | None:
        """The one session to the portal ``ip:port`` (or ``ip``); ``None`` when none or several.

        A login failure (``connect to 127.0.0.1:3260 failed``) names only the portal; it
        points at a volume only when the listing has a single session there.
        """
        with_port = portal.startswith("[") or portal.count(":") == 1

        def same(listed: str) -> bool:
            address = _portal_address(listed)
            return address == portal if with_port else address.rpartition(":")[0].strip("[]") == portal

        found = [s for s in self.sessions if s.portal is not None and same(s.portal)]
        return found[0] if len(found) == 1 else None

    def mapping(self) -> tuple[MappingRow, ...]:
        """One row per attached disk, in listing order."""
        return tuple(
            MappingRow(device=d.device, target=s.target, sid=s.sid, hctl=d.hctl)
            for s in self.sessions
            for d in s.devices or ()
        )


def _portal_address(listing_portal: str) -> str:
    """``ip:port`` of a listing's ``ip:port,tpgt`` (``127.0.0.1:3260,1`` -> ``127.0.0.1:3260``)."""
    head, sep, tpgt = listing_portal.rpartition(",")
    return head if sep and tpgt.isdigit() else listing_portal


class _Builder:
    """Accumulates one P3 session; iscsiadm prints the portal before the SID."""

    def __init__(self, target: str | None) -> None:
        self.target = target
        self.values: dict[str, str] = {}
        self.portal: str | None = None
        self.host_number: int | None = None
        self.devices: list[ScsiDevice] | None = None
        self.device_section = False
        self.lun: str | None = None

    def build(self, *, complete: bool) -> IscsiSession | None:
        sid = self.values.get("SID")
        if sid is None or not sid.isdigit():
            return None
        devices: tuple[ScsiDevice, ...] | None = None
        if self.devices is not None:
            devices = tuple(self.devices)
        elif self.device_section and complete:
            devices = ()
        timeout = self.values.get("Recovery Timeout")
        return IscsiSession(
            sid=int(sid),
            target=self.target,
            portal=self.portal,
            transport=self.values.get("Iface Transport"),
            iface_initiatorname=self.values.get("Iface Initiatorname"),
            iface_ipaddress=self.values.get("Iface IPaddress"),
            connection_state=self.values.get("iSCSI Connection State"),
            session_state=self.values.get("iSCSI Session State"),
            internal_state=self.values.get("Internal iscsid Session State"),
            recovery_timeout=int(timeout) if timeout and timeout.lstrip("-").isdigit() else None,
            host_number=self.host_number,
            devices=devices,
        )


_KNOWN_KEYS = frozenset(
    {
        "SID",
        "Iface Transport",
        "Iface Initiatorname",
        "Iface IPaddress",
        "iSCSI Connection State",
        "iSCSI Session State",
        "Internal iscsid Session State",
        "Recovery Timeout",
    }
)


def parse_iscsiadm(text: str, *, file: str = "<iscsiadm>") -> SessionMap:
    """Parse ``iscsiadm -m session`` output (P0 or ``-P 1..3``) into a :class:`SessionMap`.

    Raises :class:`InputError` when the text holds no session listing at all (and is not
    iscsiadm's ``No active sessions``).
    """
    sessions: list[IscsiSession] = []
    host: str | None = None
    version: str | None = None
    target: str | None = None
    current: _Builder | None = None
    recognized = False

    def flush(*, complete: bool) -> None:
        nonlocal current
        if current is not None:
            built = current.build(complete=complete)
            if built is not None:
                sessions.append(built)
        current = None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := _PROMPT.match(raw):
            host = host or m.group("host")
            continue
        if "No active sessions" in line:
            recognized = True
            continue
        if m := _P0.match(line):
            flush(complete=True)
            sessions.append(
                IscsiSession(
                    sid=int(m.group("sid")),
                    target=m.group("target"),
                    portal=m.group("portal"),
                    transport=m.group("transport"),
                )
            )
            recognized = True
            continue
        if m := _VERSION.match(line):
            version = m.group("version")
            continue
        if m := _TARGET.match(line):
            flush(complete=True)
            target = m.group("target")
            recognized = True
            continue
        if line.startswith("Current Portal:"):
            flush(complete=True)
            current = _Builder(target)
            current.portal = line.split(":", 1)[1].strip() or None
            recognized = True
            continue
        if current is None and line.startswith(("SID:", "Iface Name:")):
            current = _Builder(target)
        if current is None:
            continue
        if line.startswith("SID:") and "SID" in current.values:
            # A second SID without a new portal line: a new session of the same target.
            flush(complete=True)
            current = _Builder(target)
        if line.startswith("Attached SCSI devices:"):
            current.device_section = True
            continue
        if m := _HOST_LINE.match(line):
            current.host_number = int(m.group("host"))
            current.device_section = True
            if current.devices is None:
                current.devices = []
            continue
        if m := _LUN_LINE.match(line):
            current.lun = ":".join(
                str(int(m.group(g))) for g in ("host", "channel", "id", "lun")
            )
            if current.devices is None:
                current.devices = []
            continue
        if m := _DISK_LINE.match(line):
            if current.devices is None:
                current.devices = []
            current.devices.append(
                ScsiDevice(device=m.group("device"), hctl=current.lun, state=m.group("state"))
            )
            continue
        if m := _KEY_VALUE.match(line):
            key = m.group("key")
            if key in _KNOWN_KEYS:
                current.values.setdefault(key, m.group("value"))
                recognized = True
    flush(complete=False)

    if not recognized:
        raise InputError(
            "no iSCSI session listing found",
            file=file,
            where="line 1",
            expected="the output of 'iscsiadm -m session -P 3' (or 'iscsiadm -m session')",
        )
    return SessionMap(sessions=tuple(sessions), file=file, host=host, version=version)


def read_iscsiadm(path: Path) -> SessionMap:
    """Read a saved ``iscsiadm -m session`` listing; bad files raise :class:`InputError`."""
    name = str(path)
    try:
        data = read_regular(path, limit=_MAX_BYTES)
    except OSError as exc:
        raise input_error(exc, name, expected="the text output of 'iscsiadm -m session -P 3'") from None
    if b"\x00" in data:
        line_no = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError(
            "the iscsiadm listing holds binary data (a NUL byte)",
            file=name,
            where=f"line {line_no}",
            expected="the text output of 'iscsiadm -m session -P 3'",
        )
    return parse_iscsiadm(data.decode("utf-8", errors="replace"), file=name)
