"""Value types with their units: sizes as Kubernetes quantities, durations, and names.

Sizes are written the Kubernetes way (``40Gi``, ``512Mi``, ``1T``, plain bytes). ``40GB``
is not a Kubernetes quantity; it is refused with the two spellings it could have meant,
because Longhorn and Harvester would refuse it too (or worse, read it differently).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from harvester_iac.core._errors import SizeError

__all__ = [
    "Duration",
    "Size",
    "clean_path",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_qualified_name",
]

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
_QUANTITY = re.compile(r"^(?P<num>[0-9]+(?:\.[0-9]+)?)(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
_NEAR_MISS = re.compile(r"^(?P<num>[0-9]+(?:\.[0-9]+)?)\s*(?P<suffix>[A-Za-z]+)$")


@dataclass(frozen=True, order=True)
class Size:
    """A storage or memory size in bytes, remembering how it was written."""

    bytes: int
    text: str = ""

    def __post_init__(self) -> None:
        if self.bytes < 0:
            raise SizeError(f"a size cannot be negative ({self.bytes})")
        if not self.text:
            object.__setattr__(self, "text", _canonical(self.bytes))

    @classmethod
    def parse(cls, value: str | int) -> Size:
        """Read ``40Gi``, ``1.5Ti``, ``500M`` or a byte count; raise ``SizeError``."""
        if isinstance(value, bool):
            raise SizeError(f"expected a size such as 40Gi, found {value!r}")
        if isinstance(value, int):
            return cls(value, str(value))
        text = str(value).strip()
        m = _QUANTITY.match(text)
        if m is None:
            raise SizeError(
                f'expected a Kubernetes quantity such as "40Gi", found "{value}"',
                _suggest(text),
            )
        try:
            number = Decimal(m.group("num"))
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
            raise SizeError(f'"{value}" is not a number') from exc
        suffix = m.group("suffix") or ""
        factor = _BINARY.get(suffix) or _DECIMAL.get(suffix) or 1
        total = number * factor
        if total != total.to_integral_value():
            raise SizeError(f'"{value}" is not a whole number of bytes')
        return cls(int(total), text)

    @classmethod
    def gibibytes(cls, n: int | float) -> Size:
        return cls.parse(f"{n}Gi")

    @classmethod
    def mebibytes(cls, n: int | float) -> Size:
        return cls.parse(f"{n}Mi")

    @property
    def gib(self) -> float:
        return self.bytes / 2**30

    def __str__(self) -> str:
        return self.text


def _canonical(n: int) -> str:
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = _BINARY[suffix]
        if n and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def _suggest(text: str) -> str | None:
    m = _NEAR_MISS.match(text)
    if not m:
        return None
    num, suffix = m.group("num"), m.group("suffix")
    letter = suffix[0].upper()
    if letter == "K":
        letter = "K"
    if suffix.lower() in {"b", "bytes"}:
        return f'write plain bytes "{num}"'
    if letter in "KMGTPE":
        dec = "k" if letter == "K" else letter
        return f'did you mean "{num}{letter}i" (binary, as Longhorn and Harvester use) or "{num}{dec}"?'
    return None


_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")


def is_dns1123_label(name: str) -> bool:
    """RFC 1123 label as Kubernetes checks it: lower-case alphanumerics and '-', max 63."""
    return len(name) <= 63 and bool(_LABEL.match(name))


def is_dns1123_subdomain(name: str) -> bool:
    """RFC 1123 subdomain (Kubernetes object names): dot-separated labels, max 253."""
    return 0 < len(name) <= 253 and all(_LABEL.match(part) for part in name.split("."))


def is_qualified_name(tag: str) -> bool:
    """Kubernetes qualified name (``[prefix/]name``), the syntax Longhorn requires for tags."""
    prefix, _, name = tag.rpartition("/")
    if prefix and not is_dns1123_subdomain(prefix):
        return False
    return 0 < len(name) <= 63 and bool(_QUALIFIED_NAME.match(name))


def clean_path(path: str) -> str:
    """A disk path as Longhorn compares them (``filepath.Clean``)."""
    return posixpath.normpath(path) if path else path


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ns|us|µs|μs|ms|s|m|h|d|w)")
_UNIT_MS = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "μs": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4,
            "h": 3.6e6, "d": 8.64e7, "w": 6.048e8}


@dataclass(frozen=True, order=True)
class Duration:
    """A span of time in milliseconds, remembering how it was written.

    Reads Go's durations as etcd writes them (``412.5ms``, ``600µs``, ``1m2.5s``) and the
    ones people type (``90s``, ``24h``, ``7d``, ``1w``, ``1h30m``): one number and unit after
    another, ``0`` alone meaning none.
    """

    ms: float
    text: str = field(default="", compare=False)

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read a duration; raise ``ValueError`` for anything else."""
        s = text.strip()
        if s == "0":
            return cls(0.0, s)
        parts = _DURATION_PART.findall(s)
        if not parts or _DURATION_PART.sub("", s).strip():
            raise ValueError(f'"{text}" is not a duration such as 90s, 15m, 24h, 7d or 412.5ms')
        return cls(round(sum(float(n) * _UNIT_MS[u] for n, u in parts), 6), s)

    @property
    def timedelta(self) -> timedelta:
        return timedelta(milliseconds=self.ms)

    def __str__(self) -> str:
        return self.text or f"{self.ms:g}ms"
