"""The vendored log samples and their labels (tests/fixtures/log-samples, see PROVENANCE.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harvester_iac.observe.logs._event import Event
from harvester_iac.observe.logs._scan import ScanOptions, scan_logs

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "log-samples"
#: Label keys that name a field of the event (``line``, ``source``, ``note`` do not).
FIELD_KEYS = ("device", "hctl", "iqn", "connection", "session", "portal")


@dataclass(frozen=True)
class Label:
    file: str
    line: int
    text: str
    kind: str
    fields: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.kind}"


def log_files() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if (p.parent / f"{p.name}.labels.json").exists())


def listing_files() -> list[Path]:
    return sorted(SAMPLES.glob("iscsiadm-*.txt"))


def labels() -> list[Label]:
    out: list[Label] = []
    for path in log_files():
        lines = path.read_text(encoding="utf-8").split("\n")
        assert lines[-1] == "", f"{path.name} must end with a newline"
        entries = json.loads((path.parent / f"{path.name}.labels.json").read_text())
        assert len(entries) == len(lines) - 1, f"{path.name}: one label per physical line"
        for entry, text in zip(entries, lines, strict=False):
            fields = tuple((k, str(entry[k])) for k in FIELD_KEYS if k in entry)
            out.append(Label(path.name, entry["line"], text, entry["kind"], fields))
    return out


@cache
def events_by_line(name: str) -> dict[int, list[Event]]:
    """Events of one sample file scanned through the public ``scan_logs``."""
    result = scan_logs([SAMPLES / name], ScanOptions(tz="UTC", jobs=1))
    out: dict[int, list[Event]] = {}
    for event in result.events:
        out.setdefault(event.line, []).append(event)
    return out
