"""The lab's own labels for its collected logs: which line is which event kind.

An oracle independent of ``harvester_iac.observe``: a short table of the fixed wordings
that *this* kernel (Debian 6.1), open-iscsi 2.1.8 and etcd 3.4 write, as seen in the lab's
runs, searched as plain regexes on the whole line (no envelope parsing). Its kinds are the
ones of reference/log-samples/README.md. The checks compare ``harvester-iac observe`` with
these labels line by line, so a wording the detector misses (or a look-alike it takes)
shows up as a difference. The labels of the committed fixtures (examples/lab/) were made
with this table and read by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["ETCD_KINDS", "WORDINGS", "label_file", "label_line"]

# kind -> the wordings that count (a line matching none of them is "none").
WORDINGS: dict[str, tuple[str, ...]] = {
    "nop_timeout": (
        r"\bconnection\d+:\d+: ping timeout of \d+ secs expired",
        r"\bconnection\d+:\d+: detected conn error \(1022\)",
        r"\bKernel reported iSCSI connection \d+:\d+ error \(1022\b",
    ),
    "conn_error": (
        r"\bconnection\d+:\d+: detected conn error \((?!1022\))\d+\)",
        r"\bKernel reported iSCSI connection \d+:\d+ error \((?!1022\b)\d+",
    ),
    "session_recovered": (r"\bconnection\d+:\d+ is operational after recovery \(\d+ attempts\)",),
    "session_up": (r"\bConnection\d+:\d+ to \[target: .*\] is operational now",),
    "target_shutdown": (r"\bConnection\d+:\d+ to \[target: .*\] is shutdown\.",),
    "session_timeout": (r"\bsession\d+: session recovery timed out after \d+ secs",),
    "login_error": (
        r"\blogin rejected\b",
        r"\bcannot make a? ?connection to\b",
        r"\bconnect to \S+ (?:failed|timed out)",
    ),
    "io_error": (r"\b(?:I/O|critical medium) error, dev \w+, sector \d+",),
    "buffer_io_error": (r"\bBuffer I/O error on dev(?:ice)? \w+, logical block \d+",),
    "scsi_failed": (r"\bFAILED Result: hostbyte=",),
    "scsi_offline": (r"\brejecting I/O to offline device", r"\bDevice offlined - not ready after error recovery"),
    "fs_error": (
        r"\bEXT4-fs error \(device \w+\)",
        r"\bAborting journal on device \S+-\d+\.",
        r"\bEXT4-fs \(\w+\): Remounting filesystem read-only",
    ),
}
# etcd zap JSON: the message decides (never the level).
ETCD_KINDS: dict[str, str] = {
    "apply request took too long": "etcd_slow_apply",
    "slow fdatasync": "etcd_slow_fdatasync",
    "failed to publish local member to cluster through raft": "etcd_publish_timeout",
    "waiting for ReadIndex response took too long, retrying": "etcd_read_index_slow",
    "timed out waiting for read index response": "etcd_read_index_slow",
    "timed out waiting for read index response (local node might have slow network)": "etcd_read_index_slow",
    "leader failed to send out heartbeat on time; took too long, leader is overloaded likely from slow disk":
        "etcd_heartbeat_slow",
}
_COMPILED = [(kind, re.compile(w)) for kind, ws in WORDINGS.items() for w in ws]


def label_line(line: str) -> str:
    """The event kind of one collected line, or ``"none"``."""
    text = line.strip()
    if text.startswith("{"):
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if isinstance(record, dict):
            return ETCD_KINDS.get(str(record.get("msg", "")), "none")
    for kind, rx in _COMPILED:
        if rx.search(text):
            return kind
    return "none"


def label_file(path: Path) -> list[dict[str, object]]:
    """One label per physical line: ``{"line", "kind"}`` (the log-samples sidecar shape)."""
    lines = path.read_text(errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [{"line": n, "kind": label_line(text)} for n, text in enumerate(lines, 1)]
